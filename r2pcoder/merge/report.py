"""What a merge (or its dry run) found and did, per coder layer: plain frozen dataclasses.

Every value here is plain data (no ORM rows), so a report can cross threads, be shown as a table,
or printed as JSON with :meth:`MergeReport.to_dict`. Nothing a merge leaves out goes unsaid: every
file refused, every row not merged, every statement on which two copies diverged, and every
codebook difference has its own entry with the reason. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from r2pcoder.errors import MergeRefused
from r2pcoder.merge.report_text import summary_lines
from r2pcoder.review.reopen import ReopenedCell
from r2pcoder.wording import counted

__all__ = [
    "CodebookIssue",
    "Conflict",
    "Counts",
    "DocumentIssue",
    "Holder",
    "LayerReport",
    "LayerStatus",
    "Match",
    "MergeReport",
    "PacketsRefused",
    "ProposalInfo",
    "Refusal",
    "RowIssue",
    "Stamp",
]

LayerStatus = Literal[
    "merge", "unchanged", "older", "superseded", "duplicate", "conflict", "set_aside"
]
"""What happens to a packet's layer: ``merge`` makes the coder's layer equal the packet's state on
the statements it decides; ``unchanged``: nothing differs; ``older``: newer work of the coder,
merged before, holds all its statements (nothing is rolled back); ``superseded``: newer copies in
the same run hold all its statements; ``duplicate``: the same copy (same history) twice;
``conflict``: it diverged from another copy of the packet on statements that both changed, and
the lead has not chosen (nothing of it is merged there); ``set_aside``: the lead preferred another
copy where they diverged."""

_ACTIONS = {
    "merge": "makes {coder}'s layer equal this packet's state where it decides",
    "unchanged": "nothing to do: {coder}'s layer already equals this packet",
    "older": "skipped: newer work of {coder}, merged before, holds all its statements",
    "superseded": "skipped: newer copies of {coder}'s packet in this run hold all its statements",
    "duplicate": "skipped: the same copy of {coder}'s packet is given twice",
    "conflict": "not merged: it diverged from another copy of {coder}'s packet (see below)",
    "set_aside": "skipped: where it diverged, the lead preferred another copy of {coder}'s packet",
}


@dataclass(frozen=True, order=True)
class Stamp:
    """Which packet a copy is and how far its history goes: issue, then revision."""

    issue: int
    revision: int

    def __str__(self) -> str:
        return f"issue {self.issue}, revision {self.revision}"


@dataclass(frozen=True)
class Counts:
    """What changes in the coder's layer (codings, memos, done marks) and what is held back."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    memos: int = 0
    marks: int = 0
    not_merged: int = 0

    @property
    def any(self) -> bool:
        """True if the master's layer changes at all."""
        return bool(self.added or self.changed or self.removed or self.memos or self.marks)


@dataclass(frozen=True)
class DocumentIssue:
    """A packet document whose codings cannot be merged, and why."""

    document_uuid: str
    title: str
    problem: Literal["unknown", "hash_mismatch"]
    codings: int

    @property
    def _its_codings(self) -> str:
        return "its coding is" if self.codings == 1 else f"its {self.codings:,} codings are"

    @property
    def action(self) -> str:
        """What the merge does about it."""
        if self.problem == "unknown":
            return f"not in the master: {self._its_codings} not merged"
        return (
            f"its text differs from the master's: {self._its_codings} not merged "
            "(their offsets point at other text); the master's codings there are kept"
        )


@dataclass(frozen=True)
class CodebookIssue:
    """A codebook item of the packet that differs from the master's, and what the merge does."""

    kind: Literal["theme", "stance"]
    uuid: str
    name: str
    problem: str
    action: str


@dataclass(frozen=True)
class RowIssue:
    """A row of the packet that is not merged (``action`` says what happens instead)."""

    kind: str
    identity: str
    reason: str
    action: str = "not merged"
    count: int = 1
    """How many rows of the packet this entry stands for (rows sharing one identity)."""


