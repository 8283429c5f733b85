import json
import shutil
import sqlite3
import uuid as uuid_mod
from pathlib import Path

import pytest

from tests.core.test_cli import run
from tests.core.test_merge import code, layer, make_packets, packet_layer

from r2pcoder.db import Project
from r2pcoder.errors import Cancelled
from r2pcoder.merge import MergeReport, PacketsRefused, merge_packets

STAMP = "2026-01-01 00:00:00.000000"


@pytest.fixture
def packets(project_path: Path, tmp_path: Path) -> dict[str, Path]:
    """Ana's packet coded on two statements; Ben's coded there too and merged already."""
    made = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    code(made["Ana"], (0, 0, 5), (1, 0, 5))
    code(made["Ben"], (0, 1, 6), (1, 2, 7))
    with Project(project_path) as project:
        merge_packets(project, [made["Ben"]])
    return made


def spoil(packet: Path, *statements: str) -> Path:
    """Edit a packet as a SQLite browser would: constraints off, its own triggers still on."""
    conn = sqlite3.connect(packet)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        conn.executescript(statement)
    conn.commit()
    conn.close()
    return packet


def files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def refused(capsys: pytest.CaptureFixture[str], master: Path, packet: Path, why: str) -> None:
    """The merge exits 1 with one line naming the file and the reason; the master is as it was."""
    before, beside = master.read_bytes(), files(master.parent)
    code_, out, err = run(capsys, "merge", master, packet)
    assert (code_, out) == (1, "")
    assert err.startswith(f"r2pcoder: {packet.name}: ")
    assert why in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert master.read_bytes() == before
    assert files(master.parent) == beside


def check_master(capsys: pytest.CaptureFixture[str], master: Path) -> None:
    """What the issue saw break after a bad merge: listing, agreement on characters, export."""
    with Project(master) as project:
        assert project.integrity_ok()
    export = ("export", master, "--format", "csv", "--out", master.parent / "export")
    agreement = ("agreement", master, "--unit", "character", "--format", "json")
    for args in (("code", "list", master, "--json"), agreement, export):
        code_, _, err = run(capsys, *args)
        assert code_ == 0, err
        assert "Traceback" not in err


