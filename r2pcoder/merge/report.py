"""What a merge (or its dry run) found and did, per coder layer: plain frozen dataclasses.

Every value here is plain data (no ORM rows), so a report can cross threads, be shown as a table,
or printed as JSON with :meth:`MergeReport.to_dict`. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from r2pcoder.errors import MergeRefused
from r2pcoder.review.reopen import ReopenedCell

__all__ = [
    "CodebookIssue",
    "Counts",
    "DocumentIssue",
    "LayerReport",
    "LayerStatus",
    "Match",
    "MergeReport",
    "PacketsRefused",
    "ProposalInfo",
    "Refusal",
    "Stamp",
]

LayerStatus = Literal["merge", "unchanged", "older", "superseded", "duplicate", "conflict"]
"""What happens to a packet's layer: ``merge`` makes the coder's layer equal the packet's state on
the statements it holds (except those a newer packet of the coder holds); ``unchanged``: nothing
differs; ``older``: newer packets of the coder, merged before, hold all its statements (nothing is
rolled back); ``superseded``: newer packets of the coder in the same run hold all its statements;
``duplicate``: the same copy twice; ``conflict``: two different copies claim the same revision
(neither is guessed)."""

_ACTIONS = {
    "merge": "makes {coder}'s layer equal this packet's state",
    "unchanged": "nothing to do: {coder}'s layer already equals this packet",
    "older": "skipped: newer packets of {coder} already merged hold all its statements",
    "superseded": "skipped: newer packets of {coder} in this run hold all its statements",
    "duplicate": "skipped: the same packet of {coder} is given twice",
    "conflict": "skipped: another copy of {coder}'s packet has the same revision but other codings",
}


@dataclass(frozen=True, order=True)
class Stamp:
    """How new a packet is: issue of the packet, then writes counted in it, then latest change."""

    issue: int
    revision: int
    latest: str

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
    def action(self) -> str:
        """What the merge does about it."""
        if self.problem == "unknown":
            return f"not in the master: its {self.codings} coding(s) are not merged"
        return (
            f"its text differs from the master's: its {self.codings} coding(s) are not merged "
            "(their offsets point at other text); the master's codings there are kept"
        )


@dataclass(frozen=True)
class CodebookIssue:
    """A codebook item of the packet that differs from the master."""

    kind: Literal["theme", "stance"]
    uuid: str
    name: str
    problem: str
    action: str


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

    @property
    def action(self) -> str:
        """What the merge does with this layer, in one sentence."""
        return _ACTIONS[self.status].format(coder=self.coder_name)


@dataclass(frozen=True)
class Refusal:
    """A file that cannot be merged at all, with the reason in plain words."""

    file_name: str
    reason: str


@dataclass(frozen=True)
class MergeReport:
    """The result of :func:`r2pcoder.merge.merge_packets` (also of a dry run)."""

    dry_run: bool
    layers: tuple[LayerReport, ...]
    refused: tuple[Refusal, ...] = ()
    backup: str | None = None
    reopened: tuple[ReopenedCell, ...] = ()
    """Decided review cells this merge changed: flagged re-opened, their decisions kept."""

    @property
    def changed(self) -> bool:
        """True if the master was (or, in a dry run, would be) changed."""
        return any(layer.status == "merge" for layer in self.layers)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (every field, plus each layer's action sentence)."""
        data = asdict(self)
        for layer, out in zip(self.layers, data["layers"], strict=True):
            out["action"] = layer.action
            out["stamp"] = {**out["stamp"]}
            out["documents"] = [
                {**d, "action": issue.action}
                for d, issue in zip(out["documents"], layer.documents, strict=True)
            ]
        return data

    def summary(self) -> list[str]:
        """Human-readable lines: one block per layer, then the refused files."""
        lines = [f"{'Dry run: nothing was written.' if self.dry_run else 'Merged.'}"]
        for layer in self.layers:
            c = layer.counts
            lines.append(f"{layer.file_name} ({layer.coder_name}, {layer.stamp}): {layer.action}")
            if layer.status == "merge":
                lines.append(
                    f"  {'would add' if self.dry_run else 'added'} {c.added}, changed {c.changed}, "
                    f"removed {c.removed} coding(s); {c.memos} memo and {c.marks} done-mark "
                    "change(s)"
                )
            if c.not_merged:
                lines.append(f"  {c.not_merged} coding(s) not merged (see below)")
            lines.extend(f"  document {d.title!r}: {d.action}" for d in layer.documents)
            lines.extend(f"  {i.kind} {i.name!r}: {i.problem}; {i.action}" for i in layer.codebook)
            for p in layer.proposals:
                target = f" onto {p.target}" if p.target else ""
                lines.append(
                    f"  proposed theme {p.name!r} ({p.codings} coding(s)): {p.decision}{target}"
                )
            lines.extend(
                f"  {m.kind} {m.name!r}: matched by {m.how}" if m.how != "none"
                else f"  {m.kind} {m.name!r}: no match in the master"
                for m in layer.matches
            )  # fmt: skip
            lines.extend(f"  note: {note}" for note in layer.notes)
        lines.extend(f"{r.file_name}: refused: {r.reason}" for r in self.refused)
        if self.reopened:
            lines.append(f"Re-opened {len(self.reopened)} decided cell(s) for review (gold kept):")
            lines.extend(f"  {c.title!r} / {c.theme_key}: {c.reason}" for c in self.reopened)
        if self.backup:
            lines.append(f"Backup of the master before the merge: {self.backup}")
        return lines


class PacketsRefused(MergeRefused):
    """Some packets cannot be merged, so nothing was; ``refusals`` names each file and reason."""

    def __init__(self, refusals: tuple[Refusal, ...]) -> None:
        self.refusals = refusals
        first = refusals[0]
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        super().__init__(
            f"{first.file_name}: {first.reason}{more}. Nothing was merged; the master is unchanged."
        )
