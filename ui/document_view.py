"""The statement pane: metadata header, read-only text with coding highlights, find bar, zoom.

Qt positions are UTF-16 units; everything this pane hands out or takes in is code points.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QKeyEvent, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.coding import Coding
from r2pcoder.documents import Document
from r2pcoder.textnorm import OffsetMap

from ui.highlight import CodingHighlighter
from ui.look import CodebookLook
from ui.stripes import StripeItem
from ui.text_edit import CodingTextEdit
from ui.textops import find_all, snap_to_words

__all__ = ["CodingTextEdit", "DocumentPane"]

_FIND_COLOR = QColor("#ffe14d")
_FIND_CURRENT = QColor("#ff9a1f")


def _key(c: Coding) -> tuple[int, int, int, int | None]:
    return (c.start, c.end, c.theme_id, c.stance_id)


class DocumentPane(QWidget):
    """Header, text and find bar of the current statement.

    ``codings_clicked(list[str])`` gives the UUIDs of the codings under a click (possibly empty);
    a click on a stripe gives that one coding. Other coders' codings (``set_others``) are shown
    as hollow stripes only: they are read, never edited, here.
    """

    codings_clicked = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.header.setObjectName("statement-header")
        self.header.setMargin(6)
        self.editor = CodingTextEdit()
        self.editor.setObjectName("statement-text")
        self.highlighter = CodingHighlighter(self.editor.document())
        self.editor.clicked_at.connect(self._clicked)
        self.editor.stripes.clicked.connect(lambda uuid: self.codings_clicked.emit([uuid]))
        self.editor.viewport().installEventFilter(self)
        self.find_edit = QLineEdit(placeholderText="Find in statement", clearButtonEnabled=True)
        self.find_edit.textChanged.connect(self._find_changed)
        self.find_edit.returnPressed.connect(lambda: self.find_step(1))
        self.find_label = QLabel()
        self.find_bar = self._build_find_bar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.find_bar)
        self.snap_words = True
        self._look = CodebookLook()
        self._doc: Document | None = None
        self._omap = OffsetMap("")
        self._codings: dict[str, Coding] = {}
        self._others: list[Coding] = []
        self._focus: str | None = None
        self._stripe_cache: dict[tuple[Coding, bool], StripeItem] = {}
        self._layers: dict[str, list[QTextEdit.ExtraSelection]] = {}
        self._hits: list[tuple[int, int]] = []
        self._hit = -1
        self._zoom = 0
        self.set_document(None, (), self._look)

    def _build_find_bar(self) -> QWidget:
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(QLabel("Find:"))
        row.addWidget(self.find_edit, 1)
        for text, delta, tip in (("▲", -1, "Previous match (Shift+F3)"), ("▼", 1, "Next (F3)")):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, d=delta: self.find_step(d))
            row.addWidget(button)
        row.addWidget(self.find_label)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close the find bar (Esc)")
        close.clicked.connect(self.close_find)
        row.addWidget(close)
        bar.hide()
        return bar

    # -- content -------------------------------------------------------------------------

    @property
    def document(self) -> Document | None:
        return self._doc

    def set_document(
        self,
        doc: Document | None,
        codings: Sequence[Coding],
        look: CodebookLook,
        others: Sequence[Coding] = (),
    ) -> None:
        self._doc = doc
        self._look = look
        text = doc.text if doc is not None else ""
        self._omap = OffsetMap(text)
        self._codings = {c.uuid: c for c in codings}
        self._others = list(others)
        self._focus = None
        self.editor.set_outline(None)
        # Spans first, so the one highlighting pass triggered by setPlainText already uses them.
        self.highlighter.set_codings(self._omap, self._span_items())
        self._layers.clear()
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)  # loaded, not edited
        self.header.setText(self._header_html(doc))
        self._find_changed(self.find_edit.text())
        self._restripe()

    def _span_items(self) -> list[tuple[int, int, str, str]]:
        return [(c.start, c.end, c.uuid, self._look.color(c)) for c in self._codings.values()]

    def _stripe(self, coding: Coding, other: bool) -> StripeItem:
        # Made once per coding and look: a coding action changes one stripe, not five hundred.
        key = (coding, other)
        item = self._stripe_cache.get(key)
        if item is None:
            item = self._stripe_cache[key] = self._look.stripe(coding, other=other)
        return item

    def _restripe(self) -> None:
        items = [self._stripe(c, False) for c in self._codings.values()]
        items += [self._stripe(c, True) for c in self._others]
        if len(self._stripe_cache) > 4 * len(items) + 64:
            self._stripe_cache = {}  # forget deleted and recoded codings now and then
        self.editor.stripes.set_items(self._omap, items)
        self.editor.relayout()

    def set_others(self, others: Sequence[Coding]) -> None:
        """Other coders' codings of this statement, shown read-only as hollow stripes."""
        self._others = list(others)
        self._restripe()

    @property
    def others(self) -> list[Coding]:
        return list(self._others)

    def update_codings(self, codings: Sequence[Coding]) -> None:
        """Take the statement's new codings and repaint only the blocks whose codings changed."""
        new = {c.uuid: c for c in codings}
        dirty = [
            c
            for uuid in self._codings.keys() ^ new.keys()
            | {
                u
                for u in new.keys() & self._codings.keys()
                if _key(new[u]) != _key(self._codings[u])
            }
            for c in (self._codings.get(uuid), new.get(uuid))
            if c is not None
        ]
        self._codings = new
        self.highlighter.set_codings(self._omap, self._span_items())
        for c in dirty:
            self.highlighter.rehighlight_span(c.start, c.end)
        self._restripe()
        if self._focus is not None and self._focus not in new:
            self.focus_coding(None)

    def recolor(self, look: CodebookLook) -> None:
        self._look = look
        self._stripe_cache = {}
        self.highlighter.set_codings(self._omap, self._span_items())
        self.highlighter.rehighlight()
        self._restripe()

    @staticmethod
    def _header_html(doc: Document | None) -> str:
        if doc is None:
            return "<i>No statement open.</i>"
        m = doc.meta
        speaker = m.speaker + (f" on behalf of {m.on_behalf_of}" if m.on_behalf_of else "")
        facts = [speaker, m.regional_group, m.date, m.event, m.doc_type]
        line = " · ".join(html.escape(f) for f in facts if f)
        return f"<b>{html.escape(doc.title)}</b><br><span style='color:#555'>{line}</span>"

    # -- offsets and selection -----------------------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        """The selected span in code points (snapped to words if enabled), or None."""
        cursor = self.editor.textCursor()
        if not cursor.hasSelection() or self._doc is None:
            return None
        start = self._omap.to_cp(cursor.selectionStart())
        end = self._omap.to_cp(cursor.selectionEnd())
        if self.snap_words:
            start, end = snap_to_words(self._doc.text, start, end)
        return (start, end) if start < end else None

    def select(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(self._omap.to_utf16(start))
        cursor.setPosition(self._omap.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.editor.textCursor()
        cursor.clearSelection()
        self.editor.setTextCursor(cursor)

    def codings_at(self, offset: int) -> list[str]:
        return [key for _, key in self.highlighter.index.at(offset)]

    def _clicked(self, u16: int) -> None:
        if self._doc is None:
            return
        self.codings_clicked.emit(self.codings_at(self._omap.to_cp(u16)))

    def describe(self, uuids: Sequence[str]) -> str:
        """The codings ``uuids`` of this statement in words, one per line."""
        return "<br>".join(
            self._look.describe(self._codings[u]) for u in uuids if u in self._codings
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and self._doc is not None:
            u16 = self.editor.cursorForPosition(event.pos()).position()
            text = self.describe(self.codings_at(self._omap.to_cp(u16)))
            if text:
                QToolTip.showText(event.globalPos(), text, self.editor)
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)

    # -- transient layers (ExtraSelections) ----------------------------------------------

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        extra = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(self._omap.to_utf16(start))
        cursor.setPosition(self._omap.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        extra.cursor = cursor
        extra.format = fmt
        return extra

    def set_layer(self, name: str, selections: list[QTextEdit.ExtraSelection]) -> None:
        self._layers[name] = selections
        self.editor.setExtraSelections([s for key in ("find",) for s in self._layers.get(key, [])])

    def extra_formats(self, name: str) -> list[QTextCharFormat]:
        return [s.format for s in self._layers.get(name, [])]

    def focus_coding(self, uuid: str | None, *, scroll: bool = True) -> None:
        """Frame one coding (e.g. the current row of the codings list) and scroll to it.

        A frame, not a fill: the colours and underlines of codings overlapping it stay visible.
        """
        coding = self._codings.get(uuid) if uuid else None
        self._focus = coding.uuid if coding else None
        self.editor.stripes.set_current(self._focus)
        if coding is None:
            self.editor.set_outline(None)
            return
        self.editor.set_outline(
            (self._omap.to_utf16(coding.start), self._omap.to_utf16(coding.end))
        )
        if scroll:
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(self._omap.to_utf16(coding.start))
            self.editor.setTextCursor(cursor)
            self.editor.ensureCursorVisible()

    @property
    def focused(self) -> str | None:
        return self._focus

    # -- find ----------------------------------------------------------------------------

    def open_find(self) -> None:
        self.find_bar.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def close_find(self) -> None:
        self.find_bar.hide()
        self.find_edit.clear()
        self.editor.setFocus()

    def _find_changed(self, needle: str) -> None:
        self._hits = find_all(self._doc.text, needle) if self._doc is not None else []
        self._hit = -1
        self._paint_hits()
        if self._hits:
            self.find_step(1)

    def find_step(self, delta: int) -> None:
        if not self._hits:
            return
        self._hit = (self._hit + delta) % len(self._hits)
        start, end = self._hits[self._hit]
        self.select(start, end)
        self.editor.ensureCursorVisible()
        self._paint_hits()

    def _paint_hits(self) -> None:
        selections = []
        for n, (start, end) in enumerate(self._hits):
            fmt = QTextCharFormat()
            fmt.setBackground(_FIND_CURRENT if n == self._hit else _FIND_COLOR)
            selections.append(self._selection(start, end, fmt))
        if self._hits:
            self.find_label.setText(f"{self._hit + 1} of {len(self._hits)}")
        else:
            self.find_label.setText("no match" if self.find_edit.text() else "")
        self.set_layer("find", selections)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            self.close_find()
            return
        super().keyPressEvent(event)

    # -- zoom ----------------------------------------------------------------------------

    @property
    def zoom(self) -> int:
        return self._zoom

    def set_zoom(self, steps: int) -> None:
        steps = max(-6, min(20, steps))
        delta = steps - self._zoom
        if delta > 0:
            self.editor.zoomIn(delta)
        elif delta < 0:
            self.editor.zoomOut(-delta)
        self._zoom = steps
        self.editor.relayout()
