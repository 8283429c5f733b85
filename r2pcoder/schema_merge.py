"""ORM models of the team round-trip's records: packets issued, packet histories, merged versions.

In a master: ``packet_issues`` (which packet was issued to whom), ``merge_versions`` (which copy
of which packet decides each statement of each coder's layer, and which diverged copies wait for
the lead or were set aside), ``packet_lines`` (the change histories of merged copies, so that a
later copy can be placed on them) and ``packet_copies`` (what a merge read in each packet file,
by the file's SHA-256, so that the same file offered again is not read again). In a packet:
``packet_history`` (every write, kept by triggers; see :mod:`r2pcoder.packet_history`). Every
project file holds every table; those of the other role stay empty. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from r2pcoder.schema import Base, UtcDateTime

__all__ = [
    "MergeVersionRow",
    "PacketCopyRow",
    "PacketHistoryRow",
    "PacketIssueRow",
    "PacketLineRow",
]

CODEBOOK_UNIT = "*"
"""The unit of a coder's work that belongs to no statement: memos on themes."""


class PacketIssueRow(Base):
    """In a master: one packet made for a coder. A returned packet must match one of these.

    ``packet_uuid`` is ``None`` for packets made before schema 2 (known by coder and issue only).
    ``discarded_unmerged`` says the lead re-issued this coder's packet knowing that the earlier
    one held work not yet merged.
    """

    __tablename__ = "packet_issues"
    __table_args__ = (UniqueConstraint("coder_uuid", "issue"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    coder_uuid: Mapped[str] = mapped_column(String(36))
    issue: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(500), default="")
    seed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    discarded_unmerged: Mapped[bool] = mapped_column(Boolean, default=False)


class PacketHistoryRow(Base):
    """In a packet: one recorded write (``seq`` is the revision it made); see ``packet_history``.

    ``unit``/``coder`` name the statement (UUID; ``None`` for codebook-level rows) and coder of
    the row written, ``unit2``/``coder2`` those it had before an update; ``row`` is its content.
    """

    __tablename__ = "packet_history"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tbl: Mapped[str] = mapped_column(String(30))
    op: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str | None] = mapped_column(String(36))
    unit2: Mapped[str | None] = mapped_column(String(36))
    coder: Mapped[str | None] = mapped_column(String(36))
    coder2: Mapped[str | None] = mapped_column(String(36))
    row: Mapped[str] = mapped_column(Text)


class MergeVersionRow(Base):
    """In a master: a version of one unit (statement, or ``*``) of one coder's work.

    ``state`` is ``merged`` (the master's layer holds it), ``pending`` (a diverged copy that
    waits for the lead's choice) or ``set_aside`` (the lead preferred another copy). A version is
    a place in a packet's history: ``packet_key`` (the packet's UUID, or ``legacy:...`` /
    ``foreign:...``), ``position`` (revision) and ``digest`` there. ``content`` is the digest of
    the unit's work in that version, with its counts, for versions the master does not hold.
    """

    __tablename__ = "merge_versions"
    __table_args__ = (
        CheckConstraint("state IN ('merged', 'pending', 'set_aside')", name="known_state"),
        Index("ix_merge_versions_unit", "coder_uuid", "unit"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coder_uuid: Mapped[str] = mapped_column(String(36))
    unit: Mapped[str] = mapped_column(String(36))
    packet_key: Mapped[str] = mapped_column(String(200))
    issue: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(String(64), default="")
    codings: Mapped[int] = mapped_column(Integer, default=0)
    memos: Mapped[int] = mapped_column(Integer, default=0)
    marks: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str] = mapped_column(String(500), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PacketLineRow(Base):
    """In a master: the change history of a merged copy (only copies no other line contains).

    ``root`` is the digest at revision ``base``; ``chain`` holds the digests after it, 16 bytes
    each, up to revision ``length`` whose digest is ``tip``.
    """

    __tablename__ = "packet_lines"
    __table_args__ = (Index("ix_packet_lines_key", "packet_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_key: Mapped[str] = mapped_column(String(200))
    base: Mapped[int] = mapped_column(Integer)
    root: Mapped[str] = mapped_column(String(32))
    chain: Mapped[bytes] = mapped_column(LargeBinary)
    length: Mapped[int] = mapped_column(Integer)
    tip: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(Text, default="")


class PacketCopyRow(Base):
    """In a master: one coder's work in one packet file a merge has read (schema 4).

    A file is known by its SHA-256 (with its write-ahead log, if one lay beside it): the same
    bytes always hold the same history and rows. ``history`` is what reading the file's change
    history gave (its line's key, base, length and tip, where its coder wrote last per unit, and
    writes under other names), in the form :mod:`r2pcoder.merge.copies` reads back; the line's
    digests are kept once, in ``packet_lines``. ``clean`` says whether every row of the coder's
    work crossed into the master without a word to say about it (no row left out, nothing under
    another name, no clash, nothing that differed from the master where the history said it
    should not), or ``None`` when the rows were not read.
    """

    __tablename__ = "packet_copies"
    __table_args__ = (UniqueConstraint("file_sha256", "coder_uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64))
    coder_uuid: Mapped[str] = mapped_column(String(36))
    history: Mapped[dict[str, Any]] = mapped_column(default=dict)
    clean: Mapped[bool | None] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
