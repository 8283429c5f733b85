"""The codebook panel: searchable theme tree, detail pane and coloured stance buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.codebook.store import StanceInfo, ThemeInfo

from ui.codebook_model import THEME_ID_ROLE, CodebookModel, ThemeFilterProxy, theme_tooltip

__all__ = ["CodebookPanel", "text_color_on"]

_LIGHT_LIMIT = 150


def text_color_on(background: QColor) -> str:
    """Black or white, whichever reads better on ``background``."""
    luma = 0.299 * background.red() + 0.587 * background.green() + 0.114 * background.blue()
    return "#000000" if luma > _LIGHT_LIMIT else "#ffffff"


class CodebookPanel(QWidget):
    """Theme tree with search; click (or Enter) applies a theme, stance buttons set the stance.

    ``theme_chosen(theme_id)`` and ``stance_chosen(stance_id)`` carry the coder's choice;
    ``theme_selected(theme_id)`` follows the tree's current theme (the detail pane shows it);
    ``leave_requested`` asks the window to give the focus back to the text (Enter or Esc in the
    filter), so the stance keys work at once.
    """

    theme_chosen = Signal(int)
    stance_chosen = Signal(int)
    theme_selected = Signal(int)
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CodebookModel(parent=self)
        self.proxy = ThemeFilterProxy(self.model, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter themes…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(
            "Filter themes by name, key, description or example; Down moves to the list, "
            "Enter codes the selection with the first theme shown, Esc goes back to the text"
        )
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.tree = QTreeView()
        self.tree.setObjectName("codebook-tree")
        self.tree.setModel(self.proxy)
        self.tree.setMouseTracking(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed count columns: sizing them to their contents made every count update measure
        # the whole tree again.
        digits = self.fontMetrics().horizontalAdvance("0")
        for column, chars in ((1, 3), (2, 4), (3, 7)):
            self.tree.header().setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.tree.header().resizeSection(column, digits * chars + 8)
        self.tree.header().setStretchLastSection(False)
        self.tree.clicked.connect(self._clicked)
        self.tree.activated.connect(self._clicked)
        # The detail pane follows the chosen theme, not the mouse: hovering shows a tooltip.
        self.tree.selectionModel().currentChanged.connect(lambda cur, _: self._show_detail(cur))
        self.detail = QTextBrowser()
        self.detail.setObjectName("theme-detail")
        self.detail.setOpenLinks(False)
        self.stance_box = QWidget()
        self.stance_grid = QGridLayout(self.stance_box)
        self.stance_grid.setContentsMargins(0, 0, 0, 0)
        self.stance_buttons: dict[int, QPushButton] = {}
        self._stance_keys: dict[str, int] = {}
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setSizes([400, 150])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.search)
        layout.addWidget(split, 1)
        layout.addWidget(QLabel("Stance of the current coding:"))
        layout.addWidget(self.stance_box)

    def set_codebook(self, themes: Sequence[ThemeInfo], stances: Sequence[StanceInfo]) -> None:
        self.model.set_themes(themes)
        self.tree.expandAll()
        for button in self.stance_buttons.values():
            button.deleteLater()
        self.stance_buttons = {}
        self._stance_keys = {s.shortcut: s.id for s in stances if s.shortcut}
        for n, stance in enumerate(stances):
            button = QPushButton(f"{stance.shortcut or ''}  {stance.name}".strip())
            button.setObjectName(f"stance-{stance.key}")
            color = QColor(stance.color)
            button.setStyleSheet(
                f"QPushButton {{ background: {color.name()}; color: {text_color_on(color)};"
                " border-radius: 3px; padding: 4px 8px; text-align: left; }"
            )
            key = f" (key {stance.shortcut})" if stance.shortcut else ""
            button.setToolTip(f"<b>{stance.name}</b>{key}<p>{stance.definition}</p>")
            button.clicked.connect(lambda _=False, sid=stance.id: self.stance_chosen.emit(sid))
            self.stance_grid.addWidget(button, n // 2, n % 2)
            self.stance_buttons[stance.id] = button

    def _filter(self, text: str) -> None:
        self.proxy.set_search(text)
        self.tree.expandAll()

    def _clicked(self, index: QModelIndex) -> None:
        theme_id = index.data(THEME_ID_ROLE)
        if theme_id is not None:
            self.theme_chosen.emit(int(theme_id))

    def _show_detail(self, index: QModelIndex) -> None:
        theme = self.model.theme_at(self.proxy.mapToSource(index)) if index.isValid() else None
        self.detail.setHtml(theme_tooltip(theme) if theme else "")
        if theme is not None:
            self.theme_selected.emit(theme.id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and self._filter_key(event)
        ):
            return True
        return super().eventFilter(watched, event)

    def _filter_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        first = self.proxy.index(0, 0)
        if key == Qt.Key.Key_Down and first.isValid():
            self.tree.setFocus()
            self.tree.setCurrentIndex(first)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shown = self._first_leaf_match()
            if shown is not None:
                self.tree.setCurrentIndex(shown)
                self._clicked(shown)
            self.leave_requested.emit()
            return True
        if key == Qt.Key.Key_Escape:
            self.search.clear()
            self.leave_requested.emit()
            return True
        return self._stance_in_filter(event.text())

    def _stance_in_filter(self, typed: str) -> bool:
        # A stance key that would make the filter match no theme ("criminal1") was meant for
        # the coding, not the filter: set the stance and hand the keyboard back to the text.
        stance = self._stance_keys.get(typed)
        if stance is None or self.model.any_match(self.search.text() + typed):
            return False
        self.stance_chosen.emit(stance)
        self.leave_requested.emit()
        return True

    def _first_leaf_match(self) -> QModelIndex | None:
        # The first theme the filter accepts for itself (not only as a parent of a match).
        stack = [self.proxy.index(r, 0) for r in range(self.proxy.rowCount())]
        order: list[QModelIndex] = []
        while stack:
            index = stack.pop(0)
            order.append(index)
            stack[0:0] = [self.proxy.index(r, 0, index) for r in range(self.proxy.rowCount(index))]
        for index in order:
            if self.proxy.accepts_itself(self.proxy.mapToSource(index)):
                return index
        return order[0] if order else None

    def current_theme(self) -> ThemeInfo | None:
        index = self.tree.currentIndex()
        return self.model.theme_at(self.proxy.mapToSource(index)) if index.isValid() else None

    def show_theme(self, theme_id: int) -> None:
        """Make a theme the tree's current one (its definition shows in the detail pane)."""
        index = self.proxy.mapFromSource(self.model.index_of(theme_id))
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        else:
            theme = self.model.theme_at(self.model.index_of(theme_id))
            self.detail.setHtml(theme_tooltip(theme) if theme else "")
