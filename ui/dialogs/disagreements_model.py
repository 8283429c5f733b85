"""The Agreement window's tables beyond the coefficients: disagreements, and coders vs gold.

:class:`DisagreementModel` lists where the coders differ on one theme (one row per unit, one
column per coder with their value and quotes); a row leads to the statement and theme in
review mode. :class:`VsGoldModel` shows each coder against the gold layer per theme and overall
(:func:`r2pcoder.review.feedback.agreement_vs_gold`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from r2pcoder.reliability import AgreementReport, Disagreement, MeasureValue, format_value

__all__ = ["DOCUMENT_ROLE", "DisagreementModel", "VsGoldModel"]

Index = QModelIndex | QPersistentModelIndex
DOCUMENT_ROLE = Qt.ItemDataRole.UserRole
"""The statement (document id) of a disagreement's row."""
_MEASURES = (("percent_agreement", "agreement"), ("krippendorff_alpha", "alpha"))


def _flat(text: str) -> str:
    return " ".join(text.split())


class _Table(QAbstractTableModel):
    """A read-only table whose columns are set with its rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[str] = []

    def _count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else self._count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's signature)
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return None


class DisagreementModel(_Table):
    """Where the coders differ on a theme: statement, unit, and each coder's value and quotes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Disagreement] = []
        self._coders: list[str] = []

    def set_rows(self, rows: Sequence[Disagreement]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._coders = list(dict.fromkeys(v.coder for d in self._rows for v in d.values))
        self._columns = ["Statement", "Where", *self._coders]
        self.endResetModel()

    def disagreement(self, row: int) -> Disagreement:
        return self._rows[row]

    def _count(self) -> int:
        return len(self._rows)

    def _value(self, d: Disagreement, coder: str) -> str:
        found = next((v for v in d.values if v.coder == coder), None)
        if found is None:
            return ""
        quotes = " | ".join(f"“{_flat(q)}”" for q in found.quotes)
        return f"{found.value}  {quotes}" if quotes else found.value

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        d, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return d.title
            if column == 1:
                return f"{d.unit} ({d.start}-{d.end})"
            return self._value(d, self._coders[column - 2])
        if role == DOCUMENT_ROLE:
            return d.document_id
        return None


class VsGoldModel(_Table):
    """Each coder against gold, per theme (overall first): agreement, alpha and cells compared."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, list[tuple[str, str]]]] = []  # label, (text, tooltip)

    def set_reports(self, reports: Sequence[AgreementReport]) -> None:
        """One report per coder, as ``agreement_vs_gold`` gives them (gold, then the coder)."""
        self.beginResetModel()
        labels: dict[str, str] = {}
        cells: dict[tuple[str, int], tuple[str, str]] = {}
        for n, report in enumerate(reports):
            for row in report.rows:
                if row.scope not in ("overall", "theme"):
                    continue
                key = "" if row.scope == "overall" else row.key
                labels.setdefault(key, row.label)
                for m, measure in enumerate(_MEASURES):
                    value = row.values.get(measure[0])
                    cells[(key, 3 * n + m)] = _shown(value)
                cells[(key, 3 * n + 2)] = (str(row.n_units), row.note)
        names = [r.coders[1][1] if len(r.coders) > 1 else "?" for r in reports]
        self._columns = ["Theme"] + [
            f"{name}: {word}" for name in names for word in (*(w for _, w in _MEASURES), "cells")
        ]
        order = sorted(labels, key=lambda k: k != "")  # overall first, then codebook order
        self._rows = [
            (labels[k], [cells.get((k, c), ("", "")) for c in range(3 * len(reports))])
            for k in order
        ]
        self.endResetModel()

    def _count(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        label, values = self._rows[index.row()]
        if index.column() == 0:
            return label if role == Qt.ItemDataRole.DisplayRole else None
        text, tip = values[index.column() - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip or None
        return None


def _shown(value: MeasureValue | None) -> tuple[str, str]:
    if value is None or value.value is None:
        return "n/a", value.note if value is not None else ""
    text = format_value(value.value) if value.band else f"{value.value:.3f}"
    return text, value.note or value.band
