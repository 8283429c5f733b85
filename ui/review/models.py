"""Table models of review mode: the queue of cells, one statement's cells, an auto rule's plan.

Each adapts plain values of :mod:`r2pcoder.review` (``QueueItem``, ``StatementReview``,
``AutoProposal``); none reads the database.
"""

from __future__ import annotations

import bisect
import html
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from r2pcoder.review import AutoProposal, Decision, GoldCoding, QueueItem, StatementReview
from r2pcoder.wording import counted

from ui.table_model import ColumnsModel

__all__ = [
    "CELL_ROLE",
    "KIND_NAMES",
    "STATUS_NAMES",
    "AutoPlanModel",
    "CellsModel",
    "QueueModel",
    "decision_text",
    "provenance",
]

CELL_ROLE = Qt.ItemDataRole.UserRole
"""``(document id, theme id)`` of a row."""
Index = QModelIndex | QPersistentModelIndex
Cell = tuple[int, int]

STATUS_NAMES = {
    "awaiting": "awaiting",
    "reopened": "re-opened",
    "agreed": "agreed",
    "single": "single coder",
    "decided": "decided",
}
KIND_NAMES = {
    "theme_missing": "theme missing",
    "stance_differs": "stance differs",
    "span_differs": "span differs",
}
_STATUS_COLORS = {"awaiting": "#fde2c4", "reopened": "#f9c0c0", "decided": "#d6ecd2"}


def _kinds(item: QueueItem) -> str:
    return ", ".join(KIND_NAMES[k] for k in item.kinds)


def decision_text(decision: Decision | None, stances: Sequence[str] = ()) -> str:
    """What gold holds for a cell, in a few words; ``stances``: its gold codings' stances."""
    if decision is None:
        return ""
    if decision.kind == "coded":
        text = ", ".join(sorted({s or "no stance" for s in stances})) or "coded"
        text += f" ({len(stances)} codings)" if len(stances) > 1 else ""
    else:
        text = "absent" if decision.kind == "absent" else "resolved (absent)"
    return text + (" · re-opened" if decision.reopened else "")


def provenance(decision: Decision | None, gold: Sequence[GoldCoding] = ()) -> str:
    """Who decided, when, how, why (rich text, for a tooltip)."""
    if decision is None:
        return "Not decided."
    how = f"by the rule <i>{decision.auto_rule}</i>" if decision.auto_rule else "by hand"
    lines = [
        f"<b>{html.escape(decision.kind)}</b>, decided {how} by "
        f"{html.escape(decision.decided_by)} on {decision.decided_at:%Y-%m-%d %H:%M} UTC"
    ]
    if decision.source_coders:
        lines.append(f"{counted(len(decision.source_coders), 'coder')} gave this value")
    for g in gold:
        lines.append(f"gold coding {g.start}-{g.end}: {g.origin}")
    if decision.note:
        lines.append(f"Note: {html.escape(decision.note)}")
    if decision.reopened:
        lines.append(f"<b>Re-opened</b>: {html.escape(decision.reopened_reason)}")
    return "<br>".join(lines)


