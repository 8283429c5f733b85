import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEXTS, TINY_CODEBOOK

from r2pcoder.cli import main
from r2pcoder.codebook import parse_codebook
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import Cancelled, MergeRefused
from r2pcoder.merge import PacketsRefused, ProposalDecision, merge_packets
from r2pcoder.metadata import DocumentMeta
from r2pcoder.packets import PacketOptions, create_packets

Span = tuple[int, int, int]

TABLES = {
    "coders": "SELECT uuid, name FROM coders",
    "themes": "SELECT uuid, key, name, retired, proposed_by FROM themes",
    "codings": 'SELECT c.uuid, d.uuid, k.uuid, t.uuid, s.uuid, c.start, c."end", c.memo, '
    "c.created_at, c.modified_at FROM codings c JOIN documents d ON d.id = c.document_id "
    "JOIN coders k ON k.id = c.coder_id JOIN themes t ON t.id = c.theme_id "
    "LEFT JOIN stances s ON s.id = c.stance_id",
    "memos": "SELECT m.uuid, m.text, m.modified_at FROM memos m",
    "marks": "SELECT k.uuid, d.uuid, s.done_at FROM document_status s "
    "JOIN coders k ON k.id = s.coder_id JOIN documents d ON d.id = s.document_id",
    "proposals": "SELECT theme_uuid, status, target_uuid FROM theme_proposals",
    "log": "SELECT file_name, file_sha256, coder_uuid, counts FROM merge_log",
}


def snapshot(path: Path, *, log: bool = True) -> dict[str, list[Any]]:
    conn = sqlite3.connect(path)
    try:
        return {
            name: sorted(conn.execute(sql).fetchall(), key=repr)
            for name, sql in TABLES.items()
            if log or name != "log"
        }
    finally:
        conn.close()


def make_packets(master: Path, out: Path, *coders: str, **options: Any) -> dict[str, Path]:
    with Project(master) as project:
        report = create_packets(
            project, PacketOptions(coders=coders, out_dir=out, split=False, **options)
        )
    return {p.coder_name: p.path for p in report.packets}


def code(packet: Path, *spans: Span, theme: int = 0, stance: str | None = "supports") -> list[str]:
    with Project(packet) as p:
        coder = p.coders.find(p.info.packet_coder_uuid or "")
        docs = sorted(p.documents.list(), key=lambda d: d.title)
        theme_id = p.codebook.themes()[theme].id
        stance_id = None if stance is None else p.codebook.stance_by_key(stance).id
        return [
            p.codings.apply(CodingRequest(docs[i].id, coder.id, theme_id, s, e, stance_id)).uuid
            for i, s, e in spans
        ]


def layer(master: Path, coder: str) -> set[tuple[Any, ...]]:
    rows = snapshot(master)["codings"]
    with Project(master) as project:
        uuid = project.coders.find(coder).uuid
    return {(r[0], r[1], r[3], r[5], r[6]) for r in rows if r[2] == uuid}


def packet_layer(packet: Path) -> set[tuple[Any, ...]]:
    with Project(packet) as p:
        uuid = p.info.packet_coder_uuid
    return {(r[0], r[1], r[3], r[5], r[6]) for r in snapshot(packet)["codings"] if r[2] == uuid}


def merge(master: Path, *packets: Path, **options: Any) -> Any:
    with Project(master) as project:
        return merge_packets(project, list(packets), **options)


def backups(master: Path) -> list[Path]:
    prefix = f"{master.name}.pre-merge-"
    return sorted(
        p for p in master.parent.iterdir() if p.name.startswith(prefix) and p.suffix == ".bak"
    )


def test_merge_makes_each_coders_codings_their_layer(project_path: Path, tmp_path: Path) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    code(packets["Ana"], (0, 0, 5), (1, 3, 9))
    code(packets["Ben"], (0, 1, 6))
    report = merge(project_path, packets["Ana"], packets["Ben"])
    assert [(r.coder_name, r.status, r.counts.added) for r in report.layers] == [
        ("Ana", "merge", 2),
        ("Ben", "merge", 1),
    ]
    assert layer(project_path, "Ana") == packet_layer(packets["Ana"])
    assert layer(project_path, "Ben") == packet_layer(packets["Ben"])
    assert report.backup is not None
    assert backups(project_path) == [Path(report.backup)]


