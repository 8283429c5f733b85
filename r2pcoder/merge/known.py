"""Packet files a merge has read before, known again by their SHA-256.

A packet file's bytes (with its write-ahead log, if one lies beside it) decide everything a merge
reads in it: its change history and its rows. So the master records, per file and coder
(``packet_copies``), what reading the history gave (where the coder wrote last per statement,
writes under other names, and the place of the copy's line, whose digests ``packet_lines``
keeps) and whether every row of the coder's work crossed without a word to say about it
(``clean``). When the same file is offered again, the merge takes its history from the record
instead of hashing every entry again, and where the copy has nothing to write and its rows were
clean, it does not read them again: the merge's verdict is the same, and a re-merge of files
that did not change costs their hashing, not their reading.

What the master then does not do again is compare those rows with its own layer: a layer that
only merges change (see :mod:`r2pcoder.layer_guard`) still holds them, unless someone changed
the master's file outside r2pcoder. Records in another format than :data:`RECORD_FORMAT` are
ignored (the file is read again). Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.sqlite import insert as upsert

from r2pcoder.merge.ledger import load_lines
from r2pcoder.merge.lines import History, Line, OtherWrite
from r2pcoder.schema_merge import PacketCopyRow

__all__ = ["RECORD_FORMAT", "CopyRecord", "KnownCopies", "load_known", "record_copies"]

RECORD_FORMAT = 1
"""The form of ``packet_copies.history`` this version writes and reads."""


@dataclass(frozen=True)
class CopyRecord:
    """What to remember of one coder's work in one file: its history, and whether it was clean."""

    file_sha256: str
    coder_uuid: str
    history: History
    clean: bool | None


@dataclass
class KnownCopies:
    """The master's records of packet files read before (read once, before a merge)."""

    histories: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    clean: dict[tuple[str, str], bool] = field(default_factory=dict)
    lines: dict[str, list[Line]] = field(default_factory=dict)

    def history(
        self, file_sha256: str, coder_uuid: str, state: tuple[str, int, int]
    ) -> History | None:
        """The recorded history of this file and coder, if it is the one ``state`` describes.

        ``state`` is the packet key, base and revision the file itself names; a record that
        does not fit them, or whose line the master no longer holds, gives None.
        """
        found = self.histories.get((file_sha256, coder_uuid))
        if found is None or (found["key"], found["base"], found["length"]) != state:
            return None
        key, base, length = state
        tip = bytes.fromhex(found["tip"])
        line = next(
            (ln for ln in self.lines.get(key, []) if ln.base == base and ln.at(length) == tip), None
        )
        if line is None:
            return None
        others = tuple(OtherWrite(kind, identity, who) for kind, identity, who in found["others"])
        return History(line.until(length), dict(found["touches"]), others)

    def is_clean(self, file_sha256: str, coder_uuid: str) -> bool:
        """True if this file's rows of this coder were read before and were clean."""
        return self.clean.get((file_sha256, coder_uuid), False)


def load_known(conn: Connection) -> KnownCopies:
    """Read the records of packet files read before (and the lines their histories lie on)."""
    known = KnownCopies()
    rows = conn.execute(
        select(
            PacketCopyRow.file_sha256,
            PacketCopyRow.coder_uuid,
            PacketCopyRow.history,
            PacketCopyRow.clean,
        )
    )
    for sha, coder, history, clean in rows:
        if isinstance(history, dict) and history.get("format") == RECORD_FORMAT:
            known.histories[(sha, coder)] = history
            if clean is not None:
                known.clean[(sha, coder)] = bool(clean)
    if known.histories:
        known.lines = load_lines(conn)
    return known


def _history_json(history: History) -> dict[str, Any]:
    line = history.line
    return {
        "format": RECORD_FORMAT,
        "key": line.key,
        "base": line.base,
        "length": line.length,
        "tip": line.tip.hex(),
        "touches": dict(history.touches),
        "others": [[o.kind, o.identity, o.coder_uuid] for o in history.others],
    }


def record_copies(conn: Connection, records: Iterable[CopyRecord], now: datetime) -> None:
    """Remember these copies; a clean flag not known now keeps the one recorded before."""
    rows = [
        {
            "file_sha256": r.file_sha256,
            "coder_uuid": r.coder_uuid,
            "history": _history_json(r.history),
            "clean": r.clean,
            "recorded_at": now,
        }
        for r in records
    ]
    if not rows:
        return
    statement = upsert(PacketCopyRow)
    excluded = statement.excluded
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[PacketCopyRow.file_sha256, PacketCopyRow.coder_uuid],
            set_={
                "history": excluded.history,
                "recorded_at": excluded.recorded_at,
                "clean": func.coalesce(excluded.clean, PacketCopyRow.clean),
            },
        ),
        rows,
    )
