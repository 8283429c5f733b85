"""ORM models of a project file: project info, coders, documents, codebook, codings, memos, gold.

Every entity that crosses project files (coders, documents, themes, stances, codings, memos) carries
a UUID, so that merges match identities, never names. Documents carry the SHA-256 of their
normalized text, which never changes after import. Relationships default to ``lazy="raise"`` so an
accidental lazy load on a detached object fails loudly. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "CoderRow",
    "CodingRow",
    "DocumentRow",
    "DocumentStatusRow",
    "GoldCodingRow",
    "GoldDecisionRow",
    "MemoRow",
    "MergeLogRow",
    "PacketAssignmentRow",
    "PacketStateRow",
    "ProjectRow",
    "SegmentRow",
    "SnapshotRow",
    "StanceRow",
    "ThemeProposalRow",
    "ThemeRow",
    "UtcDateTime",
    "new_uuid",
    "utcnow",
]


def new_uuid() -> str:
    """A fresh random UUID in canonical text form."""
    return str(uuid_mod.uuid4())


def utcnow() -> datetime:
    """The current time in UTC (stored timezone-aware)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC (SQLite has no time zones) and read back as aware UTC.

    On SQLite it is stored as SQLAlchemy's ``DATETIME`` stores it (``2026-01-15
    09:30:00.000000``: microseconds always six digits), but converted in one C call each way
    (:meth:`datetime.isoformat`, :meth:`datetime.fromisoformat`) rather than through the
    generic type's formatting: a merge writes two million of them.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store in UTC, without tzinfo."""
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read back as an aware UTC datetime, equal to what was stored."""
        return None if value is None else value.replace(tzinfo=UTC)

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], str | None] | None:
        """On SQLite: naive UTC text, exactly the form of SQLAlchemy's ``DATETIME``."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return _stored_text

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[str | None], datetime | None] | None:
        """On SQLite: the stored text as an aware UTC datetime."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return _aware_utc


def _stored_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"a timestamp must be a datetime, not {type(value).__name__}")
    zone = value.tzinfo
    if zone is None:  # naive: UTC already
        return value.isoformat(" ", "microseconds")
    if zone is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:_STORED_LENGTH]  # without "+00:00"


_STORED_LENGTH = len("2026-01-15 09:30:00.000000")


def _aware_utc(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base; JSON columns hold plain dicts and lists."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012 - SQLAlchemy API


class ProjectRow(Base):
    """The single row describing this file: identity, role and codebook header.

    ``role`` is ``"master"`` for a lead's project and ``"packet"`` for a coder's copy, which keeps
    the master's UUID so a returned packet can be matched to its master.
    """

    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("role IN ('master', 'packet')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    packet_coder_uuid: Mapped[str | None] = mapped_column(String(36))
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    codebook_id: Mapped[str] = mapped_column(String(100), default="")
    codebook_name: Mapped[str] = mapped_column(String(200), default="")
    codebook_version: Mapped[str] = mapped_column(String(50), default="")
    codebook_description: Mapped[str] = mapped_column(Text, default="")
    stances_ordinal: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CoderRow(Base):
    """A person who codes; identified by UUID (two coders may share a name)."""

    __tablename__ = "coders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DocumentRow(Base):
    """A statement: normalized text (immutable after import), its hash and its metadata."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_hash", "sha256", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    length: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(200), default="")
    on_behalf_of: Mapped[str] = mapped_column(String(300), default="")
    regional_group: Mapped[str] = mapped_column(String(60), default="")
    date: Mapped[str] = mapped_column(String(10), default="")
    event: Mapped[str] = mapped_column(String(300), default="")
    doc_type: Mapped[str] = mapped_column(String(60), default="")
    source_file: Mapped[str] = mapped_column(String(500), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ThemeRow(Base):
    """A codebook theme; ``key`` is its stable codebook id, ``retired`` themes keep old codings."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    include: Mapped[str] = mapped_column(Text, default="")
    exclude: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(7), default="#808080")
    shortcut: Mapped[str | None] = mapped_column(String(1))
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_by: Mapped[str | None] = mapped_column(String(36))


class StanceRow(Base):
    """A point on the stance scale; ``position`` is its rank on the scale."""

    __tablename__ = "stances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(7), default="#808080")
    shortcut: Mapped[str | None] = mapped_column(String(1))
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class CodingRow(Base):
    """One coded passage: ``text[start:end]`` of a document (code points), a theme and a stance."""

    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint('start >= 0 AND start < "end"', name="non_empty_span"),
        Index("ix_codings_document", "document_id", "coder_id", "start"),
        Index("ix_codings_theme", "theme_id"),
        # One coder's layer: a merge reads it whole, ``code list --coder`` lists it, the window
        # counts it per statement (schema 4).
        Index("ix_codings_coder", "coder_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    stance_id: Mapped[int | None] = mapped_column(ForeignKey("stances.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MemoRow(Base):
    """A memo on a document or a theme, written by a coder (or by nobody: the lead's notes)."""

    __tablename__ = "memos"
    # SQLite treats NULLs as distinct in UNIQUE, so "one memo per target and coder" is kept by
    # the memo service, not by a constraint.
    __table_args__ = (
        CheckConstraint("(document_id IS NULL) != (theme_id IS NULL)", name="memo_has_one_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"))
    text: Mapped[str] = mapped_column(Text)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DocumentStatusRow(Base):
    """A coder's explicit "done" mark on a statement (in progress is derived from codings)."""

    __tablename__ = "document_status"

    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    done_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SegmentRow(Base):
    """A sentence or paragraph of a document, segmented once and stored (reliability units)."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("document_id", "kind", "ordinal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class MergeLogRow(Base):
    """One merge of a returned packet into this master: which file, which coder, what changed."""

    __tablename__ = "merge_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merged_at: Mapped[datetime] = mapped_column(UtcDateTime())
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    coder_uuid: Mapped[str] = mapped_column(String(36))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SnapshotRow(Base):
    """A saved reliability measurement: inputs, settings and results, as cited in a paper."""

    __tablename__ = "reliability_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    label: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    results: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PacketAssignmentRow(Base):
    """In a master: which statements a coder's packet holds, and whether as overlap sample.

    Rows are written when packets are made (replacing that coder's earlier assignment); ``seed``
    and ``issue`` let the lead reproduce and tell apart successive packets of the same coder.
    """

    __tablename__ = "packet_assignments"
    __table_args__ = (UniqueConstraint("coder_uuid", "document_uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coder_uuid: Mapped[str] = mapped_column(String(36))
    document_uuid: Mapped[str] = mapped_column(String(36))
    overlap: Mapped[bool] = mapped_column(Boolean, default=False)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    issue: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PacketStateRow(Base):
    """In a packet: which issued packet this is, and a revision counter of every write in it.

    ``packet_uuid`` and ``issue`` are recorded in the master when the packet is made (schema 1
    packets have no UUID). The counter and the change history (``packet_history``) are kept by
    SQLite triggers installed when the packet is made, so every insert, update and delete of
    coding work counts, whatever code wrote it; ``root`` names where the history starts and
    ``base_revision`` the revision it starts at (0, or the revision a schema 1 packet had when it
    was upgraded).
    """

    __tablename__ = "packet_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_packet_state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue: Mapped[int] = mapped_column(Integer, default=1)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    packet_uuid: Mapped[str | None] = mapped_column(String(36))
    root: Mapped[str] = mapped_column(Text, default="", server_default="")
    base_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ThemeProposalRow(Base):
    """In a master: a theme a coder added in a packet, and the lead's decision on it.

    ``status`` is ``pending`` (kept as a retired theme, codings held under it), ``accepted`` (a
    regular theme), ``mapped`` (its codings go to ``target_uuid``) or ``rejected`` (its codings
    are not merged).
    """

    __tablename__ = "theme_proposals"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'accepted', 'mapped', 'rejected')", name="known_status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    coder_uuid: Mapped[str] = mapped_column(String(36))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    target_uuid: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class GoldDecisionRow(Base):
    """In a master: the lead's decision on one statement x theme cell (the gold layer).

    ``kind`` is ``coded`` (the cell's gold codings say what the statement says on the theme),
    ``absent`` (the theme is not in the statement) or ``resolved`` (the statement was marked
    resolved while this cell still awaited a decision: settled as absent). ``source_coders``
    lists the UUIDs of the coders whose value was accepted; ``auto_rule`` names the auto rule
    that decided (``unanimous``, ``majority``) or is ``None`` for the lead's own decision. A
    newer packet changing the statement after the decision sets ``reopened_at`` and says why;
    the decision itself is never changed by a merge.
    """

    __tablename__ = "gold_decisions"
    __table_args__ = (
        UniqueConstraint("document_id", "theme_id"),
        CheckConstraint("kind IN ('coded', 'absent', 'resolved')", name="known_decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    kind: Mapped[str] = mapped_column(String(10))
    source_coders: Mapped[list[Any]] = mapped_column(default=list)
    auto_rule: Mapped[str | None] = mapped_column(String(20))
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_by_uuid: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    reopened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reopened_reason: Mapped[str] = mapped_column(Text, default="")


class GoldCodingRow(Base):
    """In a master: one coding of the gold layer, with its provenance.

    ``origin`` is ``accepted`` (copied from the coder codings whose UUIDs ``sources`` lists),
    ``edited`` (accepted, then its stance or span changed by the lead) or ``added`` (made by the
    lead). ``auto_rule`` names the auto rule that accepted it, if one did.
    """

    __tablename__ = "gold_codings"
    __table_args__ = (
        CheckConstraint('start >= 0 AND start < "end"', name="gold_non_empty_span"),
        CheckConstraint("origin IN ('accepted', 'edited', 'added')", name="known_origin"),
        Index("ix_gold_codings_cell", "document_id", "theme_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    stance_id: Mapped[int | None] = mapped_column(ForeignKey("stances.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(10))
    sources: Mapped[list[Any]] = mapped_column(default=list)
    source_coders: Mapped[list[Any]] = mapped_column(default=list)
    auto_rule: Mapped[str | None] = mapped_column(String(20))
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_by_uuid: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
