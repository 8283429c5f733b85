"""The codings of the current statement: table model and panel with an editor for one coding."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.codebook.store import StanceInfo, ThemeInfo
from r2pcoder.coding import Coding

from ui.look import CodebookLook
from ui.table_model import ColumnsModel

__all__ = ["UUID_ROLE", "CodingListModel", "CodingListPanel"]

UUID_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Theme", "Stance", "Quote", "Memo")
_QUOTE_CHARS = 120


class CodingListModel(ColumnsModel):
    """One row per coding of the current statement and coder, in text order."""

    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._codings: list[Coding] = []
        self._text = ""
        self._look = CodebookLook()

    def set_codings(self, codings: Sequence[Coding], text: str, look: CodebookLook) -> None:
        self.beginResetModel()
        self._codings = sorted(codings, key=lambda c: (c.start, c.end, c.id))
        self._text = text
        self._look = look
        self.endResetModel()

    def coding(self, row: int) -> Coding:
        return self._codings[row]

    def row_of(self, uuid: str) -> int:
        return next((n for n, c in enumerate(self._codings) if c.uuid == uuid), -1)

    def codings_by_uuid(self, uuids: Sequence[str]) -> list[Coding]:
        wanted = set(uuids)
        return [c for c in self._codings if c.uuid in wanted]

    def uuids(self) -> list[str]:
        return [c.uuid for c in self._codings]

    def _count(self) -> int:
        return len(self._codings)

    def quote(self, coding: Coding) -> str:
        text = " ".join(self._text[coding.start : coding.end].split())
        return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"

    def _cell(self, coding: Coding, column: int) -> str:
        theme = self._look.theme(coding.theme_id)
        stance = self._look.stance(coding.stance_id)
        values = (
            theme.name if theme else "?",
            stance.name if stance else "(no stance)",
            self.quote(coding),
            coding.memo,
        )
        return values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._codings):
            return None
        coding = self._codings[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell(coding, index.column())
        if role == Qt.ItemDataRole.DecorationRole and index.column() < len(COLUMNS) // 2:
            item = (
                self._look.theme(coding.theme_id)
                if index.column() == 0
                else self._look.stance(coding.stance_id)
            )
            return QColor(item.color) if item else None
        if role == UUID_ROLE:
            return coding.uuid
        return None


class CodingListPanel(QWidget):
    """Codings table plus an editor for the current coding: theme, stance, memo, delete."""

    current_changed = Signal(object)  # uuid or None
    theme_requested = Signal(str, int)
    stance_requested = Signal(str, object)
    memo_requested = Signal(str, str)
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CodingListModel(self)
        self.table = QTableView()
        self.table.setObjectName("codings-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 110)
        self.table.setColumnWidth(3, 140)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.theme_combo = QComboBox()
        self.theme_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.theme_combo.setMinimumContentsLength(20)
        self.theme_combo.setToolTip("Change the theme of the current coding")
        self.theme_combo.activated.connect(self._theme_picked)
        self.stance_combo = QComboBox()
        self.stance_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.stance_combo.setMinimumContentsLength(12)
        self.stance_combo.setToolTip("Change the stance of the current coding")
        self.stance_combo.activated.connect(self._stance_picked)
        self.memo = QLineEdit()
        self.memo.setPlaceholderText("Memo for this coding (saved on Enter or when you move on)")
        self.memo.editingFinished.connect(self.flush_memo)
        self._editing: Coding | None = None
        self.delete_button = QPushButton("Delete coding")
        self.delete_button.setToolTip("Delete the current coding (Del); undo brings it back")
        self.delete_button.clicked.connect(self._delete)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.theme_combo, 2)
        row.addWidget(self.stance_combo, 1)
        row.addWidget(self.delete_button)
        form.addRow("Coding:", row)
        form.addRow("Memo:", self.memo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        self._sync_editor(None)

    def set_choices(self, themes: Sequence[ThemeInfo], stances: Sequence[StanceInfo]) -> None:
        self.theme_combo.clear()
        for theme in themes:
            self.theme_combo.addItem("    " * theme.depth + theme.name, theme.id)
            self.theme_combo.setItemData(
                self.theme_combo.count() - 1, QColor(theme.color), Qt.ItemDataRole.DecorationRole
            )
        self.stance_combo.clear()
        self.stance_combo.addItem("(no stance)", None)
        for stance in stances:
            self.stance_combo.addItem(stance.name, stance.id)
            self.stance_combo.setItemData(
                self.stance_combo.count() - 1, QColor(stance.color), Qt.ItemDataRole.DecorationRole
            )

    def set_codings(self, codings: Sequence[Coding], text: str, look: CodebookLook) -> None:
        keep = self.current_uuid()
        self.model.set_codings(codings, text, look)
        if keep is not None and self.model.row_of(keep) >= 0:
            self.select([keep])
        else:
            self._sync_editor(None)
            self.current_changed.emit(None)

    def current_uuid(self) -> str | None:
        index = self.table.currentIndex()
        return None if not index.isValid() else str(index.data(UUID_ROLE))

    def current(self) -> Coding | None:
        index = self.table.currentIndex()
        return self.model.coding(index.row()) if index.isValid() else None

    def select(self, uuids: Sequence[str]) -> None:
        """Select these codings (e.g. those under a click); the first becomes current."""
        rows = [self.model.row_of(u) for u in uuids]
        rows = [r for r in rows if r >= 0]
        selection_model = self.table.selectionModel()
        if not rows:
            selection_model.clearSelection()
            return
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for r in rows:
            selection.select(self.model.index(r, 0), self.model.index(r, last))
        flags = QItemSelectionModel.SelectionFlag
        selection_model.setCurrentIndex(self.model.index(rows[0], 0), flags.NoUpdate)
        selection_model.select(selection, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(self.model.index(rows[0], 0))
        self._row_changed(self.model.index(rows[0], 0), QModelIndex())

    def step(self, delta: int) -> str | None:
        """Make the coding ``delta`` rows away current; returns its UUID."""
        count = self.model.rowCount()
        if not count:
            return None
        index = self.table.currentIndex()
        row = index.row() + delta if index.isValid() else (0 if delta > 0 else count - 1)
        row = max(0, min(count - 1, row))
        uuid = self.model.coding(row).uuid
        self.select([uuid])
        return uuid

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        coding = self.model.coding(current.row()) if current.isValid() else None
        left = self._editing
        if left is not None and self.memo.isModified() and self.memo.text() != left.memo:
            # Moving on (e.g. F8) must not lose a memo typed without Enter. Saved after this
            # slot returns, because saving refreshes the model that is changing the row now.
            pending = (left.uuid, self.memo.text())
            QTimer.singleShot(0, lambda: self.memo_requested.emit(*pending))
        self._sync_editor(coding)
        self.current_changed.emit(coding.uuid if coding else None)

    def _sync_editor(self, coding: Coding | None) -> None:
        self._editing = coding
        for widget in (self.theme_combo, self.stance_combo, self.memo, self.delete_button):
            widget.setEnabled(coding is not None)
        if coding is None:
            # Empty, not the last coding's values greyed out: nothing is chosen.
            self.theme_combo.setCurrentIndex(-1)
            self.stance_combo.setCurrentIndex(-1)
            self.memo.clear()
            return
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(coding.theme_id))
        self.stance_combo.setCurrentIndex(max(0, self.stance_combo.findData(coding.stance_id)))
        self.memo.setText(coding.memo)

    def _theme_picked(self, row: int) -> None:
        coding = self.current()
        theme_id = self.theme_combo.itemData(row)
        if coding is not None and theme_id is not None and theme_id != coding.theme_id:
            self.theme_requested.emit(coding.uuid, int(theme_id))

    def _stance_picked(self, row: int) -> None:
        coding = self.current()
        stance_id = self.stance_combo.itemData(row)
        if coding is not None and stance_id != coding.stance_id:
            self.stance_requested.emit(coding.uuid, stance_id)

    def flush_memo(self) -> None:
        """Save the memo being typed, if it differs from the stored one."""
        coding = self._editing
        if coding is not None and self.memo.isModified() and self.memo.text() != coding.memo:
            self.memo.setModified(False)
            self.memo_requested.emit(coding.uuid, self.memo.text())

    def _delete(self) -> None:
        uuid = self.current_uuid()
        if uuid is not None:
            self.delete_requested.emit(uuid)
