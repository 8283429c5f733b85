"""Review and adjudication: the lead turns the coders' layers into a gold layer and a final one.

Coder layers in a master belong to the coders' packets (:mod:`r2pcoder.layer_guard`); the lead's
decisions go to a separate gold layer with full provenance. The entry point is
``project.review`` (:class:`ReviewService`): the queue of cells awaiting a decision, one
statement's lanes, decisions with their undo, auto rules, progress. The ``gold`` and ``final``
export layers are built in :mod:`r2pcoder.review.layers`; coder feedback against gold in
:mod:`r2pcoder.review.feedback`; the merge hook that re-opens decided cells in
:mod:`r2pcoder.review.reopen`. Must not import Qt or ``ui``.
"""

from r2pcoder.review.auto import AUTO_RULES, AutoProposal, AutoReport, AutoRule
from r2pcoder.review.board import SPAN_THRESHOLD
from r2pcoder.review.decide import ReviewRefused
from r2pcoder.review.model import (
    CELL_STATUSES,
    DIFF_KINDS,
    CellChange,
    CellState,
    CellStatus,
    CoderValue,
    Decider,
    Decision,
    DiffKind,
    GoldCoding,
    QueueFilter,
    QueueItem,
    ReviewStatus,
)
from r2pcoder.review.reopen import ReopenedCell
from r2pcoder.review.service import NO_SNAPSHOT_WARNING, ReviewService
from r2pcoder.review.statement import Lane, LaneCoding, StatementReview

__all__ = [
    "AUTO_RULES",
    "CELL_STATUSES",
    "DIFF_KINDS",
    "NO_SNAPSHOT_WARNING",
    "SPAN_THRESHOLD",
    "AutoProposal",
    "AutoReport",
    "AutoRule",
    "CellChange",
    "CellState",
    "CellStatus",
    "CoderValue",
    "Decider",
    "Decision",
    "DiffKind",
    "GoldCoding",
    "Lane",
    "LaneCoding",
    "QueueFilter",
    "QueueItem",
    "ReopenedCell",
    "ReviewRefused",
    "ReviewService",
    "ReviewStatus",
    "StatementReview",
]
