"""Planning a merge: which packet wins per coder, and how each coder's layer would change.

Planning only reads (the master through the merge's connection, packets through their own
read-only engines), so a dry run is exactly the plan of a real merge, shown instead of applied.
A coder's layer is replaced only on the documents the packet holds and the master accepts; the
master's codings elsewhere (statements outside the packet, or whose text differs) are kept.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from r2pcoder.merge.foreign import MasterIndex, Matching, master_document, match_layer
from r2pcoder.merge.proposals import ProposalDecision, ResolvedProposal, resolve
from r2pcoder.merge.report import Counts, LayerReport, LayerStatus, ProposalInfo
from r2pcoder.merge.source import LayerData, SourceHeader, read_layer

__all__ = ["Candidate", "LayerPlan", "pick_winners", "plan_layer"]

Row = tuple[int, str, int | None, int, int, str, str, str]
"""A coding without its uuid: document id, theme uuid, stance id, start, end, memo, times."""
MemoRow = tuple[int | None, str | None, str, str]


@dataclass(frozen=True)
class Candidate:
    """One coder's layer in one offered file.

    ``excluded`` holds the master statements that a newer packet of the same coder decides
    (merged before, or in the same run), which this one must not touch.
    """

    header: SourceHeader
    coder_uuid: str
    excluded: frozenset[int] = frozenset()

    def documents(self, index: MasterIndex) -> frozenset[int]:
        """The master statements this file holds (same identity and text)."""
        foreign = self.header.foreign
        found = (
            master_document(index, u, sha, foreign=foreign) for u, sha in self.header.documents
        )
        return frozenset(d for d in found if d is not None)


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
    scope: set[int] = field(default_factory=set)


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
    """The copies to merge, oldest first, and reports for every copy that is skipped (and why).

    For each coder and statement the newest packet holding that statement decides, so the result
    depends only on the set of files ever merged, never on their order. A copy is skipped when
    newer packets of its coder (merged before, or in this run) hold all its statements; two
    different copies with the same stamp are a conflict, not a guess.
    """
    by_coder: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_coder.setdefault(c.coder_uuid, []).append(c)
    winners: list[Candidate] = []
    losers: list[LayerReport] = []
    for coder in sorted(by_coder):
        name = index.coder_names.get(coder, "")
        kept = _distinct(by_coder[coder], losers, name)
        merged = index.merged.get(coder, [])
        for c in kept:
            newer_here = [o.documents(index) for o in kept if o.header.stamp > c.header.stamp]
            newer_before = [m.documents for m in merged if m.stamp > c.header.stamp]
            excluded = frozenset().union(*newer_here, *newer_before)
            if c.documents(index) and c.documents(index) <= excluded:
                status: LayerStatus = "superseded" if newer_here else "older"
                losers.append(_report(c, status, name))
            elif not any(r.status == "conflict" and r.file_sha256 == c.header.file_sha256
                         for r in losers):  # fmt: skip
                winners.append(replace(c, excluded=excluded))
    return winners, losers


def _distinct(copies: Sequence[Candidate], losers: list[LayerReport], name: str) -> list[Candidate]:
    """One copy per stamp, oldest first; equal stamps with other content are all conflicts."""
    kept = []
    ranked = sorted(copies, key=lambda c: (c.header.stamp, c.header.file_sha256))
    for stamp in sorted({c.header.stamp for c in ranked}):
        tied = [c for c in ranked if c.header.stamp == stamp]
        distinct = {c.header.file_sha256: c for c in tied}
        if len(distinct) > 1 and _differ(distinct.values()):
            losers += [_report(c, "conflict", name) for c in tied]
            kept.append(tied[-1])  # it still covers its statements against older copies
            continue
        losers += [_report(c, "duplicate", name) for c in tied[:-1]]
        kept.append(tied[-1])
    return kept


def _differ(copies: Iterable[Candidate]) -> bool:
    """True if copies with the same stamp hold different work (not just other file bytes)."""
    prints = {read_layer(c.header.path, c.coder_uuid).fingerprint for c in copies}
    return len(prints) > 1


def _taken(raw: sqlite3.Connection, uuids: Sequence[str]) -> dict[str, int]:
    """Which of ``uuids`` the master already has (anywhere), with the coder each belongs to."""
    # One query with the UUIDs as a JSON array: SQLite unpacks it in C, far faster than
    # hundreds of IN lists built in Python.
    rows = raw.execute(
        "SELECT uuid, coder_id FROM codings WHERE uuid IN (SELECT value FROM json_each(?))",
        (json.dumps(list(uuids)),),
    )
    return dict(rows.fetchall())


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
    same = [
        m for m in index.merged.get(candidate.coder_uuid, []) if m.stamp == candidate.header.stamp
    ]
    if any(m.fingerprint != plan.fingerprint for m in same):
        plan.report = replace(plan.report, status="conflict")
        return plan
    matching = match_layer(layer, index, foreign=candidate.header.foreign)
    plan.proposals = [
        resolve(t, layer.coder_uuid, index, decisions, keys) for t in matching.unmatched_themes
    ]
    coder_id = index.coders.get(layer.coder_uuid)
    plan.coder_known = coder_id is not None
    held = set(matching.documents.values())
    scope = held - candidate.excluded
    plan.scope = scope
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
        bool(same) and not counts.any and all(p.stored for p in plan.proposals) and plan.coder_known
    )
    notes = _notes(clashes, len(held & candidate.excluded))
    plan.report = replace(
        plan.report, status="unchanged" if unchanged else "merge", counts=counts,
        documents=tuple(matching.document_issues), codebook=tuple(matching.codebook_issues),
        matches=tuple(matching.matches), notes=notes,
        proposals=tuple(ProposalInfo(p.theme.uuid, p.theme.key, p.theme.name, p.coder_uuid,
                                     per_theme.get(p.theme.uuid, 0), p.decision, p.target)
                        for p in plan.proposals),
    )  # fmt: skip
    return plan


def _notes(clashes: int, left: int) -> tuple[str, ...]:
    notes = []
    if clashes:
        notes.append(f"{clashes} coding(s) share their identity with codings of another coder or "
                     "statement in the master and are not merged")  # fmt: skip
    if left:
        notes.append(f"{left} statement(s) are left as they are: a newer packet of this coder "
                     "holds them")  # fmt: skip
    return tuple(notes)


def _diff_codings(ctx: _Context, plan: LayerPlan) -> tuple[int, int]:
    current: dict[str, Row] = {}
    if ctx.coder_id is not None:
        for uuid, *rest in ctx.raw.execute(
            'SELECT c.uuid, c.document_id, t.uuid, c.stance_id, c.start, c."end", c.memo, '
            "c.created_at, c.modified_at FROM codings c JOIN themes t ON t.id = c.theme_id "
            "WHERE c.coder_id = ?",
            (ctx.coder_id,),
        ):
            if rest[0] in ctx.scope:
                current[uuid] = tuple(rest)
    desired: dict[str, Row] = {}
    not_merged = 0
    stances = ctx.matching.stances
    for uuid, doc, theme, stance, start, end, memo, created, modified in ctx.layer.codings:
        doc_id = ctx.matching.documents.get(doc)
        if doc_id is not None and doc_id not in ctx.scope:
            continue  # a newer packet of this coder decides this statement
        target = ctx.destinations.get(theme)
        stance_id = None if stance is None else stances.get(stance, -1)
        if doc_id is None or target is None or stance_id == -1:
            not_merged += 1
            continue
        desired[uuid] = (doc_id, target, stance_id, start, end, memo, created, modified)
    fresh = [u for u in desired if u not in current]
    taken = _taken(ctx.raw, fresh) if fresh else {}
    # The coder's own coding on a statement a newer packet decides moves here (that packet will
    # not keep it there); another coder's coding is never taken over.
    clashes = {u for u, owner in taken.items() if owner != ctx.coder_id}
    plan.add = [(u, desired[u]) for u in fresh if u not in taken]
    plan.change = [(u, r) for u, r in desired.items() if u in current and current[u] != r]
    plan.change += [(u, desired[u]) for u in taken if u not in clashes]
    plan.remove = [u for u in current if u not in desired]
    return not_merged + len(clashes), len(clashes)


def _diff_memos(ctx: _Context, plan: LayerPlan) -> None:
    current: dict[str, MemoRow] = {}
    if ctx.coder_id is not None:
        for uuid, doc_id, theme, text, modified in ctx.raw.execute(
            "SELECT m.uuid, m.document_id, t.uuid, m.text, m.modified_at FROM memos m "
            "LEFT JOIN themes t ON t.id = m.theme_id WHERE m.coder_id = ?",
            (ctx.coder_id,),
        ):
            if doc_id in ctx.scope or theme is not None:
                current[uuid] = (doc_id, theme, text, modified)
    desired: dict[str, MemoRow] = {}
    for uuid, doc, theme, text, modified in ctx.layer.memos:
        doc_id = ctx.matching.documents.get(doc) if doc is not None else None
        if doc_id is not None and doc_id not in ctx.scope:
            continue
        target = ctx.destinations.get(theme) if theme is not None else None
        if doc_id is not None or target is not None:
            desired[uuid] = (doc_id, target, text, modified)
    plan.memo_put = [(u, r) for u, r in desired.items() if current.get(u) != r]
    plan.memo_remove = [u for u in current if u not in desired]


def _diff_marks(ctx: _Context, plan: LayerPlan) -> None:
    current: dict[int, str] = {}
    if ctx.coder_id is not None:
        rows = ctx.raw.execute(
            "SELECT document_id, done_at FROM document_status WHERE coder_id = ?",
            (ctx.coder_id,),
        )
        current = {doc_id: done for doc_id, done in rows if doc_id in ctx.scope}
    desired = {
        ctx.matching.documents[doc]: done
        for doc, done in ctx.layer.marks
        if ctx.matching.documents.get(doc) in ctx.scope
    }
    plan.marks_put = [(d, t) for d, t in desired.items() if current.get(d) != t]
    plan.marks_remove = [d for d in current if d not in desired]
