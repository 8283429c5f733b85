"""Opening checks against the write-ahead log: a healthy project is never refused as truncated
after a checkpoint was interrupted, and a truly damaged one still is."""

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.hostile import SmallDisk, cli, one_line, run_python, small_disk

from r2pcoder.cli import main
from r2pcoder.db import Project
from r2pcoder.errors import ProjectCorrupt
from r2pcoder.metadata import DocumentMeta

PAGE = 4096
WAL_HEADER, FRAME_HEADER = 32, 24

# Grows the project by about 12 MB in the write-ahead log with automatic checkpoints off, so
# that the checkpoint at close has thousands of pages to copy into the file.
GROW_THEN_CLOSE = """
import sys
from pathlib import Path
from r2pcoder.cli import main
from r2pcoder.db import Project
from r2pcoder.metadata import DocumentMeta
project = Project(Path(sys.argv[1]))
raw = project.engine.raw_connection()
raw.driver_connection.execute("PRAGMA wal_autocheckpoint=0")
raw.close()
for i in range(60):
    text = f"Statement {i}. " + "Prevention is the best protection. " * 6000
    project.documents.add_text(text, DocumentMeta(title=f"Long statement {i}"))
print("ready", flush=True)
sys.stdin.readline()
project.close()
print("closed", flush=True)
"""


def _header_pages(path: Path) -> int:
    header = path.read_bytes()[:100]
    assert header[24:28] == header[92:96]  # the page count in the header is current
    return int.from_bytes(header[28:32], "big")


def _count_documents(path: Path) -> int:
    with Project(path) as project:
        assert project.integrity_ok()
        return len(project.documents.list())


@pytest.mark.slow
def test_a_checkpoint_killed_at_close_leaves_a_project_that_opens_whole(
    project_path: Path,
) -> None:
    expected = _count_documents(project_path) + 60
    caught = False
    for _attempt in range(5):
        copy = project_path.with_name(f"try{_attempt}.r2p")
        copy.write_bytes(project_path.read_bytes())
        child = run_python(GROW_THEN_CLOSE, copy)
        assert child.stdin is not None
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        before = copy.stat().st_size
        child.stdin.write("\n")
        child.stdin.flush()
        deadline = time.monotonic() + 30
        while copy.stat().st_size <= before and time.monotonic() < deadline:
            pass  # the checkpoint writes page 1 first, then grows the file page by page
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if _header_pages(copy) * PAGE > copy.stat().st_size:
            caught = True
            break
    assert caught, "the kill never landed inside the checkpoint"
    assert Path(f"{copy}-wal").stat().st_size > WAL_HEADER
    assert _count_documents(copy) == expected
    run = cli("info", copy, "--json")
    assert run.code == 0, run.err
    assert f'"documents": {expected}' in run.out


def _last_frame_of_page_one(wal: bytes) -> bytes:
    page_size = int.from_bytes(wal[8:12], "big")
    found = None
    for offset in range(
        WAL_HEADER, len(wal) - FRAME_HEADER - page_size + 1, FRAME_HEADER + page_size
    ):
        if int.from_bytes(wal[offset : offset + 4], "big") == 1:
            found = wal[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size]
    assert found is not None
    return found


@pytest.fixture
def pending(project_path: Path, tmp_path: Path) -> tuple[Path, int]:
    """A project whose last commits are only in its WAL, with the file's page 1 already updated
    (as a checkpoint does first) but the file not yet grown: the state a crash or a full disk
    during the checkpoint leaves behind."""
    before = _count_documents(project_path)
    keeper = run_python(
        "import sys\nfrom pathlib import Path\nfrom r2pcoder.db import Project\n"
        "from r2pcoder.metadata import DocumentMeta\n"
        "p = Project(Path(sys.argv[1]))\n"
        "for i in range(20):\n"
        "    p.documents.add_text(f'Statement {i}. ' + 'Early warning. ' * 900, DocumentMeta())\n"
        "print('done', flush=True)\nsys.stdin.readline()\n",
        project_path,
    )
    assert keeper.stdout is not None
    assert keeper.stdout.readline().strip() == "done"
    os.kill(keeper.pid, signal.SIGKILL)  # no checkpoint: every new page is in the WAL
    keeper.wait()
    wal = Path(f"{project_path}-wal").read_bytes()
    page_one = _last_frame_of_page_one(wal)
    with project_path.open("r+b") as f:
        f.write(page_one)
    assert _header_pages(project_path) * PAGE > project_path.stat().st_size
    return project_path, before + 20


@pytest.mark.slow
def test_a_pending_wal_ahead_of_the_file_is_not_taken_for_truncation(
    pending: tuple[Path, int],
) -> None:
    path, expected = pending
    assert _count_documents(path) == expected
    assert not Path(f"{path}-wal").exists()  # the close checkpointed it into the file
    assert _header_pages(path) * PAGE == path.stat().st_size


@pytest.mark.slow
def test_a_file_truncated_under_a_pending_wal_is_still_refused(
    pending: tuple[Path, int], tmp_path: Path
) -> None:
    path, _ = pending
    with path.open("r+b") as f:
        f.truncate(8 * PAGE)  # pages that only the file held are gone
    data = path.read_bytes()
    with pytest.raises(ProjectCorrupt, match="is damaged"):
        Project(path)
    assert path.read_bytes() == data


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    yield from small_disk(tmp_path, "24m")


@pytest.mark.slow
def test_a_full_disk_during_the_checkpoint_at_close_loses_nothing(
    project_path: Path, disk: SmallDisk
) -> None:
    if not disk.tmpfs:
        pytest.skip("needs a real full disk (a tmpfs, mounted as root)")
    path = disk.path / "p.r2p"
    path.write_bytes(project_path.read_bytes())
    expected = _count_documents(path) + 30
    project = Project(path)
    raw = project.engine.raw_connection()
    raw.driver_connection.execute("PRAGMA wal_autocheckpoint=0")  # type: ignore[union-attr]
    raw.close()
    for i in range(30):
        text = f"Statement {i}. " + "The veto must not block action. " * 800
        project.documents.add_text(text, DocumentMeta(title=f"S{i}"))
    disk.fill()
    project.close()  # the checkpoint cannot grow the file: the work stays in the WAL
    assert _header_pages(path) * PAGE > path.stat().st_size
    run = cli("info", path)
    assert run.code == 0, run.err  # nothing is lost, and nothing is refused, on a full disk
    disk.free()
    assert _count_documents(path) == expected


def test_a_checked_project_gets_no_journal_files(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project_path.parent
    conn = sqlite3.connect(project_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    names = {p.name for p in folder.iterdir()}
    assert main(["info", str(project_path)]) == 1
    assert "newer r2pcoder" in one_line(capsys.readouterr().err)
    assert {p.name for p in folder.iterdir()} == names
