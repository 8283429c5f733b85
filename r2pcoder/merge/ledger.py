"""The master's records of the round-trip: packets issued, versions merged or waiting, lines.

Read at the start of a merge (inside its transaction), written at its end: which packet this
master issued to whom (a returned packet must match one), for every coder and unit the versions
that decide it (``merged``), wait for the lead (``pending``) or were set aside, and the change
histories (lines) those versions lie on. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from r2pcoder.merge.lines import Line, Version

__all__ = ["Issued", "Ledger", "Stored", "load_ledger", "store_lines", "store_versions"]

State = Literal["merged", "pending", "set_aside"]


@dataclass(frozen=True)
class Issued:
    """A packet the master made: for whom, which issue, and its UUID (None before schema 2)."""

    packet_uuid: str | None
    coder_uuid: str
    issue: int
    created_at: str
    discarded_unmerged: bool

    @property
    def key(self) -> str:
        """The packet key its copies' versions carry."""
        return self.packet_uuid or f"legacy:{self.coder_uuid}:{self.issue}"


@dataclass(frozen=True)
class Stored:
    """A version the master keeps for one coder and unit, with what it held there."""

    version: Version
    state: State
    content: str = ""
    counts: tuple[int, int, int] = (0, 0, 0)
    file_name: str = ""
    file_sha256: str = ""
    recorded_at: str = ""


@dataclass
class Ledger:
    """Everything the master remembers of earlier round-trips."""

    issued: list[Issued] = field(default_factory=list)
    versions: dict[str, dict[str, list[Stored]]] = field(default_factory=dict)
    lines: dict[str, list[Line]] = field(default_factory=dict)

    def issued_to(self, coder_uuid: str) -> list[Issued]:
        """Packets made for one coder, oldest first."""
        return sorted((i for i in self.issued if i.coder_uuid == coder_uuid),
                      key=lambda i: i.issue)  # fmt: skip

    def find(self, packet_uuid: str | None, coder_uuid: str, issue: int) -> Issued | None:
        """The record a returned packet claims to be (by UUID; by coder and issue before)."""
        for record in self.issued:
            if packet_uuid is not None and record.packet_uuid == packet_uuid:
                return record
            if packet_uuid is None and record.packet_uuid is None and (
                record.coder_uuid, record.issue) == (coder_uuid, issue):  # fmt: skip
                return record
        return None

    def returned(self, key: str) -> bool:
        """True if some copy of the packet ``key`` came back in a merge."""
        return key in self.lines

    def waiting(self, key: str) -> int:
        """How many units of the packet ``key`` wait for the lead's choice."""
        return sum(
            1
            for units in self.versions.values()
            for stored in units.values()
            for s in stored
            if s.state == "pending" and s.version.key == key
        )


def load_ledger(raw: sqlite3.Connection) -> Ledger:
    """Read the round-trip records of the master on its merge connection."""
    ledger = Ledger()
    for row in raw.execute(
        "SELECT packet_uuid, coder_uuid, issue, created_at, discarded_unmerged FROM packet_issues"
    ):
        ledger.issued.append(Issued(row[0], row[1], int(row[2]), str(row[3]), bool(row[4])))
    for row in raw.execute(
        "SELECT coder_uuid, unit, packet_key, issue, position, digest, state, content, codings, "
        "memos, marks, file_name, file_sha256, recorded_at FROM merge_versions ORDER BY id"
    ):
        version = Version(row[2], int(row[3]), int(row[4]), bytes.fromhex(row[5]))
        stored = Stored(version, row[6], row[7], (row[8], row[9], row[10]), *row[11:])
        ledger.versions.setdefault(row[0], {}).setdefault(row[1], []).append(stored)
    for key, base, root, chain in raw.execute(
        "SELECT packet_key, base, root, chain FROM packet_lines ORDER BY id"
    ):
        ledger.lines.setdefault(key, []).append(Line.stored(key, base, root, bytes(chain)))
    return ledger


def store_versions(
    raw: sqlite3.Connection, coder: str, unit: str, versions: Sequence[Stored], now: str
) -> None:
    """Replace what the master keeps for ``coder`` and ``unit`` by ``versions``."""
    raw.execute("DELETE FROM merge_versions WHERE coder_uuid = ? AND unit = ?", (coder, unit))
    raw.executemany(
        "INSERT INTO merge_versions (coder_uuid, unit, packet_key, issue, position, digest, "
        "state, content, codings, memos, marks, file_name, file_sha256, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(coder, unit, s.version.key, s.version.issue, s.version.position, s.version.digest.hex(),
          s.state, s.content, *s.counts, s.file_name, s.file_sha256, s.recorded_at or now)
         for s in versions],
    )  # fmt: skip


def store_lines(raw: sqlite3.Connection, ledger: Ledger, lines: Iterable[tuple[Line, str]]) -> bool:
    """Keep the lines of copies that came back, dropping any that another one extends.

    Returns True if anything was written.
    """
    wrote = False
    for line, file_name in lines:
        known = ledger.lines.setdefault(line.key, [])
        if any(other.extends(line) for other in known):
            continue
        for other in [o for o in known if line.extends(o)]:
            raw.execute(
                "DELETE FROM packet_lines WHERE packet_key = ? AND base = ? AND tip = ?",
                (other.key, other.base, other.tip.hex()),
            )
            known.remove(other)
        raw.execute(
            "INSERT INTO packet_lines (packet_key, base, root, chain, length, tip, file_name) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (line.key, line.base, line.digests[0].hex(), line.chain(), line.length,
             line.tip.hex(), file_name),
        )  # fmt: skip
        known.append(line)
        wrote = True
    return wrote
