"""The hand-coded project of the export tests, and tests of reading it (layers, metadata).

Every expected count in the export tests is worked out by hand from this plan.

Statements (from tests/conftest.py, plus one without metadata):
  D1 Ghana, African, 2017      D2 Mexico, Latin American and Caribbean, 2017 (emoji in text)
  D3 Denmark on behalf of the Nordic countries, Western European and Others, 2013
     (members: Denmark; Finland; Iceland; Norway; Sweden)
  D4 no speaker, no group, no date

Codings (theme / stance / passage):
  Ana: D1 prevention supports "Prevention is the best protection."
       D1 veto       supports "We support the ACT Code of Conduct."
       D2 veto       supports "The veto must not block action."
       D3 prevention supports "mediation and good offices prevent atrocities"
       D4 prevention neutral  "Untitled remarks on prevention."
  Ben: D1 prevention supports "Prevention is the best protection" (shorter span)
       D1 veto       neutral  "We support the ACT Code of Conduct."
       D2 veto       supports "The veto must not block action."
       D3 prevention supports "mediation and good offices"
       D3 prevention opposes  "prevent atrocities"     -> Ben is mixed on D3 prevention
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import ExportFailed
from r2pcoder.export.data import UNKNOWN, load_export_data
from r2pcoder.export.layers import (
    MIXED,
    NO_STANCE,
    CoderRef,
    CodingTuple,
    Layer,
    LayerChoice,
    coder_values,
    parse_layer,
    select_codings,
)
from r2pcoder.metadata import DocumentMeta

D4_TEXT = "Untitled remarks on prevention.\n"
NORDIC = ("Denmark", "Finland", "Iceland", "Norway", "Sweden")


@dataclass(frozen=True)
class Coded:
    docs: tuple[int, int, int, int]
    ana: int
    ben: int
    prevention: int
    veto: int
    supports: int
    neutral: int
    opposes: int


def _span(project: Project, doc: int, passage: str) -> tuple[int, int]:
    text = project.documents.get(doc).text
    start = text.index(passage)
    return start, start + len(passage)


def build_coded(project: Project, docs: tuple[int, ...], coders: tuple[int, int]) -> Coded:
    d1, d2, d3 = docs
    summary = next(d for d in project.documents.list() if d.id == d3)
    project.documents.set_meta(
        d3, DocumentMeta(**{**vars(summary.meta), "attributes": {"members": "; ".join(NORDIC)}})
    )
    d4 = project.documents.add_text(D4_TEXT, DocumentMeta(title="Untitled")).id
    cb = project.codebook
    prevention, veto = cb.theme_by_key("prevention").id, cb.theme_by_key("veto").id
    sup, neu, opp = (cb.stance_by_key(k).id for k in ("supports", "neutral", "opposes"))
    ana, ben = coders
    plan = [
        (ana, d1, prevention, sup, "Prevention is the best protection."),
        (ana, d1, veto, sup, "We support the ACT Code of Conduct."),
        (ana, d2, veto, sup, "The veto must not block action."),
        (ana, d3, prevention, sup, "mediation and good offices prevent atrocities"),
        (ana, d4, prevention, neu, "Untitled remarks on prevention."),
        (ben, d1, prevention, sup, "Prevention is the best protection"),
        (ben, d1, veto, neu, "We support the ACT Code of Conduct."),
        (ben, d2, veto, sup, "The veto must not block action."),
        (ben, d3, prevention, sup, "mediation and good offices"),
        (ben, d3, prevention, opp, "prevent atrocities"),
    ]
    for coder, doc, theme, stance, passage in plan:
        start, end = _span(project, doc, passage)
        project.codings.apply(CodingRequest(doc, coder, theme, start, end, stance))
    return Coded((d1, d2, d3, d4), ana, ben, prevention, veto, sup, neu, opp)


@pytest.fixture
def coded(project: Project, ids) -> Coded:
    return build_coded(project, ids.documents, ids.coders)


def test_ana_layer_keeps_every_coding_of_ana_and_none_of_ben(project, coded):
    data = load_export_data(project, parse_layer("Ana"))
    assert {c.coder_id for c in data.selection.codings} == {coded.ana}
    assert len(data.selection.codings) == 5
    d1, d2, d3, d4 = coded.docs
    assert data.selection.values == {
        (d1, coded.prevention): coded.supports,
        (d1, coded.veto): coded.supports,
        (d2, coded.veto): coded.supports,
        (d3, coded.prevention): coded.supports,
        (d4, coded.prevention): coded.neutral,
    }


def test_all_counts_the_coders_who_worked_on_each_statement_and_splits_presence_from_stance(
    project, coded
):
    data = load_export_data(project, parse_layer("all"))
    d1, d2, d3, d4 = coded.docs
    # D1 and D2: both coded the theme; D3: Ana supports, Ben mixed; D4: only Ana worked on it.
    assert data.selection.values == {
        (d1, coded.prevention): coded.supports,
        (d1, coded.veto): MIXED,
        (d2, coded.veto): coded.supports,
        (d3, coded.prevention): MIXED,
        (d4, coded.prevention): coded.neutral,
    }
    kept = sorted((c.document_id, c.theme_id, c.coder_id) for c in data.selection.codings)
    assert kept == sorted(
        [
            (d1, coded.prevention, coded.ana),
            (d1, coded.prevention, coded.ben),
            (d1, coded.veto, coded.ana),
            (d1, coded.veto, coded.ben),
            (d2, coded.veto, coded.ana),
            (d2, coded.veto, coded.ben),
            (d3, coded.prevention, coded.ana),
            (d3, coded.prevention, coded.ben),
            (d3, coded.prevention, coded.ben),
            (d4, coded.prevention, coded.ana),
        ]
    )
    assert data.selection.worked == frozenset(coded.docs)


def test_ben_is_mixed_on_d3_prevention(project, coded):
    data = load_export_data(project, parse_layer("coder:Ben"))
    assert data.selection.values[(coded.docs[2], coded.prevention)] == MIXED
    assert data.stance_name(MIXED) == "mixed stances"


def test_majority_of_three_needs_two_and_keeps_only_the_agreeing_coders(project, coded):
    cy = project.coders.add("Cy").id
    d1 = coded.docs[0]
    text = project.documents.get(d1).text
    start = text.index("We support")
    project.codings.apply(CodingRequest(d1, cy, coded.veto, start, start + 10, coded.neutral))
    data = load_export_data(project, parse_layer("majority"))
    assert (data.layer.needed(3), data.layer.needed(2), data.layer.needed(1)) == (2, 2, 1)
    assert data.selection.values[(d1, coded.veto)] == coded.neutral
    # D1 prevention: Ana and Ben of the three who worked on D1; D2 veto: both of the two who
    # worked on D2 (Cy never saw it); D4: Ana alone worked on it.
    assert data.selection.values[(d1, coded.prevention)] == coded.supports
    assert data.selection.values[(coded.docs[1], coded.veto)] == coded.supports
    assert data.selection.values[(coded.docs[3], coded.prevention)] == coded.neutral
    assert data.selection.agreeing[(d1, coded.veto)] == tuple(sorted((coded.ben, cy)))
    veto_d1 = {
        c.coder_id
        for c in data.selection.codings
        if c.document_id == d1 and c.theme_id == coded.veto
    }
    assert veto_d1 == {coded.ben, cy}


def test_missing_metadata_reads_as_unknown_and_members_are_split(project, coded):
    data = load_export_data(project, parse_layer("Ana"))
    d4 = data.statements[coded.docs[3]]
    assert (d4.value("speaker"), d4.value("regional_group"), d4.year) == (UNKNOWN,) * 3
    assert data.statements[coded.docs[2]].members == NORDIC
    assert data.statements[coded.docs[0]].year == "2017"


def test_a_coder_who_coded_nothing_is_a_clear_error(project, coded):
    project.coders.add("Dee")
    with pytest.raises(ExportFailed, match="Dee coded nothing"):
        load_export_data(project, parse_layer("Dee"))


def test_a_rule_with_no_agreement_is_a_clear_error(project, ids):
    d1 = ids.documents[0]
    ana, ben = ids.coders
    prevention = project.codebook.theme_by_key("prevention").id
    veto = project.codebook.theme_by_key("veto").id
    project.codings.apply(CodingRequest(d1, ana, prevention, 0, 5))
    project.codings.apply(CodingRequest(d1, ben, veto, 0, 5))
    with pytest.raises(ExportFailed, match="agree on no theme"):
        load_export_data(project, parse_layer("all"))


def test_unknown_coder_and_gold_layer_are_refused_in_plain_words(project, coded):
    with pytest.raises(ExportFailed, match=r"no coder 'Zed'.*Ana, Ben"):
        load_export_data(project, parse_layer("Zed"))
    with pytest.raises(ExportFailed, match="gold"):
        load_export_data(project, parse_layer("gold"))
    with pytest.raises(ExportFailed, match="named twice"):
        load_export_data(project, parse_layer("all:Ana,ana"))


def _coding(
    id_: int, doc: int, coder: int, theme: int, stance: int | None, start: int = 0
) -> CodingTuple:
    return CodingTuple(id_, doc, coder, theme, stance, start, start + 5, "")


def test_statement_value_rules_for_one_coder():
    codings = [
        _coding(1, 1, 1, 10, None),
        _coding(2, 1, 1, 10, 7),  # none + a stance -> the stance
        _coding(3, 1, 1, 11, 7),
        _coding(4, 1, 1, 11, 8),  # a tie -> mixed
        _coding(5, 1, 1, 12, None),  # only none -> no stance
        _coding(6, 1, 1, 13, 7),
        _coding(7, 1, 1, 13, 8),
        _coding(8, 1, 1, 13, 8),  # most: 8
        _coding(9, 1, 1, 14, 7),
        _coding(10, 1, 1, 14, 8),
        _coding(11, 1, 1, 14, 9),  # 3-way tie
        _coding(12, 2, 1, 10, 9),  # another statement
    ]
    assert coder_values(codings) == {
        (1, 1, 10): 7,
        (1, 1, 11): MIXED,
        (1, 1, 12): NO_STANCE,
        (1, 1, 13): 8,
        (1, 1, 14): MIXED,
        (1, 2, 10): 9,
    }


def test_kept_codings_follow_the_document_rank_not_the_id():
    layer = Layer("coder", (CoderRef(1, "u1", "Ana"),))
    codings = [
        _coding(1, 1, 1, 10, 7, start=0),
        _coding(2, 2, 1, 10, 7, start=3),
        _coding(3, 2, 1, 10, 7, start=1),
    ]
    in_id_order = select_codings(layer, codings, doc_rank={1: 0, 2: 1}).codings
    assert [c.id for c in in_id_order] == [1, 3, 2]
    reversed_rank = select_codings(layer, codings, doc_rank={1: 1, 2: 0}).codings
    assert [c.id for c in reversed_rank] == [3, 2, 1]


def test_parse_layer_reads_every_spelling():
    assert parse_layer(" Ana ") == LayerChoice("coder", ("Ana",))
    assert parse_layer("coder:all") == LayerChoice("coder", ("all",))
    assert parse_layer("ALL") == LayerChoice("all")
    assert parse_layer("all: Ana , Ben") == LayerChoice("all", ("Ana", "Ben"))
    assert parse_layer("majority:Ana,Ben,Cy") == LayerChoice("majority", ("Ana", "Ben", "Cy"))
    assert parse_layer("Dr: Who") == LayerChoice("coder", ("Dr: Who",))
    with pytest.raises(ExportFailed):
        parse_layer("  ")
    with pytest.raises(ExportFailed):
        parse_layer("coder:Ana,Ben")
