"""The quick theme picker: a key opens it, typing narrows it, Enter codes the selection.

Any theme, sub-themes included, is a key, a few letters and Enter away; the picker then closes
and the focus goes back to the text, so the stance keys work at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from r2pcoder.codebook.store import ThemeInfo
from r2pcoder.theme_search import rank_themes

from ui.codebook_model import THEME_ID_ROLE, theme_tooltip

__all__ = ["ThemeListModel", "ThemePicker"]

Index = QModelIndex | QPersistentModelIndex
_PATH_SEP = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "


class ThemeListModel(QAbstractListModel):
    """A flat, ranked list of themes, each shown with its path and key."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._themes: list[ThemeInfo] = []

    def set_themes(self, themes: Sequence[ThemeInfo]) -> None:
        self.beginResetModel()
        self._themes = list(themes)
        self.endResetModel()

    def theme(self, row: int) -> ThemeInfo:
        return self._themes[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else len(self._themes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._themes):
            return None
        theme = self._themes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # The theme's own name first (a narrow list cuts the end), then where it sits.
            key = f"  [{theme.shortcut.upper()}]" if theme.shortcut else ""
            under = f"   \N{EM DASH} in {_PATH_SEP.join(theme.path[:-1])}" if theme.depth else ""
            return f"{theme.name}{key}{under}"
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(theme.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            return theme_tooltip(theme)
        if role == THEME_ID_ROLE:
            return theme.id
        return None


class ThemePicker(QDialog):
    """A small popup over the window; ``picked(theme_id)`` when the coder presses Enter."""

    picked = Signal(int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("theme-picker")
        self.setWindowTitle("Apply theme")
        self._themes: list[ThemeInfo] = []
        self.model = ThemeListModel(self)
        self.edit = QLineEdit(placeholderText="Type part of a theme's name or definition")
        self.edit.setObjectName("theme-picker-edit")
        self.edit.textChanged.connect(self._narrow)
        self.edit.installEventFilter(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.activated.connect(self._choose)
        hint = QLabel("↑ ↓ choose · Enter codes the selection · Esc closes")
        hint.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        self.resize(520, 360)

    def set_themes(self, themes: Sequence[ThemeInfo]) -> None:
        self._themes = list(themes)
        self._narrow(self.edit.text())

    def open_picker(self) -> None:
        self.edit.clear()
        self._narrow("")
        parent = self.parentWidget()
        if parent is not None:
            centre = parent.geometry().center()
            self.move(centre.x() - self.width() // 2, parent.geometry().top() + 80)
        self.show()
        self.raise_()
        self.activateWindow()
        self.edit.setFocus()

    def _narrow(self, text: str) -> None:
        self.model.set_themes(rank_themes(self._themes, text))
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def eventFilter(self, watched: QObject, event: object) -> bool:
        if (
            watched is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
        ):
            step = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 8,
                Qt.Key.Key_PageUp: -8,
            }.get(Qt.Key(event.key()))
            if step is not None:
                self._move(step)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose(self.list.currentIndex())
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]  # a QEvent

    def _move(self, step: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        row = self.list.currentIndex().row() if self.list.currentIndex().isValid() else -1
        self.list.setCurrentIndex(self.model.index(max(0, min(count - 1, row + step)), 0))

    def _choose(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        theme_id = int(index.data(THEME_ID_ROLE))
        self.accept()
        self.picked.emit(theme_id)
