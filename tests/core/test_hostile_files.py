"""Damaged, read-only, busy and full projects: every command answers with one line in plain words,
a non-zero exit and the files as they were; never a traceback."""

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.hostile import (
    LOCK_HOLDER,
    SmallDisk,
    cli,
    one_line,
    run_python,
    small_disk,
    snapshot,
)
from tests.core.test_export_data import build_coded

import r2pcoder.db
from r2pcoder.cli import main
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.packets import PacketOptions, create_packets


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def team(project_path: Path, ids, tmp_path: Path) -> tuple[Path, Path]:
    """A coded master in its own folder and a packet for Ana in another."""
    folder = tmp_path / "master"
    folder.mkdir()
    master = folder / "master.r2p"
    shutil.move(project_path, master)
    packets = tmp_path / "packets"
    with Project(master) as project:
        build_coded(project, ids.documents, ids.coders)
        create_packets(project, PacketOptions(coders=("Ana",), out_dir=packets))
    return master, next(packets.glob("*.r2p"))


def _statement(tmp_path: Path) -> Path:
    path = tmp_path / "new statement.txt"
    path.write_text("A new statement on prevention and early warning.\n", encoding="utf-8")
    return path


def _commands(master: Path, packet: Path, tmp_path: Path) -> dict[str, list[str | Path]]:
    out = tmp_path / "elsewhere"
    out.mkdir(exist_ok=True)
    return {
        "info": ["info", master],
        "code list": ["code", "list", master],
        # Ben: Ana's layer is her packet's, which the master refuses to edit before anything.
        "code add": [
            "code",
            "add",
            master,
            "--document",
            "1",
            "--coder",
            "Ben",
            "--theme",
            "veto",
            "--start",
            "0",
            "--end",
            "5",
        ],
        "export": ["export", master, "--out", out / "csv"],
        "agreement": ["agreement", master],
        "packets create": [
            "packets",
            "create",
            master,
            "--coders",
            "Ana",
            "--out",
            out,
            "--discard-unmerged",
        ],
        "merge": ["merge", master, packet],
        "import": ["import", master, _statement(tmp_path)],
    }


def _damage_table(path: Path, table: str) -> None:
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as f:
        f.seek((root[0] - 1) * page_size)
        f.write(b"\x55" * page_size)


