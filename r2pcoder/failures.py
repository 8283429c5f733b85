"""What went wrong with a file, in a researcher's words: one classification for the whole program.

SQLite and the operating system report a busy project, a read-only file or folder, a full disk or
a damaged file as error codes ("database is locked", "attempt to write a readonly database",
"disk I/O error"). :func:`diagnose` turns such an error into a reason a researcher can act on, and
:func:`explain` into an :class:`~r2pcoder.errors.R2pError` with a one-line message. The project's
engine applies it as SQLite errors happen (so every service, the merge and the packets get it),
the command line and the window apply it to whatever reaches them, and the writers of exports and
backups apply it to their own files. An error it does not recognise is left alone: it is a
defect, and its traceback belongs in the log.

The codes are SQLite's result codes (https://www.sqlite.org/rescode.html); the primary code is
the low byte of the extended code that Python 3.11's :mod:`sqlite3` exposes as
``sqlite_errorcode``. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from r2pcoder.errors import (
    DiskFull,
    NotAProject,
    ProjectBusy,
    ProjectCorrupt,
    ProjectError,
    R2pError,
    ReadOnly,
)

__all__ = [
    "BUSY",
    "DISK_FULL",
    "FILE_READ_ONLY",
    "FOLDER_READ_ONLY",
    "Failure",
    "diagnose",
    "explain",
    "write_problem",
]

BUSY = "the project is busy"
DISK_FULL = "the disk is full"
FILE_READ_ONLY = "the project file is read-only"
FOLDER_READ_ONLY = "the folder is read-only"

# SQLite reports most failed writes on a full disk as SQLITE_FULL, but a failure to grow the
# shared-memory file or to sync shows as a generic I/O error; below this much free space the
# disk is the likely cause.
_NEARLY_FULL = 1 << 20

_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}
_NO_WRITE = {errno.EACCES, errno.EPERM, errno.EROFS}


@dataclass(frozen=True)
class Failure:
    """A recognised failure: the error class to raise, the reason and what the researcher can do.

    Attributes:
        kind: the :class:`~r2pcoder.errors.R2pError` subclass that names it.
        reason: what is wrong, e.g. "the disk is full".
        advice: what to do about it, e.g. "free some space and try again".
    """

    kind: type[R2pError]
    reason: str
    advice: str

    def message(self, subject: str | None) -> str:
        """The one-line message ``"<subject>: <reason>; <advice>."``.

        Without a subject it is ``"<Reason>; <advice>."``.
        """
        if subject is None:
            return f"{self.reason[:1].upper()}{self.reason[1:]}; {self.advice}."
        return f"{subject}: {self.reason}; {self.advice}."


def write_problem(path: Path) -> str | None:
    """Why ``path`` cannot be changed where it is, or None when it can.

    SQLite writes a project through journal files beside it (``-wal``, ``-shm``), so the folder
    must be writable as well as the file.
    """
    folder = path.absolute().parent
    if not folder.is_dir():
        return "the folder does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return FOLDER_READ_ONLY
    if path.exists() and not os.access(path, os.W_OK):
        return FILE_READ_ONLY
    return None


def _disk_nearly_full(path: Path | None) -> bool:
    if path is None:
        return False
    try:
        return shutil.disk_usage(path.absolute().parent).free < _NEARLY_FULL
    except OSError:
        return False


def _full() -> Failure:
    return Failure(DiskFull, DISK_FULL, "free some space and try again (nothing was changed)")


def _read_only(reason: str) -> Failure:
    advice = "make it writable, or copy the project to a folder you can write to"
    return Failure(ReadOnly, reason, advice)


def _busy(_err: sqlite3.Error, _code: int, _path: Path | None) -> Failure:
    advice = "another window or command is writing to it; try again when it has finished"
    return Failure(ProjectBusy, BUSY, advice)


def _no_space(_err: sqlite3.Error, _code: int, _path: Path | None) -> Failure:
    return _full()


def _damaged(err: sqlite3.Error, _code: int, _path: Path | None) -> Failure:
    return Failure(ProjectCorrupt, f"the file is damaged ({err})", "open a backup copy")


def _no_write(_err: sqlite3.Error, code: int, path: Path | None) -> Failure:
    if code == sqlite3.SQLITE_READONLY_DIRECTORY:
        return _read_only(FOLDER_READ_ONLY)
    problem = write_problem(path) if path is not None else None
    return _read_only(problem or "the project is read-only")


def _cannot_open(err: sqlite3.Error, _code: int, path: Path | None) -> Failure:
    problem = write_problem(path) if path is not None else None
    if problem:
        return _read_only(problem)
    if path is not None and not path.exists():
        return Failure(NotAProject, "the file does not exist", "check the name and folder")
    return Failure(ProjectError, f"the file cannot be opened ({err})", "check the disk")


def _io(err: sqlite3.Error, _code: int, path: Path | None) -> Failure:
    if _disk_nearly_full(path):
        return _full()
    problem = write_problem(path) if path is not None else None
    if problem:
        return _read_only(problem)
    advice = "check the disk or network drive, then try again"
    return Failure(ProjectError, f"the file could not be read or written ({err})", advice)


_BY_CODE: dict[int, Callable[[sqlite3.Error, int, Path | None], Failure]] = {
    sqlite3.SQLITE_BUSY: _busy,
    sqlite3.SQLITE_FULL: _no_space,
    sqlite3.SQLITE_CORRUPT: _damaged,
    sqlite3.SQLITE_NOTADB: _damaged,
    sqlite3.SQLITE_FORMAT: _damaged,
    sqlite3.SQLITE_READONLY: _no_write,
    sqlite3.SQLITE_PERM: _no_write,
    sqlite3.SQLITE_AUTH: _no_write,
    sqlite3.SQLITE_CANTOPEN: _cannot_open,
    sqlite3.SQLITE_IOERR: _io,
}
"""What each primary result code means (https://www.sqlite.org/rescode.html)."""


def _sqlite(err: sqlite3.Error, path: Path | None) -> Failure | None:
    code = getattr(err, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None  # raised by the sqlite3 module itself (misuse), not by SQLite
    handler = _BY_CODE.get(code & 0xFF)
    return None if handler is None else handler(err, code, path)


def _os(err: OSError, path: Path | None) -> Failure | None:
    if err.errno in _NO_SPACE:
        return _full()
    if err.errno not in _NO_WRITE:
        return None
    name = err.filename if isinstance(err.filename, str) else None
    target = Path(name) if name else path
    if target is not None and target.exists() and not target.is_dir():
        reason = "the file is read-only"
    else:
        reason = FOLDER_READ_ONLY
    return Failure(ReadOnly, reason, "choose a folder you can write to")


def diagnose(exc: BaseException, path: Path | None = None) -> Failure | None:
    """The failure behind ``exc`` (a SQLite, SQLAlchemy or OS error), or None if not one we know.

    Args:
        exc: the exception raised.
        path: the file being worked on (the project, or the file being written), which lets a
            read-only folder be told from a read-only file and a full disk from a failing one.
    """
    orig: BaseException | None = _driver_error(exc)
    if isinstance(orig, sqlite3.Error):
        return _sqlite(orig, path)
    if isinstance(orig, OSError):
        return _os(orig, path)
    return None


def _driver_error(exc: BaseException) -> BaseException | None:
    """The driver's own error inside SQLAlchemy's wrapper, or ``exc`` itself.

    SQLAlchemy is not imported for this: a command that failed before loading it (a usage error,
    a missing file) has no SQLAlchemy error to unwrap, and its message must come quickly.
    """
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError):
        orig: BaseException | None = exc.orig
        return orig
    return exc


def explain(
    exc: BaseException, path: Path | None = None, *, subject: str | None = None
) -> R2pError | None:
    """``exc`` as an :class:`~r2pcoder.errors.R2pError` with a one-line message, or None.

    An ``R2pError`` is returned as it is. ``subject`` starts the message; by default it is the
    name of ``path``, or of the file an OS error names, and else the message is the reason alone
    ("The project is busy; ...").
    """
    if isinstance(exc, R2pError):
        return exc
    failure = diagnose(exc, path)
    if failure is None:
        return None
    if subject is None and path is not None:
        subject = path.name
    if subject is None and isinstance(exc, OSError) and isinstance(exc.filename, str):
        subject = Path(exc.filename).name
    error = failure.kind(failure.message(subject))
    error.__cause__ = exc
    return error
