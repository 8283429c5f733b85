"""Merging returned packets into the master: checked, decided per statement, all or nothing.

:func:`merge_packets` reads and checks every file first (a refused file stops the whole run
before anything is written), then, in ONE transaction that holds the master's write lock from its
start: checks each packet against the master's record of the packets it issued, decides per
coder and statement which copy's work counts (:mod:`r2pcoder.merge.decide`), plans and writes
each copy's part, records what was merged or waits, and logs it. Only if a coder's layer changed
is a backup taken (:mod:`r2pcoder.merge.backup`); a failure, a cancel or a killed process leaves
the master as it was. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Connection, select, update

from r2pcoder.db import Project
from r2pcoder.errors import MergeRefused
from r2pcoder.merge.apply import Writer
from r2pcoder.merge.backup import clean_leftovers, prune, take_backup
from r2pcoder.merge.copies import offer_of, unchanged_report, unique_copies
from r2pcoder.merge.decide import CoderDecision, Offer, Preference, decide_coder
from r2pcoder.merge.foreign import MasterIndex, Matching, load_index, match_source
from r2pcoder.merge.identity import Candidate, identify
from r2pcoder.merge.known import KnownCopies, load_known
from r2pcoder.merge.ledger import Ledger, load_ledger
from r2pcoder.merge.lines import CODEBOOK_UNIT
from r2pcoder.merge.plan import PlanInput, Prepared, plan_layer, prepare_layer
from r2pcoder.merge.proposals import ProposalDecision
from r2pcoder.merge.record import RunDone, record
from r2pcoder.merge.report import LayerReport, MergeReport, PacketsRefused, Refusal
from r2pcoder.merge.rows import UnitRows, current_rows, unit_contents
from r2pcoder.merge.source import LayerData, SourceHeader, read_header, read_layer
from r2pcoder.merge.untrusted import DEFAULT_TIME_LIMIT, FileRefused, Guard
from r2pcoder.merge.verdicts import divergence_notes, layer_report
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.review.reopen import capture, flag_reopened
from r2pcoder.schema import ProjectRow, ThemeRow, utcnow
from r2pcoder.schema_merge import PacketLineRow
from r2pcoder.wording import counted

__all__ = ["merge_packets"]

log = logging.getLogger(__name__)

_CACHE_SIZE = -65_536  # KiB, as SQLite takes a negative cache_size


@dataclass(frozen=True)
class _Options:
    dry_run: bool
    decisions: Mapping[str, ProposalDecision]
    prefer: tuple[str, ...]
    time_limit: float
    cancelled: CancelCheck | None

    def guard(self) -> Guard:
        return Guard(self.cancelled, self.time_limit)


def merge_packets(
    master: Project,
    packets: Sequence[Path],
    *,
    dry_run: bool = False,
    foreign: bool = False,
    proposals: Mapping[str, ProposalDecision] | None = None,
    prefer: Sequence[str | Path] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> MergeReport:
    """Merge returned packets into ``master``: each coder's codings become that coder's layer.

    For each coder and statement, the newest work of that coder decides the coder's codings
    there (deletions propagate): the packet of the highest issue that holds the statement, and of
    its copies the one whose change history continues all the others'. The same packet twice, or
    the same packets in any order or grouping, give the same master; an older copy never rolls a
    newer one back. Copies coded separately (on two laptops) are merged statement by statement;
    where both changed a statement differently, neither is merged there until the lead chooses
    with ``prefer``. Every row merged is checked first; rows that cannot be (and why) are listed.

    Args:
        master: the lead's project.
        packets: returned packet files (any number; any order).
        dry_run: only plan: report what would happen and write nothing.
        foreign: accept files of another master (and packets this master has no record of),
            matching statements by text hash and the codebook by UUID, then name.
        proposals: decisions on proposed themes, by proposed theme UUID or key.
        prefer: files (given now, or the file name of a copy merged before) whose work wins
            where copies of a packet diverged.
        time_limit: seconds allowed for reading one file before it is refused.
        progress: called with the fraction done.
        cancelled: polled between steps (and while SQLite reads a file); when it returns True
            the merge stops and nothing is kept.

    Raises:
        MergeRefused: the master is a packet, a proposal decision or a preference is invalid.
        PacketsRefused: some files cannot be merged (nothing was written; not raised by a dry
            run, whose report lists them).
        Cancelled: asked to stop; the master is unchanged.
    """
    if master.info.role != "master":
        raise MergeRefused(f"{master.path.name} is a packet; merge packets into the master.")
    options = _Options(
        dry_run, dict(proposals or {}), tuple(map(str, prefer)), time_limit, cancelled
    )
    with master.engine.connect() as conn:
        known = load_known(conn)  # files read before, known by their hash: not read again
    headers, refused = _read_headers(
        master, packets, foreign, options, known, wrap_progress(progress, 0.0, 0.1)
    )
    if refused and not dry_run:
        raise PacketsRefused(tuple(refused))
    with master.engine.connect() as conn:
        transaction = conn.begin()
        try:
            gone = []
            decided = None
            if not dry_run:
                # Any write takes the write lock now, for the whole merge: nobody else commits
                # until it ends, so the backup taken at the end shows the master as it was.
                conn.execute(update(ProjectRow).where(ProjectRow.id == 1).values(id=1))
                gone = clean_leftovers(master.path)
                decided = capture(conn)  # the coders' layers on adjudicated cells, before
            run = _Run(conn, options, foreign, known, wrap_progress(progress, 0.1, 1.0))
            run.notes += [
                f"Removed {p.name}, a partial backup left by a merge that did not finish."
                for p in gone
            ]
            report = run.execute(headers, refused)
            if not dry_run:
                # ...and after: adjudicated cells whose coder layers changed are re-opened for
                # review; their gold decisions are kept.
                report = replace(report, reopened=flag_reopened(conn, decided))
            if dry_run or not (report.changed or run.recorded):
                transaction.rollback()
                return report
            backup = take_backup(master) if report.changed else None
            transaction.commit()
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
    if backup is not None:
        prune(master.path)
        report = replace(report, backup=str(backup))
    log.info("Merged %s into %s", counted(len(headers), "file"), master.path.name)
    return report


def _read_headers(
    master: Project,
    packets: Sequence[Path],
    foreign: bool,
    options: _Options,
    known: KnownCopies,
    progress: ProgressFn,
) -> tuple[list[SourceHeader], list[Refusal]]:
    refused: list[Refusal] = []
    paths: list[Path] = []
    seen: set[Path] = set()
    for given in packets:
        path = Path(given)
        if path.resolve() == master.path.resolve():
            refused.append(Refusal(path.name, "it is the master itself"))
        elif path.resolve() not in seen:  # the same file named twice is read once
            seen.add(path.resolve())
            paths.append(path)
    check_cancelled(options.cancelled)

    def read(path: Path) -> SourceHeader | Refusal:
        return read_header(
            path, master.info, foreign=foreign, guard=options.guard(), recorded=known.history
        )

    headers: list[SourceHeader] = []
    # Two files at a time: SQLite reads one (without the GIL) while Python digests the other's
    # history. Results come back in the order given; a cancel stops the rest.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="packet-header") as pool:
        for i, found in enumerate(pool.map(read, paths)):
            progress((i + 1) / max(1, len(paths)))
            (refused if isinstance(found, Refusal) else headers).append(found)  # type: ignore[arg-type]
    return headers, refused


class _Run:
    """One merge (or dry run) inside the master's transaction."""

    def __init__(
        self,
        conn: Connection,
        options: _Options,
        foreign: bool,
        known: KnownCopies,
        progress: ProgressFn,
    ) -> None:
        self.conn = conn
        self.options = options
        self.foreign = foreign
        self.known = known
        self.progress = progress
        self.index: MasterIndex = load_index(conn)
        self.ledger: Ledger = load_ledger(conn)
        self.keys: dict[str, str] = dict(conn.execute(select(ThemeRow.key, ThemeRow.uuid)).all())
        self.writer = None if options.dry_run else Writer(conn, options.cancelled)
        self.now = utcnow()
        self.recorded = False
        self.notes: list[str] = []
        self._prepared: dict[int, Prepared] = {}
        self._current: dict[str, UnitRows] = {}
        self._clean: dict[int, bool] = {}
        self._coders = json.dumps(sorted(self.index.coders))
        lines = select(PacketLineRow.packet_key, PacketLineRow.tip, PacketLineRow.file_name)
        self._line_names: dict[tuple[str, bytes], str] = {
            (key, bytes.fromhex(tip)): name for key, tip, name in conn.execute(lines)
        }

    def execute(self, headers: Sequence[SourceHeader], refused: list[Refusal]) -> MergeReport:
        """Identify, decide, plan, write (unless a dry run) and report."""
        candidates: list[Candidate] = []
        for header in headers:
            found = identify(header, self.index, self.ledger, foreign=self.foreign)
            if isinstance(found, Refusal):
                refused.append(found)
            else:
                candidates += found
        if refused and not self.options.dry_run:
            raise PacketsRefused(tuple(refused))
        matchings = {
            id(c.header): match_source(c.header, self.index, foreign=c.header.foreign)
            for c in candidates
        }
        preference = self._preference(candidates)
        reports = self._merge(candidates, matchings, preference)
        return MergeReport(
            self.options.dry_run, tuple(reports), tuple(refused), None, tuple(self.notes)
        )

    def _preference(self, candidates: Sequence[Candidate]) -> Preference:
        offers: set[int] = set()
        names: set[str] = set()
        stored = {
            s.file_name
            for units in self.ledger.versions.values()
            for versions in units.values()
            for s in versions
        }
        for wanted in self.options.prefer:
            path = Path(wanted)
            hits = [
                i for i, c in enumerate(candidates) if c.header.path.resolve() == path.resolve()
            ]
            hits = hits or [i for i, c in enumerate(candidates) if c.header.path.name == path.name]
            if len({candidates[i].header.path.resolve() for i in hits}) > 1:
                raise MergeRefused(
                    f"--prefer {wanted}: several files given are called "
                    f"{path.name}; give the full path."
                )
            if hits:
                offers.update(hits)
            elif path.name in stored:
                names.add(path.name)
            else:
                raise MergeRefused(
                    f"--prefer {wanted}: no file of that name is given or was merged before."
                )
        return Preference(frozenset(offers), frozenset(names))

    def _merge(
        self,
        candidates: Sequence[Candidate],
        matchings: Mapping[int, Matching],
        preference: Preference,
    ) -> list[LayerReport]:
        by_coder: dict[str, list[int]] = {}
        for i, c in enumerate(candidates):
            by_coder.setdefault(c.coder.coder_uuid, []).append(i)
        reports: list[LayerReport] = []
        work: list[tuple[int, frozenset[str], frozenset[str]]] = []
        planned: dict[int, LayerReport] = {}
        decisions: dict[str, CoderDecision] = {}
        offers: dict[int, Offer] = {}
        duplicates: dict[int, str] = {}
        for coder, indices in by_coder.items():
            check_cancelled(self.options.cancelled)
            for i in indices:
                offers[i] = offer_of(i, candidates[i], matchings[id(candidates[i].header)])
            unique = unique_copies(candidates, indices, duplicates)
            decision = self._decide(
                coder, [offers[i] for i in unique], candidates, matchings, preference
            )
            decisions[coder] = decision
            self._diverged(decision, [offers[i] for i in unique])
            for i in unique:
                write = frozenset(decision.units(i, "write"))
                verify = frozenset(decision.units(i, "same"))
                c = candidates[i]
                known = (
                    None
                    if write or not verify
                    else unchanged_report(c, matchings[id(c.header)], self.index, self.known)
                )
                if known is not None:
                    planned[i] = known  # read before, clean, nothing to write: not read again
                elif write or verify:
                    work.append((i, write, verify))
        self.progress(0.1)
        planned.update(self._plan_all(candidates, matchings, work))
        for i, c in enumerate(candidates):
            decision = decisions[c.coder.coder_uuid]
            reports.append(layer_report(i, c, planned.get(i), decision, duplicates.get(i)))
        if self.writer is not None:
            done = RunDone(
                candidates, decisions, offers, duplicates, reports, self._clean, self.known
            )
            self.recorded |= record(self.conn, self.writer, self.ledger, done, self.now)
        check_cancelled(self.options.cancelled)
        return sorted(reports, key=lambda r: (r.coder_name, r.coder_uuid, r.file_name))

    def _decide(
        self,
        coder: str,
        offers: list[Offer],
        candidates: Sequence[Candidate],
        matchings: Mapping[int, Matching],
        preference: Preference,
    ) -> CoderDecision:
        keys = {o.line.key for o in offers}
        lines = [o.line for o in offers] + [ln for k in keys for ln in self.ledger.lines.get(k, [])]
        titles = {d.uuid: d.title for d in self.index.docs.values()}
        titles[CODEBOOK_UNIT] = "memos on themes"

        def content(unit: str, offer: Offer | None) -> tuple[str, tuple[int, int, int]]:
            key: int | str = self.index.docs[unit].id if unit in self.index.docs else unit
            if offer is None:
                if coder not in self._current:
                    self._current[coder] = current_rows(self.conn, self.index.coders.get(coder))
                return unit_contents(self._current[coder], key)
            c = candidates[offer.index]
            rows = self._prepare(offer.index, c, matchings[id(c.header)]).desired.rows
            return unit_contents(rows, key)

        return decide_coder(
            offers,
            self.ledger.versions.get(coder, {}),
            lines,
            content=content,
            prefer=preference,
            titles=titles,
            now=self.now,
        )

    def _diverged(self, decision: CoderDecision, offers: Sequence[Offer]) -> None:
        for offer in offers:
            others = {(o.line.key, o.line.tip): (o.line, o.file_name) for o in offers}
            for line in self.ledger.lines.get(offer.line.key, []):
                name = self._line_names.get((line.key, line.tip), "a copy merged before")
                others.setdefault((line.key, line.tip), (line, name))
            others.pop((offer.line.key, offer.line.tip), None)
            notes = divergence_notes(offer.line, list(others.values()))
            if notes:
                decision.notes.setdefault(offer.index, []).extend(notes)

    def _prepare(self, index: int, c: Candidate, matching: Matching) -> Prepared:
        if index not in self._prepared:
            layer = _read(c, self.options.guard(), self._coders)
            self._prepared[index] = prepare_layer(
                layer, matching, self.index, self.options.decisions, self.keys
            )
        return self._prepared[index]

    def _plan_all(
        self,
        candidates: Sequence[Candidate],
        matchings: Mapping[int, Matching],
        work: Sequence[tuple[int, frozenset[str], frozenset[str]]],
    ) -> dict[int, LayerReport]:
        planned: dict[int, LayerReport] = {}
        previous = self.conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        # Random UUIDs land all over the coding index; a larger page cache for this one
        # transaction keeps its pages in memory instead of spilling and re-reading them.
        self.conn.exec_driver_sql(f"PRAGMA cache_size = {_CACHE_SIZE}")
        try:
            for step, (i, prepared, write, verify) in enumerate(
                self._prefetched(candidates, matchings, work)
            ):
                check_cancelled(self.options.cancelled)
                c = candidates[i]
                given = PlanInput(
                    c.header, c.coder, matchings[id(c.header)], prepared, write, verify
                )
                plan = plan_layer(self.conn, given, self.index)
                self._clean[i] = plan.clean
                self.progress(0.1 + 0.85 * (step + 0.5) / max(1, len(work)))
                if self.writer is not None and plan.report.status == "merge":
                    self.writer.apply(plan, self.index)
                planned[i] = plan.report
                self.progress(0.1 + 0.85 * (step + 1) / max(1, len(work)))
        finally:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")
        return planned

    def _prefetched(
        self,
        candidates: Sequence[Candidate],
        matchings: Mapping[int, Matching],
        work: Sequence[tuple[int, frozenset[str], frozenset[str]]],
    ) -> Iterator[tuple[int, Prepared, frozenset[str], frozenset[str]]]:
        """Each piece of work with its layer; the next layer is read while this one is written.

        Reading a packet and writing the master overlap well: SQLite releases the GIL while it
        steps, and each packet has its own read-only connection.
        """
        if not work:
            return
        guard = self.options.guard

        def read(i: int) -> Prepared | LayerData:
            if i in self._prepared:
                return self._prepared[i]
            return _read(candidates[i], guard(), self._coders)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="packet-reader") as pool:
            pending = pool.submit(read, work[0][0])
            for n, (i, write, verify) in enumerate(work):
                found = pending.result()
                if n + 1 < len(work):
                    pending = pool.submit(read, work[n + 1][0])
                if not isinstance(found, Prepared):
                    matching = matchings[id(candidates[i].header)]
                    found = prepare_layer(
                        found, matching, self.index, self.options.decisions, self.keys
                    )
                yield i, found, write, verify
                self._prepared.pop(i, None)  # the layer is written: free its rows


def _read(c: Candidate, guard: Guard, known: str) -> LayerData:
    """One coder's rows of a file; a file that fails now is refused (and the merge undone)."""
    try:
        return read_layer(c.header, c.coder.coder_uuid, guard, known)
    except FileRefused as exc:
        raise PacketsRefused((Refusal(c.header.path.name, exc.reason, exc.problems),)) from None
