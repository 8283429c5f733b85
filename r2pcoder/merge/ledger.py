"""The master's records of the round-trip: packets issued, versions merged or waiting, lines.

Read at the start of a merge (inside its transaction), written at its end: which packet this
master issued to whom (a returned packet must match one), for every coder and unit the versions
that decide it (``merged``), wait for the lead (``pending``) or were set aside, and the change
histories (lines) those versions lie on. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, delete, insert, select

from r2pcoder.merge.lines import Line, Version
from r2pcoder.schema_merge import MergeVersionRow, PacketIssueRow, PacketLineRow

__all__ = [
    "Issued",
    "Ledger",
    "Stored",
    "load_ledger",
    "load_lines",
    "store_lines",
    "store_versions",
]

State = Literal["merged", "pending", "set_aside"]


@dataclass(frozen=True)
class Issued:
    """A packet the master made: for whom, which issue, and its UUID (None before schema 2)."""

    packet_uuid: str | None
    coder_uuid: str
    issue: int
    created_at: datetime
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
    recorded_at: datetime | None = None


@dataclass
class Ledger:
    """Everything the master remembers of earlier round-trips."""

    issued: list[Issued] = field(default_factory=list)
    versions: dict[str, dict[str, list[Stored]]] = field(default_factory=dict)
    lines: dict[str, list[Line]] = field(default_factory=dict)

    def issued_to(self, coder_uuid: str) -> list[Issued]:
        """Packets made for one coder, oldest first."""
        return sorted((i for i in self.issued if i.coder_uuid == coder_uuid), key=lambda i: i.issue)

    def find(self, packet_uuid: str | None, coder_uuid: str, issue: int) -> Issued | None:
        """The record a returned packet claims to be (by UUID; by coder and issue before)."""
        for record in self.issued:
            if packet_uuid is not None and record.packet_uuid == packet_uuid:
                return record
            if (
                packet_uuid is None
                and record.packet_uuid is None
                and (record.coder_uuid, record.issue) == (coder_uuid, issue)
            ):
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


_ISSUED = select(
    PacketIssueRow.packet_uuid,
    PacketIssueRow.coder_uuid,
    PacketIssueRow.issue,
    PacketIssueRow.created_at,
    PacketIssueRow.discarded_unmerged,
)
_VERSIONS = select(
    MergeVersionRow.coder_uuid,
    MergeVersionRow.unit,
    MergeVersionRow.packet_key,
    MergeVersionRow.issue,
    MergeVersionRow.position,
    MergeVersionRow.digest,
    MergeVersionRow.state,
    MergeVersionRow.content,
    MergeVersionRow.codings,
    MergeVersionRow.memos,
    MergeVersionRow.marks,
    MergeVersionRow.file_name,
    MergeVersionRow.file_sha256,
    MergeVersionRow.recorded_at,
).order_by(MergeVersionRow.id)
_LINES = select(
    PacketLineRow.packet_key, PacketLineRow.base, PacketLineRow.root, PacketLineRow.chain
).order_by(PacketLineRow.id)


def load_ledger(conn: Connection) -> Ledger:
    """Read the round-trip records of the master on its merge connection."""
    ledger = Ledger()
    for issued in conn.execute(_ISSUED):
        ledger.issued.append(
            Issued(issued[0], issued[1], int(issued[2]), issued[3], bool(issued[4]))
        )
    for row in conn.execute(_VERSIONS):
        version = Version(row[2], int(row[3]), int(row[4]), bytes.fromhex(row[5]))
        state: State = row[6]  # type: ignore[assignment]  # the table's CHECK allows no other
        stored = Stored(
            version, state, row[7], (row[8], row[9], row[10]), row[11], row[12], row[13]
        )
        ledger.versions.setdefault(row[0], {}).setdefault(row[1], []).append(stored)
    ledger.lines = load_lines(conn)
    return ledger


def load_lines(conn: Connection) -> dict[str, list[Line]]:
    """The change histories of the copies merged so far, by packet key."""
    lines: dict[str, list[Line]] = {}
    for key, base, root, chain in conn.execute(_LINES):
        lines.setdefault(key, []).append(Line.stored(key, base, root, bytes(chain)))
    return lines


_FORGET_VERSIONS = delete(MergeVersionRow).where(
    MergeVersionRow.coder_uuid == bindparam("coder"), MergeVersionRow.unit == bindparam("unit")
)


def store_versions(
    conn: Connection,
    kept: Iterable[tuple[str, str, Sequence[Stored]]],
    now: datetime,
) -> None:
    """Replace what the master keeps for each (coder, unit) of ``kept`` by its versions.

    Two statements for a whole merge (a delete and an insert, each with many parameter sets):
    a merge of a thousand statements per packet keeps thousands of units.
    """
    forget: list[dict[str, str]] = []
    rows: list[dict[str, Any]] = []
    for coder, unit, versions in kept:
        forget.append({"coder": coder, "unit": unit})
        rows += [
            {
                "coder_uuid": coder,
                "unit": unit,
                "packet_key": s.version.key,
                "issue": s.version.issue,
                "position": s.version.position,
                "digest": s.version.digest.hex(),
                "state": s.state,
                "content": s.content,
                "codings": s.counts[0],
                "memos": s.counts[1],
                "marks": s.counts[2],
                "file_name": s.file_name,
                "file_sha256": s.file_sha256,
                "recorded_at": s.recorded_at or now,
            }
            for s in versions
        ]
    if forget:
        conn.execute(_FORGET_VERSIONS, forget)
    if rows:  # an empty parameter list would insert one row of defaults
        conn.execute(insert(MergeVersionRow), rows)


def store_lines(conn: Connection, ledger: Ledger, lines: Iterable[tuple[Line, str]]) -> bool:
    """Keep the lines of copies that came back, dropping any that another one extends.

    Returns True if anything was written.
    """
    wrote = False
    for line, file_name in lines:
        known = ledger.lines.setdefault(line.key, [])
        if any(other.extends(line) for other in known):
            continue
        for other in [o for o in known if line.extends(o)]:
            conn.execute(
                delete(PacketLineRow).where(
                    PacketLineRow.packet_key == other.key,
                    PacketLineRow.base == other.base,
                    PacketLineRow.tip == other.tip.hex(),
                )
            )
            known.remove(other)
        conn.execute(
            insert(PacketLineRow).values(
                packet_key=line.key,
                base=line.base,
                root=line.root.hex(),
                chain=line.chain,
                length=line.length,
                tip=line.tip.hex(),
                file_name=file_name,
            )
        )
        known.append(line)
        wrote = True
    return wrote