def test_theme_that_is_its_own_parent_is_refused(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = spoil(packets["Ana"], "UPDATE themes SET parent_id = id WHERE key = 'veto'")
    refused(capsys, project_path, bad, "themes form a cycle of parents (veto > veto)")


def test_two_themes_parenting_each_other_are_refused(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = spoil(
        packets["Ana"],
        "UPDATE themes SET parent_id = (SELECT id FROM themes WHERE key = "
        "'early_warning') WHERE key = 'prevention'",
    )
    refused(capsys, project_path, bad, "(prevention > early_warning > prevention)")


def test_theme_with_a_missing_parent_is_refused(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = spoil(packets["Ana"], "UPDATE themes SET parent_id = 999 WHERE key = 'veto'")
    refused(capsys, project_path, bad, "theme 'veto' names a parent the packet does not hold")


def test_two_themes_with_one_key_are_refused_with_every_problem(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = spoil(
        packets["Ana"],
        """
        CREATE TABLE t2 AS SELECT * FROM themes; DROP TABLE themes; ALTER TABLE t2 RENAME TO themes;
        UPDATE themes SET key = 'veto' WHERE key = 'prevention';
        UPDATE themes SET uuid = 'not-a-uuid' WHERE key = 'early_warning';
    """,
    )
    refused(capsys, project_path, bad, "; 1 more problem in it")
    report = _preview(project_path, bad)
    assert set(report.refused[0].problems) == {
        "theme 'early_warning' has no valid identity ('not-a-uuid')",
        "2 themes share the key 'veto'",
    }


def _preview(master: Path, *packets: Path) -> MergeReport:
    with Project(master) as project:
        return merge_packets(project, list(packets), dry_run=True)


def test_packet_claiming_another_coders_name_is_refused(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = spoil(
        packets["Ana"],
        "UPDATE project SET packet_coder_uuid = (SELECT uuid FROM coders WHERE name = 'Ben')",
    )
    refused(
        capsys,
        project_path,
        bad,
        "this master issued it to Ana (issue 1), but it claims to be Ben's packet, issue 1",
    )


def test_packet_with_a_huge_revision_is_refused(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = spoil(
        packets["Ana"],
        "UPDATE project SET packet_coder_uuid = (SELECT uuid FROM coders "
        "WHERE name = 'Ben'); UPDATE packet_state SET revision = 999999999",
    )
    refused(
        capsys,
        project_path,
        bad,
        "its change history does not match its revision counter "
        "(revision 999999999, 2 recorded changes from revision 0)",
    )


def test_packet_the_master_never_issued_is_refused_and_cannot_be_foreign_for_a_known_coder(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = spoil(packets["Ana"], f"UPDATE packet_state SET packet_uuid = '{uuid_mod.uuid4()}'")
    refused(
        capsys,
        project_path,
        bad,
        "it matches no packet this master issued (it claims to be "
        "Ana's packet, issue 1); if it really comes from elsewhere, merge it with --foreign",
    )
    before = project_path.read_bytes()
    code_, _, err = run(capsys, "merge", project_path, bad, "--foreign")
    assert code_ == 1
    assert "it holds work under the name of Ana, to whom this master issued packets" in err
    assert project_path.read_bytes() == before


def test_view_in_place_of_codings_is_refused_without_hanging(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    columns = ", ".join(
        f"x AS {c}"
        for c in (
            "id",
            "uuid",
            "document_id",
            "coder_id",
            "theme_id",
            "stance_id",
            "start",
            '"end"',
            "memo",
            "created_at",
            "modified_at",
        )
    )
    endless = f"WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT {columns}"
    bad = spoil(packets["Ana"], f"DROP TABLE codings; CREATE VIEW codings AS {endless} FROM r;")
    refused(capsys, project_path, bad, "its table 'codings' is a view, not a table")
    code_, _, err = run(capsys, "merge", project_path, bad, "--dry-run")
    assert code_ == 4
    assert "Traceback" not in err


def test_generated_column_in_a_packet_table_is_refused(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = spoil(
        packets["Ana"],
        "ALTER TABLE codings ADD COLUMN boom TEXT "
        "GENERATED ALWAYS AS (zeroblob(1000000000)) VIRTUAL",
    )
    refused(capsys, project_path, bad, "its table 'codings' computes the column 'boom'")


# 400 distinct codings over three statements (identical ones would be refused).
MANY_SPANS = [(i % 3, i // 3 % 40, i // 3 % 40 + 1 + i // 120) for i in range(400)]


def test_a_file_that_takes_too_long_to_read_is_refused(
    project_path: Path, packets: dict[str, Path]
) -> None:
    code(packets["Ana"], *MANY_SPANS)
    with Project(project_path) as project, pytest.raises(PacketsRefused) as caught:
        merge_packets(project, [packets["Ana"]], time_limit=1e-9)
    assert "reading it took longer than 1e-09 s, the limit for one file" in str(caught.value)


def test_cancel_stops_a_read_inside_sqlite(project_path: Path, packets: dict[str, Path]) -> None:
    code(packets["Ana"], *MANY_SPANS)
    calls: list[int] = []

    def after_the_first_check() -> bool:
        calls.append(1)
        return len(calls) > 1  # the first call is the merge's own check before reading

    before = project_path.read_bytes()
    with Project(project_path) as project, pytest.raises(Cancelled):
        merge_packets(project, [packets["Ana"]], cancelled=after_the_first_check)
    assert len(calls) == 2
    assert project_path.read_bytes() == before


# Every edit spoils the codings of the packet's first statement only.
_FIRST = "WHERE document_id = (SELECT min(document_id) FROM codings)"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            f'UPDATE codings SET "end" = 10000000 {_FIRST}',
            "its span 0-10000000 lies outside the statement 'Statement of Ghana' (0-112)",
        ),
        (f"UPDATE codings SET start = 'abc' {_FIRST}", "its offsets are not whole numbers"),
        (f'UPDATE codings SET "end" = 5.5 {_FIRST}', "its offsets are not whole numbers"),
        (
            f'UPDATE codings SET "end" = 9223372036854775807 {_FIRST}',
            "its span 0-9223372036854775807 lies outside the statement",
        ),
        (
            f'UPDATE codings SET start = 4, "end" = 2 {_FIRST}',
            "its span is empty or runs backwards",
        ),
        (
            f"UPDATE codings SET modified_at = 'zzz' {_FIRST}",
            "its time stamps are not valid dates and times",
        ),
        (
            f"UPDATE codings SET created_at = '2026-02-31 10:00:00.000000' {_FIRST}",
            "its time stamps are not valid dates and times",
        ),
        (
            "DROP TRIGGER packet_history_codings_update; "
            f"UPDATE codings SET memo = x'00ff' {_FIRST}",
            "its memo is not text",
        ),
        (
            f"UPDATE codings SET theme_id = 999 {_FIRST}",
            "it points to a theme the packet does not hold",
        ),
        (
            f"UPDATE codings SET stance_id = 999 {_FIRST}",
            "it points to a stance the packet does not hold",
        ),
        (
            f"UPDATE codings SET document_id = 999 {_FIRST}",
            "it points to a statement the packet does not hold",
        ),
    ],
)
def test_a_bad_row_is_named_and_not_merged_while_the_good_ones_are(
    project_path: Path,
    packets: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    edit: str,
    reason: str,
) -> None:
    good = {row for row in packet_layer(packets["Ana"]) if row[1] != _ghana(project_path)}
    bad = spoil(packets["Ana"], edit)
    code_, out, err = run(capsys, "merge", project_path, bad)
    assert (code_, err) == (4, "")
    assert reason in out
    assert "; not merged" in out
    assert layer(project_path, "Ana") == good
    check_master(capsys, project_path)


def _ghana(master: Path) -> str:
    with Project(master) as project:
        return next(d.uuid for d in project.documents.list() if d.title == "Statement of Ghana")


def test_a_bad_row_never_removes_the_masters_good_coding(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    merge_packets_cli = ("merge", project_path, packets["Ana"])
    assert run(capsys, *merge_packets_cli)[0] == 0
    merged = layer(project_path, "Ana")
    spoil(packets["Ana"], "UPDATE codings SET start = -3")
    code_, out, _ = run(capsys, *merge_packets_cli)
    assert code_ == 4
    assert out.count("its span is empty or runs backwards; not merged") == 2
    assert layer(project_path, "Ana") == merged


def test_ten_codings_sharing_one_identity_are_all_refused_and_named(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (shared, *_) = sorted(row[0] for row in packet_layer(packets["Ana"]))
    copies = " ".join(
        f"INSERT INTO codings SELECT id + {i * 100}, uuid, document_id, coder_id, theme_id, "
        f'stance_id, start + {i}, "end" + {i}, memo, created_at, modified_at FROM codings '
        f"WHERE uuid = '{shared}' AND id < 100;"
        for i in range(1, 10)
    )
    bad = spoil(
        packets["Ana"],
        "CREATE TABLE c2 AS SELECT * FROM codings; DROP TABLE codings; "
        f"ALTER TABLE c2 RENAME TO codings; {copies}",
    )
    code_, out, _ = run(capsys, "merge", project_path, bad)
    assert code_ == 4
    assert (
        f"coding {shared}: 10 codings of the packet share this identity; none of them is "
        "merged; the master's coding with it is kept" in out
    )
    assert {row[0] for row in layer(project_path, "Ana")} == {
        row[0] for row in packet_layer(packets["Ana"])
    } - {shared}
    check_master(capsys, project_path)


def test_coding_under_another_coders_name_in_a_packet_is_listed_not_merged(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    forged = str(uuid_mod.uuid4())
    bad = spoil(
        packets["Ana"],
        "INSERT INTO codings (uuid, document_id, coder_id, theme_id, "
        f"start, \"end\", memo, created_at, modified_at) SELECT '{forged}', min(id), "
        "(SELECT id FROM coders WHERE name = 'Ben'), (SELECT min(id) FROM themes), 0, 3, "
        f"'', '{STAMP}', '{STAMP}' FROM documents",
    )
    code_, out, _ = run(capsys, "merge", project_path, bad)
    assert code_ == 4
    assert (
        f"coding {forged}: written in Ana's packet under the name of Ben; not merged: only "
        "Ana's own work comes from Ana's packet"
    ) in out
    assert layer(project_path, "Ben") == packet_layer(packets["Ben"])
    assert layer(project_path, "Ana") == packet_layer(packets["Ana"])


def test_coding_under_a_name_the_master_does_not_know_is_listed_not_merged(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    forged = str(uuid_mod.uuid4())
    bad = spoil(
        packets["Ana"],
        """DROP TRIGGER packet_history_codings_insert;""",
        f"INSERT INTO coders (uuid, name, created_at) VALUES ('{uuid_mod.uuid4()}', 'Zoe', "
        f"'{STAMP}'); INSERT INTO codings (uuid, document_id, coder_id, theme_id, start, "
        f"\"end\", memo, created_at, modified_at) SELECT '{forged}', min(d.id), "
        f"(SELECT id FROM coders WHERE name = 'Zoe'), (SELECT min(id) FROM themes), 0, 3, "
        f"'', '{STAMP}', '{STAMP}' FROM documents d;",
    )
    code_, out, _ = run(capsys, "merge", project_path, bad)
    assert code_ == 4
    assert f"coding {forged}: coded in Ana's packet under a name this master does not know" in out
    with Project(project_path) as project:
        assert [c.name for c in project.coders.list()] == ["Ana", "Ben"]


def test_code_add_as_another_coder_in_a_packet_is_refused(
    packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code_, _, err = run(
        capsys,
        "code",
        "add",
        packets["Ana"],
        "--document",
        "1",
        "--coder",
        "Ben",
        "--theme",
        "prevention",
        "--start",
        "0",
        "--end",
        "3",
    )
    assert code_ == 1
    assert err == (
        "r2pcoder: This is Ana's packet: only Ana codes in it (work under another "
        "coder's name would not be merged).\n"
    )


def test_memo_taking_another_coders_memo_identity_is_not_merged(
    project_path: Path, packets: dict[str, Path]
) -> None:
    with Project(packets["Ben"]) as ben_packet:
        ben = ben_packet.coders.find("Ben")
        ben_packet.memos.set_document_memo(ben_packet.documents.list()[0].id, "Ben's note", ben.id)
    with Project(project_path) as project:
        merge_packets(project, [packets["Ben"]])  # Ben's packet again, now with a memo
        with project.engine.connect() as conn:
            (bens,) = conn.exec_driver_sql("SELECT uuid FROM memos").one()
    with Project(packets["Ana"]) as ana_packet:
        ana = ana_packet.coders.find("Ana")
        ana_packet.memos.set_document_memo(ana_packet.documents.list()[0].id, "Ana's", ana.id)
    spoil(packets["Ana"], f"UPDATE memos SET uuid = '{bens}'")
    with Project(project_path) as project:
        report = merge_packets(project, [packets["Ana"]])
        with project.engine.connect() as conn:
            memos = conn.exec_driver_sql("SELECT uuid, text FROM memos").all()
    assert memos == [(bens, "Ben's note")]
    assert report.layers[0].counts.not_merged == 1
    assert "sharing their identity with work of another coder" in report.layers[0].notes[0]


def test_no_side_files_appear_beside_a_merged_packet(
    project_path: Path, packets: dict[str, Path]
) -> None:
    beside = files(packets["Ana"].parent)
    with Project(project_path) as project:
        merge_packets(project, [packets["Ana"], packets["Ben"]], dry_run=True)
        merge_packets(project, [packets["Ana"], packets["Ben"]])
    assert files(packets["Ana"].parent) == beside


def test_a_packet_with_its_write_ahead_log_beside_it_is_read_with_its_last_writes(
    project_path: Path, packets: dict[str, Path], tmp_path: Path
) -> None:
    # A coder's program that never closed the packet leaves its last writes in the -wal file.
    held = tmp_path / "held"
    held.mkdir()
    packet = Path(shutil.copy(packets["Ana"], held / "ana.r2p"))
    conn = sqlite3.connect(packet)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("DELETE FROM codings WHERE document_id = (SELECT min(document_id) FROM codings)")
    conn.commit()
    wal = Path(f"{packet}-wal")
    kept = {name: (held / name).read_bytes() for name in ("ana.r2p", "ana.r2p-wal")}
    names = files(held)
    assert wal.stat().st_size > 0
    with Project(project_path) as project:
        report = merge_packets(project, [packet])
    assert report.layers[0].counts.added == 1
    assert files(held) == names
    assert {name: (held / name).read_bytes() for name in kept} == kept
    conn.close()


def test_the_merge_log_keeps_every_row_not_merged(
    project_path: Path, packets: dict[str, Path]
) -> None:
    spoil(
        packets["Ana"],
        "UPDATE codings SET modified_at = 'zzz' WHERE document_id = "
        "(SELECT min(document_id) FROM codings)",
    )
    with Project(project_path) as project:
        report = merge_packets(project, [packets["Ana"]])
        with project.engine.connect() as conn:
            logged = conn.exec_driver_sql(
                "SELECT json_extract(counts, '$.rows'), json_extract(counts, '$.not_merged') "
                "FROM merge_log WHERE file_name = 'project-ana.r2p'"
            ).one()
    (row,) = report.layers[0].rows
    assert json.loads(logged[0]) == [
        {
            "kind": "coding",
            "identity": row.identity,
            "reason": "its time stamps are not valid dates and times",
            "action": "not merged",
        }
    ]
    assert logged[1] == 1


def test_a_packet_the_master_has_no_record_of_can_come_in_as_foreign_with_a_report(
    project_path: Path, packets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # A master restored from a backup older than the packets it issued has no record of them.
    conn = sqlite3.connect(project_path)
    conn.execute(
        "DELETE FROM packet_issues WHERE coder_uuid = (SELECT uuid FROM coders WHERE name = 'Ana')"
    )
    conn.commit()
    conn.close()
    code_, _, err = run(capsys, "merge", project_path, packets["Ana"])
    assert code_ == 1
    assert "it matches no packet this master issued" in err
    code_, out, _ = run(capsys, "merge", project_path, packets["Ana"], "--foreign")
    assert code_ == 0
    assert (
        "note: it matches no packet this master issued (it claims to be Ana's packet, issue "
        "1): imported as foreign"
    ) in out
    assert layer(project_path, "Ana") == packet_layer(packets["Ana"])
