"""Writing one coder packet file: the master's identities, the coder's share, its history triggers.

A packet keeps the master's project UUID and copies documents, codebook items and coders with
their UUIDs and row ids, so a returned packet matches the master by identity. It gets its own
packet UUID and issue (recorded in the master) and the triggers of
:mod:`r2pcoder.packet_history`, which record every later write. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, or_, select, update

from r2pcoder.db import Project
from r2pcoder.packet_history import history_trigger_sql, packet_root
from r2pcoder.schema import (
    Base,
    CoderRow,
    CodingRow,
    DocumentRow,
    DocumentStatusRow,
    MemoRow,
    PacketStateRow,
    ProjectRow,
    SegmentRow,
    utcnow,
)

__all__ = ["PacketContent", "PacketSpec", "install_history_triggers", "write_packet"]


@dataclass(frozen=True)
class PacketSpec:
    """One packet: its coder, file, issue, statements (UUIDs) and its own UUID."""

    coder_uuid: str
    coder_name: str
    path: Path
    issue: int
    documents: tuple[str, ...]
    overlap: tuple[str, ...]
    packet_uuid: str = ""


@dataclass(frozen=True)
class PacketContent:
    """What goes into one packet file: the packet, and how it is cut from the master."""

    spec: PacketSpec
    seed: int
    blind: bool
    new_coders: tuple[tuple[str, str], ...] = ()
    """(uuid, name) of coders not yet in the master, added with these packets."""


def write_packet(master: Project, content: PacketContent) -> None:
    """Create the packet's file (which must not exist) from ``master``."""
    header = master.info
    spec = content.spec
    packet = Project.create(
        spec.path,
        name=f"{header.name}: packet for {spec.coder_name}",
        role="packet",
        project_uuid=header.uuid,
        packet_coder_uuid=spec.coder_uuid,
    )
    try:
        with master.engine.connect() as src, packet.engine.begin() as dst:
            # Rows keep their ids; themes may name a parent inserted after them.
            dst.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            _copy_content(src, dst, content)
            head = src.execute(select(ProjectRow)).mappings().one()
            copied = {
                k: head[k]
                for k in (
                    "codebook_id",
                    "codebook_name",
                    "codebook_version",
                    "codebook_description",
                    "stances_ordinal",
                )
            }
            settings = {
                "packet": {
                    "master_name": header.name,
                    "coder_name": spec.coder_name,
                    "issue": spec.issue,
                    "seed": content.seed,
                    "overlap": list(spec.overlap),
                }
            }
            dst.execute(update(ProjectRow).values(blind=content.blind, settings=settings, **copied))
            dst.execute(
                insert(PacketStateRow).values(
                    id=1,
                    issue=spec.issue,
                    revision=0,
                    issued_at=utcnow(),
                    packet_uuid=spec.packet_uuid,
                    root=packet_root(spec.packet_uuid),
                    base_revision=0,
                )
            )
            install_history_triggers(dst)
    finally:
        packet.close()


def _copy(src: Connection, dst: Connection, table: Table, *where: Any) -> None:
    rows = [dict(r) for r in src.execute(select(table).where(*where)).mappings()]
    if rows:  # an empty parameter list would insert one row of defaults
        dst.execute(insert(table), rows)


def _copy_content(src: Connection, dst: Connection, content: PacketContent) -> None:
    tables = Base.metadata.tables
    held = content.spec.documents + content.spec.overlap
    docs = src.execute(select(DocumentRow.id).where(DocumentRow.uuid.in_(held))).scalars().all()
    coder_id = src.execute(
        select(CoderRow.id).where(CoderRow.uuid == content.spec.coder_uuid)
    ).scalar()

    def only_mine(column: Any) -> tuple[Any, ...]:
        return (column == coder_id,) if content.blind else ()

    _copy(src, dst, tables["coders"], *only_mine(CoderRow.id))
    _add_coders(dst, content)
    _copy(src, dst, tables["themes"])
    _copy(src, dst, tables["stances"])
    _copy(src, dst, tables["documents"], DocumentRow.id.in_(docs))
    _copy(src, dst, tables["segments"], SegmentRow.document_id.in_(docs))
    _copy(
        src, dst, tables["codings"], CodingRow.document_id.in_(docs), *only_mine(CodingRow.coder_id)
    )
    _copy(
        src,
        dst,
        tables["document_status"],
        DocumentStatusRow.document_id.in_(docs),
        *only_mine(DocumentStatusRow.coder_id),
    )
    blind = content.blind
    memo_mine = (or_(MemoRow.coder_id == coder_id, MemoRow.coder_id.is_(None)),) if blind else ()
    memo_target = or_(MemoRow.document_id.in_(docs), MemoRow.theme_id.is_not(None))
    _copy(src, dst, tables["memos"], memo_target, *memo_mine)


def _add_coders(dst: Connection, content: PacketContent) -> None:
    rows: Sequence[tuple[str, str]] = content.new_coders
    if content.blind:
        rows = [(u, n) for u, n in rows if u == content.spec.coder_uuid]
    if rows:
        now = utcnow()
        dst.execute(insert(CoderRow), [{"uuid": u, "name": n, "created_at": now} for u, n in rows])


def install_history_triggers(conn: Connection) -> None:
    """Install the triggers that record every write of coding work in this packet.

    Triggers live in the file, so they record writes made by any code, including older or newer
    versions of r2pcoder, and a deletion counts as much as an insertion.
    """
    for statement in history_trigger_sql():
        conn.exec_driver_sql(statement)
