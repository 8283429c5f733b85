"""Recording a merge in the master: the versions that decide, the lines, the files, the merge log.

Runs inside the merge's transaction, after every layer is written (never in a dry run). Must not
import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from r2pcoder.merge.apply import Writer
from r2pcoder.merge.decide import CoderDecision, Offer
from r2pcoder.merge.identity import Candidate
from r2pcoder.merge.known import CopyRecord, KnownCopies, record_copies
from r2pcoder.merge.ledger import Ledger, store_lines, store_versions
from r2pcoder.merge.lines import CODEBOOK_UNIT
from r2pcoder.merge.report import LayerReport

__all__ = ["RunDone", "record"]


@dataclass(frozen=True)
class RunDone:
    """What a merge decided and did, for its records."""

    candidates: Sequence[Candidate]
    decisions: Mapping[str, CoderDecision]
    offers: Mapping[int, Offer]
    duplicates: Mapping[int, str]
    reports: Sequence[LayerReport]
    clean: Mapping[int, bool] = field(default_factory=dict)
    """Per copy whose rows were read: whether they were clean (see ``LayerPlan.clean``)."""
    known: KnownCopies = field(default_factory=KnownCopies)
    """The files the master had recorded before this merge."""


def record(conn: Connection, writer: Writer, ledger: Ledger, done: RunDone, now: datetime) -> bool:
    """Write what the master now keeps and the log of every layer merged; True if anything.

    The packet files read are remembered too (:mod:`r2pcoder.merge.known`), but that alone is
    not a change: a merge that changes nothing else leaves the master's file as it was, and its
    files are recorded by the next merge that changes something.
    """
    kept = [
        (coder, unit, versions)
        for coder, decision in done.decisions.items()
        for unit, versions in decision.store.items()
    ]
    store_versions(conn, kept, now)
    wrote = bool(kept)
    touched: set[int] = set()
    for coder, decision in done.decisions.items():
        units = decision.store.keys()
        touched |= {
            i
            for i, c in enumerate(done.candidates)
            if c.coder.coder_uuid == coder and not units.isdisjoint(decision.verdicts.get(i, {}))
        }
    lines = [
        (done.offers[i].line, c.header.path.name)
        for i, c in enumerate(done.candidates)
        if i not in done.duplicates
    ]
    wrote |= store_lines(conn, ledger, lines)
    record_copies(conn, _copies(done), now)
    by_layer = {(r.file_name, r.coder_uuid): r for r in done.reports}
    for i, c in enumerate(done.candidates):
        report = by_layer[(c.header.path.name, c.coder.coder_uuid)]
        if report.status == "merge" or (i in touched and i not in done.duplicates):
            verdicts = done.decisions[c.coder.coder_uuid].verdicts.get(i, {})
            docs = [u for u, v in verdicts.items() if v == "write" and u != CODEBOOK_UNIT]
            writer.log(report, c.header, c.coder, docs)
            wrote = True
    return wrote


def _copies(done: RunDone) -> list[CopyRecord]:
    """The packets of this master read in this merge that the master has no record of yet."""
    found: dict[tuple[str, str], CopyRecord] = {}
    for i, c in enumerate(done.candidates):
        if c.foreign or c.header.role != "packet" or c.header.packet_uuid is None:
            continue
        key = (c.header.file_sha256, c.coder.coder_uuid)
        clean = done.clean.get(i)
        if key not in found or clean is not None:
            found[key] = CopyRecord(*key, c.coder.history, clean)
    known = done.known
    return [
        record
        for key, record in sorted(found.items())
        if key not in known.histories
        or (record.clean is not None and known.clean.get(key) != record.clean)
    ]
