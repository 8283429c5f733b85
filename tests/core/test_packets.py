import sqlite3
from pathlib import Path

import pytest

from r2pcoder.cli import main
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import Cancelled, ProjectError, UnknownEntity
from r2pcoder.merge import merge_packets
from r2pcoder.packets import (
    PacketOptions,
    assign_documents,
    create_packets,
    recorded_assignment,
)

DOCS = [f"doc-{i:02d}" for i in range(10)]


def test_assignment_is_reproducible_from_the_seed() -> None:
    first = assign_documents(DOCS, ["a", "b"], overlap=0.2, seed=7)
    again = assign_documents(list(reversed(DOCS)), ["a", "b"], overlap=0.2, seed=7)
    assert first == again


def test_other_seed_gives_another_assignment() -> None:
    seeds = {assign_documents(DOCS, ["a", "b"], overlap=0.2, seed=s)["a"] for s in range(5)}
    assert len(seeds) > 1


def test_split_shares_the_rest_and_everyone_gets_the_overlap() -> None:
    shares = assign_documents(DOCS, ["a", "b", "c"], overlap=0.2, seed=1)
    assert len(shares["a"].overlap) == 2
    assert shares["a"].overlap == shares["b"].overlap == shares["c"].overlap
    owns = [set(shares[c].own) for c in "abc"]
    assert sorted(len(o) for o in owns) == [2, 3, 3]
    assert owns[0] | owns[1] | owns[2] | set(shares["a"].overlap) == set(DOCS)
    assert sum(len(o) for o in owns) == len(set().union(*owns))


def test_without_split_every_coder_gets_every_document() -> None:
    shares = assign_documents(DOCS, ["a", "b"], overlap=0.0, split=False)
    assert set(shares["a"].all) == set(shares["b"].all) == set(DOCS)


def test_lead_may_choose_the_overlap_sample() -> None:
    shares = assign_documents(DOCS, ["a", "b"], overlap=["doc-03", "doc-07"], seed=0)
    assert set(shares["a"].overlap) == {"doc-03", "doc-07"}
    assert "doc-03" not in shares["a"].own + shares["b"].own


def test_unknown_overlap_document_and_bad_fraction_are_refused() -> None:
    with pytest.raises(UnknownEntity):
        assign_documents(DOCS, ["a"], overlap=["nope"])
    with pytest.raises(ProjectError):
        assign_documents(DOCS, ["a"], overlap=1.5)


def test_packet_keeps_the_masters_identities(project: Project, tmp_path: Path) -> None:
    report = create_packets(project, PacketOptions(coders=("Ana",), out_dir=tmp_path / "out"))
    spec = report.packets[0]
    ana = project.coders.find("Ana")
    with Project(spec.path) as packet:
        assert packet.info.uuid == project.info.uuid
        assert packet.info.role == "packet"
        assert packet.info.packet_coder_uuid == ana.uuid
        assert packet.coders.find("Ana").uuid == ana.uuid
        master_docs = {(d.uuid, d.sha256) for d in project.documents.list()}
        assert {(d.uuid, d.sha256) for d in packet.documents.list()} == master_docs
        themes = {t.uuid for t in project.codebook.themes()}
        assert {t.uuid for t in packet.codebook.themes()} == themes
        assert packet.info.codebook_id == "tiny"


def test_split_packets_hold_only_their_documents_and_the_master_records_it(
    project: Project, tmp_path: Path
) -> None:
    options = PacketOptions(coders=("Ana", "Ben"), out_dir=tmp_path, overlap=0.34, seed=3)
    report = create_packets(project, options)
    held = []
    for spec in report.packets:
        with Project(spec.path) as packet:
            held.append({d.uuid for d in packet.documents.list()})
        assert len(spec.overlap) == 1
    assert held[0] & held[1] == set(report.packets[0].overlap)
    assert held[0] | held[1] == {d.uuid for d in project.documents.list()}
    with project.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT count(*), sum(overlap), min(seed) FROM packet_assignments"
        ).one()
    assert tuple(rows) == (4, 2, 3)