def test_dry_run_reports_and_writes_nothing(project_path: Path, tmp_path: Path) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana")
    code(packets["Ana"], (0, 0, 5))
    before = snapshot(project_path)
    report = merge(project_path, packets["Ana"], dry_run=True)
    assert report.dry_run
    assert report.layers[0].counts.added == 1
    assert "would add 1" in "\n".join(report.summary())
    assert snapshot(project_path) == before
    assert backups(project_path) == []


def test_newer_packet_replaces_the_layer_and_deletions_propagate(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    first, second = code(packet, (0, 0, 5), (1, 0, 4))
    merge(project_path, packet)
    with Project(packet) as p:
        p.codings.discard(first)
        p.codings.recode(second, span=(1, 6))
    code(packet, (2, 0, 3))
    report = merge(project_path, packet)
    counts = report.layers[0].counts
    assert (counts.added, counts.changed, counts.removed) == (1, 1, 1)
    assert layer(project_path, "Ana") == packet_layer(packet)


def test_merging_the_same_packet_twice_changes_nothing(project_path: Path, tmp_path: Path) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5))
    merge(project_path, packet)
    before = snapshot(project_path)
    report = merge(project_path, packet)
    assert [r.status for r in report.layers] == ["unchanged"]
    assert not report.changed
    assert snapshot(project_path) == before
    assert len(backups(project_path)) == 1


def test_older_packet_never_rolls_a_layer_back(project_path: Path, tmp_path: Path) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5))
    old = shutil.copy(packet, tmp_path / "old-copy.r2p")
    code(packet, (1, 0, 5))
    merge(project_path, packet)
    report = merge(project_path, Path(old))
    assert [r.status for r in report.layers] == ["older"]
    assert "newer work of Ana, merged before" in report.layers[0].action
    assert layer(project_path, "Ana") == packet_layer(packet)


def test_newest_copy_wins_within_one_run(project_path: Path, tmp_path: Path) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5))
    old = Path(shutil.copy(packet, tmp_path / "old-copy.r2p"))
    code(packet, (1, 0, 5))
    report = merge(project_path, old, packet)
    assert sorted((r.file_name, r.status) for r in report.layers) == [
        ("old-copy.r2p", "superseded"),
        ("project-ana.r2p", "merge"),
    ]
    assert layer(project_path, "Ana") == packet_layer(packet)


def test_copies_coded_separately_on_different_statements_are_both_merged(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    twin = Path(shutil.copy(packet, tmp_path / "twin.r2p"))
    code(packet, (0, 0, 5))
    code(twin, (1, 0, 5))
    report = merge(project_path, packet, twin)
    assert [r.status for r in report.layers] == ["merge", "merge"]
    assert all("were coded separately" in " ".join(r.notes) for r in report.layers)
    assert layer(project_path, "Ana") == packet_layer(packet) | packet_layer(twin)


def test_one_coder_never_overwrites_another(project_path: Path, tmp_path: Path) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    code(packets["Ben"], (0, 0, 5))
    merge(project_path, packets["Ben"])
    bens = layer(project_path, "Ben")
    (ben_coding,) = bens
    code(packets["Ana"], (0, 0, 5), (0, 2, 8))
    # A forged packet that reuses Ben's coding identity must not take it over.
    conn = sqlite3.connect(packets["Ana"])
    conn.execute(
        "UPDATE codings SET uuid = ? WHERE start = 2 AND coder_id = "
        "(SELECT id FROM coders WHERE name = 'Ana')",
        (ben_coding[0],),
    )
    conn.commit()
    conn.close()
    report = merge(project_path, packets["Ana"])
    assert report.layers[0].counts.added == 1
    assert report.layers[0].counts.not_merged == 1
    assert "sharing their identity" in report.layers[0].notes[0]
    assert layer(project_path, "Ben") == bens


def test_merge_log_records_file_hash_coder_and_counts(project_path: Path, tmp_path: Path) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5), (1, 0, 5))
    report = merge(project_path, packet)
    ((name, sha, coder, counts),) = snapshot(project_path)["log"]
    assert (name, sha) == ("project-ana.r2p", report.layers[0].file_sha256)
    with Project(project_path) as project:
        assert coder == project.coders.find("Ana").uuid
    data = json.loads(counts)
    assert (data["added"], data["removed"], data["revision"]) == (2, 0, 2)


