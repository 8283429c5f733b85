"""Review's lanes beside the statement: one labelled column per coder, and one for gold.

Built on the coding stripes (:mod:`ui.stripes`): each coding is a bar from its first to its last
line with its theme and stance, aligned with the passage. Here the bars are grouped: every coder
who worked on the statement has a column of their own, headed with the key that accepts their
coding (1-9) and their name, and the gold layer has the last column, nearest the text. Within a
column, a coder's overlapping codings stand side by side (:func:`r2pcoder.lanes.assign_lanes`).
A coding that differs from the other coders' carries marks under its stance disc: ``∅`` theme
missing, ``≠`` stance differs, ``↔`` span differs (explained in its tooltip).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from r2pcoder.lanes import assign_lanes
from r2pcoder.textnorm import OffsetMap

from ui.stripes import CodingStripes, StripeItem
from ui.text_edit import CodingTextEdit

__all__ = ["MARKS", "LaneGroup", "ReviewLanes", "ReviewText"]

MARKS = {"theme_missing": "∅", "stance_differs": "≠", "span_differs": "↔"}
_HEADER = 20
_MIN_GROUP = 34  # room for "1 Ana" above a coder with one lane
_GAP = 3
_HEAD_COLORS = ("#e4e9f2", "#fff1c2")  # a coder's column, gold's column


@dataclass(frozen=True)
class LaneGroup:
    """One column: a coder's codings (or gold's), with its heading."""

    label: str
    tooltip: str
    items: tuple[StripeItem, ...]
    gold: bool = False


class ReviewLanes(CodingStripes):
    """The lane margin of :class:`ReviewText`; ``clicked(key)`` names the bar clicked."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.setObjectName("review-lanes")
        self._groups: list[LaneGroup] = []
        self._group_lanes: list[int] = []
        self._group_of: dict[str, int] = {}
        self._spans: list[tuple[float, float]] = []
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        self._head_font = font

    def set_groups(self, omap: OffsetMap, groups: Sequence[LaneGroup]) -> None:
        """Show these columns, left to right (gold last, beside the text)."""
        self._groups = list(groups)
        self.set_items(omap, [i for g in self._groups for i in g.items])
        lanes: dict[str, int] = {}
        self._group_lanes, self._group_of = [], {}
        for n, group in enumerate(self._groups):
            found, used = assign_lanes((i.start, i.end, i.key) for i in group.items)
            lanes.update(found)
            self._group_lanes.append(max(1, used))
            self._group_of.update(dict.fromkeys(found, n))
        self._lanes, self._lane_count = lanes, sum(self._group_lanes)
        self.update()

    @property
    def groups(self) -> list[LaneGroup]:
        return list(self._groups)

    def header_height(self) -> int:
        return _HEADER if self._groups else 0

    def needed_width(self, editor_width: int, spare: int = 0) -> int:
        if not self._groups:
            return 0
        super().needed_width(editor_width, spare)  # sets the width of one lane
        return sum(w + _GAP for w in self._widths()) + 4

    def _widths(self) -> list[int]:
        return [max(n * self._lane_width, _MIN_GROUP) for n in self._group_lanes]

    def group_rect(self, n: int) -> QRectF:
        """Where column ``n`` is drawn (its heading included)."""
        left = 2 + sum(w + _GAP for w in self._widths()[:n])
        return QRectF(left, 0, self._widths()[n], self.height())

    def _bar_x(self, key: str) -> tuple[float, float]:
        column = self.group_rect(self._group_of[key])
        return column.right() - (self._lanes[key] + 1) * self._lane_width, self._lane_width

    def _paint_across(self, painter: QPainter, item: StripeItem, rect: QRectF) -> None:
        # Only the current theme's codings are named, and their names may use the column's
        # width: the other themes' pale bars beside them are named in their tooltips.
        if item.faded:
            return
        column = self.group_rect(self._group_of[item.key])
        wide = QRectF(column.left(), rect.top(), rect.right() - column.left(), rect.height())
        super()._paint_across(painter, item, wide)

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter, event)
            self._paint_columns(painter)
        finally:
            painter.end()

    def _paint_columns(self, painter: QPainter) -> None:
        # Drawn after the bars: the headings stay on top of bars scrolled up under them.
        metrics = QFontMetrics(self._head_font)
        painter.setFont(self._head_font)
        for n, group in enumerate(self._groups):
            rect = self.group_rect(n)
            if n:
                painter.setPen(QPen(QColor("#c8c8c8"), 1))
                x = rect.left() - _GAP / 2
                painter.drawLine(int(x), _HEADER, int(x), self.height())
            head = QRectF(rect.left(), 0, rect.width(), _HEADER - 2)
            painter.fillRect(head, QColor(_HEAD_COLORS[group.gold]))
            painter.setPen(QColor("#202020"))
            text = metrics.elidedText(group.label, Qt.TextElideMode.ElideRight, int(head.width()))
            painter.drawText(head, Qt.AlignmentFlag.AlignCenter, text)

    def group_at(self, x: float) -> int | None:
        for n in range(len(self._groups)):
            rect = self.group_rect(n)
            if rect.left() <= x <= rect.right():
                return n
        return None

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.pos().y() < _HEADER:
            n = self.group_at(event.pos().x())
            if n is not None:
                QToolTip.showText(event.globalPos(), self._groups[n].tooltip, self)
            return True
        return super().event(event)


class ReviewText(CodingTextEdit):
    """The statement's text with review's lanes in its margin.

    Its column is narrower than the coding pane's (still a comfortable line; typographers put
    it between 45 and 90 characters), so that every coder's lane has room for its labels.
    """

    reading_chars = 76

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review-text")

    def _make_stripes(self) -> CodingStripes:
        return ReviewLanes(self)

    @property
    def lanes(self) -> ReviewLanes:
        assert isinstance(self.stripes, ReviewLanes)
        return self.stripes
