"""Coder packets: one project file per coder, cut from a master, to code offline and send back.

A packet keeps the master's project UUID and copies documents, codebook items and coders with
their UUIDs and row ids, so a returned packet matches the master by identity. The lead may give
every coder every statement, or split the statements between coders plus an overlap sample that
every coder codes (for reliability); the split is reproducible from a seed and recorded in the
master (``packet_assignments``). A blind packet holds no other coder's codings, memos or marks.

Every packet gets an issue number and SQLite triggers that count each write of the coder's work
(``packet_state.revision``), so :mod:`r2pcoder.merge` can tell a newer copy from an older one
without trusting clocks. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, or_, select, update

from r2pcoder.db import Project
from r2pcoder.errors import ProjectError, UnknownEntity
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.schema import (
    Base,
    CoderRow,
    CodingRow,
    DocumentRow,
    DocumentStatusRow,
    MemoRow,
    PacketAssignmentRow,
    PacketStateRow,
    ProjectRow,
    SegmentRow,
    utcnow,
)

__all__ = [
    "Assignment",
    "PacketOptions",
    "PacketSpec",
    "PacketsReport",
    "assign_documents",
    "create_packets",
    "install_revision_triggers",
    "recorded_assignment",
]

_COUNTED_TABLES = ("codings", "memos", "document_status", "themes")


@dataclass(frozen=True)
class Assignment:
    """Which documents (UUIDs) one coder's packet holds: their own share and the overlap."""

    own: tuple[str, ...]
    overlap: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        """Own share and overlap sample together."""
        return self.own + self.overlap


def assign_documents(
    documents: Sequence[str],
    coders: Sequence[str],
    *,
    overlap: float | Sequence[str] = 0.0,
    seed: int = 0,
    split: bool = True,
) -> dict[str, Assignment]:
    """Share ``documents`` among ``coders``: the same inputs and seed always give the same result.

    Args:
        documents: document UUIDs (their order does not matter).
        coders: coder UUIDs, in the order shares are dealt out.
        overlap: a fraction of the documents (chosen at random) that every coder gets, or an
            explicit list of document UUIDs chosen by the lead.
        seed: seed of the shuffle.
        split: deal the non-overlap documents out in turn; if False every coder gets them all.
    """
    shuffled = sorted(set(documents))
    random.Random(seed).shuffle(shuffled)
    if isinstance(overlap, float | int):
        if not 0.0 <= overlap <= 1.0:
            raise ProjectError(f"The overlap must be between 0 and 1 (got {overlap}).")
        common = shuffled[: round(overlap * len(shuffled))]
    else:
        unknown = sorted(set(overlap) - set(shuffled))
        if unknown:
            raise UnknownEntity(f"The overlap sample names unknown documents: {unknown[0]}.")
        common = [d for d in shuffled if d in set(overlap)]
    common_set = set(common)
    rest = [d for d in shuffled if d not in common_set]
    result = {}
    for i, coder in enumerate(coders):
        own = rest[i :: len(coders)] if split else rest
        result[coder] = Assignment(own=tuple(own), overlap=tuple(common))
    return result


@dataclass(frozen=True)
class PacketOptions:
    """What packets to make.

    Attributes:
        coders: coder names or UUIDs; an unknown name adds that coder to the master.
        out_dir: folder the packet files are written to (``<master>-<coder>.r2p``).
        overlap: fraction of documents every coder gets, or explicit document UUIDs.
        seed: seed of the assignment.
        split: share the other documents between coders (False: everyone gets everything).
        blind: leave out every other coder's codings, memos and done marks.
    """

    coders: tuple[str, ...]
    out_dir: Path
    overlap: float | tuple[str, ...] = 0.0
    seed: int = 0
    split: bool = True
    blind: bool = False


@dataclass(frozen=True)
class PacketSpec:
    """One packet that was written."""

    coder_uuid: str
    coder_name: str
    path: Path
    issue: int
    documents: tuple[str, ...]
    overlap: tuple[str, ...]


@dataclass(frozen=True)
class PacketsReport:
    """What :func:`create_packets` made."""

    packets: tuple[PacketSpec, ...]
    seed: int
    blind: bool
    added_coders: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "seed": self.seed,
            "blind": self.blind,
            "added_coders": list(self.added_coders),
            "packets": [
                {
                    "coder_uuid": p.coder_uuid,
                    "coder": p.coder_name,
                    "file": str(p.path),
                    "issue": p.issue,
                    "documents": len(p.documents) + len(p.overlap),
                    "overlap": len(p.overlap),
                }
                for p in self.packets
            ],
        }

    def summary(self) -> list[str]:
        """One line per packet, for people."""
        lines = [f"Added coder {name}." for name in self.added_coders]
        for p in self.packets:
            lines.append(
                f"{p.path.name}: {p.coder_name}, {len(p.documents) + len(p.overlap)} statement(s) "
                f"({len(p.overlap)} in the overlap sample), issue {p.issue}"
            )
        return lines


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "coder"