class QueueModel(ColumnsModel):
    """The review queue: one row per cell, in statement order, then codebook order of themes."""

    COLUMNS = ("Statement", "Theme", "Status", "Differences")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[QueueItem] = []
        self._order: dict[int, int] = {}

    def set_items(self, items: Sequence[QueueItem], order: Mapping[int, int]) -> None:
        """All rows; ``order`` gives each statement's place in the corpus."""
        self.beginResetModel()
        self._items = list(items)
        self._order = dict(order)
        self.endResetModel()

    def replace_document(self, document_id: int, items: Sequence[QueueItem]) -> None:
        """Put one statement's rows (its share of the queue, perhaps none) in their place."""
        rows = [r for r, i in enumerate(self._items) if i.document_id == document_id]
        if rows:
            self.beginRemoveRows(QModelIndex(), rows[0], rows[-1])
            del self._items[rows[0] : rows[-1] + 1]
            self.endRemoveRows()
            at = rows[0]
        else:
            keys = [self._order.get(i.document_id, 0) for i in self._items]
            at = bisect.bisect_right(keys, self._order.get(document_id, 0))
        if items:
            self.beginInsertRows(QModelIndex(), at, at + len(items) - 1)
            self._items[at:at] = list(items)
            self.endInsertRows()

    def item(self, row: int) -> QueueItem:
        return self._items[row]

    def row_of(self, cell: Cell) -> int:
        return next(
            (r for r, i in enumerate(self._items) if (i.document_id, i.theme_id) == cell), -1
        )

    def first_row_from(self, document_id: int) -> int:
        """The first row of this statement or of the next one that has rows (-1: none)."""
        start = self._order.get(document_id, 0)
        return next(
            (r for r, i in enumerate(self._items) if self._order.get(i.document_id, 0) >= start),
            -1,
        )

    def items(self) -> list[QueueItem]:
        return list(self._items)

    def _count(self) -> int:
        return len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            label = item.speaker or item.title  # titles mostly begin "Statement by..."
            return (label, item.theme, STATUS_NAMES[item.status], _kinds(item))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            values = "<br>".join(
                f"{html.escape(v.coder)}: {html.escape(v.label)}" for v in item.values
            )
            return f"<b>{html.escape(item.title)}</b> - {html.escape(item.theme)}<br>{values}"
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 2:  # noqa: PLR2004
            color = _STATUS_COLORS.get(item.status)
            return QColor(color) if color else None
        if role == CELL_ROLE:
            return (item.document_id, item.theme_id)
        return None


class CellsModel(QAbstractTableModel):
    """One statement's cells: status, differences, each coder's value and what gold holds."""

    FIXED = ("Theme", "Status", "Differences")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._review: StatementReview | None = None
        self._coders: list[tuple[int, str]] = []  # (coder id, column title)

    def set_review(self, review: StatementReview | None) -> None:
        self.beginResetModel()
        self._review = review
        lanes = review.lanes if review is not None else ()
        self._coders = [
            (lane.coder_id or 0, f"{lane.key} {lane.name}" if lane.key else lane.name)
            for lane in lanes
            if lane.kind == "coder"
        ]
        self.endResetModel()

    def _cells(self) -> tuple[QueueItem, ...]:
        return self._review.cells if self._review is not None else ()

    def row_of(self, theme_id: int) -> int:
        return next((r for r, c in enumerate(self._cells()) if c.theme_id == theme_id), -1)

    def item(self, row: int) -> QueueItem:
        return self._cells()[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else len(self._cells())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else len(self.FIXED) + len(self._coders) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = [*self.FIXED, *(t for _, t in self._coders), "Gold"]
        return titles[section] if 0 <= section < len(titles) else None

    def _text(self, item: QueueItem, column: int) -> str:
        if column < len(self.FIXED):
            return (item.theme, STATUS_NAMES[item.status], _kinds(item))[column]
        coder = column - len(self.FIXED)
        if coder < len(self._coders):
            found = [v.label for v in item.values if v.coder_id == self._coders[coder][0]]
            return found[0] if found else ""
        assert self._review is not None
        gold = self._review.lanes[-1].codings
        return decision_text(item.decision, [g.stance for g in gold if g.theme_id == item.theme_id])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        cells = self._cells()
        if not index.isValid() or not 0 <= index.row() < len(cells) or self._review is None:
            return None
        item = cells[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return provenance(item.decision, self._review.gold_of(item.theme_id))
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 1:
            color = _STATUS_COLORS.get(item.status)
            return QColor(color) if color else None
        if role == CELL_ROLE:
            return (item.document_id, item.theme_id)
        return None


class AutoPlanModel(ColumnsModel):
    """The cells an auto rule decides (or would): statement, theme, value, the coders giving it."""

    COLUMNS = ("Rule", "Statement", "Theme", "Value", "Coders")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, AutoProposal]] = []

    def set_rows(self, rows: Sequence[tuple[str, AutoProposal]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def _count(self) -> int:
        return len(self._rows)

    def proposal(self, row: int) -> AutoProposal:
        return self._rows[row][1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        rule, p = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = "absent" if p.value == "not coded" else p.value
            return (rule, p.title, p.theme_key, value, ", ".join(p.coders))[index.column()]
        if role == CELL_ROLE:
            return (p.document_id, p.theme_id)
        return None
