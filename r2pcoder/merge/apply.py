"""Merging returned packets into the master: all or nothing, after a backup, logged.

:func:`merge_packets` checks every file first (a refused file stops the whole run before anything
is written), takes a backup of the master with the SQLite backup API, then plans and applies every
coder's layer inside ONE transaction: a failure, a cancel or a killed process leaves the master as
it was. Rows move with ``executemany`` on the driver connection, because a merge may move half a
million codings. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert

from r2pcoder.db import Project
from r2pcoder.errors import MergeRefused
from r2pcoder.merge.foreign import MasterIndex, load_index
from r2pcoder.merge.plan import Candidate, LayerPlan, pick_winners, plan_layer
from r2pcoder.merge.proposals import ProposalDecision, write_proposals
from r2pcoder.merge.report import LayerReport, MergeReport, PacketsRefused, Refusal
from r2pcoder.merge.source import LayerData, SourceHeader, read_header, read_layer
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.review.reopen import capture, flag_reopened
from r2pcoder.schema import MergeLogRow, utcnow

__all__ = ["merge_packets"]

log = logging.getLogger(__name__)

_BATCH = 20_000
_CACHE_SIZE = -65_536  # KiB, as SQLite takes a negative cache_size
_STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_INSERT = (
    'INSERT INTO codings (uuid, document_id, coder_id, theme_id, stance_id, start, "end", memo, '
    "created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = (
    'UPDATE codings SET document_id = ?, theme_id = ?, stance_id = ?, start = ?, "end" = ?, '
    "memo = ?, created_at = ?, modified_at = ? WHERE uuid = ?"
)
_MEMO = (
    "INSERT INTO memos (uuid, document_id, theme_id, coder_id, text, modified_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(uuid) DO UPDATE SET document_id = excluded.document_id, "
    "theme_id = excluded.theme_id, text = excluded.text, modified_at = excluded.modified_at"
)


def merge_packets(
    master: Project,
    packets: Sequence[Path],
    *,
    dry_run: bool = False,
    foreign: bool = False,
    proposals: Mapping[str, ProposalDecision] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> MergeReport:
    """Merge returned packets into ``master``: each coder's codings become that coder's layer.

    For each coder and statement, the newest packet of that coder holding the statement decides
    the coder's codings there (deletions propagate); the same packet twice, or the same packets in
    any order or grouping, give the same master. An older packet never rolls a newer one back.
    Every layer merged is logged in ``merge_log`` (file, hash, coder, time, counts, stamp and
    statements); a merge that changes nothing writes nothing, not even a log entry, so merging
    twice leaves the master as it was.

    "Newer" means a higher ``(issue, revision)``: the issue number of the packet (a re-issued
    packet supersedes earlier ones) and the count of writes kept by the packet's own triggers.
    Clocks are never compared between packets, only for files without that counter (a foreign
    master), where the latest change is all there is.

    Args:
        master: the lead's project.
        packets: returned packet files (any number; any order).
        dry_run: only plan: report what would happen and write nothing.
        foreign: accept files of another master, matching statements by text hash and the
            codebook by UUID, then name.
        proposals: decisions on proposed themes, by proposed theme UUID or key.
        progress: called with the fraction done.
        cancelled: polled between steps; when it returns True the merge stops and nothing is kept.

    Raises:
        MergeRefused: the master is a packet, or a proposal decision is invalid.
        PacketsRefused: some files cannot be merged (nothing was written; not raised by a dry run,
            whose report lists them).
        Cancelled: asked to stop; the master is unchanged.
    """
    if master.info.role != "master":
        raise MergeRefused(f"{master.path.name} is a packet; merge packets into the master.")
    headers, refused = _read_headers(
        master, packets, foreign=foreign, progress=wrap_progress(progress, 0.0, 0.05),
        cancelled=cancelled,
    )  # fmt: skip
    if refused and not dry_run:
        raise PacketsRefused(tuple(refused))
    candidates = [Candidate(h, coder) for h in headers for coder in h.coder_uuids]
    step = wrap_progress(progress, 0.05, 1.0)
    decisions = dict(proposals or {})
    if dry_run:
        with master.engine.connect() as conn:
            layers = _run(conn, candidates, decisions, None, step, cancelled)
            conn.rollback()
        return MergeReport(True, layers, tuple(refused))
    backup = master.path.with_name(
        f"{master.path.name}.pre-merge-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')}.bak"
    )
    master.backup(backup)
    try:
        with master.engine.begin() as conn:
            decided = capture(conn)  # review hook: the layers on decided cells, before
            layers = _run(conn, candidates, decisions, _Writer(conn, step, cancelled), step,
                          cancelled)  # fmt: skip
            reopened = flag_reopened(conn, decided)  # ...and after: flags what changed
    except BaseException:
        backup.unlink(missing_ok=True)
        raise
    report = MergeReport(False, layers, (), str(backup), reopened)
    if not report.changed:
        backup.unlink(missing_ok=True)
        report = MergeReport(False, layers, ())
    log.info("Merged %d file(s) into %s", len(headers), master.path.name)
    return report


def _read_headers(
    master: Project,
    packets: Sequence[Path],
    *,
    foreign: bool,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
) -> tuple[list[SourceHeader], list[Refusal]]:
    headers: list[SourceHeader] = []
    refused: list[Refusal] = []
    for i, given in enumerate(packets):
        check_cancelled(cancelled)
        progress(i / max(1, len(packets)))
        path = Path(given)
        if path.resolve() == master.path.resolve():
            refused.append(Refusal(path.name, "it is the master itself"))
            continue
        found = read_header(path, master.info, foreign=foreign)
        if isinstance(found, Refusal):
            refused.append(found)
        else:
            headers.append(found)
    return headers, refused


def _run(
    conn: Connection,
    candidates: Sequence[Candidate],
    decisions: Mapping[str, ProposalDecision],
    writer: _Writer | None,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
) -> tuple[LayerReport, ...]:
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    index = load_index(conn)
    keys: dict[str, str] = dict(conn.exec_driver_sql("SELECT key, uuid FROM themes").all())
    winners, reports = pick_winners(candidates, index)
    # Random UUIDs land all over the coding index; a larger page cache for this one transaction
    # keeps its pages in memory instead of spilling and re-reading them (about 25% faster).
    previous_cache = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = {_CACHE_SIZE}")
    try:
        _layers(raw, winners, reports, (index, decisions, keys), writer, progress=progress,
                cancelled=cancelled)  # fmt: skip
    finally:
        raw.execute(f"PRAGMA cache_size = {int(previous_cache)}")
    check_cancelled(cancelled)
    return tuple(sorted(reports, key=lambda r: (r.coder_name, r.coder_uuid, r.file_name)))


def _layers(
    raw: sqlite3.Connection,
    winners: Sequence[Candidate],
    reports: list[LayerReport],
    context: tuple[MasterIndex, Mapping[str, ProposalDecision], dict[str, str]],
    writer: _Writer | None,
    *,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
) -> None:
    index, decisions, keys = context
    for i, (candidate, layer) in enumerate(_prefetched(winners)):
        check_cancelled(cancelled)
        plan = plan_layer(raw, candidate, layer, index, decisions, keys)
        progress((i + 0.5) / max(1, len(winners)))
        if writer is not None and plan.report.status == "merge":
            writer.apply(raw, plan, index)
            writer.log(plan, candidate.header)
        reports.append(plan.report)
        progress((i + 1) / max(1, len(winners)))


def _prefetched(winners: Sequence[Candidate]) -> Iterator[tuple[Candidate, LayerData]]:
    """Each winner with its layer; the next layer is read while the caller writes this one.

    Reading a packet and writing the master overlap well: SQLite releases the GIL while it
    steps, and the packet has its own read-only connection.
    """
    if not winners:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="packet-reader") as pool:
        pending = pool.submit(read_layer, winners[0].header.path, winners[0].coder_uuid)
        for i, candidate in enumerate(winners):
            layer = pending.result()
            if i + 1 < len(winners):
                following = winners[i + 1]
                pending = pool.submit(read_layer, following.header.path, following.coder_uuid)
            yield candidate, layer


def _batches(rows: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), _BATCH):
        yield rows[i : i + _BATCH]


class _Writer:
    """Applies layer plans through the merge's open transaction."""

    def __init__(
        self, conn: Connection, progress: ProgressFn, cancelled: CancelCheck | None
    ) -> None:
        self._conn = conn
        self._progress = progress
        self._cancelled = cancelled
        self._now = datetime.now(UTC).strftime(_STAMP_FORMAT)
        self._doc_uuids: dict[int, str] = dict(
            conn.exec_driver_sql("SELECT id, uuid FROM documents").all()
        )

    def _many(self, raw: sqlite3.Connection, sql: str, rows: Sequence[Any]) -> None:
        for batch in _batches(rows):
            check_cancelled(self._cancelled)
            raw.executemany(sql, batch)

    def apply(self, raw: sqlite3.Connection, plan: LayerPlan, index: MasterIndex) -> None:
        coder = plan.report.coder_uuid
        if not plan.coder_known:
            raw.execute(
                "INSERT INTO coders (uuid, name, created_at) VALUES (?, ?, ?)",
                (coder, plan.coder_name, self._now),
            )
            index.coders[coder] = raw.execute(
                "SELECT id FROM coders WHERE uuid = ?", (coder,)
            ).fetchone()[0]
        coder_id = index.coders[coder]
        write_proposals(raw, plan.proposals, self._now)
        themes: dict[str, int] = dict(raw.execute("SELECT uuid, id FROM themes").fetchall())
        self._many(raw, "DELETE FROM codings WHERE uuid = ?", [(u,) for u in plan.remove])
        self._many(raw, _UPDATE, [(r[0], themes[r[1]], *r[2:], u) for u, r in plan.change])
        rows = [(u, r[0], coder_id, themes[r[1]], *r[2:]) for u, r in plan.add]
        self._many(raw, _INSERT, rows)
        self._many(raw, "DELETE FROM memos WHERE uuid = ?", [(u,) for u in plan.memo_remove])
        memos = [(u, d, None if t is None else themes[t], coder_id, text, modified)
                 for u, (d, t, text, modified) in plan.memo_put]  # fmt: skip
        self._many(raw, _MEMO, memos)
        self._many(raw, "DELETE FROM document_status WHERE coder_id = ? AND document_id = ?",
                   [(coder_id, d) for d in plan.marks_remove])  # fmt: skip
        self._many(raw, "INSERT OR REPLACE INTO document_status (coder_id, document_id, done_at) "
                   "VALUES (?, ?, ?)", [(coder_id, d, t) for d, t in plan.marks_put])  # fmt: skip
        for proposal in plan.proposals:
            if proposal.decision in ("pending", "accept"):
                index.themes[proposal.theme.uuid] = proposal.theme.name

    def log(self, plan: LayerPlan, header: SourceHeader) -> None:
        counts: dict[str, Any] = {
            "added": plan.report.counts.added, "changed": plan.report.counts.changed,
            "removed": plan.report.counts.removed, "memos": plan.report.counts.memos,
            "marks": plan.report.counts.marks, "not_merged": plan.report.counts.not_merged,
            "issue": header.stamp.issue, "revision": header.stamp.revision,
            "latest": header.stamp.latest, "fingerprint": plan.fingerprint,
            "foreign": header.foreign, "project_uuid": header.project_uuid,
            "documents": sorted(self._doc_uuids[d] for d in plan.scope),
        }  # fmt: skip
        self._conn.execute(
            insert(MergeLogRow).values(merged_at=utcnow(), file_name=header.path.name,
                                       file_sha256=header.file_sha256,
                                       coder_uuid=plan.report.coder_uuid, counts=counts)
        )  # fmt: skip
