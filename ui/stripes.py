"""Coding stripes: one bar per coding in the margin beside the statement's text.

As in MAXQDA, ATLAS.ti and NVivo: each coding is a vertical bar in its theme's colour from its
first to its last line, labelled with the theme's short name along the bar, with its stance as a
coloured disc (carrying the stance's key) at the top. Overlapping codings stand side by side in
lanes (:func:`r2pcoder.lanes.assign_lanes`), so none is ever drawn over another; the current
coding's bar is outlined; other coders' codings (when shown) are hollow bars named with their
coder. Clicking a bar makes that coding current.

Only the codings that reach the visible lines are measured and painted, so a long statement with
hundreds of codings paints as fast as a short one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextBlock,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from r2pcoder.lanes import assign_lanes
from r2pcoder.spans import Span, SpanIndex
from r2pcoder.textnorm import OffsetMap

__all__ = ["LANE_WIDTH", "MARK_COLOR", "CodingStripes", "StripeItem"]

LANE_WIDTH = 18
WIDE_LANE = 130  # room for a label written across the lane, when the screen has it
_MIN_LANE = 6
_ACROSS = 48  # from this lane width on, labels are written across, not along the bar
_BAR = 5
_DISC = 13
_MAX_SHARE = 0.35  # of the editor's width, at most, before lanes get narrower
MARK_COLOR = "#c0142c"


@dataclass(frozen=True)
class StripeItem:
    """One coding as a stripe: span in code points, colours and words."""

    key: str
    start: int
    end: int
    color: str
    label: str
    tooltip: str
    stance_color: str | None = None
    stance_mark: str = ""
    other: bool = False
    marks: str = ""  # differences from other coders (review), one symbol each, under the disc
    faded: bool = False  # drawn pale: not what the reader looks at now (review: other themes)


class CodingStripes(QWidget):
    """The stripe margin of a :class:`QPlainTextEdit`; ``clicked(key)`` names the bar clicked."""

    clicked = Signal(str)

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.setObjectName("coding-stripes")
        self.setMouseTracking(True)
        self._editor = editor
        self._items: dict[str, StripeItem] = {}
        self._lanes: dict[str, int] = {}
        self._lane_count = 0
        self._index: SpanIndex[str] = SpanIndex([])
        self._omap = OffsetMap("")
        self._current: str | None = None
        self._lane_width = LANE_WIDTH
        self._hits: list[tuple[QRectF, str]] = []
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        self._label_font = font
        self._mark_font = QFont(font)
        self._mark_font.setBold(True)

    def set_items(self, omap: OffsetMap, items: list[StripeItem]) -> None:
        self._omap = omap
        self._items = {i.key: i for i in items}
        self._lanes, self._lane_count = assign_lanes((i.start, i.end, i.key) for i in items)
        self._index = SpanIndex([(Span(i.start, i.end), i.key) for i in items])
        self.update()

    def set_current(self, key: str | None) -> None:
        if key != self._current:
            self._current = key
            self.update()

    def header_height(self) -> int:
        """Room above the text for lane labels (none here: each bar carries its own)."""
        return 0

    @property
    def lane_count(self) -> int:
        return self._lane_count

    def lane_of(self, key: str) -> int:
        return self._lanes[key]

    def needed_width(self, editor_width: int, spare: int = 0) -> int:
        """The margin's width for ``editor_width``, using up to ``spare`` pixels for labels.

        Lanes are wide, with labels written across, when the text column leaves room beside
        it; else narrow, with labels along the bar; else narrower still, without labels.
        """
        if not self._lane_count:
            return 0
        n = self._lane_count
        if spare >= n * _ACROSS:
            self._lane_width = min(WIDE_LANE, spare // n)
        else:
            limit = max(_MIN_LANE * n, int(editor_width * _MAX_SHARE))
            self._lane_width = max(_MIN_LANE, min(LANE_WIDTH, limit // n))
        return self._lane_width * n + 4

    # -- geometry --------------------------------------------------------------------------

    def _visible_range(self) -> tuple[int, int]:
        editor = self._editor
        block = editor.firstVisibleBlock()
        first = block.position()
        bottom = editor.viewport().height()
        offset = editor.contentOffset()
        last = first
        while block.isValid():
            last = block.position() + block.length()
            if editor.blockBoundingGeometry(block).translated(offset).top() > bottom:
                break
            block = block.next()
        size = self._omap.utf16_length
        return self._omap.to_cp(min(first, size)), self._omap.to_cp(min(last, size))

    def _line_y(self, u16: int, bottom: bool) -> float:
        editor = self._editor
        block: QTextBlock = editor.document().findBlock(u16)
        top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
        layout = block.layout()
        if layout is None or layout.lineCount() == 0:
            return top
        line = layout.lineForTextPosition(u16 - block.position())
        if not line.isValid():
            line = layout.lineAt(layout.lineCount() - 1)
        return top + line.y() + (line.height() if bottom else 0.0)

    def bar_rect(self, key: str) -> QRectF | None:
        """Where the bar of ``key`` is drawn (None when off screen)."""
        return next((rect for rect, k in self._hits if k == key), None)

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter, event)
        finally:
            painter.end()

    def _paint(self, painter: QPainter, event: QPaintEvent) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(event.rect(), self.palette().window())
        self._hits = []
        if not self._items:
            return
        start, end = self._visible_range()
        top_offset = self.geometry().top() - self._editor.viewport().geometry().top()
        for _span, key in self._index.overlapping(start, max(end, start + 1)):
            item = self._items[key]
            y0 = self._line_y(self._omap.to_utf16(item.start), bottom=False) - top_offset
            y1 = self._line_y(self._omap.to_utf16(max(item.start, item.end - 1)), True) - top_offset
            x, width = self._bar_x(key)
            rect = QRectF(x, y0 + 1, width, max(4.0, y1 - y0 - 2))
            self._hits.append((rect, key))
            self._paint_one(painter, item, rect)

    def _bar_x(self, key: str) -> tuple[float, float]:
        """Left edge and width of the lane of ``key`` (lane 0 is nearest the text)."""
        return self.width() - 2 - (self._lanes[key] + 1) * self._lane_width, self._lane_width

    def _paint_one(self, painter: QPainter, item: StripeItem, rect: QRectF) -> None:
        color = QColor(item.color)
        if item.faded:
            color.setAlpha(70)
        bar = QRectF(rect.right() - _BAR - 1, rect.top(), _BAR, rect.height())
        if item.other:
            painter.setPen(QPen(color.darker(130), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(QPen(color.darker(140), 1))
            painter.setBrush(color)
        if item.key == self._current:
            painter.setPen(QPen(QColor("#000000"), 2))
            bar = bar.adjusted(-1.5, -1, 1.5, 1)
        painter.drawRoundedRect(bar, 2, 2)
        label_top = rect.top()
        if self._lane_width >= _DISC and not item.other:
            label_top += self._paint_disc(painter, item, rect)
        if self._lane_width >= _ACROSS:
            self._paint_across(painter, item, rect)
            return
        if item.marks and not item.faded and self._lane_width >= _DISC:
            label_top += self._paint_marks(painter, item.marks, rect, label_top)
        room = rect.bottom() - label_top - 2
        if self._lane_width >= LANE_WIDTH - 4 and room > 14:  # noqa: PLR2004  (room for text)
            self._paint_label(painter, item, rect.left(), label_top, room)

    def _paint_across(self, painter: QPainter, item: StripeItem, rect: QRectF) -> None:
        # Written across the lane, left of the disc, on the coding's first line.
        # Marks, if any, stand between the label and the disc, in their flag colour.
        room = rect.width() - _DISC - _BAR - 6
        painter.save()
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        metrics = QFontMetrics(self._label_font)
        if item.marks:
            painter.setFont(self._mark_font)
            painter.setPen(QColor(MARK_COLOR))
            painter.drawText(
                QRectF(rect.left() + 2, rect.top() - 1, room, metrics.height() + 2),
                right,
                item.marks,
            )
            room -= QFontMetrics(self._mark_font).horizontalAdvance(item.marks) + 3
        painter.setFont(self._label_font)
        painter.setPen(QColor("#202020") if not item.other else QColor(item.color).darker(150))
        text = metrics.elidedText(item.label, Qt.TextElideMode.ElideRight, int(room))
        box = QRectF(rect.left() + 2, rect.top() - 1, room, metrics.height() + 2)
        painter.drawText(box, right, text)
        painter.restore()

    def _paint_disc(self, painter: QPainter, item: StripeItem, rect: QRectF) -> float:
        disc = QRectF(rect.right() - _DISC - _BAR - 2, rect.top(), _DISC - 1, _DISC - 1)
        if item.stance_color is None:
            painter.setPen(QPen(QColor("#666666"), 1, Qt.PenStyle.DotLine))
            painter.setBrush(QColor("#ffffff"))
        else:
            fill = QColor(item.stance_color)
            painter.setPen(QPen(fill.darker(150), 1))
            if item.faded:
                fill.setAlpha(90)
            painter.setBrush(fill)
        painter.drawEllipse(disc)
        if item.stance_mark:
            fill = QColor(item.stance_color or "#ffffff")
            light = 0.299 * fill.red() + 0.587 * fill.green() + 0.114 * fill.blue() > 150  # noqa: PLR2004
            painter.setPen(QColor("#000000" if light else "#ffffff"))
            painter.setFont(self._mark_font)
            painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, item.stance_mark)
        return _DISC + 1

    def _paint_marks(self, painter: QPainter, marks: str, rect: QRectF, top: float) -> float:
        # One symbol per difference, stacked under the disc, in a colour that reads as a flag.
        painter.save()
        painter.setFont(self._mark_font)
        painter.setPen(QColor(MARK_COLOR))
        step = QFontMetrics(self._mark_font).height()
        for n, mark in enumerate(marks):
            box = QRectF(rect.right() - _DISC - _BAR - 2, top + n * step, _DISC - 1, step)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, mark)
        painter.restore()
        return float(step * len(marks))

    def _paint_label(
        self, painter: QPainter, item: StripeItem, left: float, top: float, room: float
    ) -> None:
        painter.save()
        painter.setFont(self._label_font)
        painter.setPen(QColor("#202020"))
        metrics = QFontMetrics(self._label_font)
        text = metrics.elidedText(item.label, Qt.TextElideMode.ElideRight, int(room))
        # Read top to bottom along the bar, as a spine label.
        painter.translate(left + 1, top)
        painter.rotate(90)
        thick = self._lane_width - _BAR - 2
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(0, -thick, room, thick), align, text)
        painter.restore()

    # -- mouse -----------------------------------------------------------------------------

    def key_at(self, point: QPoint) -> str | None:
        for rect, key in self._hits:
            if rect.adjusted(0, -1, 0, 1).contains(point.toPointF()):
                return key
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        key = self.key_at(event.position().toPoint())
        item = self._items.get(key) if key else None
        if item is not None and not item.other:
            self.clicked.emit(item.key)
        event.accept()

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent):
            key = self.key_at(event.pos())
            if key is not None:
                QToolTip.showText(event.globalPos(), self._items[key].tooltip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
