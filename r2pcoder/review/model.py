"""The plain values of review and adjudication: cells, decisions, gold codings, changes, queue.

A *cell* is one statement x theme. Its status says where it stands:

* ``decided``: the lead (or an auto rule) decided it; the gold layer holds the decision;
* ``reopened``: decided, but a newer packet changed the statement afterwards (see
  :mod:`r2pcoder.review.reopen`); the decision stands until the lead looks again;
* ``agreed``: two or more coders worked on the statement and all gave the theme the same value
  (statement unit: the same stance, or all coded it without stance, or all mixed);
* ``single``: only one coder worked on the statement, so nobody disagrees;
* ``awaiting``: two or more coders worked on the statement and gave different values (a stance
  against another, or coded against not coded).

A cell exists where a coder who worked on the statement coded the theme, or where the gold
layer holds a decision; a theme that nobody coded in a statement is agreed absence and is not a
cell. Everything here is frozen plain data (no ORM rows), safe to hand to another thread. Must
not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple

__all__ = [
    "CELL_STATUSES",
    "DIFF_KINDS",
    "CellChange",
    "CellState",
    "CellStatus",
    "CoderValue",
    "Decider",
    "Decision",
    "DecisionKind",
    "DiffKind",
    "GoldCoding",
    "Origin",
    "QueueFilter",
    "QueueItem",
    "ReviewStatus",
]

CellStatus = Literal["awaiting", "reopened", "agreed", "single", "decided"]
CELL_STATUSES: tuple[CellStatus, ...] = ("awaiting", "reopened", "agreed", "single", "decided")

DiffKind = Literal["theme_missing", "stance_differs", "span_differs"]
DIFF_KINDS: tuple[DiffKind, ...] = ("theme_missing", "stance_differs", "span_differs")
"""How the coders of a cell differ: one coded the theme and another (who worked on the
statement) did not; their statement-level values differ; or their passages of the theme do not
overlap by the threshold share of their union (the overlap unit's rule)."""

DecisionKind = Literal["coded", "absent", "resolved"]
Origin = Literal["accepted", "edited", "added"]


@dataclass(frozen=True)
class Decider:
    """Who decides: a name, and the UUID when the lead is also a coder of the project."""

    name: str
    uuid: str | None = None


class CoderValue(NamedTuple):
    """One coder's statement-level value in a cell.

    Attributes:
        label: the stance key, ``not coded``, ``mixed`` or ``no stance``.
        value: the stance id, or one of :data:`~r2pcoder.export.layers.NOT_CODED`,
            :data:`~r2pcoder.export.layers.MIXED`, :data:`~r2pcoder.export.layers.NO_STANCE`.
    """

    coder_id: int
    coder_uuid: str
    coder: str
    value: int
    label: str


@dataclass(frozen=True)
class GoldCoding:
    """A coding of the gold layer with its provenance (also the snapshot undo restores)."""

    uuid: str
    document_id: int
    theme_id: int
    stance_id: int | None
    start: int
    end: int
    origin: Origin
    sources: tuple[str, ...]
    source_coders: tuple[str, ...]
    auto_rule: str | None
    decided_by: str
    decided_by_uuid: str | None
    decided_at: datetime
    note: str


@dataclass(frozen=True)
class Decision:
    """The decision on one cell (see :class:`~r2pcoder.schema.GoldDecisionRow`)."""

    uuid: str
    document_id: int
    theme_id: int
    kind: DecisionKind
    source_coders: tuple[str, ...]
    auto_rule: str | None
    decided_by: str
    decided_by_uuid: str | None
    decided_at: datetime
    note: str
    reopened_at: datetime | None = None
    reopened_reason: str = ""

    @property
    def reopened(self) -> bool:
        """True when a newer packet changed the statement after this decision."""
        return self.reopened_at is not None


@dataclass(frozen=True)
class CellState:
    """Everything the gold layer holds for one cell: the decision and the gold codings."""

    document_id: int
    theme_id: int
    decision: Decision | None = None
    codings: tuple[GoldCoding, ...] = ()

    @property
    def cell(self) -> tuple[int, int]:
        """``(document_id, theme_id)``."""
        return (self.document_id, self.theme_id)


@dataclass(frozen=True)
class CellChange:
    """What one decision call did: the cells' gold state before and after.

    :meth:`ReviewService.undo` puts ``before`` back and :meth:`ReviewService.redo` puts
    ``after`` back, each refusing when the cells changed in between (e.g. a decision made from
    the command line while the window was open).
    """

    action: str
    before: tuple[CellState, ...]
    after: tuple[CellState, ...]
    warnings: tuple[str, ...] = ()

    @property
    def documents(self) -> frozenset[int]:
        """The statements whose cells changed (for the window's refresh)."""
        return frozenset(c.document_id for c in self.after)

    @property
    def changed(self) -> bool:
        """False when the call left the gold layer as it was."""
        return self.before != self.after


@dataclass(frozen=True)
class QueueFilter:
    """Which cells the review queue lists.

    Attributes:
        statuses: the cell statuses listed (default: those that need the lead).
        themes: theme keys (empty: every theme).
        coders: coder names or UUIDs: only statements one of them worked on (empty: all).
        regional_groups: only statements of these regional groups (empty: all).
        kinds: only cells with at least one of these differences (empty: any).
        documents: document ids (empty: every statement).
    """

    statuses: tuple[CellStatus, ...] = ("awaiting", "reopened")
    themes: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    regional_groups: tuple[str, ...] = ()
    kinds: tuple[DiffKind, ...] = ()
    documents: tuple[int, ...] = ()


class QueueItem(NamedTuple):
    """One cell in the review queue, in statement order then codebook order of themes.

    A named tuple, like :class:`CoderValue`: the queue of a large master holds tens of
    thousands of them, built in one go.
    """

    document_id: int
    document_uuid: str
    title: str
    regional_group: str
    speaker: str
    theme_id: int
    theme_key: str
    theme: str
    status: CellStatus
    kinds: tuple[DiffKind, ...]
    values: tuple[CoderValue, ...]
    decision: Decision | None = None


@dataclass(frozen=True)
class ReviewStatus:
    """Progress of the review of a master.

    Attributes:
        statements: statements in the project.
        worked_on: statements at least one coder worked on.
        cells: statement x theme cells (see :mod:`r2pcoder.review.model`).
        agreed, awaiting, single, decided, reopened: cells by status (``decided`` includes
            ``reopened``).
        auto: decided cells decided by an auto rule.
        warnings: e.g. no reliability snapshot saved before adjudication.
    """

    statements: int
    worked_on: int
    cells: int
    agreed: int
    awaiting: int
    single: int
    decided: int
    reopened: int
    auto: int
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """The figures under the keys scripts read."""
        return {
            "statements": self.statements,
            "worked_on": self.worked_on,
            "cells": self.cells,
            "agreed": self.agreed,
            "awaiting": self.awaiting,
            "decided": self.decided,
            "reopened": self.reopened,
            "single_coder": self.single,
            "auto": self.auto,
            "warnings": list(self.warnings),
        }