def _rewrite_document(packet: Path, title: str) -> None:
    other = "Other words entirely."
    conn = sqlite3.connect(packet)
    conn.execute(
        "UPDATE documents SET text = ?, sha256 = ? WHERE title = ?",
        (other, hashlib.sha256(other.encode()).hexdigest(), title),
    )
    conn.commit()
    conn.close()


def test_document_with_other_text_is_named_and_its_codings_not_merged(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    kept = code(packet, (0, 0, 5))
    merge(project_path, packet)
    code(packet, (0, 6, 9), (1, 0, 5))
    _rewrite_document(packet, "Statement of Ghana")
    report = merge(project_path, packet)
    (issue,) = report.layers[0].documents
    assert (issue.title, issue.problem, issue.codings) == ("Statement of Ghana", "hash_mismatch", 2)
    assert "not merged" in issue.action
    assert report.layers[0].counts.not_merged == 2
    assert report.layers[0].counts.added == 1
    assert kept[0] in {row[0] for row in layer(project_path, "Ana")}


def test_document_unknown_to_the_master_is_reported(project_path: Path, tmp_path: Path) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    with Project(packet) as p:
        doc = p.documents.add_text("A statement only the coder has.", DocumentMeta(title="Z"))
        ana = p.coders.find("Ana")
        p.codings.apply(CodingRequest(doc.id, ana.id, p.codebook.themes()[0].id, 0, 5))
    report = merge(project_path, packet, dry_run=True)
    (issue,) = report.layers[0].documents
    assert (issue.problem, issue.codings) == ("unknown", 1)
    assert report.layers[0].counts.added == 0


def _other_master(tmp_path: Path, codebook_id: str = "tiny") -> Path:
    path = tmp_path / "other.r2p"
    with Project.create(path) as other:
        other.codebook.load(parse_codebook({**TINY_CODEBOOK, "id": codebook_id}))
        other.coders.add("Dee")
        for text, meta in TEXTS[:2]:
            other.documents.add_text(text, meta)
        other.documents.add_text("Only in the other project.", DocumentMeta(title="Zz"))
    return path


def test_packet_of_another_master_is_refused(project_path: Path, tmp_path: Path) -> None:
    other = _other_master(tmp_path)
    packet = make_packets(other, tmp_path / "out", "Dee")["Dee"]
    before = snapshot(project_path)
    with pytest.raises(PacketsRefused, match="another master project"):
        merge(project_path, packet)
    assert snapshot(project_path) == before
    assert backups(project_path) == []


def test_foreign_import_matches_by_hash_then_uuid_then_name(
    project_path: Path, tmp_path: Path
) -> None:
    other = _other_master(tmp_path, codebook_id="elsewhere")
    packet = make_packets(other, tmp_path / "out", "Dee")["Dee"]
    code(packet, (0, 0, 5), (1, 0, 5), (2, 0, 5))
    report = merge(project_path, packet, foreign=True)
    (dee,) = report.layers
    how = {(m.kind, m.name): m.how for m in dee.matches}
    assert how[("document", "Statement of Ghana")] == "hash"
    assert how[("theme", "Prevention")] == "name"
    assert how[("stance", "Supports")] == "name"
    assert [d.problem for d in dee.documents] == ["unknown"]
    assert (dee.counts.added, dee.counts.not_merged) == (2, 1)
    assert len(layer(project_path, "Dee")) == 2


def _add_packet_theme(packet: Path, key: str, name: str) -> str:
    uuid = f"00000000-0000-4000-8000-{abs(hash(key)) % 10**12:012d}"
    conn = sqlite3.connect(packet)
    conn.execute(
        "INSERT INTO themes (uuid, key, name, description, include, exclude, example, color, "
        "position, retired) VALUES (?, ?, ?, '', '', '', '', '#123456', 99, 0)",
        (uuid, key, name),
    )
    conn.commit()
    conn.close()
    return uuid


def proposal_packet(project_path: Path, tmp_path: Path) -> tuple[Path, str]:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    uuid = _add_packet_theme(packet, "local", "Local idea")
    with Project(packet) as p:
        theme = next(t for t in p.codebook.themes() if t.uuid == uuid)
        doc = sorted(p.documents.list(), key=lambda d: d.title)[0]
        p.codings.apply(CodingRequest(doc.id, p.coders.find("Ana").id, theme.id, 0, 5))
    code(packet, (1, 0, 5))
    return packet, uuid


def _theme(master: Path, uuid: str) -> tuple[Any, ...] | None:
    rows = [r for r in snapshot(master)["themes"] if r[0] == uuid]
    return rows[0] if rows else None


def test_proposed_theme_arrives_pending_with_its_codings(
    project_path: Path, tmp_path: Path
) -> None:
    packet, uuid = proposal_packet(project_path, tmp_path)
    report = merge(project_path, packet)
    (proposal,) = report.layers[0].proposals
    assert (proposal.name, proposal.decision, proposal.codings) == ("Local idea", "pending", 1)
    _, _, name, retired, proposed_by = _theme(project_path, uuid) or ()
    assert (name, retired) == ("Local idea", 1)
    assert proposed_by == report.layers[0].coder_uuid
    assert layer(project_path, "Ana") == packet_layer(packet)
    assert merge(project_path, packet).layers[0].status == "unchanged"


def test_lead_accepts_a_proposed_theme(project_path: Path, tmp_path: Path) -> None:
    packet, uuid = proposal_packet(project_path, tmp_path)
    merge(project_path, packet)
    report = merge(project_path, packet, proposals={"local": ProposalDecision("accept")})
    assert report.layers[0].status == "merge"
    assert (_theme(project_path, uuid) or ())[3] == 0
    assert snapshot(project_path)["proposals"] == [(uuid, "accepted", None)]
    assert merge(project_path, packet).layers[0].status == "unchanged"


def test_lead_maps_a_proposed_theme_onto_an_existing_one(
    project_path: Path, tmp_path: Path
) -> None:
    packet, uuid = proposal_packet(project_path, tmp_path)
    with Project(project_path) as project:
        veto = project.codebook.theme_by_key("veto").uuid
    decision = {uuid: ProposalDecision("map", "veto")}
    report = merge(project_path, packet, proposals=decision)
    assert report.layers[0].proposals[0].target == veto
    themes = {r[3] for r in snapshot(project_path)["codings"]}
    assert veto in themes
    assert uuid not in themes
    assert _theme(project_path, uuid) is None
    again = merge(project_path, packet)
    assert again.layers[0].status == "unchanged"


def test_lead_rejects_a_proposed_theme(project_path: Path, tmp_path: Path) -> None:
    packet, uuid = proposal_packet(project_path, tmp_path)
    merge(project_path, packet)
    report = merge(project_path, packet, proposals={uuid: ProposalDecision("reject")})
    counts = report.layers[0].counts
    assert (counts.removed, counts.not_merged) == (1, 1)
    assert len(layer(project_path, "Ana")) == 1
    assert (_theme(project_path, uuid) or ())[3] == 1


def test_mapping_onto_a_theme_the_master_lacks_is_refused(
    project_path: Path, tmp_path: Path
) -> None:
    packet, uuid = proposal_packet(project_path, tmp_path)
    before = snapshot(project_path)
    with pytest.raises(MergeRefused, match="not a theme of the master"):
        merge(project_path, packet, proposals={uuid: ProposalDecision("map", "nowhere")})
    assert snapshot(project_path) == before


def test_coding_with_a_stance_the_master_lacks_is_held_back(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    conn = sqlite3.connect(packet)
    conn.execute(
        "INSERT INTO stances (uuid, key, name, definition, color, position, retired) "
        "VALUES ('11111111-1111-4111-8111-111111111111', 'odd', 'Odd', '', '#000000', 9, 0)"
    )
    conn.commit()
    conn.close()
    code(packet, (0, 0, 5), stance="odd")
    code(packet, (0, 1, 5))
    report = merge(project_path, packet)
    (issue,) = report.layers[0].codebook
    assert (issue.kind, issue.name) == ("stance", "Odd")
    assert (report.layers[0].counts.added, report.layers[0].counts.not_merged) == (1, 1)


def _truncated(packet: Path, target: Path) -> Path:
    data = packet.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def _newer(packet: Path, target: Path) -> Path:
    shutil.copy(packet, target)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    return target


def _damaged(packet: Path, target: Path) -> Path:
    data = bytearray(packet.read_bytes())
    data[100:4096] = bytes(3996)
    target.write_bytes(bytes(data))
    return target


def _not_a_project(packet: Path, target: Path) -> Path:
    target.write_text("Dear lead, here are my codings.", encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_truncated, "truncated"),
        (_newer, "newer r2pcoder"),
        (_damaged, "damaged"),
        (_not_a_project, "not an r2pcoder project"),
    ],
)
def test_bad_packet_is_refused_and_the_master_untouched(
    project_path: Path, tmp_path: Path, spoil: Any, reason: str
) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    code(packets["Ana"], (0, 0, 5))
    code(packets["Ben"], (0, 0, 5))
    with Project(packets["Ana"]):
        pass
    bad = spoil(packets["Ana"], tmp_path / "bad.r2p")
    before = snapshot(project_path)
    with pytest.raises(PacketsRefused, match=reason) as refused:
        merge(project_path, packets["Ben"], bad)
    assert refused.value.refusals[0].file_name == "bad.r2p"
    assert snapshot(project_path) == before
    assert backups(project_path) == []
    preview = merge(project_path, packets["Ben"], bad, dry_run=True)
    assert [r.file_name for r in preview.refused] == ["bad.r2p"]
    assert [r.status for r in preview.layers] == ["merge"]


