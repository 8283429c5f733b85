"""Opening a file from elsewhere (a returned packet) so that reading it can do no harm.

A packet comes from a coder's laptop: it may be damaged, edited by hand or crafted. It is read
the way SQLite's own advice for untrusted database files says ("Defense Against The Dark Arts",
https://www.sqlite.org/security.html):

- its header is checked first without opening it (:func:`r2pcoder.migrations.check_header`);
- it is opened ``immutable`` and read-only, so no lock, ``-wal`` or ``-shm`` file appears beside
  it. A packet whose own non-empty ``-wal`` lies beside it (its program did not close it, or it
  was sent along) is copied with that log into a private temporary folder and settled there, so
  its last writes are read and nothing beside it changes;
- ``trusted_schema`` is off (functions in its schema that could have side effects are refused),
  SQLite's defensive mode is on where this Python offers it (``Connection.setconfig``, 3.12),
  cell sizes are checked, memory mapping and writes are off, and the limits are tight;
- a progress handler stops any statement when the caller cancels or the file's time limit runs
  out, so no file can make a merge hang;
- only ordinary tables are read, each with the columns it must have: a view, a virtual table or a
  generated column where a packet table belongs refuses the file.

This is why these files are read on a DB-API ``sqlite3`` connection with SQL of their own
(here, in :mod:`r2pcoder.merge.source`, :mod:`r2pcoder.merge.lines` and the checks of
:mod:`r2pcoder.merge.validate`), while the rest of the project, the master included, goes
through SQLAlchemy: the defences above are set on the connection object itself, which an
engine's pool would hand out and reuse, and every value is read as SQLite stored it and checked
in SQL before any type is assumed, where an engine's column types would convert it or fail on
it. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from r2pcoder.errors import Cancelled, MergeRefused, ProjectError
from r2pcoder.migrations import FileCheck, check_header
from r2pcoder.progress import CancelCheck

__all__ = ["DEFAULT_TIME_LIMIT", "FileRefused", "Guard", "UntrustedFile", "open_untrusted"]

DEFAULT_TIME_LIMIT = 600.0
"""Seconds a merge may spend reading one file before it is refused (a large packet needs ~1 s)."""

_PROGRESS_OPS = 10_000
_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 64 << 20,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 200,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 10,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 16,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 100,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 1,
}
_PRAGMAS = ("trusted_schema = OFF", "cell_size_check = ON", "mmap_size = 0", "query_only = ON")

TABLES: Mapping[str, tuple[str, ...]] = {
    "project": ("uuid", "role", "packet_coder_uuid"),
    "packet_state": ("id", "issue", "revision"),
    "coders": ("id", "uuid", "name"),
    "documents": ("id", "uuid", "sha256", "title"),
    "themes": (
        "id",
        "uuid",
        "key",
        "parent_id",
        "name",
        "description",
        "include",
        "exclude",
        "example",
        "color",
        "position",
        "retired",
    ),
    "stances": ("id", "uuid", "key", "name", "retired"),
    "codings": (
        "id",
        "uuid",
        "document_id",
        "coder_id",
        "theme_id",
        "stance_id",
        "start",
        "end",
        "memo",
        "created_at",
        "modified_at",
    ),
    "memos": ("id", "uuid", "document_id", "theme_id", "coder_id", "text", "modified_at"),
    "document_status": ("coder_id", "document_id", "done_at"),
}
"""The tables a merge reads, with the columns each must have (schema 1 and later)."""

TABLES_V2: Mapping[str, tuple[str, ...]] = {
    "packet_state": ("id", "issue", "revision", "packet_uuid", "root", "base_revision"),
    "packet_history": ("seq", "tbl", "op", "unit", "unit2", "coder", "coder2", "row"),
}
"""Tables (and columns) a schema 2 file must also have."""


class FileRefused(MergeRefused):
    """A file offered for merging cannot be merged; ``reason`` says why, ``problems`` lists all."""

    def __init__(self, reason: str, problems: tuple[str, ...] = ()) -> None:
        self.reason = reason
        self.problems = problems or (reason,)
        super().__init__(reason)


@dataclass
class Guard:
    """Stops SQLite statements on a file when the caller cancels or its time runs out."""

    cancelled: CancelCheck | None = None
    time_limit: float = DEFAULT_TIME_LIMIT
    deadline: float = 0.0
    stopped: str = ""

    def start(self) -> None:
        """Start the file's clock."""
        self.deadline = time.monotonic() + self.time_limit
        self.stopped = ""

    def check(self) -> None:
        """Raise :class:`Cancelled` or :class:`FileRefused` if the work on this file must stop."""
        if self():
            _stop(self)

    def __call__(self) -> int:
        """SQLite's progress handler: non-zero interrupts the running statement."""
        if self.cancelled is not None and self.cancelled():
            self.stopped = "cancelled"
        elif self.deadline and time.monotonic() > self.deadline:
            self.stopped = "time"
        return 1 if self.stopped else 0


