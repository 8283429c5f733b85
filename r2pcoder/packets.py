"""Coder packets: one project file per coder, cut from a master, to code offline and send back.

The lead may give every coder every statement, or split the statements between coders plus an
overlap sample that every coder codes (for reliability); the split is reproducible from a seed
and recorded in the master (``packet_assignments``). A blind packet holds no other coder's
codings, memos or marks. Each packet has its own UUID and issue number, recorded in the master
(``packet_issues``): a returned packet must match that record to be merged. The files themselves
are written by :mod:`r2pcoder.packet_write` (with the triggers that keep each packet's change
history) and named by :mod:`r2pcoder.packet_names`.

A coder whose earlier packet has not come back (or whose diverged copies wait for the lead's
choice) gets no new packet unless the lead says so (``discard_unmerged``): a new packet
supersedes the old one on the statements it holds. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import DatabaseError

from r2pcoder.coders import clean_coder_name
from r2pcoder.db import Project
from r2pcoder.errors import ProjectError, UnknownEntity
from r2pcoder.failures import explain
from r2pcoder.packet_names import packet_file_names
from r2pcoder.packet_write import PacketContent, PacketSpec, write_packet
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.schema import CoderRow, DocumentRow, PacketAssignmentRow, new_uuid, utcnow
from r2pcoder.schema_merge import MergeVersionRow, PacketIssueRow, PacketLineRow
from r2pcoder.wording import counted

__all__ = [
    "Assignment",
    "PacketOptions",
    "PacketSpec",
    "PacketsReport",
    "assign_documents",
    "create_packets",
    "recorded_assignment",
]


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
        discard_unmerged: make a coder's new packet even if the earlier one has not come back
            (its unmerged work is then superseded on the statements the new packet holds).
    """

    coders: tuple[str, ...]
    out_dir: Path
    overlap: float | tuple[str, ...] = 0.0
    seed: int = 0
    split: bool = True
    blind: bool = False
    discard_unmerged: bool = False