def _resolve_coders(
    master: Project, names: Sequence[str]
) -> tuple[list[tuple[str, str]], list[str]]:
    known = master.coders.list()
    resolved, added = [], []
    for name in names:
        match = [c for c in known if c.uuid == name] or [
            c for c in known if c.name.casefold() == name.strip().casefold()
        ]
        if len(match) > 1:
            raise UnknownEntity(f"Several coders are called {name!r}; use their UUID instead.")
        coder = match[0] if match else master.coders.add(name)
        if not match:
            added.append(coder.name)
            known.append(coder)
        resolved.append((coder.uuid, coder.name))
    if len({uuid for uuid, _ in resolved}) != len(resolved):
        raise ProjectError("A coder is named twice; each coder gets one packet.")
    return resolved, added


def create_packets(
    master: Project,
    options: PacketOptions,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> PacketsReport:
    """Write one packet per coder and record the assignment in the master.

    Raises:
        ProjectError: the master is itself a packet, no coders were named, or a file exists.
        Cancelled: asked to stop; packets written so far are deleted.
    """
    if master.info.role != "master":
        raise ProjectError(f"{master.path.name} is a packet; make packets from the master.")
    if not options.coders:
        raise ProjectError("Name at least one coder to make packets for.")
    coders, added = _resolve_coders(master, options.coders)
    paths = [options.out_dir / f"{master.path.stem}-{_slug(name)}.r2p" for _, name in coders]
    for path in paths:
        if path.exists():
            raise ProjectError(
                f"{path.name} already exists; move it away or choose another folder."
            )
    options.out_dir.mkdir(parents=True, exist_ok=True)
    with master.engine.connect() as conn:
        uuids = conn.execute(
            select(DocumentRow.uuid).order_by(DocumentRow.position, DocumentRow.id)
        ).scalars()
        order = {uuid: i for i, uuid in enumerate(uuids)}
        issued = conn.execute(
            select(PacketAssignmentRow.coder_uuid, func.max(PacketAssignmentRow.issue)).group_by(
                PacketAssignmentRow.coder_uuid
            )
        )
        issues: dict[str, int] = {coder: int(n) for coder, n in issued}
    shares = assign_documents(
        list(order), [uuid for uuid, _ in coders], overlap=_overlap(options.overlap),
        seed=options.seed, split=options.split,
    )  # fmt: skip
    specs: list[PacketSpec] = []
    try:
        for i, ((uuid, name), path) in enumerate(zip(coders, paths, strict=True)):
            check_cancelled(cancelled)
            share = shares[uuid]
            spec = PacketSpec(uuid, name, path, issues.get(uuid, 0) + 1,
                              tuple(sorted(share.own, key=order.__getitem__)),
                              tuple(sorted(share.overlap, key=order.__getitem__)))  # fmt: skip
            specs.append(spec)
            _write_packet(master, spec, options)
            wrap_progress(progress, 0.0, 0.95)((i + 1) / len(coders))
        _record_assignment(master, specs, options.seed)
    except BaseException:
        for spec in specs:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{spec.path}{suffix}").unlink(missing_ok=True)
        raise
    wrap_progress(progress, 0.0, 1.0)(1.0)
    return PacketsReport(tuple(specs), options.seed, options.blind, tuple(added))


def recorded_assignment(master: Project) -> dict[str, Assignment]:
    """The statements (UUIDs) of each coder's latest packet, as recorded when it was made."""
    own: dict[str, list[str]] = {}
    common: dict[str, list[str]] = {}
    with master.engine.connect() as conn:
        rows = conn.execute(
            select(PacketAssignmentRow.coder_uuid, PacketAssignmentRow.document_uuid,
                   PacketAssignmentRow.overlap).order_by(PacketAssignmentRow.id)
        )  # fmt: skip
        for coder, document, overlap in rows:
            (common if overlap else own).setdefault(coder, []).append(document)
    return {
        coder: Assignment(tuple(own.get(coder, ())), tuple(common.get(coder, ())))
        for coder in sorted(own.keys() | common.keys())
    }


def _overlap(overlap: float | tuple[str, ...]) -> float | Sequence[str]:
    return overlap if isinstance(overlap, float | int) else list(overlap)


def _record_assignment(master: Project, specs: Sequence[PacketSpec], seed: int) -> None:
    now = utcnow()
    with master.engine.begin() as conn:
        for spec in specs:
            conn.execute(
                delete(PacketAssignmentRow).where(PacketAssignmentRow.coder_uuid == spec.coder_uuid)
            )
            rows = [
                {"coder_uuid": spec.coder_uuid, "document_uuid": doc,
                 "overlap": doc in spec.overlap, "seed": seed, "issue": spec.issue,
                 "created_at": now}
                for doc in spec.documents + spec.overlap
            ]  # fmt: skip
            if rows:
                conn.execute(insert(PacketAssignmentRow), rows)


def _copy(src: Connection, dst: Connection, table: Table, *where: Any) -> None:
    rows = [dict(r) for r in src.execute(select(table).where(*where)).mappings()]
    if rows:  # an empty parameter list would insert one row of defaults
        dst.execute(insert(table), rows)


def _write_packet(master: Project, spec: PacketSpec, options: PacketOptions) -> None:
    header = master.info
    packet = Project.create(spec.path, name=f"{header.name}: packet for {spec.coder_name}",
                            role="packet", project_uuid=header.uuid,
                            packet_coder_uuid=spec.coder_uuid)  # fmt: skip
    try:
        with master.engine.connect() as src, packet.engine.begin() as dst:
            # Rows keep their ids; themes may name a parent inserted after them.
            dst.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            _copy_content(src, dst, spec, options.blind)
            head = src.execute(select(ProjectRow)).mappings().one()
            copied = {k: head[k] for k in ("codebook_id", "codebook_name", "codebook_version",
                                            "codebook_description", "stances_ordinal")}  # fmt: skip
            settings = {"packet": {"master_name": header.name, "coder_name": spec.coder_name,
                                   "issue": spec.issue, "seed": options.seed,
                                   "overlap": list(spec.overlap)}}  # fmt: skip
            dst.execute(update(ProjectRow).values(blind=options.blind, settings=settings, **copied))
            dst.execute(insert(PacketStateRow).values(id=1, issue=spec.issue, revision=0,
                                                      issued_at=utcnow()))  # fmt: skip
            install_revision_triggers(dst)
    finally:
        packet.close()


def _copy_content(src: Connection, dst: Connection, spec: PacketSpec, blind: bool) -> None:
    tables = Base.metadata.tables
    docs = (
        src.execute(
            select(DocumentRow.id).where(DocumentRow.uuid.in_(spec.documents + spec.overlap))
        )
        .scalars()
        .all()
    )
    coder_id = src.execute(select(CoderRow.id).where(CoderRow.uuid == spec.coder_uuid)).scalar()

    def only_mine(column: Any) -> tuple[Any, ...]:
        return (column == coder_id,) if blind else ()

    _copy(src, dst, tables["coders"], *only_mine(CoderRow.id))
    _copy(src, dst, tables["themes"])
    _copy(src, dst, tables["stances"])
    _copy(src, dst, tables["documents"], DocumentRow.id.in_(docs))
    _copy(src, dst, tables["segments"], SegmentRow.document_id.in_(docs))
    _copy(src, dst, tables["codings"], CodingRow.document_id.in_(docs),
          *only_mine(CodingRow.coder_id))  # fmt: skip
    _copy(src, dst, tables["document_status"], DocumentStatusRow.document_id.in_(docs),
          *only_mine(DocumentStatusRow.coder_id))  # fmt: skip
    memo_mine = (or_(MemoRow.coder_id == coder_id, MemoRow.coder_id.is_(None)),) if blind else ()
    memo_target = or_(MemoRow.document_id.in_(docs), MemoRow.theme_id.is_not(None))
    _copy(src, dst, tables["memos"], memo_target, *memo_mine)


def install_revision_triggers(conn: Connection) -> None:
    """Make every write of a coder's work in this packet count up ``packet_state.revision``.

    Triggers live in the file, so they count writes made by any code, including older or newer
    versions of r2pcoder, and a deletion counts as much as an insertion.
    """
    for table in _COUNTED_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS packet_revision_{table}_{event.lower()} "
                f"AFTER {event} ON {table} FOR EACH ROW BEGIN "
                "UPDATE packet_state SET revision = revision + 1 WHERE id = 1; END"
            )
