"""The statement's text widget: read-only text, stripe margin, focus outline, reading width.

The current coding is outlined with a frame drawn over the text, never painted over it, so the
colours and underlines of codings that overlap it stay visible. The text column is capped at
about :data:`READING_CHARS` characters of the current font and centred, so lines stay readable
on a wide screen at any zoom.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ui.stripes import CodingStripes

__all__ = ["READING_CHARS", "CodingTextEdit"]

READING_CHARS = 100


def _x(value: object) -> float:
    # PySide6 returns (x, position) for QTextLine.cursorToX; keep to the x.
    return float(value[0] if isinstance(value, tuple) else value)  # type: ignore[arg-type]  # a float otherwise


class CodingTextEdit(QPlainTextEdit):
    """Read-only, selectable text; a click without a selection reports the position clicked."""

    clicked_at = Signal(int)
    reading_chars = READING_CHARS  # the text column's width, in average characters

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        self.setMouseTracking(True)
        self.stripes = self._make_stripes()
        self._outline: tuple[int, int] | None = None  # UTF-16 span of the current coding
        self.verticalScrollBar().valueChanged.connect(self.stripes.update)
        self.document().documentLayout().documentSizeChanged.connect(self.stripes.update)

    def _make_stripes(self) -> CodingStripes:
        return CodingStripes(self)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        super().mouseReleaseEvent(e)
        if e.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.clicked_at.emit(self.cursorForPosition(e.position().toPoint()).position())

    # -- layout: stripe margin and reading width -------------------------------------------

    def relayout(self) -> None:
        """Recompute the margins (after zoom, a resize or new stripes)."""
        frame = self.frameWidth()
        inner = self.width() - 2 * frame
        if self.verticalScrollBar().isVisible():
            inner -= self.verticalScrollBar().width()
        text_max = self.reading_chars * self.fontMetrics().averageCharWidth()
        text_max += int(2 * self.document().documentMargin())
        # The text is centred where it can be; the stripes take the room left of it.
        spare = max(0, inner - text_max - 8)
        stripes = self.stripes.needed_width(inner, spare)
        left = max(stripes, (inner - text_max) // 2)
        right = max(0, inner - left - text_max)
        # The stripes may head their lanes with labels above the text (review's coder lanes).
        self.setViewportMargins(left, self.stripes.header_height(), right, 0)
        height = self.height() - 2 * frame
        if self.horizontalScrollBar().isVisible():
            height -= self.horizontalScrollBar().height()
        self.stripes.setGeometry(frame + left - stripes, frame, stripes, height)
        self.stripes.setVisible(stripes > 0)

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self.relayout()

    def zoomIn(self, range: int = 1) -> None:
        super().zoomIn(range)
        self.relayout()

    def zoomOut(self, range: int = 1) -> None:
        super().zoomOut(range)
        self.relayout()

    # -- the current coding's outline ------------------------------------------------------

    def set_outline(self, span: tuple[int, int] | None) -> None:
        """Frame this UTF-16 span (the current coding), or nothing."""
        if span != self._outline:
            self._outline = span
            self.viewport().update()

    def outline_rects(self) -> list[QRectF]:
        """The frame's rectangles in viewport coordinates, one per line of the span."""
        if self._outline is None:
            return []
        start, end = self._outline
        rects = []
        block = self.document().findBlock(start)
        offset = self.contentOffset()
        height = self.viewport().height()
        while block.isValid() and block.position() < end:
            top = self.blockBoundingGeometry(block).translated(offset).top()
            if top > height:
                break
            layout = block.layout()
            for n in range(layout.lineCount() if layout is not None else 0):
                line = layout.lineAt(n)
                a = max(start, block.position() + line.textStart())
                b = min(end, block.position() + line.textStart() + line.textLength())
                if a >= b:
                    continue
                x0 = _x(line.cursorToX(a - block.position()))
                x1 = _x(line.cursorToX(b - block.position()))
                rects.append(QRectF(x0 + offset.x(), top + line.y(), x1 - x0, line.height()))
            block = block.next()
        return rects

    def paintEvent(self, e: QPaintEvent) -> None:
        super().paintEvent(e)
        rects = self.outline_rects()
        if not rects:
            return
        painter = QPainter(self.viewport())
        try:
            painter.setPen(QPen(QColor("#000000"), 1.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in rects:
                painter.drawRect(rect.adjusted(-1, 0, 1, 0))
        finally:
            painter.end()
