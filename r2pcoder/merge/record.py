"""Recording a merge in the master: the versions that decide, the lines, the merge log.

Runs inside the merge's transaction, after every layer is written (never in a dry run). Must not
import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from r2pcoder.merge.apply import Writer
from r2pcoder.merge.decide import CoderDecision, Offer
from r2pcoder.merge.identity import Candidate
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


def record(
    raw: sqlite3.Connection, writer: Writer, ledger: Ledger, done: RunDone, now: str
) -> bool:
    """Write what the master now keeps and the log of every layer merged; True if anything."""
    wrote = False
    touched: set[int] = set()
    for coder, decision in done.decisions.items():
        for unit, versions in decision.store.items():
            store_versions(raw, coder, unit, versions, now)
            wrote = True
            touched |= {i for i, c in enumerate(done.candidates) if c.coder.coder_uuid == coder
                        and unit in decision.verdicts.get(i, {})}  # fmt: skip
    lines = [(done.offers[i].line, c.header.path.name) for i, c in enumerate(done.candidates)
             if i not in done.duplicates]  # fmt: skip
    wrote |= store_lines(raw, ledger, lines)
    by_layer = {(r.file_name, r.coder_uuid): r for r in done.reports}
    for i, c in enumerate(done.candidates):
        report = by_layer[(c.header.path.name, c.coder.coder_uuid)]
        if report.status == "merge" or (i in touched and i not in done.duplicates):
            verdicts = done.decisions[c.coder.coder_uuid].verdicts.get(i, {})
            docs = [u for u, v in verdicts.items() if v == "write" and u != CODEBOOK_UNIT]
            writer.log(report, c.header, c.coder, docs)
            wrote = True
    return wrote
