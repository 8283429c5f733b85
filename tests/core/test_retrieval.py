from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import TemplateIds

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import R2pError
from r2pcoder.export.layers import LayerChoice
from r2pcoder.metadata import DocumentMeta
from r2pcoder.retrieval import (
    MISSING,
    NO_STANCE,
    RetrievalQuery,
    passages_tsv,
    retrieve,
    write_passages_csv,
)


def _code(
    project: Project, doc: int, coder: int, theme: str, quote: str, stance: str | None = None
) -> None:
    text = project.documents.get(doc).text
    start = text.index(quote)
    stance_id = project.codebook.stance_by_key(stance).id if stance else None
    theme_id = project.codebook.theme_by_key(theme).id
    project.codings.apply(CodingRequest(doc, coder, theme_id, start, start + len(quote), stance_id))


@pytest.fixture
def coded(project: Project, ids: TemplateIds) -> Project:
    ana, ben = ids.coders
    d0, d1, d2 = ids.documents
    _code(project, d0, ana, "prevention", "Prevention", "supports")
    _code(project, d0, ana, "early_warning", "Early warning", "neutral")
    _code(project, d2, ana, "prevention", "prevent atrocities")
    _code(project, d1, ana, "veto", "veto", "opposes")
    _code(project, d0, ben, "prevention", "Prevention is", "opposes")
    return project


def _theme(project: Project, key: str) -> int:
    return project.codebook.theme_by_key(key).id


def test_one_coders_passages_of_a_theme_in_corpus_order(coded: Project, ids: TemplateIds) -> None:
    query = RetrievalQuery(themes=(_theme(coded, "prevention"),), coders=(ids.coders[0],))
    result = retrieve(coded, query)
    assert [p.quote for p in result.passages] == ["Prevention", "prevent atrocities"]
    first, second = result.passages
    assert (first.title, first.speaker, first.regional_group, first.stance, first.coder) == (
        "Statement of Ghana",
        "Ghana",
        "African",
        "Supports",
        "Ana",
    )
    assert second.speaker == "Denmark (for Nordic countries)"
    assert second.stance == ""
    assert result.statements == 2
    assert result.source == "coder Ana"


def test_quotes_are_code_point_slices_after_an_emoji(coded: Project, ids: TemplateIds) -> None:
    result = retrieve(coded, RetrievalQuery(themes=(_theme(coded, "veto"),)))
    (veto,) = result.passages
    text = coded.documents.get(ids.documents[1]).text
    assert veto.quote == text[veto.start : veto.end] == "veto"
    assert veto.start == text.index("veto")


def test_subthemes_and_several_themes(coded: Project, ids: TemplateIds) -> None:
    ana = (ids.coders[0],)
    prevention, veto = _theme(coded, "prevention"), _theme(coded, "veto")
    with_children = retrieve(coded, RetrievalQuery((prevention,), subthemes=True, coders=ana))
    assert [p.quote for p in with_children.passages] == [
        "Prevention",
        "Early warning",
        "prevent atrocities",
    ]
    both = retrieve(coded, RetrievalQuery((prevention, veto), coders=ana))
    assert [p.quote for p in both.passages] == ["Prevention", "veto", "prevent atrocities"]


def test_filters_by_stance_including_no_stance(coded: Project, ids: TemplateIds) -> None:
    prevention = _theme(coded, "prevention")
    supports = coded.codebook.stance_by_key("supports").id
    opposes = coded.codebook.stance_by_key("opposes").id
    ana = (ids.coders[0],)
    assert [
        p.quote
        for p in retrieve(
            coded, RetrievalQuery((prevention,), stances=frozenset({supports}), coders=ana)
        ).passages
    ] == ["Prevention"]
    assert [
        p.quote
        for p in retrieve(
            coded, RetrievalQuery((prevention,), stances=frozenset({NO_STANCE}), coders=ana)
        ).passages
    ] == ["prevent atrocities"]
    everyone = retrieve(coded, RetrievalQuery((prevention,), stances=frozenset({opposes})))
    assert [(p.coder, p.quote) for p in everyone.passages] == [("Ben", "Prevention is")]


