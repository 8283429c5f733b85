"""Hidden ``.NAME.xxxxxxxx.part`` files: written first, renamed into place, cleaned up if orphaned.

Exports and backups are written to a hidden temporary file beside their destination and renamed
over it only when complete. A process killed while writing (kill -9, a power cut) cannot delete
its temporary file, so the next run that writes the same destination removes the orphans. A
temporary file is held open with an exclusive ``flock`` for as long as its writer lives, which
tells an orphan from the file of a writer still at work in another process (on Windows, where
``fcntl`` is missing, an open file cannot be deleted, which tells them apart in the same way).
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import sys
from pathlib import Path
from typing import IO

from r2pcoder.wording import counted

__all__ = ["PartFile", "remove_orphans"]

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\.[0-9a-f]{8}\.part")

if sys.platform == "win32":  # pragma: no cover - an open file cannot be deleted there

    def _lock(_fd: int) -> bool:
        return True

else:
    import fcntl

    def _lock(fd: int) -> bool:
        """Take an exclusive lock without waiting; False if another process holds one."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


class PartFile:
    """A new, empty, hidden temporary file ``.NAME.xxxxxxxx.part`` in ``directory``, held locked.

    Use :attr:`path` to write it (any number of times, by path), then :meth:`close` after it was
    renamed into place or removed.
    """

    def __init__(self, directory: Path, name: str) -> None:
        for _ in range(100):
            # open("x") rather than mkstemp, so the file gets the user's usual permissions.
            path = directory / f".{name}.{secrets.token_hex(4)}.part"
            try:
                handle: IO[bytes] = path.open("xb")
            except FileExistsError:
                continue
            break
        else:
            raise FileExistsError(f"no free temporary name for {name} in {directory}")
        self.path = path
        self._handle = handle
        _lock(handle.fileno())

    def close(self) -> None:
        """Release the lock (the file itself is left where it is)."""
        self._handle.close()

    def discard(self) -> None:
        """Delete the file and release the lock."""
        self.path.unlink(missing_ok=True)
        self.close()


def _orphan_removed(path: Path) -> bool:
    if sys.platform == "win32":  # pragma: no cover - deleting a file open elsewhere fails
        try:
            path.unlink()
        except OSError:
            return False
        return True
    try:
        handle = path.open("rb")
    except OSError:
        return False
    with handle:
        if not _lock(handle.fileno()):
            return False  # its writer is still at work
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return True


def remove_orphans(directory: Path, name_pattern: str) -> list[Path]:
    """Delete the orphaned temporary files in ``directory`` whose NAME matches ``name_pattern``.

    Args:
        directory: where to look (not recursively).
        name_pattern: a regular expression for NAME, e.g. ``re.escape("counts.csv")``.

    Returns:
        The files removed. A file still held by a running writer is left alone, and a folder
        that cannot be listed or written is not an error (there is nothing we could clean).
    """
    whole = re.compile(rf"\.(?:{name_pattern}){_TOKEN.pattern}")
    try:
        candidates = [e for e in os.scandir(directory) if whole.fullmatch(e.name) and e.is_file()]
    except OSError:
        return []
    removed = [Path(e.path) for e in candidates if _orphan_removed(Path(e.path))]
    if removed:
        log.info("Removed %s left by an interrupted run", counted(len(removed), "unfinished file"))
    return removed
