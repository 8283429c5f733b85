"""One statement in review: every coder's codings in lanes, differences marked, and its cells.

This is the core query behind the review view of the workbench: the window draws each lane
beside the text (offsets are code points, as everywhere in the core), binds keys 1-9 to the
lanes' ``key``, and calls :class:`~r2pcoder.review.service.ReviewService` to decide. A lane is
one coder who worked on the statement; the last lane is the gold layer. Must not import Qt or
``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from r2pcoder.errors import UnknownEntity
from r2pcoder.export.layers import NOT_CODED, CodingTuple
from r2pcoder.review.board import SPAN_THRESHOLD, Board
from r2pcoder.review.model import DiffKind, GoldCoding, QueueItem
from r2pcoder.review.queue import queue_item

__all__ = ["Lane", "LaneCoding", "StatementReview", "statement_review"]

MAX_KEYED_LANES = 9
"""Lanes 1-9 can be accepted with a key; further coders are reached by name."""


@dataclass(frozen=True)
class LaneCoding:
    """A coding in a lane.

    Attributes:
        marks: how it differs from the other coders who worked on the statement:
            ``theme_missing`` (one of them did not code this theme here), ``span_differs`` (one
            of them coded the theme but no passage of theirs matches this one by the overlap
            threshold), ``stance_differs`` (a passage of theirs overlapping this one carries
            another stance). Gold codings carry no marks.
    """

    uuid: str
    theme_id: int
    theme_key: str
    stance_id: int | None
    stance: str
    start: int
    end: int
    memo: str
    marks: tuple[DiffKind, ...] = ()


@dataclass(frozen=True)
class Lane:
    """One coder's codings of the statement (or the gold layer's, ``kind == "gold"``).

    Attributes:
        key: 1-9 for the first nine coders (the key that accepts their coding), 0 otherwise.
        missing: themes other coders coded here that this coder did not.
    """

    kind: Literal["coder", "gold"]
    key: int
    coder_id: int | None
    coder_uuid: str | None
    name: str
    codings: tuple[LaneCoding, ...]
    missing: tuple[int, ...] = ()


@dataclass(frozen=True)
class StatementReview:
    """Everything the review view shows of one statement."""

    document_id: int
    document_uuid: str
    title: str
    speaker: str
    regional_group: str
    text: str
    lanes: tuple[Lane, ...]
    cells: tuple[QueueItem, ...]
    gold: tuple[GoldCoding, ...] = ()

    def lane(self, key: int) -> Lane:
        """The coder lane bound to key ``key`` (1-9)."""
        for lane in self.lanes:
            if lane.kind == "coder" and lane.key == key:
                return lane
        raise UnknownEntity(f"No coder lane has key {key} in this statement.")

    def cell(self, theme_id: int) -> QueueItem:
        """The cell of ``theme_id``: status, differences, each coder's value, the decision."""
        for cell in self.cells:
            if cell.theme_id == theme_id:
                return cell
        raise UnknownEntity(f"Theme {theme_id} is not a cell of this statement.")

    def gold_of(self, theme_id: int) -> tuple[GoldCoding, ...]:
        """The gold codings of one theme (with their provenance)."""
        return tuple(g for g in self.gold if g.theme_id == theme_id)


def _iou_match(a: CodingTuple, b: CodingTuple, threshold: float) -> bool:
    inter = min(a.end, b.end) - max(a.start, b.start)
    return inter > 0 and inter / (max(a.end, b.end) - min(a.start, b.start)) >= threshold - 1e-9


def _marks(
    board: Board, coding: CodingTuple, others: dict[int, list[CodingTuple]], threshold: float
) -> tuple[DiffKind, ...]:
    cell = (coding.document_id, coding.theme_id)
    values = board.worker_values(cell)
    marks: list[DiffKind] = []
    if any(v == NOT_CODED for c, v in values.items() if c != coding.coder_id):
        marks.append("theme_missing")
    theirs = [found for c, found in others.items() if c != coding.coder_id and found]
    if any(not any(_iou_match(coding, y, threshold) for y in found) for found in theirs):
        marks.append("span_differs")
    overlapping = (
        y for found in theirs for y in found if y.start < coding.end and coding.start < y.end
    )
    if any(y.stance_id != coding.stance_id for y in overlapping):
        marks.append("stance_differs")
    return tuple(marks)


def statement_review(
    board: Board,
    document_id: int,
    text_meta: tuple[str, str],
    gold: list[GoldCoding],
    uuids: dict[int, str],
    threshold: float = SPAN_THRESHOLD,
) -> StatementReview:
    """Lanes and cells of one statement from a board holding (at least) that statement."""
    doc = board.documents[document_id]
    text, speaker = text_meta
    workers = sorted(board.workers.get(document_id, frozenset()))
    cells = [c for c in board.cells() if c[0] == document_id]
    keys, stances = board.themes, board.stance_keys
    lanes = []
    for i, coder_id in enumerate(workers):
        coder = board.coders[coder_id]
        mine = []
        for cell in cells:
            others = {c: board.codings_of(cell, c) for c in workers}
            for coding in board.codings_of(cell, coder_id):
                mine.append(
                    LaneCoding(
                        uuids.get(coding.id, ""),
                        coding.theme_id,
                        keys[coding.theme_id].key,
                        coding.stance_id,
                        stances.get(coding.stance_id or 0, ""),
                        coding.start,
                        coding.end,
                        coding.memo,
                        _marks(board, coding, others, threshold),
                    )
                )
        missing = tuple(
            t for d, t in cells if board.worker_values((d, t)).get(coder_id) == NOT_CODED
        )
        key = i + 1 if i < MAX_KEYED_LANES else 0
        lanes.append(
            Lane(
                "coder",
                key,
                coder_id,
                coder.uuid,
                coder.name,
                tuple(sorted(mine, key=lambda c: (c.start, c.end))),
                missing,
            )
        )
    gold_lane = tuple(
        LaneCoding(
            g.uuid,
            g.theme_id,
            keys[g.theme_id].key,
            g.stance_id,
            stances.get(g.stance_id or 0, ""),
            g.start,
            g.end,
            g.note,
        )
        for g in sorted(gold, key=lambda g: (g.start, g.end))
    )
    lanes.append(Lane("gold", 0, None, None, "gold", gold_lane))
    views = tuple(queue_item(board, cell, threshold) for cell in cells)
    return StatementReview(
        document_id,
        doc.uuid,
        doc.title,
        speaker,
        doc.regional_group,
        text,
        tuple(lanes),
        views,
        tuple(gold),
    )