def test_filters_by_metadata_and_missing_values(coded: Project, ids: TemplateIds) -> None:
    prevention = _theme(coded, "prevention")
    doc = coded.documents.add_text("Prevention works.\n", DocumentMeta(title="Anonymous"))
    _code(coded, doc.id, ids.coders[0], "prevention", "Prevention")
    african = retrieve(coded, RetrievalQuery((prevention,), metadata={"regional_group": "African"}))
    assert {p.title for p in african.passages} == {"Statement of Ghana"}
    assert len(african.passages) == 2  # Ana's and Ben's
    missing = retrieve(coded, RetrievalQuery((prevention,), metadata={"regional_group": MISSING}))
    assert [(p.title, p.regional_group) for p in missing.passages] == [("Anonymous", MISSING)]
    year = retrieve(coded, RetrievalQuery((prevention,), metadata={"year": "2013"}))
    assert [p.quote for p in year.passages] == ["prevent atrocities"]


def test_every_coder_when_none_chosen(coded: Project) -> None:
    result = retrieve(coded, RetrievalQuery((_theme(coded, "prevention"),)))
    assert [(p.coder, p.quote) for p in result.passages] == [
        ("Ana", "Prevention"),
        ("Ben", "Prevention is"),
        ("Ana", "prevent atrocities"),
    ]
    assert result.source == "every coder"


def test_layers_of_a_master(coded: Project, ids: TemplateIds) -> None:
    prevention = (_theme(coded, "prevention"),)
    both = LayerChoice(rule="all", coders=("Ana", "Ben"))
    # Ana supports and Ben opposes in Ghana's statement: both coded the theme, so it is present
    # (with mixed stances) and both passages stand behind it. Only Ana worked on the Nordic
    # statement, so her coding there is the layer's.
    first = retrieve(coded, RetrievalQuery(prevention, layer=both))
    assert [(p.coder, p.quote) for p in first.passages] == [
        ("Ana", "Prevention"),
        ("Ben", "Prevention is"),
        ("Ana", "prevent atrocities"),
    ]
    _code(coded, ids.documents[2], ids.coders[1], "prevention", "prevent")
    agreed = retrieve(coded, RetrievalQuery(prevention, layer=both))
    assert [(p.coder, p.quote) for p in agreed.passages] == [
        ("Ana", "Prevention"),
        ("Ben", "Prevention is"),
        ("Ben", "prevent"),
        ("Ana", "prevent atrocities"),
    ]
    assert "all coders who worked on each statement" in agreed.source
    as_text = retrieve(coded, RetrievalQuery(prevention, layer="all:Ana,Ben"))
    assert as_text.passages == agreed.passages
    ben = retrieve(coded, RetrievalQuery(prevention, layer=LayerChoice("coder", ("Ben",))))
    assert [p.quote for p in ben.passages] == ["Prevention is", "prevent"]


def test_refuses_bad_queries(coded: Project) -> None:
    with pytest.raises(R2pError, match="at least one theme"):
        retrieve(coded, RetrievalQuery(()))
    with pytest.raises(R2pError, match="no theme with id 999"):
        retrieve(coded, RetrievalQuery((999,)))
    with pytest.raises(R2pError, match="Unknown filter"):
        retrieve(coded, RetrievalQuery((_theme(coded, "veto"),), metadata={"colour": "red"}))
    with pytest.raises(R2pError, match="no coder 'Zoe'"):
        retrieve(
            coded, RetrievalQuery((_theme(coded, "veto"),), layer=LayerChoice("coder", ("Zoe",)))
        )


def test_copy_and_csv_hold_every_passage(coded: Project, tmp_path: Path) -> None:
    passages = retrieve(coded, RetrievalQuery((_theme(coded, "prevention"),))).passages
    lines = passages_tsv(passages).splitlines()
    assert lines[0].split("\t")[:3] == ["statement", "speaker", "group"]
    assert len(lines) == 4
    folder = tmp_path / "out"
    folder.mkdir()
    out = write_passages_csv(passages, folder / "passages.csv")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[10] for r in rows[1:]] == ["Prevention", "Prevention is", "prevent atrocities"]
    assert [p.name for p in folder.iterdir()] == ["passages.csv"]  # no temporary left