@dataclass(frozen=True)
class Holder:
    """What one copy holds on a statement where copies diverged."""

    file_name: str
    state: Literal["given", "merged", "waiting", "set aside"]
    codings: int
    memos: int
    marks: int

    def __str__(self) -> str:
        where = {
            "given": "",
            "merged": " (merged before)",
            "waiting": " (waiting for a choice)",
            "set aside": " (set aside)",
        }[self.state]
        held = ", ".join(
            (
                counted(self.codings, "coding"),
                counted(self.memos, "memo"),
                counted(self.marks, "done mark"),
            )
        )
        return f"{self.file_name}{where} holds {held}"


@dataclass(frozen=True)
class Conflict:
    """A statement (or ``*``: memos on themes) on which copies of one packet diverged."""

    unit: str
    title: str
    holders: tuple[Holder, ...]
    resolution: str


@dataclass(frozen=True)
class ProposalInfo:
    """A theme the coder added in the packet, and what happens to it."""

    theme_uuid: str
    key: str
    name: str
    coder_uuid: str
    codings: int
    decision: Literal["pending", "accept", "map", "reject"]
    target: str | None = None


@dataclass(frozen=True)
class Match:
    """How an item of a foreign file was matched in the master (``how`` is ``none`` if not)."""

    kind: Literal["document", "theme", "stance"]
    name: str
    source_uuid: str
    how: Literal["uuid", "hash", "name", "none"]
    master_uuid: str | None


@dataclass(frozen=True)
class LayerReport:
    """One coder's layer from one packet file."""

    file_name: str
    file_sha256: str
    coder_uuid: str
    coder_name: str
    status: LayerStatus
    stamp: Stamp
    counts: Counts = field(default_factory=Counts)
    documents: tuple[DocumentIssue, ...] = ()
    codebook: tuple[CodebookIssue, ...] = ()
    proposals: tuple[ProposalInfo, ...] = ()
    matches: tuple[Match, ...] = ()
    notes: tuple[str, ...] = ()
    rows: tuple[RowIssue, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    @property
    def action(self) -> str:
        """What the merge does with this layer, in one sentence."""
        return _ACTIONS[self.status].format(coder=self.coder_name)

    @property
    def held_back(self) -> bool:
        """True if some of this layer's work is not merged (rows refused, conflicts waiting)."""
        waiting = any(c.resolution.startswith("not merged") for c in self.conflicts)
        return bool(self.counts.not_merged or waiting)


@dataclass(frozen=True)
class Refusal:
    """A file that cannot be merged at all, with the reason in plain words (and every problem)."""

    file_name: str
    reason: str
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class MergeReport:
    """The result of :func:`r2pcoder.merge.merge_packets` (also of a dry run)."""

    dry_run: bool
    layers: tuple[LayerReport, ...]
    refused: tuple[Refusal, ...] = ()
    backup: str | None = None
    notes: tuple[str, ...] = ()
    reopened: tuple[ReopenedCell, ...] = ()
    """Decided review cells this merge changed: flagged re-opened, their decisions kept."""

    @property
    def changed(self) -> bool:
        """True if the master's layers were (or, in a dry run, would be) changed."""
        return any(layer.status == "merge" for layer in self.layers)

    @property
    def held_back(self) -> bool:
        """True if some work offered is not merged: refused files, rows or waiting conflicts."""
        return bool(self.refused) or any(layer.held_back for layer in self.layers)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (every field, plus each layer's action sentence)."""
        data = asdict(self)
        data["changed"] = self.changed
        for layer, out in zip(self.layers, data["layers"], strict=True):
            out["action"] = layer.action
            out["documents"] = [
                {**d, "action": issue.action}
                for d, issue in zip(out["documents"], layer.documents, strict=True)
            ]
        return data

    def summary(self) -> list[str]:
        """Human-readable lines: what happened overall, one block per layer, refused files."""
        return summary_lines(self)


class PacketsRefused(MergeRefused):
    """Some packets cannot be merged, so nothing was; ``refusals`` names each file and reason."""

    def __init__(self, refusals: tuple[Refusal, ...]) -> None:
        self.refusals = refusals
        first = refusals[0]
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        # A reason is a sentence of its own; its full stop must not meet the one added here.
        reason = first.reason.rstrip(". ")
        extra = len(first.problems) - 1
        also = f"; {counted(extra, 'more problem')} in it" if extra > 0 else ""
        super().__init__(
            f"{first.file_name}: {reason}{also}{more}. Nothing was merged; the master is unchanged."
        )