@dataclass(frozen=True)
class PacketsReport:
    """What :func:`create_packets` made."""

    packets: tuple[PacketSpec, ...]
    seed: int
    blind: bool
    added_coders: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "seed": self.seed,
            "blind": self.blind,
            "added_coders": list(self.added_coders),
            "notes": list(self.notes),
            "packets": [
                {
                    "packet_uuid": p.packet_uuid,
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
        lines += [f"Note: {note}." for note in self.notes]
        for p in self.packets:
            lines.append(
                f"{p.path.name}: {p.coder_name}, "
                f"{counted(len(p.documents) + len(p.overlap), 'statement')} "
                f"({len(p.overlap)} in the overlap sample), issue {p.issue}"
            )
        return lines


def _resolve_coders(
    master: Project, names: Sequence[str]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Coders as ``(uuid, name)``; names the master lacks get a new UUID, written only later."""
    known = [(c.uuid, c.name) for c in master.coders.list()]
    resolved: list[tuple[str, str]] = []
    added: list[tuple[str, str]] = []
    for name in names:
        match = [c for c in known if c[0] == name] or [
            c for c in known if c[1].casefold() == " ".join(name.split()).casefold()
        ]
        if len(match) > 1:
            raise UnknownEntity(f"Several coders are called {name!r}; use their UUID instead.")
        coder = match[0] if match else (new_uuid(), clean_coder_name(name))
        if not match:
            added.append(coder)
            known.append(coder)
        resolved.append(coder)
    if len({uuid for uuid, _ in resolved}) != len(resolved):
        raise ProjectError("A coder is named twice; each coder gets one packet.")
    return resolved, added


def _reissue_check(
    master: Project, coders: Sequence[tuple[str, str]], discard: bool
) -> tuple[str, ...]:
    """Refuse to supersede a packet whose work was not merged (unless ``discard``); notes."""
    blocked, notes = [], []
    with master.engine.connect() as conn:
        for uuid, name in coders:
            last = conn.execute(
                select(PacketIssueRow.packet_uuid, PacketIssueRow.issue, PacketIssueRow.created_at)
                .where(PacketIssueRow.coder_uuid == uuid)
                .order_by(PacketIssueRow.issue.desc())
                .limit(1)
            ).first()
            if last is None:
                continue
            key = last.packet_uuid or f"legacy:{uuid}:{last.issue}"
            back = conn.execute(
                select(func.count())
                .select_from(PacketLineRow)
                .where(PacketLineRow.packet_key == key)
            ).scalar()
            waiting = conn.execute(
                select(func.count())
                .select_from(MergeVersionRow)
                .where(MergeVersionRow.packet_key == key, MergeVersionRow.state == "pending")
            ).scalar()
            made = f"{name}'s packet of issue {last.issue} (made {last.created_at:%Y-%m-%d})"
            if not back:
                blocked.append(f"{made} has not come back to be merged")
            elif waiting:
                blocked.append(
                    f"{made} has {counted(waiting, 'statement')} where diverged "
                    "copies wait for your choice (merge --prefer)"
                )
            else:
                notes.append(
                    f"{made} was merged; anything done in it after its last merge is "
                    "superseded on the statements the new packet holds"
                )
    if blocked and not discard:
        more = f" (and {len(blocked) - 1} more)" if len(blocked) > 1 else ""
        raise ProjectError(
            f"{blocked[0]}{more}: a new packet would supersede its unmerged work. Merge it "
            "first, or make the new packet giving that work up (--discard-unmerged)."
        )
    notes += [
        f"{b}: its unmerged work is given up on the statements the new packet holds"
        for b in blocked
    ]
    return tuple(notes)


def create_packets(
    master: Project,
    options: PacketOptions,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> PacketsReport:
    """Write one packet per coder, then record coders, packets and assignment in the master.

    The master is changed only once every packet is written, in one transaction: a failure or a
    cancel deletes the packets written so far and leaves the master as it was.

    Raises:
        ProjectError: the master is itself a packet, no coders were named, a file exists, the
            folder cannot be written, or a coder's earlier packet holds work not yet merged
            (unless ``options.discard_unmerged``).
        Cancelled: asked to stop; packets written so far are deleted.
    """
    if master.info.role != "master":
        raise ProjectError(f"{master.path.name} is a packet; make packets from the master.")
    if not options.coders:
        raise ProjectError("Name at least one coder to make packets for.")
    coders, added = _resolve_coders(master, options.coders)
    notes = _reissue_check(master, coders, options.discard_unmerged)
    paths = [options.out_dir / name for name in packet_file_names(master.path.stem, coders)]
    for path in paths:
        if path.exists():
            raise ProjectError(
                f"{path.name} already exists; move it away or choose another folder."
            )
    order, issues = _order_and_issues(master)
    shares = assign_documents(
        list(order),
        [uuid for uuid, _ in coders],
        overlap=_overlap(options.overlap),
        seed=options.seed,
        split=options.split,
    )
    specs = [
        PacketSpec(
            uuid,
            name,
            path,
            issues.get(uuid, 0) + 1,
            tuple(sorted(shares[uuid].own, key=order.__getitem__)),
            tuple(sorted(shares[uuid].overlap, key=order.__getitem__)),
            new_uuid(),
        )
        for (uuid, name), path in zip(coders, paths, strict=True)
    ]
    written: list[Path] = []
    try:
        _make_folder(options.out_dir)
        for i, spec in enumerate(specs):
            check_cancelled(cancelled)
            written.append(spec.path)
            content = PacketContent(spec, options.seed, options.blind, tuple(added))
            _write(master, content)
            wrap_progress(progress, 0.0, 0.95)((i + 1) / len(specs))
        _record(master, specs, options, added)
    except BaseException:
        for path in written:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    wrap_progress(progress, 0.0, 1.0)(1.0)
    return PacketsReport(
        tuple(specs), options.seed, options.blind, tuple(name for _, name in added), notes
    )


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        known = explain(exc, subject=f"Cannot make the folder {folder.name}")
        raise known or ProjectError(
            f"The folder {folder} cannot be made ({exc.strerror or exc}); choose another."
        ) from None


def _write(master: Project, content: PacketContent) -> None:
    path = content.spec.path
    try:
        write_packet(master, content)
    except (OSError, DatabaseError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc.orig
        raise ProjectError(
            f"{path.name} cannot be written in {path.parent} ({reason}); no packet was made."
        ) from None


def _order_and_issues(master: Project) -> tuple[dict[str, int], dict[str, int]]:
    with master.engine.connect() as conn:
        uuids = conn.execute(
            select(DocumentRow.uuid).order_by(DocumentRow.position, DocumentRow.id)
        ).scalars()
        order = {uuid: i for i, uuid in enumerate(uuids)}
        issues: dict[str, int] = {}
        for table in (PacketAssignmentRow, PacketIssueRow):
            for coder, n in conn.execute(
                select(table.coder_uuid, func.max(table.issue)).group_by(table.coder_uuid)
            ):
                issues[coder] = max(issues.get(coder, 0), int(n))
    return order, issues


def recorded_assignment(master: Project) -> dict[str, Assignment]:
    """The statements (UUIDs) of each coder's latest packet, as recorded when it was made."""
    own: dict[str, list[str]] = {}
    common: dict[str, list[str]] = {}
    with master.engine.connect() as conn:
        rows = conn.execute(
            select(
                PacketAssignmentRow.coder_uuid,
                PacketAssignmentRow.document_uuid,
                PacketAssignmentRow.overlap,
            ).order_by(PacketAssignmentRow.id)
        )
        for coder, document, overlap in rows:
            (common if overlap else own).setdefault(coder, []).append(document)
    return {
        coder: Assignment(tuple(own.get(coder, ())), tuple(common.get(coder, ())))
        for coder in sorted(own.keys() | common.keys())
    }


def _overlap(overlap: float | tuple[str, ...]) -> float | Sequence[str]:
    return overlap if isinstance(overlap, float | int) else list(overlap)


def _record(
    master: Project,
    specs: Sequence[PacketSpec],
    options: PacketOptions,
    added: Sequence[tuple[str, str]],
) -> None:
    """One transaction: new coders, the packets issued, and each coder's assignment."""
    now = utcnow()
    with master.engine.begin() as conn:
        if added:
            conn.execute(
                insert(CoderRow), [{"uuid": u, "name": n, "created_at": now} for u, n in added]
            )
        for spec in specs:
            conn.execute(
                insert(PacketIssueRow).values(
                    packet_uuid=spec.packet_uuid,
                    coder_uuid=spec.coder_uuid,
                    issue=spec.issue,
                    file_name=spec.path.name,
                    seed=options.seed,
                    created_at=now,
                    discarded_unmerged=options.discard_unmerged,
                )
            )
            conn.execute(
                delete(PacketAssignmentRow).where(PacketAssignmentRow.coder_uuid == spec.coder_uuid)
            )
            rows = [
                {
                    "coder_uuid": spec.coder_uuid,
                    "document_uuid": doc,
                    "overlap": doc in spec.overlap,
                    "seed": options.seed,
                    "issue": spec.issue,
                    "created_at": now,
                }
                for doc in spec.documents + spec.overlap
            ]
            if rows:
                conn.execute(insert(PacketAssignmentRow), rows)
