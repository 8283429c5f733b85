"""Item model of the codebook's theme tree, and the recursive filter proxy used by its search."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from r2pcoder.codebook.store import ThemeInfo
from r2pcoder.frequencies import ThemeFrequencies

__all__ = ["THEME_ID_ROLE", "CodebookModel", "ThemeFilterProxy", "theme_tooltip"]

THEME_ID_ROLE = Qt.ItemDataRole.UserRole
_COLUMNS = ("Theme", "Key", "Here", "All")
_COUNT_TIPS = (
    "Your codings of this theme in the open statement",
    "Your codings of this theme in the project (in how many statements)",
)
_PATH_SEP = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "
Index = QModelIndex | QPersistentModelIndex


class _Node:
    """One tree node: a theme (None for the invisible root), its parent and children."""

    __slots__ = ("children", "parent", "theme")

    def __init__(self, theme: ThemeInfo | None, parent: _Node | None) -> None:
        self.theme = theme
        self.parent = parent
        self.children: list[_Node] = []

    def row(self) -> int:
        return 0 if self.parent is None else self.parent.children.index(self)


def theme_tooltip(theme: ThemeInfo) -> str:
    """Rich-text description, inclusion and exclusion criteria and example of a theme."""
    parts = [f"<b>{html.escape(_PATH_SEP.join(theme.path))}</b>"]
    for label, text in (
        ("", theme.description),
        ("Include", theme.include),
        ("Exclude", theme.exclude),
        ("Example", theme.example),
    ):
        if text.strip():
            prefix = f"<i>{label}:</i> " if label else ""
            parts.append(f"<p>{prefix}{html.escape(text.strip())}</p>")
    if theme.shortcut:
        parts.append(f"<p>Shortcut: <b>{html.escape(theme.shortcut.upper())}</b></p>")
    return "".join(parts)


def _haystack(theme: ThemeInfo) -> str:
    return " ".join((theme.name, theme.key, theme.description, theme.example)).casefold()


class CodebookModel(QAbstractItemModel):
    """The theme tree (retired themes left out); index pointers are node objects."""

    def __init__(self, themes: Sequence[ThemeInfo] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, None)
        self._by_id: dict[int, _Node] = {}
        self._counts: ThemeFrequencies | None = None
        self._document: int | None = None
        self._shown: dict[int, tuple[str, str]] = {}
        self._build(themes)

    def set_counts(self, counts: ThemeFrequencies | None, document_id: int | None) -> None:
        """Show a coder's code frequencies, in ``document_id`` and in the project."""
        self._counts, self._document = counts, document_id
        # Only the themes whose counts changed are announced: after a coding that is one.
        for theme_id, node in self._by_id.items():
            shown = (self._count_text(theme_id, 2), self._count_text(theme_id, 3))
            if self._shown.get(theme_id) != shown:
                self._shown[theme_id] = shown
                row = node.row()
                self.dataChanged.emit(
                    self.createIndex(row, 2, node),
                    self.createIndex(row, 3, node),
                    [Qt.ItemDataRole.DisplayRole],
                )

    def _count_text(self, theme_id: int, column: int) -> str:
        if self._counts is None:
            return ""
        if column == 2:  # noqa: PLR2004  (the "Here" column)
            n = self._counts.in_document(self._document, theme_id) if self._document else 0
            return str(n) if n else ""
        total = self._counts.in_project(theme_id)
        return f"{total.codings} ({total.statements})" if total.codings else ""

    def set_themes(self, themes: Sequence[ThemeInfo]) -> None:
        # The codebook is small, so a reset is simpler than fine-grained row signals.
        self.beginResetModel()
        self._build(themes)
        self._shown = {}
        self.endResetModel()

    def _build(self, themes: Sequence[ThemeInfo]) -> None:
        self._root = _Node(None, None)
        self._by_id = {}
        pending = [t for t in themes if not t.retired]
        for theme in sorted(pending, key=lambda t: t.depth):
            parent = self._by_id.get(theme.parent_id, self._root) if theme.parent_id else self._root
            node = _Node(theme, parent)
            parent.children.append(node)
            self._by_id[theme.id] = node

    def any_match(self, needle: str) -> bool:
        """True if some theme's name, key, description or example contains ``needle``."""
        text = needle.strip().casefold()
        return any(text in _haystack(n.theme) for n in self._by_id.values() if n.theme)

    def index_of(self, theme_id: int) -> QModelIndex:
        node = self._by_id.get(theme_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def theme_at(self, index: Index) -> ThemeInfo | None:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        return node.theme

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008  (Qt's signature)
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._node(parent).children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008  (QObject.parent() overload)
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return len(_COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section >= 2:  # noqa: PLR2004
            return _COUNT_TIPS[section - 2]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        theme = self.theme_at(index)
        if theme is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column >= 2:  # noqa: PLR2004  (the count columns)
                return self._count_text(theme.id, column)
            return theme.name if column == 0 else (theme.shortcut or "").upper()
        values: dict[int, object] = {
            Qt.ItemDataRole.ToolTipRole: theme_tooltip(theme)
            if role == Qt.ItemDataRole.ToolTipRole
            else None,
            THEME_ID_ROLE: theme.id,
            Qt.ItemDataRole.DecorationRole: QColor(theme.color) if column == 0 else None,
            Qt.ItemDataRole.TextAlignmentRole: int(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
            if column >= 2  # noqa: PLR2004
            else None,
        }
        return values.get(role)


class ThemeFilterProxy(QSortFilterProxyModel):
    """Case-insensitive search over theme names and descriptions; parents of hits stay visible."""

    def __init__(self, source: CodebookModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setRecursiveFilteringEnabled(True)
        # Counts change with every coding; the filter only with the search text.
        self.setDynamicSortFilter(False)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._needle = ""

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        assert isinstance(model, CodebookModel)
        return self.accepts_itself(model.index(source_row, 0, source_parent))

    def accepts_itself(self, source: Index) -> bool:
        """True when the theme itself matches (not only as the parent of a match)."""
        model = self.sourceModel()
        assert isinstance(model, CodebookModel)
        theme = model.theme_at(source)
        if theme is None:
            return False
        return not self._needle or self._needle in _haystack(theme)
