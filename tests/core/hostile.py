"""Helpers for the hostile-file tests: the command line in a child process, file snapshots,
a small disk that can be filled, and a process that holds a project's write lock."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys; from r2pcoder.cli import main; sys.exit(main())"
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1


def _drop_root_override() -> None:
    # Root ignores file modes; without CAP_DAC_OVERRIDE a read-only file or folder is read-only
    # for the child as for any user. Dropping it from the bounding set before exec removes it
    # from the child's capabilities.
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def cli(*args: str | Path, timeout: float = 120) -> Run:
    """Run ``r2pcoder ARGS`` in a child process that obeys file modes even as root."""
    done = subprocess.run(
        [sys.executable, "-c", CLI, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        preexec_fn=_drop_root_override,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def one_line(err: str) -> str:
    """The single ``r2pcoder: ...`` line of stderr; fails on a traceback or several lines."""
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("r2pcoder: "), err
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (not recursive) with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def run_python(code: str, *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
"""


@dataclass
class SmallDisk:
    """A folder on a small disk that :meth:`fill` fills up, and :meth:`free` frees again.

    A tmpfs of ``size`` is mounted when the tests run as root and may mount; otherwise the
    folder is ordinary and :meth:`fill` caps every new SQLite connection at its database's
    current size (``PRAGMA max_page_count``), which makes SQLite fail as on a full disk.
    """

    path: Path
    tmpfs: bool
    _filler: Path | None = None
    _listener: Callable[[sqlite3.Connection, object], None] | None = None

    def fill(self, leave: int = 0) -> None:
        """Fill the disk, leaving ``leave`` bytes free (tmpfs only)."""
        if self.tmpfs:
            self._filler = self.path / "filler.bin"
            chunk = b"\0" * 4096
            with self._filler.open("wb", buffering=0) as f:
                with contextlib.suppress(OSError):
                    while True:
                        f.write(chunk)
                if leave:
                    f.truncate(max(0, f.tell() - leave))
            return

        def cap(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

        event.listen(Engine, "connect", cap)
        self._listener = cap

    def free(self) -> None:
        if self._filler is not None:
            self._filler.unlink(missing_ok=True)
            self._filler = None
        if self._listener is not None:
            event.remove(Engine, "connect", self._listener)
            self._listener = None


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", f"r2ptest-{uuid.uuid4().hex[:8]}", where],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def small_disk(base: Path, size: str = "4m") -> Generator[SmallDisk, None, None]:
    """Yield a :class:`SmallDisk` under ``base``; unmounted and freed afterwards."""
    where = base / "disk"
    where.mkdir()
    mounted = _mount_tmpfs(where, size)
    disk = SmallDisk(where, mounted)
    try:
        yield disk
    finally:
        disk.free()
        if mounted:
            subprocess.run(["umount", "-l", where], check=False)
