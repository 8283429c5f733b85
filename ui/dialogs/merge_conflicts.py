"""The merge dialog's panels for diverged copies and for review cells a merge re-opened.

When a coder coded two copies of one packet (two laptops) and both changed a statement
differently, the merge merges neither copy there until the lead chooses (the core's ``prefer``).
:class:`ConflictsPanel` lists each such statement with both files and what each holds, and
offers, per packet, the copy that wins. :class:`ReopenedPanel` lists the decided review cells a
merge changed (flagged re-opened, their decisions kept); a row opens the cell in review mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.merge import Conflict, Holder, MergeReport
from r2pcoder.review import ReopenedCell
from r2pcoder.wording import counted

__all__ = ["LATER", "ConflictsPanel", "PacketChoice", "ReopenedPanel", "packet_choices"]

LATER = "Choose later (neither copy is merged where they diverged)"
_STATES = {
    "given": "given now",
    "merged": "merged before",
    "waiting": "waiting for a choice",
    "set aside": "set aside",
}


@dataclass(frozen=True)
class PacketChoice:
    """One packet whose copies diverged: its coder, issue, copies and diverged statements."""

    coder: str
    issue: int
    copies: tuple[str, ...]
    conflicts: tuple[Conflict, ...]


def packet_choices(report: MergeReport) -> list[PacketChoice]:
    """The packets of ``report`` whose copies diverged (each conflict once)."""
    found: dict[tuple[str, int], tuple[str, dict[tuple[str, str], Conflict]]] = {}
    for layer in report.layers:
        if not layer.conflicts:
            continue
        key = (layer.coder_uuid, layer.stamp.issue)
        name, conflicts = found.setdefault(key, (layer.coder_name, {}))
        for conflict in layer.conflicts:
            conflicts.setdefault((conflict.unit, conflict.title), conflict)
    choices = []
    for (_, issue), (name, conflicts) in found.items():
        copies = sorted({h.file_name for c in conflicts.values() for h in c.holders})
        choices.append(PacketChoice(name, issue, tuple(copies), tuple(conflicts.values())))
    return choices


def _holds(holder: Holder) -> str:
    return ", ".join(
        (
            counted(holder.codings, "coding"),
            counted(holder.memos, "memo"),
            counted(holder.marks, "done mark"),
        )
    )


def _table(columns: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(i, j, item)


class ConflictsPanel(QWidget):
    """Diverged copies: what each holds where, and which copy wins per packet."""

    choice_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merge-conflicts")
        self.choices = _table(("Coder", "Packet", "Which copy wins"))
        self.choices.setMaximumHeight(110)
        self.conflicts = _table(
            ("Coder", "Statement", "Copy", "Holds there", "Copy is", "What happens")
        )
        self.hint = QLabel("No copies of a packet diverged.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.choices)
        layout.addWidget(self.conflicts, 1)
        self._packets: list[PacketChoice] = []

    def show_report(self, report: MergeReport) -> int:
        """Show the report's diverged statements; keeps the choices made. Returns their count."""
        previous = self.preferred_names()
        self._packets = packet_choices(report)
        self.choices.setRowCount(len(self._packets))
        for i, packet in enumerate(self._packets):
            self.choices.setItem(i, 0, QTableWidgetItem(packet.coder))
            self.choices.setItem(i, 1, QTableWidgetItem(f"issue {packet.issue}"))
            combo = QComboBox()
            combo.addItem(LATER, "")
            for copy in packet.copies:
                combo.addItem(copy, copy)
            kept = next((c for c in packet.copies if c in previous), "")
            combo.setCurrentIndex(max(0, combo.findData(kept)))
            combo.currentIndexChanged.connect(self.choice_changed)
            self.choices.setCellWidget(i, 2, combo)
        rows = [
            (
                packet.coder,
                conflict.title,
                holder.file_name,
                _holds(holder),
                _STATES[holder.state],
                conflict.resolution,
            )
            for packet in self._packets
            for conflict in packet.conflicts
            for holder in conflict.holders
        ]
        _fill(self.conflicts, rows)
        n = sum(len(p.conflicts) for p in self._packets)
        self.hint.setText(
            f"Copies of a packet changed {counted(n, 'statement')} differently. Choose the copy "
            "that wins for each packet (the other's work there is set aside, and stays in its "
            "file), or choose later: the rest is merged now either way."
            if n
            else "No copies of a packet diverged."
        )
        return n

    def preferred_names(self) -> list[str]:
        """The file names chosen to win (one per packet at most)."""
        names = []
        for row in range(self.choices.rowCount()):
            combo = self.choices.cellWidget(row, 2)
            if isinstance(combo, QComboBox) and combo.currentData():
                names.append(str(combo.currentData()))
        return names

    def prefer(self, given: Sequence[Path]) -> list[str]:
        """What to pass as ``prefer``: a given file's path, or the name of one merged before."""
        by_name = {p.name: p for p in given}
        return [str(by_name[n]) if n in by_name else n for n in self.preferred_names()]


class ReopenedPanel(QWidget):
    """Decided review cells a merge changed; ``opened(document uuid, theme key)`` on a row."""

    opened = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merge-reopened")
        self.table = _table(("Statement", "Theme", "Changed by", "Why"))
        self.table.activated.connect(self._on_table_activated)
        self.hint = QLabel("After a merge: the decided review cells it re-opened.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        self._cells: list[ReopenedCell] = []

    def show_cells(self, cells: Sequence[ReopenedCell]) -> None:
        self._cells = list(cells)
        _fill(
            self.table, [(c.title, c.theme_key, ", ".join(c.coders), c.reason) for c in self._cells]
        )
        self.hint.setText(
            f"This merge re-opened {counted(len(cells), 'decided review cell')}: their gold "
            "decisions are kept and they are back in the review queue. Double-click one to "
            "review it."
            if cells
            else "This merge re-opened no decided review cell."
        )

    def _on_table_activated(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._cells):
            cell = self._cells[row]
            self.opened.emit(cell.document_uuid, cell.theme_key)