@dataclass(frozen=True)
class UntrustedFile:
    """An open, hardened, read-only connection to a file from elsewhere."""

    conn: sqlite3.Connection
    check: FileCheck


@contextmanager
def open_untrusted(path: Path, guard: Guard) -> Iterator[UntrustedFile]:
    """Open ``path`` for reading only, hardened; SQLite errors become :class:`FileRefused`.

    Raises:
        FileRefused: not a readable project of a schema this version reads, damaged, a view or
            other non-table where a table belongs, or it took longer than the guard allows.
        Cancelled: the guard's cancel check said stop.
    """
    try:
        check = check_header(path)
    except ProjectError as exc:
        raise FileRefused(_sentence(str(exc), path.name)) from None
    guard.start()
    with ExitStack() as stack:
        target = path
        wal = Path(f"{path}-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="r2pcoder-")))
            target = _settled_copy(path, wal, folder)
        try:
            conn = sqlite3.connect(
                f"{target.resolve().as_uri()}?mode=ro&immutable=1",
                uri=True,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise FileRefused(f"it cannot be read ({exc})") from None
        stack.callback(conn.close)
        with reading(guard):
            _harden(conn, guard)
            _check_tables(conn, check.user_version)
        yield UntrustedFile(conn, check)


@contextmanager
def reading(guard: Guard) -> Iterator[None]:
    """Turn what SQLite raises while reading an untrusted file into a refusal (or a cancel)."""
    try:
        yield
    except sqlite3.Error as exc:
        _stop(guard)
        raise FileRefused(f"the file is damaged ({exc})") from None


def _stop(guard: Guard) -> None:
    if guard.stopped == "cancelled":
        raise Cancelled from None
    if guard.stopped == "time":
        raise FileRefused(
            f"reading it took longer than {guard.time_limit:g} s, the limit for one file"
        ) from None


def _sentence(message: str, name: str) -> str:
    """A project error's message as the reason after the file name ("it is ...")."""
    text = message.rstrip(".")
    return f"it {text[len(name) + 1 :]}" if text.startswith(f"{name} ") else text


def _settled_copy(path: Path, wal: Path, folder: Path) -> Path:
    """Copy a packet and its write-ahead log aside and fold the log into the copy."""
    target = folder / "packet.r2p"
    shutil.copyfile(path, target)
    shutil.copyfile(wal, Path(f"{target}-wal"))
    try:
        conn = sqlite3.connect(target)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise FileRefused(f"the file is damaged ({exc})") from None
    return target


def _harden(conn: sqlite3.Connection, guard: Guard) -> None:
    conn.isolation_level = None
    setconfig = getattr(conn, "setconfig", None)
    defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if setconfig is not None and defensive is not None:  # Python 3.12 and later
        setconfig(defensive, True)
    for limit, value in _LIMITS.items():
        conn.setlimit(limit, value)
    for pragma in _PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    conn.set_progress_handler(guard, _PROGRESS_OPS)


def _check_tables(conn: sqlite3.Connection, version: int) -> None:
    """Refuse the file unless each table read is an ordinary table with the columns it needs."""
    wanted = dict(TABLES)
    if version >= 2:  # noqa: PLR2004 - the schema that added these
        wanted.update(TABLES_V2)
    found: dict[str, list[tuple[str, str]]] = {}
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master"):
        if isinstance(name, str) and name.lower() in wanted:
            found.setdefault(name.lower(), []).append((str(kind), str(sql or "")))
    problems = []
    for table, columns in wanted.items():
        entries = found.get(table, [])
        kinds = [k for k, _ in entries]
        if kinds != ["table"]:
            what = "is missing" if not kinds else f"is a {' and a '.join(kinds)}, not a table"
            problems.append(f"its table {table!r} {what}")
        elif entries[0][1].lstrip().upper().startswith("CREATE VIRTUAL"):
            problems.append(f"its table {table!r} is a virtual table, not a table")
        else:
            problems.extend(_check_columns(conn, table, columns))
    if problems:
        raise FileRefused(f"{problems[0]} (the file was changed outside r2pcoder)", tuple(problems))


def _check_columns(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> list[str]:
    info = conn.execute(f'PRAGMA table_xinfo("{table}")').fetchall()
    names = {str(row[1]).lower() for row in info}
    generated = [str(row[1]) for row in info if row[6] != 0]
    missing = [c for c in columns if c not in names]
    problems = [f"its table {table!r} lacks the column {c!r}" for c in missing]
    problems += [f"its table {table!r} computes the column {c!r} (generated)" for c in generated]
    return problems