@pytest.mark.parametrize(
    "command",
    ["info", "code list", "code add", "export", "agreement", "packets create", "merge", "import"],
)
def test_a_project_damaged_mid_file_gets_one_line_from_every_command(
    team: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    master, packet = team
    _damage_table(master, "documents")
    argv = _commands(master, packet, tmp_path)[command]
    before = {"master": snapshot(master.parent), "out": snapshot(tmp_path / "elsewhere")}
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert one_line(err) == (
        "r2pcoder: master.r2p: the file is damaged (database disk image is malformed); "
        "open a backup copy."
    )
    assert {"master": snapshot(master.parent), "out": snapshot(tmp_path / "elsewhere")} == before


@pytest.mark.slow
def test_a_read_only_project_is_read_and_never_written(
    team: tuple[Path, Path], tmp_path: Path
) -> None:
    master, packet = team
    commands = _commands(master, packet, tmp_path)
    master.chmod(0o444)
    before = snapshot(master.parent)
    try:
        info = cli(*commands["info"], "--json")
        assert info.code == 0, info.err
        assert '"codings": 10' in info.out
        for name in ("code add", "import", "merge"):
            result = cli(*commands[name])
            assert result.code == 1, (name, result.err)
            assert one_line(result.err) == (
                "r2pcoder: master.r2p: the project file is read-only; make it writable, or copy "
                "the project to a folder you can write to."
            ), name
            assert snapshot(master.parent) == before, name  # no -wal or -shm beside it either
    finally:
        master.chmod(0o644)


@pytest.mark.slow
def test_a_project_in_a_read_only_folder_is_read_and_never_written(
    team: tuple[Path, Path], tmp_path: Path
) -> None:
    master, packet = team
    commands = _commands(master, packet, tmp_path)
    before = snapshot(master.parent)
    master.parent.chmod(0o555)
    try:
        listed = cli(*commands["code list"])
        assert listed.code == 0, listed.err
        assert listed.out.count("\n") >= 10
        added = cli(*commands["code add"])
        assert added.code == 1
        assert one_line(added.err) == (
            "r2pcoder: master.r2p: the folder is read-only; make it writable, or copy the "
            "project to a folder you can write to."
        )
        assert snapshot(master.parent) == before
    finally:
        master.parent.chmod(0o755)


@pytest.mark.slow
def test_packets_into_a_read_only_folder_are_refused_in_one_line(
    team: tuple[Path, Path], tmp_path: Path
) -> None:
    master, _ = team
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    before = snapshot(master.parent)
    try:
        into = cli(
            "packets", "create", master, "--coders", "Ana", "--out", locked, "--discard-unmerged"
        )
        below = cli(
            "packets",
            "create",
            master,
            "--coders",
            "Ana",
            "--out",
            locked / "new",
            "--discard-unmerged",
        )
    finally:
        locked.chmod(0o755)
    assert into.code == below.code == 1
    assert one_line(into.err) == (
        "r2pcoder: Cannot create master-ana.r2p: the folder is read-only; choose a folder you "
        "can write to."
    )
    assert one_line(below.err) == (
        "r2pcoder: Cannot make the folder new: the folder is read-only; choose a folder you can "
        "write to."
    )
    assert list(locked.iterdir()) == []
    assert snapshot(master.parent) == before


@pytest.fixture
def locked(team: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The master, its write lock held by another process; we wait 0.3 s, not 10 s."""
    master, _ = team
    monkeypatch.setattr(r2pcoder.db, "_BUSY_TIMEOUT_MS", 300)
    holder = run_python(LOCK_HOLDER, master)
    assert holder.stdout is not None
    assert holder.stdin is not None
    assert holder.stdout.readline().strip() == "locked"
    yield master
    holder.stdin.write("\n")
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.mark.slow
def test_a_held_write_lock_is_reported_as_busy(
    locked: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "code", "list", locked)
    assert code == 0  # reading never waits for a writer
    assert out.count("\n") == 10
    before = locked.read_bytes()
    commands: tuple[list[str | Path], ...] = (
        [
            "code",
            "add",
            locked,
            "--document",
            "1",
            "--coder",
            "Ana",
            "--theme",
            "veto",
            "--start",
            "0",
            "--end",
            "5",
        ],
        ["coder", "add", locked, "Cy"],
        ["import", locked, _statement(tmp_path)],
    )
    for argv in commands:
        code, _, err = run(capsys, *argv)
        assert code == 1
        assert one_line(err) == (
            "r2pcoder: master.r2p: the project is busy; another window or command is writing "
            "to it; try again when it has finished."
        )
    assert locked.read_bytes() == before


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    yield from small_disk(tmp_path, "4m")


FULL = (
    "r2pcoder: master.r2p: the disk is full; free some space and try again (nothing was changed)."
)


def _full_copy(master: Path, disk: SmallDisk, leave: int = 0) -> tuple[Path, bytes]:
    """The master copied onto ``disk``, which is then filled; the copy and its bytes."""
    path = disk.path / master.name
    shutil.copyfile(master, path)
    disk.fill(leave=leave)
    return path, path.read_bytes()


def test_a_full_disk_is_named_and_nothing_is_half_written(
    team: tuple[Path, Path], disk: SmallDisk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Room to open the project, not to store the statement.
    path, before = _full_copy(team[0], disk, leave=128 * 1024)
    big = tmp_path / "big.txt"
    big.write_text("Prevention is the best protection. " * 60_000, encoding="utf-8")
    code, _, err = run(capsys, "import", path, big)
    assert code == 1
    assert one_line(err) == FULL
    assert path.read_bytes() == before
    disk.free()
    with Project(path) as project:
        assert project.integrity_ok()
        assert len(project.documents.list()) == 4


def test_a_project_on_a_disk_with_no_room_left_at_all_says_so(
    team: tuple[Path, Path], disk: SmallDisk, capsys: pytest.CaptureFixture[str]
) -> None:
    if not disk.tmpfs:
        pytest.skip("needs a real full disk (a tmpfs, mounted as root)")
    path, before = _full_copy(team[0], disk)
    code, _, err = run(
        capsys,
        "code",
        "add",
        path,
        "--document",
        "1",
        "--coder",
        "Ana",
        "--theme",
        "veto",
        "--start",
        "0",
        "--end",
        "5",
    )
    assert code == 1
    assert one_line(err) == FULL  # SQLite cannot even make room for its shared-memory index
    assert path.read_bytes() == before
    # SQLite may leave its journal files beside it, empty: there was no room to tidy up.
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_a_full_disk_during_a_merge_keeps_the_master_as_it_was(
    team: tuple[Path, Path], disk: SmallDisk, capsys: pytest.CaptureFixture[str]
) -> None:
    if not disk.tmpfs:
        pytest.skip("the merge's backup needs a real full disk (a tmpfs, mounted as root)")
    master, packet = team
    with Project(packet) as coded:  # new work, so that the merge has something to write
        ana = coded.coders.list()[0]
        doc = coded.documents.list()[0]
        theme = coded.codebook.themes()[0]
        coded.codings.apply(CodingRequest(doc.id, ana.id, theme.id, 1, 9))
    path, before = _full_copy(master, disk, leave=128 * 1024)  # room to open, not to back up
    code, _, err = run(capsys, "merge", path, packet)
    assert code == 1
    line = one_line(err)
    assert line.startswith("r2pcoder: Cannot write the backup master.r2p.pre-merge-")
    assert line.endswith(": the disk is full; free some space and try again (nothing was changed).")
    assert path.read_bytes() == before
    assert sorted(p.name for p in disk.path.iterdir()) == ["filler.bin", "master.r2p"]


@pytest.mark.slow
def test_an_export_onto_a_full_disk_leaves_no_partial_file(
    team: tuple[Path, Path], disk: SmallDisk, capsys: pytest.CaptureFixture[str]
) -> None:
    if not disk.tmpfs:
        pytest.skip("needs a real full disk (a tmpfs, mounted as root)")
    master, _ = team
    disk.fill()
    code, _, err = run(capsys, "export", master, "--out", disk.path / "csv")
    assert code == 1
    assert one_line(err) in {
        f"r2pcoder: Cannot create the folder csv in {disk.path}: the disk is full.",
        "r2pcoder: Cannot write the CSV files: the disk is full.",
    }
    assert sorted(p.name for p in disk.path.iterdir()) == ["filler.bin"]


def test_no_command_leaves_journal_files_beside_a_refused_project(
    team: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, _ = team
    data = bytearray(master.read_bytes())
    data[60:64] = (99).to_bytes(4, "big")  # written by a newer r2pcoder
    master.write_bytes(bytes(data))
    before = snapshot(master.parent)
    code, _, err = run(capsys, "info", master)
    assert code == 1
    assert "newer r2pcoder" in one_line(err)
    assert snapshot(master.parent) == before


def test_a_merged_packet_is_read_without_journal_files_beside_it(
    team: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, packet = team
    before = snapshot(packet.parent)
    code, _, err = run(capsys, "merge", master, packet)
    assert (code, err) == (0, "")
    assert snapshot(packet.parent) == before
