"""Reading and writing the gold layer (``gold_decisions``, ``gold_codings``) cell by cell.

The one write primitive is :func:`write_states`: a cell's decision and gold codings are
replaced by a :class:`~r2pcoder.review.model.CellState`, with the same UUIDs and times. Every
decision call is built on it, so undo and redo (putting back the state before or after) are
exact inverses. Helpers take a ``Session`` and never commit. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from r2pcoder.review.model import CellState, Decision, GoldCoding
from r2pcoder.schema import GoldCodingRow, GoldDecisionRow

__all__ = ["coding_uuids", "read_decisions", "read_gold_codings", "read_states", "write_states"]

Cell = tuple[int, int]

_DECISION_COLUMNS = (
    GoldDecisionRow.uuid,
    GoldDecisionRow.document_id,
    GoldDecisionRow.theme_id,
    GoldDecisionRow.kind,
    GoldDecisionRow.source_coders,
    GoldDecisionRow.auto_rule,
    GoldDecisionRow.decided_by,
    GoldDecisionRow.decided_by_uuid,
    GoldDecisionRow.decided_at,
    GoldDecisionRow.note,
    GoldDecisionRow.reopened_at,
    GoldDecisionRow.reopened_reason,
)
_CODING_COLUMNS = (
    GoldCodingRow.uuid,
    GoldCodingRow.document_id,
    GoldCodingRow.theme_id,
    GoldCodingRow.stance_id,
    GoldCodingRow.start,
    GoldCodingRow.end,
    GoldCodingRow.origin,
    GoldCodingRow.sources,
    GoldCodingRow.source_coders,
    GoldCodingRow.auto_rule,
    GoldCodingRow.decided_by,
    GoldCodingRow.decided_by_uuid,
    GoldCodingRow.decided_at,
    GoldCodingRow.note,
)
# SQLite limits the number of bound parameters; cells are looked up in chunks of this size.
_CHUNK = 400


def _decision(row: Any) -> Decision:
    return Decision(
        uuid=row.uuid,
        document_id=row.document_id,
        theme_id=row.theme_id,
        kind=row.kind,
        source_coders=tuple(row.source_coders or ()),
        auto_rule=row.auto_rule,
        decided_by=row.decided_by,
        decided_by_uuid=row.decided_by_uuid,
        decided_at=row.decided_at,
        note=row.note,
        reopened_at=row.reopened_at,
        reopened_reason=row.reopened_reason,
    )


def _coding(row: Any) -> GoldCoding:
    return GoldCoding(
        uuid=row.uuid,
        document_id=row.document_id,
        theme_id=row.theme_id,
        stance_id=row.stance_id,
        start=row.start,
        end=row.end,
        origin=row.origin,
        sources=tuple(row.sources or ()),
        source_coders=tuple(row.source_coders or ()),
        auto_rule=row.auto_rule,
        decided_by=row.decided_by,
        decided_by_uuid=row.decided_by_uuid,
        decided_at=row.decided_at,
        note=row.note,
    )


def read_decisions(
    session: Session, documents: Collection[int] | None = None
) -> dict[Cell, Decision]:
    """Every decision (of ``documents`` only, when given), by cell."""
    stmt = select(*_DECISION_COLUMNS)
    if documents is not None:
        stmt = stmt.where(GoldDecisionRow.document_id.in_(list(documents)))
    return {(r.document_id, r.theme_id): _decision(r) for r in session.execute(stmt)}


def read_gold_codings(
    session: Session, documents: Collection[int] | None = None
) -> list[GoldCoding]:
    """Every gold coding (of ``documents`` only, when given), by statement and position."""
    stmt = select(*_CODING_COLUMNS).order_by(
        GoldCodingRow.document_id, GoldCodingRow.start, GoldCodingRow.end, GoldCodingRow.id
    )
    if documents is not None:
        stmt = stmt.where(GoldCodingRow.document_id.in_(list(documents)))
    return [_coding(r) for r in session.execute(stmt)]


def coding_uuids(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The UUIDs of coder codings by row id (the board reads ids only, to stay small)."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    # One query with the ids as a JSON array: SQLite unpacks it in C, with no limit on bound
    # parameters.
    rows = raw.execute(
        "SELECT id, uuid FROM codings WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(ids))),),
    )
    return dict(rows.fetchall())


def _chunks(cells: list[Cell]) -> Iterable[list[Cell]]:
    for i in range(0, len(cells), _CHUNK):
        yield cells[i : i + _CHUNK]


def read_states(session: Session, cells: Iterable[Cell]) -> dict[Cell, CellState]:
    """The gold state of each cell (an empty state where nothing is decided)."""
    wanted = sorted(set(cells))
    decisions: dict[Cell, Decision] = {}
    codings: dict[Cell, list[GoldCoding]] = {}
    for part in _chunks(wanted):
        key = tuple_(GoldDecisionRow.document_id, GoldDecisionRow.theme_id)
        for r in session.execute(select(*_DECISION_COLUMNS).where(key.in_(part))):
            decisions[(r.document_id, r.theme_id)] = _decision(r)
        key = tuple_(GoldCodingRow.document_id, GoldCodingRow.theme_id)
        stmt = select(*_CODING_COLUMNS).where(key.in_(part))
        stmt = stmt.order_by(GoldCodingRow.start, GoldCodingRow.end, GoldCodingRow.id)
        for r in session.execute(stmt):
            codings.setdefault((r.document_id, r.theme_id), []).append(_coding(r))
    return {
        cell: CellState(cell[0], cell[1], decisions.get(cell), tuple(codings.get(cell, ())))
        for cell in wanted
    }


def _decision_values(d: Decision) -> dict[str, Any]:
    values = dict(vars(d))
    values["source_coders"] = list(d.source_coders)
    return values


def _coding_values(c: GoldCoding) -> dict[str, Any]:
    values = dict(vars(c))
    values["sources"] = list(c.sources)
    values["source_coders"] = list(c.source_coders)
    return values


def write_states(session: Session, states: Iterable[CellState], *, fresh: bool = False) -> None:
    """Make the gold layer hold exactly ``states`` for their cells (same UUIDs and times).

    ``fresh`` says the cells hold nothing yet (auto rules skip decided cells), so nothing needs
    deleting first.
    """
    states = list(states)
    if not states:
        return
    for part in [] if fresh else _chunks([s.cell for s in states]):
        match = [
            and_(GoldDecisionRow.document_id == d, GoldDecisionRow.theme_id == t) for d, t in part
        ]
        session.execute(delete(GoldDecisionRow).where(or_(*match)))
        match = [and_(GoldCodingRow.document_id == d, GoldCodingRow.theme_id == t) for d, t in part]
        session.execute(delete(GoldCodingRow).where(or_(*match)))
    decisions = [_decision_values(s.decision) for s in states if s.decision is not None]
    codings = [_coding_values(c) for s in states for c in s.codings]
    # An empty parameter list would insert one row of defaults.
    if decisions:
        session.execute(insert(GoldDecisionRow), decisions)
    if codings:
        session.execute(insert(GoldCodingRow), codings)
