"""Planning a merge: which packet wins per coder, and how each coder's layer would change.

Planning only reads (the master through the merge's connection, packets through their own
read-only engines), so a dry run is exactly the plan of a real merge, shown instead of applied.
A coder's layer is replaced only on the documents the packet holds and the master accepts; the
master's codings elsewhere (statements outside the packet, or whose text differs) are kept.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from r2pcoder.merge.foreign import MasterIndex, Matching, match_layer
from r2pcoder.merge.proposals import ProposalDecision, ResolvedProposal, resolve
from r2pcoder.merge.report import Counts, LayerReport, LayerStatus, ProposalInfo
from r2pcoder.merge.source import LayerData, SourceHeader, read_layer

__all__ = ["Candidate", "LayerPlan", "pick_winners", "plan_layer"]

Row = tuple[int, str, int | None, int, int, str, str, str]
"""A coding without its uuid: document id, theme uuid, stance id, start, end, memo, times."""
MemoRow = tuple[int | None, str | None, str, str]

_CHUNK = 500


@dataclass(frozen=True)
class Candidate:
    """One coder's layer in one offered file."""

    header: SourceHeader
    coder_uuid: str


@dataclass
class LayerPlan:
    """What merging one layer does; ``report`` describes it, the rest is what apply writes."""

    report: LayerReport
    coder_name: str = ""
    coder_known: bool = True
    add: list[tuple[str, Row]] = field(default_factory=list)
    change: list[tuple[str, Row]] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    memo_put: list[tuple[str, MemoRow]] = field(default_factory=list)
    memo_remove: list[str] = field(default_factory=list)
    marks_put: list[tuple[int, str]] = field(default_factory=list)
    marks_remove: list[int] = field(default_factory=list)
    proposals: list[ResolvedProposal] = field(default_factory=list)
    fingerprint: str = ""


@dataclass(frozen=True)
class _Context:
    """What the three diffs of one layer share."""

    raw: sqlite3.Connection
    layer: LayerData
    matching: Matching
    destinations: Mapping[str, str | None]
    coder_id: int | None
    scope: set[int]


def _report(c: Candidate, status: LayerStatus, name: str = "") -> LayerReport:
    h = c.header
    return LayerReport(h.path.name, h.file_sha256, c.coder_uuid, name or c.coder_uuid[:8],
                       status, h.stamp)  # fmt: skip


def pick_winners(
    candidates: Sequence[Candidate], index: MasterIndex
) -> tuple[list[Candidate], list[LayerReport]]:
    """The newest copy per coder, and reports for every copy that loses (and why).

    The result depends only on the set of files, never on their order: copies are ranked by
    their stamp, and two different copies with the same stamp are a conflict, not a guess.
    """
    by_coder: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_coder.setdefault(c.coder_uuid, []).append(c)
    winners, losers = [], []
    for coder in sorted(by_coder):
        name = index.coder_names.get(coder, "")
        ranked = sorted(by_coder[coder], key=lambda c: (c.header.stamp, c.header.file_sha256))
        top = [c for c in ranked if c.header.stamp == ranked[-1].header.stamp]
        losers += [_report(c, "superseded", name) for c in ranked if c not in top]
        distinct = {c.header.file_sha256: c for c in top}
        if len(distinct) > 1:
            prints = {read_layer(c.header.path, coder).fingerprint for c in distinct.values()}
            if len(prints) > 1:
                losers += [_report(c, "conflict", name) for c in top]
                continue
        winner = top[-1]
        losers += [_report(c, "duplicate", name) for c in top if c is not winner]
        previous = index.merged.get(coder)
        if previous is not None and winner.header.stamp < previous[0]:
            losers.append(_report(winner, "older", name))
        else:
            winners.append(winner)
    return winners, losers


def _in_chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _taken(raw: sqlite3.Connection, uuids: Sequence[str]) -> set[str]:
    taken: set[str] = set()
    for chunk in _in_chunks(uuids):
        marks = ",".join("?" * len(chunk))
        taken.update(r[0] for r in raw.execute(f"SELECT uuid FROM codings WHERE uuid IN ({marks})",
                                               tuple(chunk)))  # fmt: skip
    return taken


