"""Coding highlights: a QSyntaxHighlighter over the core's SpanIndex.

Highlights are never char formats written into the document. Qt offsets are UTF-16; the
conversion to code points happens only at this boundary and in the document view.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument, QTextFormat

from r2pcoder.spans import Span, SpanIndex
from r2pcoder.textnorm import OffsetMap

__all__ = ["OVERLAP_PROPERTY", "CodingHighlighter", "blend", "tint"]

# Number of codings covering a stretch, stored on its format so tests and tooltips can read it.
OVERLAP_PROPERTY = QTextFormat.Property.UserProperty + 1
_WHITE = QColor("#ffffff")
_TINT = 0.45
_OVERLAP_TINT = 0.55


def blend(colors: Iterable[QColor]) -> QColor:
    """The average of several colours."""
    items = list(colors)
    if not items:
        return QColor(_WHITE)
    n = len(items)
    return QColor(
        round(sum(c.red() for c in items) / n),
        round(sum(c.green() for c in items) / n),
        round(sum(c.blue() for c in items) / n),
    )


def tint(color: QColor, strength: float) -> QColor:
    """``color`` mixed with white; ``strength`` 1 keeps the colour, 0 gives white."""
    return QColor(
        round(255 + (color.red() - 255) * strength),
        round(255 + (color.green() - 255) * strength),
        round(255 + (color.blue() - 255) * strength),
    )


class CodingHighlighter(QSyntaxHighlighter):
    """Paints each coding's theme colour; overlapping codings get a distinct, underlined format.

    One coding: its theme colour, lightened. Two or more: the blend of their colours, stronger,
    with an underline (dashed for two, wavy for three or more), so neither colour hides the other.
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._index: SpanIndex[str] = SpanIndex([])
        self._colors: dict[str, QColor] = {}
        self._omap = OffsetMap("")
        self._cache: dict[frozenset[str], QTextCharFormat] = {}

    def set_codings(self, omap: OffsetMap, items: Iterable[tuple[int, int, str, str]]) -> None:
        """Replace the spans: ``(start, end, key, colour)`` in code points. Does not repaint."""
        spans: list[tuple[Span, str]] = []
        colors: dict[str, QColor] = {}
        by_name: dict[str, QColor] = {}
        for start, end, key, color in items:
            spans.append((Span(start, end), key))
            if color not in by_name:
                by_name[color] = QColor(color)
            colors[key] = by_name[color]
        self._omap = omap
        self._index = SpanIndex(spans)
        self._colors = colors
        self._cache = {}

    @property
    def index(self) -> SpanIndex[str]:
        return self._index

    def format_for(self, keys: frozenset[str]) -> QTextCharFormat:
        cached = self._cache.get(keys)
        if cached is not None:
            return cached
        fmt = QTextCharFormat()
        colors = [self._colors.get(k, QColor("#cccccc")) for k in sorted(keys)]
        fmt.setProperty(OVERLAP_PROPERTY, len(keys))
        if len(keys) == 1:
            fmt.setBackground(tint(colors[0], _TINT))
        else:
            fmt.setBackground(tint(blend(colors), _OVERLAP_TINT))
            fmt.setFontUnderline(True)
            style = (
                QTextCharFormat.UnderlineStyle.DashUnderline
                if len(keys) == 2  # noqa: PLR2004  (pairs vs. three or more)
                else QTextCharFormat.UnderlineStyle.WaveUnderline
            )
            fmt.setUnderlineStyle(style)
            fmt.setUnderlineColor(QColor("#202020"))
        self._cache[keys] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:
        if not len(self._index):
            return
        block = self.currentBlock()
        pos16 = block.position()
        start = self._omap.to_cp(pos16)
        for piece in self._index.pieces(start, start + len(text)):
            a = self._omap.to_utf16(piece.start) - pos16
            b = self._omap.to_utf16(piece.end) - pos16
            self.setFormat(a, b - a, self.format_for(piece.keys))

    def rehighlight_span(self, start: int, end: int) -> None:
        """Repaint only the blocks touching ``[start, end)`` (code points)."""
        document = self.document()
        # rehighlightBlock marks the contents dirty, which Qt reports as a modification; the
        # text itself is untouched, so keep the flag truthful.
        was_modified = document.isModified()
        block = document.findBlock(self._omap.to_utf16(start))
        last = document.findBlock(self._omap.to_utf16(max(start, end - 1))).blockNumber()
        while block.isValid() and block.blockNumber() <= last:
            self.rehighlightBlock(block)
            block = block.next()
        document.setModified(was_modified)
