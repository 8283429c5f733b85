"""From per-statement verdicts to what the report says about a copy: its status and notes.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from r2pcoder.merge.decide import CoderDecision, Verdict
from r2pcoder.merge.identity import Candidate
from r2pcoder.merge.lines import CODEBOOK_UNIT, Line
from r2pcoder.merge.report import LayerReport, LayerStatus, Stamp
from r2pcoder.wording import counted

__all__ = ["divergence_notes", "layer_report", "layer_status", "verdict_notes"]


def _statements(verdicts: Mapping[str, Verdict]) -> dict[str, Verdict]:
    only = {u: v for u, v in verdicts.items() if u != CODEBOOK_UNIT}
    return only or dict(verdicts)


def layer_status(
    planned: LayerStatus, verdicts: Mapping[str, Verdict], duplicate: bool
) -> LayerStatus:
    """The copy's status: what the plan did, or why nothing of it is merged."""
    if duplicate:
        return "duplicate"
    if planned == "merge":
        return "merge"
    values = set(_statements(verdicts).values())
    if "conflict" in values:
        return "conflict"
    if values & {"older", "superseded"} and values <= {"older", "superseded", "same"}:
        return "superseded" if "superseded" in values else "older"
    if "set_aside" in values and "write" not in values:
        return "set_aside"
    return "unchanged"


def verdict_notes(verdicts: Mapping[str, Verdict], duplicate_of: str | None) -> tuple[str, ...]:
    """Notes on the statements a copy does not decide (when that is not its whole story)."""
    if duplicate_of is not None:
        return (f"the same work as {duplicate_of}",)
    statements = _statements(verdicts)
    values = set(statements.values())
    if values <= {"older", "superseded", "same"}:
        return ()
    notes = []
    left = sum(v in ("older", "superseded") for v in statements.values())
    if left:
        notes.append(
            f"left as they are: {counted(left, 'statement')}; newer work of this "
            "coder (given now or merged before) holds them"
        )
    aside = sum(v == "set_aside" for v in statements.values())
    if aside:
        notes.append(
            f"set aside: {counted(aside, 'statement')}; where copies diverged, the "
            "lead preferred another copy"
        )
    return tuple(notes)


def divergence_notes(line: Line, others: Sequence[tuple[Line, str]]) -> list[str]:
    """Notes naming the copies of the same packet this copy's history parted from."""
    notes = []
    for other, name in others:
        if other.key != line.key or other.base != line.base:
            continue
        if line.extends(other) or other.extends(line):
            continue
        shared = next(
            (
                i
                for i, (a, b) in enumerate(zip(line.digests, other.digests, strict=False))
                if a != b
            ),
            0,
        )
        if shared == 0:
            continue  # different roots: not copies of one state (reported by their content)
        notes.append(
            f"this copy and {name} were coded separately (their histories part after revision "
            f"{line.base + shared - 1}): statements changed in one of them only are merged from "
            "it; where both changed a statement, see the conflicts"
        )
    return notes


def layer_report(
    index: int,
    c: Candidate,
    planned: LayerReport | None,
    decision: CoderDecision,
    duplicate_of: str | None,
) -> LayerReport:
    """The final report of one copy: its plan's (if it had one), with status, notes, conflicts."""
    h = c.header
    base = planned or LayerReport(
        h.path.name,
        h.file_sha256,
        c.coder.coder_uuid,
        c.coder.coder_name,
        "unchanged",
        Stamp(c.coder.issue, h.revision),
    )
    verdicts = decision.verdicts.get(index, {})
    status = layer_status(base.status, verdicts, duplicate_of is not None)
    notes = (
        *c.notes,
        *base.notes,
        *verdict_notes(verdicts, duplicate_of),
        *decision.notes.get(index, ()),
    )
    return replace(
        base, status=status, notes=notes, conflicts=tuple(decision.conflicts.get(index, ()))
    )
