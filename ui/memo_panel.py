"""The Memos panel: memo boxes for the open statement and the chosen theme, and all memos.

The list holds every memo (statements, themes and codings) and is searchable.
A memo is saved when the coder pauses typing or leaves the box; each save is one undoable
action. Double-clicking a listed memo opens its statement, theme or coding.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.memo_list import MemoInfo

from ui.table_model import ColumnsModel, result_table

__all__ = ["MemoEdit", "MemoListModel", "MemoPanel"]

Index = QModelIndex | QPersistentModelIndex
_SAVE_AFTER_MS = 1200


class MemoListModel(ColumnsModel):
    """One row per memo: what it is on, its text and who wrote it."""

    COLUMNS = ("On", "Memo", "Coder")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._memos: list[MemoInfo] = []

    def set_memos(self, memos: Sequence[MemoInfo]) -> None:
        self.beginResetModel()
        self._memos = list(memos)
        self.endResetModel()

    def memo(self, row: int) -> MemoInfo:
        return self._memos[row]

    def _count(self) -> int:
        return len(self._memos)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._memos):
            return None
        memo = self._memos[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            where = {"statement": "Statement", "theme": "Theme", "coding": "Coding"}[memo.kind]
            on = f"{where}: {memo.target}"
            if memo.kind == "coding":
                on += f" \N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}{memo.excerpt}"
            text = " ".join(memo.text.split()) if role == Qt.ItemDataRole.DisplayRole else memo.text
            return (on, text, memo.coder or "(project)")[index.column()]
        return None


class MemoEdit(QPlainTextEdit):
    """A memo box that reports its text when the coder pauses or leaves it (``edited``)."""

    edited = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_SAVE_AFTER_MS)
        self._timer.timeout.connect(self.flush)
        self._dirty = False
        self.textChanged.connect(self._typed)

    def set_text(self, text: str) -> None:
        """Show a stored memo (not an edit)."""
        self._timer.stop()
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)
        self._dirty = False

    def _typed(self) -> None:
        self._dirty = True
        self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        if self._dirty:
            self._dirty = False
            self.edited.emit(self.toPlainText())

    def focusOutEvent(self, e: QFocusEvent) -> None:
        self.flush()
        super().focusOutEvent(e)


class MemoPanel(QWidget):
    """Memo boxes for the open statement and the chosen theme, and the list of all memos."""

    document_memo_edited = Signal(int, str)
    theme_memo_edited = Signal(int, str)
    memo_opened = Signal(object)  # MemoInfo
    search_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document_id: int | None = None
        self._theme_id: int | None = None
        self.document_label = QLabel("Memo on this statement")
        self.document_memo = MemoEdit("Your notes on this statement (saved as you type)")
        self.document_memo.setObjectName("statement-memo")
        self.document_memo.edited.connect(self._document_edited)
        self.theme_label = QLabel("Memo on the chosen theme")
        self.theme_memo = MemoEdit("Your notes on the theme chosen in the codebook")
        self.theme_memo.setObjectName("theme-memo")
        self.theme_memo.edited.connect(self._theme_edited)
        self.search = QLineEdit(placeholderText="Search memos…", clearButtonEnabled=True)
        self.search.textChanged.connect(self.search_changed)
        self.every_coder = QCheckBox("Every coder")
        self.every_coder.setToolTip("List other coders' memos too")
        self.every_coder.toggled.connect(self.search_changed)
        self.model = MemoListModel(self)
        self.table = result_table("memo-list", self.model, 1, (220, 0, 90))
        self.table.activated.connect(
            lambda index: self.memo_opened.emit(self.model.memo(index.row()))
        )
        boxes = QWidget()
        top = QVBoxLayout(boxes)
        top.setContentsMargins(0, 0, 0, 0)
        for widget in (self.document_label, self.document_memo, self.theme_label, self.theme_memo):
            top.addWidget(widget)
        listing = QWidget()
        bottom = QVBoxLayout(listing)
        bottom.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.every_coder)
        bottom.addLayout(row)
        bottom.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(boxes)
        split.addWidget(listing)
        split.setSizes([300, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(split)
        self.set_document(None, "", "")
        self.set_theme(None, "", "")

    def set_document(self, document_id: int | None, title: str, text: str) -> None:
        self.document_memo.flush()
        self._document_id = document_id
        self.document_label.setText(f"Memo on '{title}'" if title else "Memo on this statement")
        self.document_memo.set_text(text)
        self.document_memo.setEnabled(document_id is not None)

    def set_theme(self, theme_id: int | None, name: str, text: str) -> None:
        self.theme_memo.flush()
        self._theme_id = theme_id
        self.theme_label.setText(f"Memo on theme '{name}'" if name else "Memo on the chosen theme")
        self.theme_memo.set_text(text)
        self.theme_memo.setEnabled(theme_id is not None)

    def flush(self) -> None:
        self.document_memo.flush()
        self.theme_memo.flush()

    def _document_edited(self, text: str) -> None:
        if self._document_id is not None:
            self.document_memo_edited.emit(self._document_id, text)

    def _theme_edited(self, text: str) -> None:
        if self._theme_id is not None:
            self.theme_memo_edited.emit(self._theme_id, text)