def plan_layer(
    raw: sqlite3.Connection,
    candidate: Candidate,
    layer: LayerData,
    index: MasterIndex,
    decisions: Mapping[str, ProposalDecision],
    keys: Mapping[str, str],
) -> LayerPlan:
    """Diff the winning ``layer`` (read from ``candidate``) against the master's layer."""
    plan = LayerPlan(_report(candidate, "merge", layer.coder_name), layer.coder_name)
    plan.fingerprint = layer.fingerprint
    previous = index.merged.get(candidate.coder_uuid)
    if previous and previous[0] == candidate.header.stamp and previous[1] != plan.fingerprint:
        plan.report = replace(plan.report, status="conflict")
        return plan
    matching = match_layer(layer, index, foreign=candidate.header.foreign)
    plan.proposals = [
        resolve(t, layer.coder_uuid, index, decisions, keys) for t in matching.unmatched_themes
    ]
    coder_id = index.coders.get(layer.coder_uuid)
    plan.coder_known = coder_id is not None
    scope = set(matching.documents.values())
    destinations: dict[str, str | None] = dict(matching.themes)
    destinations.update({p.theme.uuid: p.destination for p in plan.proposals})
    ctx = _Context(raw, layer, matching, destinations, coder_id, scope)
    not_merged, clashes = _diff_codings(ctx, plan)
    _diff_memos(ctx, plan)
    _diff_marks(ctx, plan)
    counts = Counts(len(plan.add), len(plan.change), len(plan.remove),
                    len(plan.memo_put) + len(plan.memo_remove),
                    len(plan.marks_put) + len(plan.marks_remove), not_merged)  # fmt: skip
    per_theme: dict[str, int] = {}
    for coding in layer.codings:
        per_theme[coding[2]] = per_theme.get(coding[2], 0) + 1
    unchanged = (
        previous is not None
        and previous[0] == candidate.header.stamp
        and not counts.any
        and all(p.stored for p in plan.proposals)
        and plan.coder_known
    )
    notes = (f"{clashes} coding(s) share their identity with codings of another coder or "
             "statement in the master and are not merged",) if clashes else ()  # fmt: skip
    plan.report = replace(
        plan.report, status="unchanged" if unchanged else "merge", counts=counts,
        documents=tuple(matching.document_issues), codebook=tuple(matching.codebook_issues),
        matches=tuple(matching.matches), notes=notes,
        proposals=tuple(ProposalInfo(p.theme.uuid, p.theme.key, p.theme.name, p.coder_uuid,
                                     per_theme.get(p.theme.uuid, 0), p.decision, p.target)
                        for p in plan.proposals),
    )  # fmt: skip
    return plan


def _diff_codings(ctx: _Context, plan: LayerPlan) -> tuple[int, int]:
    raw, layer, matching, coder_id, scope = (
        ctx.raw,
        ctx.layer,
        ctx.matching,
        ctx.coder_id,
        ctx.scope,
    )
    current: dict[str, Row] = {}
    if coder_id is not None:
        for uuid, *rest in raw.execute(
            'SELECT c.uuid, c.document_id, t.uuid, c.stance_id, c.start, c."end", c.memo, '
            "c.created_at, c.modified_at FROM codings c JOIN themes t ON t.id = c.theme_id "
            "WHERE c.coder_id = ?",
            (coder_id,),
        ):
            if rest[0] in scope:
                current[uuid] = tuple(rest)
    desired: dict[str, Row] = {}
    not_merged = 0
    stances = matching.stances
    for uuid, doc, theme, stance, start, end, memo, created, modified in layer.codings:
        doc_id = matching.documents.get(doc)
        target = ctx.destinations.get(theme)
        stance_id = None if stance is None else stances.get(stance, -1)
        if doc_id is None or target is None or stance_id == -1:
            not_merged += 1
            continue
        desired[uuid] = (doc_id, target, stance_id, start, end, memo, created, modified)
    fresh = [u for u in desired if u not in current]
    taken = _taken(raw, fresh) if fresh else set()
    plan.add = [(u, desired[u]) for u in fresh if u not in taken]
    plan.change = [(u, r) for u, r in desired.items() if u in current and current[u] != r]
    plan.remove = [u for u in current if u not in desired]
    return not_merged + len(taken), len(taken)


def _diff_memos(ctx: _Context, plan: LayerPlan) -> None:
    raw, layer, matching, coder_id, scope = (
        ctx.raw,
        ctx.layer,
        ctx.matching,
        ctx.coder_id,
        ctx.scope,
    )
    current: dict[str, MemoRow] = {}
    if coder_id is not None:
        for uuid, doc_id, theme, text, modified in raw.execute(
            "SELECT m.uuid, m.document_id, t.uuid, m.text, m.modified_at FROM memos m "
            "LEFT JOIN themes t ON t.id = m.theme_id WHERE m.coder_id = ?",
            (coder_id,),
        ):
            if doc_id in scope or theme is not None:
                current[uuid] = (doc_id, theme, text, modified)
    desired: dict[str, MemoRow] = {}
    for uuid, doc, theme, text, modified in layer.memos:
        doc_id = matching.documents.get(doc) if doc is not None else None
        target = ctx.destinations.get(theme) if theme is not None else None
        if doc_id is not None or target is not None:
            desired[uuid] = (doc_id, target, text, modified)
    plan.memo_put = [(u, r) for u, r in desired.items() if current.get(u) != r]
    plan.memo_remove = [u for u in current if u not in desired]


def _diff_marks(ctx: _Context, plan: LayerPlan) -> None:
    raw, layer, matching, coder_id, scope = (
        ctx.raw,
        ctx.layer,
        ctx.matching,
        ctx.coder_id,
        ctx.scope,
    )
    current: dict[int, str] = {}
    if coder_id is not None:
        rows = raw.execute(
            "SELECT document_id, done_at FROM document_status WHERE coder_id = ?", (coder_id,)
        )
        current = {doc_id: done for doc_id, done in rows if doc_id in scope}
    desired = {
        matching.documents[doc]: done for doc, done in layer.marks if doc in matching.documents
    }
    plan.marks_put = [(d, t) for d, t in desired.items() if current.get(d) != t]
    plan.marks_remove = [d for d in current if d not in desired]
