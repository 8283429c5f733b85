"""Planning one copy's part of a merge: how the coder's layer changes on the units it decides.

Planning only reads (the master through the merge's connection), so a dry run is exactly the plan
of a real merge, shown instead of applied. A coder's layer is replaced only on the units the copy
decides (see :mod:`r2pcoder.merge.decide`); on units where its version equals the merged one, it
is only compared, and a difference is reported, never written. The master's codings elsewhere are
kept. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import Connection, bindparam, func, select

from r2pcoder.merge.foreign import MasterIndex, Matching
from r2pcoder.merge.lines import CODEBOOK_UNIT
from r2pcoder.merge.proposals import ProposalDecision, ResolvedProposal, resolve
from r2pcoder.merge.report import (
    CodebookIssue,
    Counts,
    DocumentIssue,
    LayerReport,
    ProposalInfo,
    RowIssue,
    Stamp,
)
from r2pcoder.merge.rows import (
    Desired,
    MemoRow,
    Row,
    UnitRows,
    current_rows,
    desired_rows,
)
from r2pcoder.merge.source import CoderLine, LayerData, SourceHeader
from r2pcoder.schema import CodingRow
from r2pcoder.schema import MemoRow as StoredMemo
from r2pcoder.wording import counted

__all__ = ["LayerPlan", "PlanInput", "Prepared", "plan_layer", "prepare_layer"]


@dataclass(frozen=True)
class Prepared:
    """A layer read and turned into the master's terms, with the decisions on its proposals."""

    layer: LayerData
    proposals: tuple[ResolvedProposal, ...]
    desired: Desired


@dataclass(frozen=True)
class PlanInput:
    """One copy of one coder's work, and the units it writes or only checks."""

    header: SourceHeader
    coder: CoderLine
    matching: Matching
    prepared: Prepared
    write: frozenset[str]
    verify: frozenset[str] = frozenset()


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
    written: set[int] = field(default_factory=set)
    clean: bool = False
    """True when nothing of the layer needs a word: no row left out or held back, nothing under
    another name, no clash, no statement that differs from the master where it should not."""


def prepare_layer(
    layer: LayerData,
    matching: Matching,
    index: MasterIndex,
    decisions: Mapping[str, ProposalDecision],
    keys: Mapping[str, str],
) -> Prepared:
    """Resolve the layer's proposed themes and turn its rows into the master's terms."""
    proposals = tuple(
        resolve(t, layer.coder_uuid, index, decisions, keys) for t in matching.unmatched_themes
    )
    destinations: dict[str, str | None] = dict(matching.themes)
    destinations.update({p.theme.uuid: p.destination for p in proposals})
    return Prepared(layer, proposals, desired_rows(layer, matching, destinations, index))


def plan_layer(conn: Connection, given: PlanInput, index: MasterIndex) -> LayerPlan:
    """Diff the copy's rows against the master's layer on the units it writes (and checks)."""
    h, layer, desired = given.header, given.prepared.layer, given.prepared.desired
    report = LayerReport(
        h.path.name,
        h.file_sha256,
        given.coder.coder_uuid,
        layer.coder_name,
        "merge",
        Stamp(h.issue, h.revision),
    )
    plan = LayerPlan(report, layer.coder_name, proposals=list(given.prepared.proposals))
    coder_id = index.coders.get(layer.coder_uuid)
    plan.coder_known = coder_id is not None
    current = current_rows(conn, coder_id)
    if not all(p.stored for p in plan.proposals):
        # The lead decided on a proposed theme: the units merged before change with that
        # decision, so they are written again rather than only compared.
        given = replace(given, write=given.write | given.verify, verify=frozenset())
    docs = {index.docs[u].id for u in given.write if u in index.docs}
    plan.written = docs
    clashes = _diff_codings(conn, plan, current, desired, (docs, coder_id))
    clashes += _diff_memos(
        conn, plan, current, desired, (docs, CODEBOOK_UNIT in given.write), coder_id
    )
    _diff_marks(plan, current, desired, docs)
    checked = {index.docs[u].id for u in given.verify if u in index.docs}
    shown = [i for d, i in desired.issues if d is None or d in docs or d in checked]
    shown += _others(given, index)
    not_merged = (
        sum(i.count for i in shown) + len(clashes) + sum(desired.held_back[d] for d in docs)
    )
    not_merged += sum(desired.per_document[u] for u, _, _ in given.matching.unmatched_documents)
    counts = Counts(
        len(plan.add),
        len(plan.change),
        len(plan.remove),
        len(plan.memo_put) + len(plan.memo_remove),
        len(plan.marks_put) + len(plan.marks_remove),
        not_merged,
    )
    changed = counts.any or not plan.coder_known or not all(p.stored for p in plan.proposals)
    mismatched = _mismatched(current, desired, given, checked)
    notes = _notes(len(clashes), mismatched)
    plan.clean = not (
        desired.issues
        or desired.held_back
        or shown
        or clashes
        or mismatched
        or given.matching.unmatched_documents
        or given.matching.unknown_stances
        or plan.proposals
    )
    if not plan.coder_known:
        notes += (f"coder {layer.coder_name} is new to this master and is added with this work",)
    plan.report = replace(
        report,
        status="merge" if changed else "unchanged",
        counts=counts,
        rows=tuple(shown),
        documents=_document_issues(given.matching, desired),
        codebook=tuple(given.matching.codebook_issues) + _stance_issues(given.matching, desired),
        matches=tuple(given.matching.matches),
        notes=notes,
        proposals=tuple(
            ProposalInfo(
                p.theme.uuid,
                p.theme.key,
                p.theme.name,
                p.coder_uuid,
                desired.per_theme[p.theme.uuid],
                p.decision,
                p.target,
            )
            for p in plan.proposals
        ),
    )
    return plan