def test_blind_packet_hides_other_coders_work(project: Project, tmp_path: Path) -> None:
    ana, ben = project.coders.find("Ana"), project.coders.find("Ben")
    doc = project.documents.list()[0]
    theme = project.codebook.themes()[0]
    project.codings.apply(CodingRequest(doc.id, ana.id, theme.id, 0, 4))
    project.codings.apply(CodingRequest(doc.id, ben.id, theme.id, 2, 6))
    blind = create_packets(project, PacketOptions(("Ana",), tmp_path / "b", blind=True))
    open_ = create_packets(project, PacketOptions(("Ana",), tmp_path / "o", discard_unmerged=True))
    with Project(blind.packets[0].path) as packet:
        assert packet.info.blind
        assert [c.name for c in packet.coders.list()] == ["Ana"]
        assert packet.codings.count() == 1
    with Project(open_.packets[0].path) as packet:
        assert packet.codings.count() == 2
    assert open_.packets[0].issue == 2


def test_unknown_coder_name_is_added_to_the_master(project: Project, tmp_path: Path) -> None:
    report = create_packets(project, PacketOptions(("Cy",), tmp_path))
    assert report.added_coders == ("Cy",)
    assert project.coders.find("Cy").uuid == report.packets[0].coder_uuid


def test_existing_packet_file_is_not_overwritten(project: Project, tmp_path: Path) -> None:
    (tmp_path / "project-ana.r2p").write_bytes(b"keep me")
    with pytest.raises(ProjectError, match="already exists"):
        create_packets(project, PacketOptions(("Ana",), tmp_path))
    assert (tmp_path / "project-ana.r2p").read_bytes() == b"keep me"


def test_packets_are_made_from_a_master_only(project: Project, tmp_path: Path) -> None:
    spec = create_packets(project, PacketOptions(("Ana",), tmp_path / "p")).packets[0]
    with Project(spec.path) as packet, pytest.raises(ProjectError, match="is a packet"):
        create_packets(packet, PacketOptions(("Ana",), tmp_path / "q"))


def test_every_write_of_the_coder_counts_a_revision(project: Project, tmp_path: Path) -> None:
    spec = create_packets(project, PacketOptions(("Ana",), tmp_path)).packets[0]
    with Project(spec.path) as packet:
        ana = packet.coders.find("Ana")
        doc = packet.documents.list()[0]
        theme = packet.codebook.themes()[0]
        coding = packet.codings.apply(CodingRequest(doc.id, ana.id, theme.id, 0, 4))
        packet.codings.discard(coding.uuid)
        packet.documents.set_done(doc.id, ana.id)
    conn = sqlite3.connect(spec.path)
    assert conn.execute("SELECT issue, revision FROM packet_state").fetchone() == (1, 3)
    conn.close()


def test_recorded_assignment_reads_back_what_was_made(project: Project, tmp_path: Path) -> None:
    options = PacketOptions(coders=("Ana", "Ben"), out_dir=tmp_path, overlap=0.34, seed=3)
    report = create_packets(project, options)
    recorded = recorded_assignment(project)
    for spec in report.packets:
        assert set(recorded[spec.coder_uuid].own) == set(spec.documents)
        assert recorded[spec.coder_uuid].overlap == spec.overlap


def _master_rows(project: Project) -> dict[str, list[tuple[object, ...]]]:
    with project.engine.connect() as conn:
        return {
            table: sorted(conn.exec_driver_sql(f"SELECT * FROM {table}").all(), key=repr)
            for table in ("coders", "packet_issues", "packet_assignments")
        }


def test_non_latin_names_give_distinct_files_that_keep_their_letters(
    project: Project, tmp_path: Path
) -> None:
    report = create_packets(project, PacketOptions(("Зоя", "李", "Zoë Ångström"), tmp_path))
    assert [p.path.name for p in report.packets] == [
        "project-зоя.r2p",
        "project-李.r2p",
        "project-zoë-ångström.r2p",
    ]
    assert report.added_coders == ("Зоя", "李", "Zoë Ångström")
    for spec in report.packets:
        with Project(spec.path) as packet:
            assert packet.coders.find(spec.coder_name).uuid == spec.coder_uuid


