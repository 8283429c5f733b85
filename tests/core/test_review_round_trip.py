"""The team round trip with review: a split corpus with a 25 % overlap, packets, merge, review.

Eight statements (tests/conftest.py's three and five more). Packets for Ana and Ben with
``overlap=0.25``: round(0.25 x 8) = 2 overlap statements both code, the other 6 split 3 and 3.
Each coder codes "prevention" as supports at 0-5 in every statement of their packet, and Ana
also codes "veto" as supports at 0-5 in the overlap statements (Ben does not):

  cells: 6 prevention cells of one coder, 2 prevention cells both agree on,
         2 veto cells awaiting (theme missing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.review_setup import CODER_TABLES, GOLD_TABLES, dump
from tests.core.test_merge import merge

from r2pcoder.cli import main
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.export import TableOptions, export_project, parse_layer
from r2pcoder.export.data import load_export_data
from r2pcoder.layer_guard import LayerLocked
from r2pcoder.metadata import DocumentMeta
from r2pcoder.packets import PacketOptions, create_packets
from r2pcoder.reliability import AgreementSettings
from r2pcoder.review import Decider, QueueFilter
from r2pcoder.review.feedback import agreement_vs_gold

LEAD = Decider("Lena")
EXTRA = [f"Extra statement number {i} on prevention and the veto.\n" for i in range(5)]


def _code(packet: Path, held: set[str], *, veto_on: set[str]) -> None:
    with Project(packet) as p:
        coder = p.coders.find(p.info.packet_coder_uuid or "")
        prevention = p.codebook.theme_by_key("prevention").id
        veto = p.codebook.theme_by_key("veto").id
        supports = p.codebook.stance_by_key("supports").id
        for doc in p.documents.list():
            if doc.uuid not in held:
                continue
            p.codings.apply(CodingRequest(doc.id, coder.id, prevention, 0, 5, supports))
            if doc.uuid in veto_on:
                p.codings.apply(CodingRequest(doc.id, coder.id, veto, 0, 5, supports))


@pytest.fixture
def round_trip(project_path: Path, tmp_path: Path) -> dict[str, object]:
    with Project(project_path) as master:
        for text in EXTRA:
            master.documents.add_text(text, DocumentMeta(title=text[:24]))
        report = create_packets(
            master,
            PacketOptions(coders=("Ana", "Ben"), out_dir=tmp_path / "out", overlap=0.25, seed=7),
        )
    packets = {p.coder_name: p for p in report.packets}
    overlap = set(packets["Ana"].overlap)
    for name, spec in packets.items():
        held = set(spec.documents) | overlap
        _code(spec.path, held, veto_on=overlap if name == "Ana" else set())
    merge(project_path, packets["Ana"].path, packets["Ben"].path)
    return {"packets": packets, "overlap": overlap}


def test_the_split_corpus_has_two_overlap_statements_and_six_of_one_coder(project_path, round_trip):
    packets = round_trip["packets"]
    assert len(round_trip["overlap"]) == 2
    assert {len(p.documents) for p in packets.values()} == {3}
    with Project(project_path) as master:
        status = master.review.status()
    assert (status.statements, status.worked_on) == (8, 8)
    assert (status.single, status.agreed, status.awaiting, status.decided) == (6, 2, 2, 0)


def test_all_and_majority_cover_every_statement_worked_on(project_path, round_trip):
    with Project(project_path) as master:
        for rule in ("all", "majority"):
            data = load_export_data(master, parse_layer(rule))
            prevention = master.codebook.theme_by_key("prevention").id
            assert data.selection.worked == frozenset(d.id for d in master.documents.list())
            assert sum(1 for (_, t) in data.selection.values if t == prevention) == 8


def test_the_final_layer_covers_every_statement_worked_on_and_counts_what_awaits(
    project_path, round_trip
):
    with Project(project_path) as master:
        docs = {d.uuid: d.id for d in master.documents.list()}
        prevention = master.codebook.theme_by_key("prevention").id
        veto = master.codebook.theme_by_key("veto").id
        data = load_export_data(master, parse_layer("final"))
        assert data.selection.worked == frozenset(docs.values())
        assert {d for d, t in data.selection.values if t == prevention} == set(docs.values())
        assert data.selection.cells == {
            "gold": 0,
            "gold absent": 0,
            "reopened": 0,
            "agreed": 2,
            "single coder": 6,
            "awaiting": 2,
        }
        assert "2 cells awaiting adjudication, left out" in data.layer.label()
        ana = master.coders.find("Ana").id
        for uuid in round_trip["overlap"]:
            master.review.accept(docs[uuid], veto, ana, by=LEAD)
        data = load_export_data(master, parse_layer("final"))
    assert data.selection.cells["awaiting"] == 0
    assert data.selection.cells["gold"] == 2
    overlap = {docs[u] for u in round_trip["overlap"]}
    assert {d for d, t in data.selection.values if t == veto} == overlap
    assert len(data.selection.values) == 10


def test_a_whole_adjudication_leaves_the_coder_layers_byte_identical(
    project_path, round_trip, tmp_path
):
    before = dump(project_path, CODER_TABLES)
    with Project(project_path) as master:
        review = master.review
        docs = {d.uuid: d.id for d in master.documents.list()}
        veto = master.codebook.theme_by_key("veto").id
        first, second = sorted(docs[u] for u in round_trip["overlap"])
        review.auto("unanimous", by=LEAD, dry_run=True)
        review.auto("unanimous", by=LEAD)
        change = review.accept(first, veto, master.coders.find("Ana").id, by=LEAD)
        review.undo(change)
        review.redo(change)
        review.mark_absent(second, veto, by=LEAD)
        review.reopen(second, veto)
        review.resolve(second, by=LEAD)
        review.statement(first)
        review.queue(QueueFilter(statuses=("decided", "agreed", "single")))
        export_project(master, parse_layer("final"), "csv", tmp_path / "final", TableOptions())
        export_project(master, parse_layer("gold"), "csv", tmp_path / "gold", TableOptions())
        agreement_vs_gold(master, AgreementSettings(bootstrap_n=0))
        assert review.status().awaiting == 0
    assert dump(project_path, CODER_TABLES) == before


def test_a_merge_after_adjudication_reopens_decided_cells_and_keeps_gold(project_path, round_trip):
    packets = round_trip["packets"]
    overlap = sorted(round_trip["overlap"])
    with Project(project_path) as master:
        docs = {d.uuid: d.id for d in master.documents.list()}
        veto = master.codebook.theme_by_key("veto").id
        ana = master.coders.find("Ana").id
        master.review.accept(docs[overlap[0]], veto, ana, by=LEAD)
        master.review.auto("unanimous", by=LEAD)
    gold_before = dump(project_path, GOLD_TABLES)
    # Ana changes her stance on the decided veto cell and codes one of her own statements again.
    with Project(packets["Ana"].path) as p:
        coder = p.coders.find(p.info.packet_coder_uuid or "")
        opposes = p.codebook.stance_by_key("opposes").id
        target = next(
            c
            for c in p.codings.for_document(p.documents.by_uuid(overlap[0]).id, coder.id)
            if c.theme_id == veto
        )
        p.codings.recode(target.uuid, stance_id=opposes)
        own = p.documents.by_uuid(packets["Ana"].documents[0]).id
        p.codings.apply(CodingRequest(own, coder.id, veto, 1, 4, opposes))
    report = merge(project_path, packets["Ana"].path)
    assert [(c.theme_key, c.coders) for c in report.reopened] == [("veto", ("Ana",))]
    assert "Re-opened 1 decided cell for review (their gold decisions are kept)" in "\n".join(
        report.summary()
    )
    gold_after = dump(project_path, GOLD_TABLES)
    assert gold_after["gold_codings"] == gold_before["gold_codings"]
    strip = [row[:10] for row in gold_before["gold_decisions"]]
    assert [row[:10] for row in gold_after["gold_decisions"]] == strip
    with Project(project_path) as master:
        assert master.review.status().reopened == 1
        (item,) = master.review.queue(QueueFilter(statuses=("reopened",)))
        assert (item.document_uuid, item.theme_key) == (overlap[0], "veto")
        assert item.decision is not None
        assert "changed the codings of Ana" in item.decision.reopened_reason
    # The same packet again changes nothing and re-opens nothing.
    again = merge(project_path, packets["Ana"].path)
    assert again.reopened == ()


def test_a_coders_layer_in_the_master_is_only_changed_by_merges(project_path, round_trip):
    before = dump(project_path, CODER_TABLES)
    with Project(project_path) as master:
        ana = master.coders.find("Ana")
        doc = master.documents.by_uuid(sorted(round_trip["overlap"])[0]).id
        prevention = master.codebook.theme_by_key("prevention").id
        with pytest.raises(
            LayerLocked, match=r"only a merge of those packets changes them.*review"
        ):
            master.codings.apply(CodingRequest(doc, ana.id, prevention, 0, 3))
        coding = next(c for c in master.codings.for_document(doc) if c.coder_id == ana.id)
        for call in (
            lambda: master.codings.discard(coding.uuid),
            lambda: master.codings.recode(coding.uuid, stance_id=None),
            lambda: master.codings.revert(coding),
            lambda: master.documents.set_done(doc, ana.id, False),
            lambda: master.memos.set_document_memo(doc, "my note", ana.id),
        ):
            with pytest.raises(LayerLocked, match="Ana's codings in this master come from Ana's"):
                call()
        # The lead's own notes and a coder without packets stay editable.
        master.memos.set_document_memo(doc, "lead's note")
        lead = master.coders.add("Lena")
        master.codings.apply(CodingRequest(doc, lead.id, prevention, 0, 3))
    after = dump(project_path, CODER_TABLES)
    assert after["codings"] != before["codings"]  # Lena's coding
    ana_rows = [r for r in after["codings"] if r[2] == ana.id]
    assert ana_rows == [r for r in before["codings"] if r[2] == ana.id]


def test_the_command_line_refuses_coding_as_a_coder_with_packets(project_path, round_trip, capsys):
    before = dump(project_path, CODER_TABLES)
    args = [
        "code",
        "add",
        str(project_path),
        "--document",
        "1",
        "--coder",
        "Ben",
        "--theme",
        "veto",
        "--start",
        "0",
        "--end",
        "3",
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Ben's codings in this master come from Ben's packets" in err
    assert "review" in err
    assert dump(project_path, CODER_TABLES) == before