def _document_issues(matching: Matching, desired: Desired) -> tuple[DocumentIssue, ...]:
    return tuple(
        DocumentIssue(uuid, title, problem, desired.per_document[uuid])
        for uuid, title, problem in matching.unmatched_documents
    )


def _stance_issues(matching: Matching, desired: Desired) -> tuple[CodebookIssue, ...]:
    return tuple(
        CodebookIssue(
            "stance",
            uuid,
            name,
            "not in the master's stance scale",
            f"not merged: {counted(desired.per_stance[uuid], 'coding')}",
        )
        for uuid, name in matching.unknown_stances
    )


def _notes(clashes: int, mismatched: int) -> tuple[str, ...]:
    notes = []
    if clashes:
        notes.append(
            f"not merged: {counted(clashes, 'coding or memo', 'codings or memos')} "
            "sharing their identity with work of another coder or statement in the "
            "master"
        )
    if mismatched:
        notes.append(
            f"on {counted(mismatched, 'statement')} this copy holds other work than the "
            "master although its change history says the master has it (changed "
            "outside r2pcoder, or in the master since): the master's work there is "
            "kept"
        )
    return tuple(notes)


def _mismatched(current: UnitRows, desired: Desired, given: PlanInput, checked: set[int]) -> int:
    units: list[int | str] = sorted(checked)
    if CODEBOOK_UNIT in given.verify:
        units.append(CODEBOOK_UNIT)
    return sum(not current.same_unit(desired.rows, u) for u in units)


# One query with the UUIDs as a JSON array: SQLite unpacks it in C, far faster than hundreds of
# IN lists built in Python.
_GIVEN = select(func.json_each(bindparam("uuids")).table_valued("value").c.value)
_TAKEN = {
    table: select(table.uuid, table.coder_id).where(table.uuid.in_(_GIVEN))
    for table in (CodingRow, StoredMemo)
}


def _taken(
    conn: Connection, table: type[CodingRow | StoredMemo], uuids: Sequence[str]
) -> dict[str, int | None]:
    """Which of ``uuids`` the master already has (anywhere), with the coder each belongs to."""
    if not uuids:
        return {}
    rows = conn.execute(_TAKEN[table], {"uuids": json.dumps(list(uuids))})
    return {uuid: coder for uuid, coder in rows}  # noqa: C416


def _diff_codings(
    conn: Connection,
    plan: LayerPlan,
    current: UnitRows,
    desired: Desired,
    scope: tuple[set[int], int | None],
) -> list[str]:
    docs, coder_id = scope
    have = current.codings_in(docs)
    want = desired.rows.codings_in(docs)
    fresh = [u for u in want if u not in have]
    taken = _taken(conn, CodingRow, fresh)
    # The coder's own coding on a statement another copy decides moves here; another coder's
    # coding is never taken over.
    clashes = [u for u, owner in taken.items() if owner is None or owner != coder_id]
    plan.add = [(u, want[u]) for u in fresh if u not in taken]
    plan.change = [(u, r) for u, r in want.items() if u in have and have[u] != r]
    plan.change += [(u, want[u]) for u in taken if u not in clashes]
    plan.remove = [u for u in have if u not in want and u not in desired.protected]
    return clashes


def _diff_memos(
    conn: Connection,
    plan: LayerPlan,
    current: UnitRows,
    desired: Desired,
    scope: tuple[set[int], bool],
    coder_id: int | None,
) -> list[str]:
    docs, codebook = scope
    units: set[int | str] = {*docs, *([CODEBOOK_UNIT] if codebook else [])}
    have = current.memos_in(units)
    want = desired.rows.memos_in(units)
    taken = _taken(conn, StoredMemo, [u for u in want if u not in have])
    clashes = [u for u, owner in taken.items() if owner is None or owner != coder_id]
    plan.memo_put = [(u, r) for u, r in want.items() if have.get(u) != r and u not in clashes]
    plan.memo_remove = [u for u in have if u not in want and u not in desired.protected]
    return clashes


def _diff_marks(plan: LayerPlan, current: UnitRows, desired: Desired, docs: set[int]) -> None:
    have = {d: t for d, t in current.marks.items() if d in docs}
    want = {d: t for d, t in desired.rows.marks.items() if d in docs}
    plan.marks_put = [(d, t) for d, t in want.items() if have.get(d) != t]
    plan.marks_remove = [d for d in have if d not in want]


def _others(given: PlanInput, index: MasterIndex) -> list[RowIssue]:
    """Work in a packet under any name but its coder's: listed, never merged."""
    if given.header.role != "packet":
        return []
    coder = given.coder.coder_name
    found: dict[tuple[str, str], RowIssue] = {}
    for write in given.coder.history.others:
        if write.coder_uuid is None:
            whose = "as a note of the project, under no coder's name"
        else:
            name = index.coder_names.get(write.coder_uuid, "a coder this master does not know")
            whose = f"under the name of {name}"
        found[(write.kind, write.identity)] = RowIssue(
            write.kind,
            write.identity,
            f"written in {coder}'s packet {whose}",
            f"not merged: only {coder}'s own work comes from {coder}'s packet",
        )
    for uuid, other in given.prepared.layer.others:
        if other in index.coders:
            continue  # another coder's work, copied into the packet when it was made
        key = ("coding", str(uuid))
        found.setdefault(
            key,
            RowIssue(
                "coding",
                str(uuid),
                f"coded in {coder}'s packet under a name this master does not know",
                f"not merged: only {coder}'s own work comes from {coder}'s packet",
            ),
        )
    return list(found.values())
