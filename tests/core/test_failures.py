"""The one classification of failures: real SQLite and OS errors, in a researcher's words."""

import errno
import sqlite3
from pathlib import Path

import pytest

from r2pcoder.errors import DiskFull, ProjectBusy, ProjectCorrupt, R2pError, ReadOnly
from r2pcoder.failures import diagnose, explain, write_problem


def _db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    return path


def _error(action) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        action()
    return caught.value


def test_a_held_write_lock_is_busy(tmp_path: Path) -> None:
    path = _db(tmp_path / "p.r2p")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    err = _error(lambda: other.execute("BEGIN IMMEDIATE"))
    holder.close()
    other.close()
    explained = explain(err, path)
    assert isinstance(explained, ProjectBusy)
    assert str(explained) == (
        "p.r2p: the project is busy; another window or command is writing to it; try again "
        "when it has finished."
    )
    assert explained.__cause__ is err


def test_a_write_through_a_read_only_connection_is_read_only(tmp_path: Path) -> None:
    path = _db(tmp_path / "p.r2p")
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    err = _error(lambda: conn.execute("INSERT INTO t VALUES (2)"))
    conn.close()
    explained = explain(err, path)
    assert isinstance(explained, ReadOnly)
    assert str(explained).startswith("p.r2p: the project is read-only;")


def test_a_database_that_may_not_grow_is_a_full_disk(tmp_path: Path) -> None:
    path = _db(tmp_path / "p.r2p")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    err = _error(lambda: conn.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,)))
    conn.close()
    explained = explain(err, path, subject="Cannot write p.r2p")
    assert isinstance(explained, DiskFull)
    assert str(explained) == (
        "Cannot write p.r2p: the disk is full; free some space and try again (nothing was changed)."
    )


def test_garbage_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "p.r2p"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    conn = sqlite3.connect(path)
    err = _error(lambda: conn.execute("SELECT * FROM sqlite_master").fetchall())
    conn.close()
    explained = explain(err, path)
    assert isinstance(explained, ProjectCorrupt)
    assert "the file is damaged" in str(explained)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk is full"),
        (errno.EROFS, "the folder is read-only"),
        (errno.EACCES, "the folder is read-only"),
    ],
)
def test_os_errors_are_worded_by_their_number(tmp_path: Path, code: int, reason: str) -> None:
    err = OSError(code, "whatever the system says", str(tmp_path / "new.csv"))
    failure = diagnose(err)
    assert failure is not None
    assert failure.reason == reason


def test_a_denied_existing_file_is_a_read_only_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("x", encoding="utf-8")
    failure = diagnose(PermissionError(errno.EACCES, "Permission denied", str(target)))
    assert failure is not None
    assert failure.reason == "the file is read-only"


def test_defects_and_our_own_errors_are_left_as_they_are(tmp_path: Path) -> None:
    ours = R2pError("already in plain words")
    assert explain(ours) is ours
    assert explain(ValueError("a bug")) is None
    assert explain(OSError(errno.EINVAL, "invalid")) is None
    assert explain(sqlite3.ProgrammingError("Cannot operate on a closed database.")) is None
    integrity = _error(lambda: sqlite3.connect(":memory:").execute("SELECT * FROM missing"))
    assert explain(integrity) is None


def test_where_a_project_cannot_be_written(tmp_path: Path) -> None:
    path = _db(tmp_path / "p.r2p")
    assert write_problem(path) is None
    assert write_problem(tmp_path / "absent" / "p.r2p") == "the folder does not exist"