def test_names_giving_one_file_name_get_a_short_id_each(project: Project, tmp_path: Path) -> None:
    report = create_packets(project, PacketOptions(("Ana Lima", "ana-lima", "???"), tmp_path))
    names = [p.path.name for p in report.packets]
    assert names == [
        f"project-ana-lima-{report.packets[0].coder_uuid[:8]}.r2p",
        f"project-ana-lima-{report.packets[1].coder_uuid[:8]}.r2p",
        f"project-coder-{report.packets[2].coder_uuid[:8]}.r2p",
    ]


def test_a_failed_run_leaves_the_master_as_it_was(project: Project, tmp_path: Path) -> None:
    before = _master_rows(project)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(ProjectError, match="cannot be made"):
        create_packets(project, PacketOptions(("Зоя", "李"), blocker / "packets"))
    calls: list[int] = []

    def after_one_packet() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        create_packets(
            project, PacketOptions(("Зоя", "李"), tmp_path / "out"), cancelled=after_one_packet
        )
    assert _master_rows(project) == before
    assert list((tmp_path / "out").iterdir()) == []


def test_each_packet_is_recorded_as_issued_with_its_own_uuid(
    project: Project, tmp_path: Path
) -> None:
    report = create_packets(project, PacketOptions(("Ana", "Ben"), tmp_path))
    with project.engine.connect() as conn:
        issued = conn.exec_driver_sql(
            "SELECT packet_uuid, coder_uuid, issue, file_name FROM packet_issues ORDER BY id"
        ).all()
    assert issued == [(p.packet_uuid, p.coder_uuid, 1, p.path.name) for p in report.packets]
    for spec in report.packets:
        packet = sqlite3.connect(spec.path)
        assert packet.execute("SELECT packet_uuid, root FROM packet_state").fetchone() == (
            spec.packet_uuid,
            f"packet:{spec.packet_uuid}",
        )
        packet.close()


def test_a_new_packet_over_one_not_yet_back_needs_the_leads_word(
    project: Project, tmp_path: Path
) -> None:
    create_packets(project, PacketOptions(("Ana", "Ben"), tmp_path / "one"))
    before = _master_rows(project)
    with pytest.raises(
        ProjectError,
        match=r"Ana's packet of issue 1 \(made \d{4}-\d\d-\d\d\) "
        r"has not come back to be merged \(and 1 more\)",
    ):
        create_packets(project, PacketOptions(("Ana", "Ben"), tmp_path / "two"))
    assert _master_rows(project) == before
    report = create_packets(
        project, PacketOptions(("Ana",), tmp_path / "two", discard_unmerged=True)
    )
    assert report.packets[0].issue == 2
    assert (
        "its unmerged work is given up on the statements the new packet holds" in (report.notes[0])
    )


def test_a_new_packet_after_the_earlier_one_was_merged_needs_no_word(
    project: Project, tmp_path: Path
) -> None:
    first = create_packets(project, PacketOptions(("Ana",), tmp_path / "one")).packets[0]
    merge_packets(project, [first.path])
    report = create_packets(project, PacketOptions(("Ana",), tmp_path / "two"))
    assert report.packets[0].issue == 2
    assert "was merged; anything done in it after its last merge is superseded" in report.notes[0]


def test_command_line_refuses_a_new_packet_over_unmerged_work_unless_told(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["packets", "create", str(project_path), "--coders", "Ana", "--out"]
    assert main([*args, str(tmp_path / "one")]) == 0
    capsys.readouterr()
    assert main([*args, str(tmp_path / "two")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "(--discard-unmerged)" in err
    assert main([*args, str(tmp_path / "two"), "--discard-unmerged"]) == 0