def test_cancelled_merge_leaves_the_master_as_it_was(project_path: Path, tmp_path: Path) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    code(packets["Ana"], (0, 0, 5))
    code(packets["Ben"], (0, 0, 5))
    before = snapshot(project_path)
    calls: list[float] = []

    def stop_after_first_layer() -> bool:
        return any(fraction >= 0.5 for fraction in calls)

    with pytest.raises(Cancelled):
        merge(
            project_path, *packets.values(), progress=calls.append, cancelled=stop_after_first_layer
        )
    assert snapshot(project_path) == before
    assert backups(project_path) == []


def test_merging_into_a_packet_is_refused(project_path: Path, tmp_path: Path) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    with pytest.raises(MergeRefused, match="is a packet"):
        merge(packets["Ana"], packets["Ben"])


def test_master_itself_is_refused_as_a_packet(project_path: Path) -> None:
    preview = merge(project_path, project_path, dry_run=True)
    assert [r.reason for r in preview.refused] == ["it is the master itself"]


def test_command_line_round_trip(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [
        "packets",
        "create",
        str(project_path),
        "--coders",
        "Ana",
        "Ben",
        "--overlap",
        "34%",
        "--seed",
        "5",
        "--out",
        str(out),
        "--json",
    ]
    assert main(args) == 0
    made = json.loads(capsys.readouterr().out)
    assert [p["overlap"] for p in made["packets"]] == [1, 1]
    code(out / "project-ana.r2p", (0, 0, 3))
    files = [str(out / "project-ana.r2p"), str(out / "project-ben.r2p")]
    assert main(["merge", str(project_path), *files, "--dry-run", "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["dry_run"] is True
    assert [layer["counts"]["added"] for layer in preview["layers"]] == [1, 0]
    assert main(["merge", str(project_path), *files]) == 0
    assert "Merged." in capsys.readouterr().out
    (tmp_path / "junk.r2p").write_text("junk", encoding="utf-8")
    assert main(["merge", str(project_path), str(tmp_path / "junk.r2p")]) == 1
    assert "Nothing was merged" in capsys.readouterr().err


def test_memos_and_done_marks_follow_the_packet(project_path: Path, tmp_path: Path) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    with Project(packet) as p:
        ana, doc = p.coders.find("Ana"), p.documents.list()[0]
        p.memos.set_document_memo(doc.id, "Hedged support.", ana.id)
        p.documents.set_done(doc.id, ana.id)
    first = merge(project_path, packet).layers[0].counts
    assert (first.memos, first.marks) == (1, 1)
    with Project(project_path) as master:
        ana_id = master.coders.find("Ana").id
        assert master.memos.document_memo(doc.id, ana_id) == "Hedged support."
        assert master.documents.statuses(ana_id)[doc.id][0] == "done"
    with Project(packet) as p:
        p.memos.set_document_memo(doc.id, "", ana.id)
        p.documents.set_done(doc.id, ana.id, done=False)
    merge(project_path, packet)
    with Project(project_path) as master:
        assert master.memos.document_memo(doc.id, ana_id) == ""
        assert master.documents.statuses(ana_id)[doc.id][0] == "not started"


def _drop_document(packet: Path, title: str) -> None:
    conn = sqlite3.connect(packet)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM documents WHERE title = ?", (title,))
    conn.commit()
    conn.close()


def test_each_statement_follows_the_newest_packet_that_holds_it_in_any_order(
    project_path: Path, tmp_path: Path
) -> None:
    first = make_packets(project_path, tmp_path / "issue1", "Ana")["Ana"]
    second = make_packets(project_path, tmp_path / "issue2", "Ana", discard_unmerged=True)["Ana"]
    _drop_document(second, "Statement of Ghana")
    (ghana,) = code(first, (0, 0, 5))
    code(first, (1, 0, 5))
    code(second, (0, 2, 7), (1, 0, 5))
    masters = [Path(shutil.copy(project_path, tmp_path / f"m{i}.r2p")) for i in range(3)]
    merge(masters[0], second)
    late = merge(masters[0], first)
    merge(masters[1], first)
    merge(masters[1], second)
    merge(masters[2], second, first)
    expected = packet_layer(second) | {row for row in packet_layer(first) if row[0] == ghana}
    assert [layer(m, "Ana") for m in masters] == [expected] * 3
    assert late.layers[0].status == "merge"
    assert "left as they are: 2 statements; newer work" in late.layers[0].notes[0]


def test_foreign_master_brings_every_coder_and_merging_again_changes_nothing(
    project_path: Path, tmp_path: Path
) -> None:
    other = _other_master(tmp_path)
    with Project(other) as p:
        eve = p.coders.add("Eve")
        dee = p.coders.find("Dee")
        doc = sorted(p.documents.list(), key=lambda d: d.title)[0]
        theme = p.codebook.themes()[0].id
        for coder in (dee, eve):
            p.codings.apply(CodingRequest(doc.id, coder.id, theme, 0, 5))
    report = merge(project_path, other, foreign=True)
    assert sorted((r.coder_name, r.status, r.counts.added) for r in report.layers) == [
        ("Dee", "merge", 1),
        ("Eve", "merge", 1),
    ]
    assert report.layers[0].stamp.issue == 0
    before = snapshot(project_path)
    again = merge(project_path, other, foreign=True)
    assert [r.status for r in again.layers] == ["unchanged", "unchanged"]
    assert snapshot(project_path) == before


def test_command_line_decides_proposed_themes(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet, _ = proposal_packet(project_path, tmp_path)
    args = ["merge", str(project_path), str(packet), "--json"]
    assert main([*args, "--dry-run"]) == 0
    (proposal,) = json.loads(capsys.readouterr().out)["layers"][0]["proposals"]
    assert (proposal["name"], proposal["decision"]) == ("Local idea", "pending")
    assert main([*args, "--map", "local=veto"]) == 0
    merged = json.loads(capsys.readouterr().out)["layers"][0]["proposals"][0]
    assert merged["decision"] == "map"
    assert snapshot(project_path)["proposals"][0][1] == "mapped"
    assert main(["merge", str(project_path), str(packet), "--map", "local"]) == 1
    assert "--map takes THEME=TARGET" in capsys.readouterr().err
