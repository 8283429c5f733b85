"""The master's backup around a merge: taken only when the merge changes something, kept bounded.

A merge runs in one transaction that holds the master's write lock from its start. Only when it
has changed a coder's layer is the backup taken, through a second connection, which sees the
master as it was before the merge (the merge's writes are not committed yet, and nobody else can
commit while the lock is held). The copy is written under a hidden temporary name
(``.NAME.pre-merge-TIME.bak.part``) and renamed to ``NAME.pre-merge-TIME.bak`` before the merge
commits; a merge killed while copying leaves only the temporary file, which the next merge
removes. The newest :data:`KEPT` backups are kept; older ones are deleted after a successful
merge. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import glob
import logging
from datetime import UTC, datetime
from pathlib import Path

from r2pcoder.db import Project

__all__ = ["KEPT", "backups", "clean_leftovers", "prune", "take_backup"]

log = logging.getLogger(__name__)

KEPT = 5
"""How many merge backups of a master are kept (the newest)."""


def backups(master: Path) -> list[Path]:
    """The master's merge backups, oldest first (their names sort by time)."""
    return sorted(master.parent.glob(f"{glob.escape(master.name)}.pre-merge-*.bak"))


def clean_leftovers(master: Path) -> list[Path]:
    """Delete partial backups of merges that were killed; returns what was deleted.

    Call only while holding the master's write lock: no other merge is then copying.
    """
    gone = []
    for part in master.parent.glob(f".{glob.escape(master.name)}.pre-merge-*.bak.part"):
        part.unlink(missing_ok=True)
        gone.append(part)
        log.info("Removed %s, left by a merge that did not finish", part.name)
    return gone


def take_backup(master: Project) -> Path:
    """Copy the master as last committed to a new backup file; returns its final path."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    final = master.path.with_name(f"{master.path.name}.pre-merge-{stamp}.bak")
    part = master.path.with_name(f".{final.name}.part")
    try:
        master.backup(part, label=final.name)
        part.replace(final)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return final


def prune(master: Path, keep: int = KEPT) -> list[Path]:
    """Delete all but the newest ``keep`` merge backups; returns what was deleted."""
    old = backups(master)[:-keep] if keep > 0 else backups(master)
    for path in old:
        path.unlink(missing_ok=True)
    return old
