"""The statement list: table model with this coder's status, a filter proxy and the panel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.documents import DocumentSummary, Status

from ui.table_model import ColumnsModel

__all__ = ["DOC_ID_ROLE", "DocumentFilterProxy", "DocumentListPanel", "DocumentTableModel"]

DOC_ID_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Title", "Speaker", "Group", "Event", "Type", "Date", "Status", "Codings")
STATUS_COLUMN, COUNT_COLUMN = 6, 7
FILTER_COLUMNS = {"speaker": 1, "group": 2, "event": 3, "type": 4, "status": 6}
_STATUS_COLORS = {"done": "#1b7837", "in progress": "#b35806", "not started": "#777777"}
_ICON_SIZE = 14


def status_icon(status: Status) -> QImage:
    """A filled disc with a tick (done), a half disc (in progress) or a ring (not started).

    An image, not a pixmap: models may be asked for data before any window exists.
    """
    pixmap = QImage(_ICON_SIZE, _ICON_SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(_STATUS_COLORS[status])
    painter.setPen(QPen(color, 1.5))
    box = pixmap.rect().adjusted(1, 1, -2, -2)
    if status == "done":
        painter.setBrush(color)
        painter.drawEllipse(box)
        painter.setPen(QPen(QColor("#ffffff"), 2))
        painter.drawPolyline([box.center() + d for d in (_pt(-4, 0), _pt(-1, 3), _pt(4, -3))])
    elif status == "in progress":
        painter.drawEllipse(box)
        painter.setBrush(color)
        painter.drawPie(box, 90 * 16, 180 * 16)
    else:
        painter.drawEllipse(box)
    painter.end()
    return pixmap


def _pt(x: int, y: int) -> QPoint:
    return QPoint(x, y)


class DocumentTableModel(ColumnsModel):
    """One row per statement: metadata, this coder's status and number of codings."""

    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._docs: list[DocumentSummary] = []
        self._status: dict[int, tuple[Status, int]] = {}
        self._rows: dict[int, int] = {}
        self._cells: list[tuple[str, ...]] = []  # each row's texts, as filters compare them
        self._icons: dict[str, QImage] = {}

    def set_documents(
        self, docs: Sequence[DocumentSummary], statuses: dict[int, tuple[Status, int]]
    ) -> None:
        self.beginResetModel()
        self._docs = list(docs)
        self._status = dict(statuses)
        self._rows = {d.id: n for n, d in enumerate(self._docs)}
        self._cells = [self._row_cells(d) for d in self._docs]
        self.endResetModel()

    def _row_cells(self, doc: DocumentSummary) -> tuple[str, ...]:
        return tuple(str(self._text(doc, c)) for c in range(len(COLUMNS)))

    def cells(self, row: int) -> tuple[str, ...]:
        """Row ``row``'s texts, column by column (what search and filters compare)."""
        return self._cells[row]

    def set_statuses(self, statuses: dict[int, tuple[Status, int]]) -> None:
        changed = [
            doc_id for doc_id, value in statuses.items() if self._status.get(doc_id) != value
        ]
        self._status = dict(statuses)
        for doc_id in changed:
            row = self._rows.get(doc_id)
            if row is not None:
                self._cells[row] = self._row_cells(self._docs[row])
                self.dataChanged.emit(self.index(row, 0), self.index(row, COUNT_COLUMN))

    def set_count(self, document_id: int, count: int) -> None:
        """A statement's new number of codings; a statement marked done stays done."""
        status, _ = self.status(document_id)
        if status != "done":
            status = "in progress" if count else "not started"
        self.set_statuses({**self._status, document_id: (status, count)})

    def document(self, row: int) -> DocumentSummary:
        return self._docs[row]

    def row_of(self, document_id: int) -> int:
        return self._rows.get(document_id, -1)

    def status(self, document_id: int) -> tuple[Status, int]:
        return self._status.get(document_id, ("not started", 0))

    def totals(self) -> dict[Status, int]:
        """How many statements are done, in progress and not started, for this coder."""
        counts: dict[Status, int] = {"done": 0, "in progress": 0, "not started": 0}
        for doc in self._docs:
            counts[self.status(doc.id)[0]] += 1
        return counts

    def _icon(self, status: Status) -> QImage:
        icon = self._icons.get(status)
        if icon is None:
            icon = self._icons[status] = status_icon(status)
        return icon

    def _count(self) -> int:
        return len(self._docs)

    def _text(self, doc: DocumentSummary, column: int) -> str | int:
        meta = doc.meta
        status, count = self.status(doc.id)
        speaker = meta.speaker + (f" (for {meta.on_behalf_of})" if meta.on_behalf_of else "")
        values: tuple[str | int, ...] = (
            meta.title,
            speaker,
            meta.regional_group or "\N{EM DASH}",  # missing, not "none" (a real group value)
            meta.event,
            meta.doc_type,
            meta.date,
            status,
            count,
        )
        return values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._docs):
            return None
        doc = self._docs[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(doc, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(doc, column)
        status = self.status(doc.id)[0]
        values: dict[int, object] = {
            Qt.ItemDataRole.DecorationRole: self._icon(status) if column == 0 else None,
            Qt.ItemDataRole.ForegroundRole: QColor(_STATUS_COLORS[status])
            if column == STATUS_COLUMN
            else None,
            Qt.ItemDataRole.TextAlignmentRole: int(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
            if column == COUNT_COLUMN
            else None,
            DOC_ID_ROLE: doc.id,
        }
        return values.get(role)

    def _tooltip(self, doc: DocumentSummary, column: int) -> str:
        text = str(self._text(doc, column))
        if column:
            return text
        status, count = self.status(doc.id)
        return f"{text}\n({status}, {count} coding{'s' * (count != 1)} of yours)"

    def distinct(self, column: int) -> list[str]:
        return sorted({cells[column] for cells in self._cells} - {""})


class DocumentFilterProxy(QSortFilterProxyModel):
    """Free-text search plus exact filters on speaker, group, event, type and status."""

    def __init__(self, source: DocumentTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.setSourceModel(source)
        self.setSortRole(Qt.ItemDataRole.DisplayRole)
        self._needle = ""
        self._exact: dict[int, str] = {}

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange()

    def set_filter(self, name: str, value: str | None) -> None:
        self.set_filters({name: value})

    def set_filters(self, values: Mapping[str, str | None]) -> None:
        """Change several filters at once: the list is filtered once, not once per filter."""
        self.beginFilterChange()
        for name, value in values.items():
            column = FILTER_COLUMNS[name]
            if value:
                self._exact[column] = value
            else:
                self._exact.pop(column, None)
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        cells = self._source.cells(source_row)
        if any(cells[c] != value for c, value in self._exact.items()):
            return False
        return not self._needle or self._needle in " ".join(cells[:6]).casefold()


class DocumentListPanel(QWidget):
    """Search box, filter combos and the statement table; emits the chosen statement id."""

    document_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentTableModel(self)
        self.proxy = DocumentFilterProxy(self.model, self)
        self.search = QLineEdit(placeholderText="Search statements…", clearButtonEnabled=True)
        self.search.setToolTip("Search titles, speakers, groups, events and types")
        self.search.textChanged.connect(self.proxy.set_search)
        self.filters: dict[str, QComboBox] = {}
        grid = QGridLayout()
        for n, name in enumerate(FILTER_COLUMNS):
            combo = QComboBox()
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
            combo.setToolTip(f"Show only statements with this {name}")
            combo.setObjectName(f"filter-{name}")
            combo.currentIndexChanged.connect(
                lambda row, key=name, box=combo: self.proxy.set_filter(
                    key, box.itemText(row) if row > 0 else None
                )
            )
            self.filters[name] = combo
            grid.addWidget(combo, n // 2, n % 2)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.proxy.sort(-1)  # the project's own order until the coder clicks a header
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(0, 260)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.totals = QLabel()
        self.totals.setObjectName("document-totals")
        self.model.modelReset.connect(self._show_totals)
        self.model.dataChanged.connect(self._show_totals)
        self._quiet = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.totals)
        layout.addWidget(self.search)
        layout.addLayout(grid)
        layout.addWidget(self.table)

    def _show_totals(self) -> None:
        counts = self.model.totals()
        total = sum(counts.values())
        self.totals.setText(
            f"<b>{counts['done']} of {total} done</b> · {counts['in progress']} in progress"
            if total
            else "No statements yet"
        )

    def set_documents(
        self,
        docs: Sequence[DocumentSummary],
        statuses: dict[int, tuple[Status, int]],
        keep: int | None = None,
    ) -> None:
        """Show these statements; ``keep`` stays the current one (quietly) if it is still there."""
        self._quiet = True
        try:
            self._set_documents(docs, statuses)
            if keep is not None:
                self.select(keep)
        finally:
            self._quiet = False

    def _set_documents(
        self, docs: Sequence[DocumentSummary], statuses: dict[int, tuple[Status, int]]
    ) -> None:
        self.model.set_documents(docs, statuses)
        chosen: dict[str, str | None] = {}
        for name, combo in self.filters.items():
            before = combo.currentText() if combo.currentIndex() > 0 else ""
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(
                [f"{name.capitalize()}: any", *self.model.distinct(FILTER_COLUMNS[name])]
            )
            combo.setCurrentIndex(max(0, combo.findText(before)) if before else 0)
            combo.blockSignals(False)
            row = combo.currentIndex()
            chosen[name] = combo.itemText(row) if row > 0 else None
        self.proxy.set_filters(chosen)

    def visible_ids(self) -> list[int]:
        return [int(self.proxy.index(r, 0).data(DOC_ID_ROLE)) for r in range(self.proxy.rowCount())]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return None if not index.isValid() else int(index.data(DOC_ID_ROLE))

    def select(self, document_id: int, *, quiet: bool = False) -> bool:
        """Make a statement current; ``quiet`` does not announce it (the caller opened it)."""
        if quiet:
            was, self._quiet = self._quiet, True
            try:
                return self.select(document_id)
            finally:
                self._quiet = was
        row = self.model.row_of(document_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def step(self, delta: int, current: int | None = None) -> int | None:
        """The id of the visible statement ``delta`` rows away from ``current`` (or the list's)."""
        ids = self.visible_ids()
        if not ids:
            return None
        current = current if current is not None else self.current_id()
        pos = ids.index(current) + delta if current in ids else 0
        if not 0 <= pos < len(ids):
            return None
        return ids[pos]

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._quiet:
            self.document_chosen.emit(int(current.data(DOC_ID_ROLE)))
