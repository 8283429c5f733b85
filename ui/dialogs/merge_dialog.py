"""The merge dialog: pick returned packets, preview the merge as a table, decide proposals, merge.

The preview is a dry run of the core merge on the reader pool; the merge itself runs on the
writer pool behind a progress dialog with Cancel. Nothing here touches the database directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.merge import MergeReport, ProposalDecision

from ui.controller import AppController
from ui.dialogs.merge_conflicts import ConflictsPanel, ReopenedPanel
from ui.dialogs.result_models import show_beside
from ui.fit import fit_size
from ui.progress_dialog import show_progress
from ui.team import MergeOutcome
from ui.workers import Job

__all__ = ["MergeDialog", "open_merge_dialog"]

_COLUMNS = (
    "File",
    "Coder",
    "Packet",
    "What happens",
    "Added",
    "Changed",
    "Removed",
    "Not merged",
    "Problems",
)
_PENDING, _ACCEPT, _REJECT = "Keep pending", "Accept as a new theme", "Reject"


class MergeDialog(QDialog):
    """Preview and run a merge of returned packets into the open master project."""

    previewed = Signal(object)
    merged = Signal(object)
    review_requested = Signal(str, str)  # a re-opened cell: statement UUID, theme key

    def __init__(self, parent: QWidget | None, controller: AppController) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge returned packets")
        self.setObjectName("merge-dialog")
        fit_size(self, 960, 660)
        self._controller = controller
        self._report: MergeReport | None = None
        self._themes: list[tuple[str, str]] = []
        self.files = QListWidget()
        self.files.setMaximumHeight(110)  # the preview below needs the room
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.foreign = QCheckBox("Import as foreign (another master: match by text and by name)")
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.proposals = QTableWidget(0, 4)
        self.proposals.setHorizontalHeaderLabels(["Proposed theme", "Coder", "Codings", "Decision"])
        self.proposals.horizontalHeader().setStretchLastSection(True)
        self.details = QPlainTextEdit(readOnly=True)
        self.conflicts = ConflictsPanel()
        self.conflicts.choice_changed.connect(self._on_decision_changed)
        self.reopened = ReopenedPanel()
        self.reopened.opened.connect(self.review_requested)
        self.tabs = QTabWidget()
        self.status = QLabel("Add the packets your coders sent back, then preview.")
        self.preview_button = QPushButton("Preview")
        self.merge_button = QPushButton("Merge")
        self.merge_button.setEnabled(False)
        self._layout()

    def _layout(self) -> None:
        add, remove, close = (
            QPushButton("Add packets…"),
            QPushButton("Remove"),
            QPushButton("Close"),
        )
        add.clicked.connect(self._on_add_clicked)
        remove.clicked.connect(self._on_remove_clicked)
        close.clicked.connect(self.reject)
        self.preview_button.clicked.connect(self.preview)
        self.merge_button.clicked.connect(self.merge)
        self.foreign.toggled.connect(self._invalidate)
        side = QVBoxLayout()
        for button in (add, remove):
            side.addWidget(button)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.files, 1)
        top.addLayout(side)
        for widget, title in (
            (self.proposals, "Proposed themes"),
            (self.conflicts, "Diverged copies"),
            (self.reopened, "Re-opened for review"),
            (self.details, "Details"),
        ):
            self.tabs.addTab(widget, title)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.tabs)
        # The preview table is what the lead reads: give it most of the height.
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.preview_button, self.merge_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.foreign)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    # -- files -----------------------------------------------------------------------------

    def add_files(self, paths: Sequence[Path]) -> None:
        present = set(self.packet_paths())
        for path in paths:
            if Path(path) not in present:
                self.files.addItem(str(path))
        self._invalidate()

    def packet_paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def _on_add_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Returned packets", "", "r2pcoder projects (*.r2p);;All files (*)"
        )
        self.add_files([Path(n) for n in names])

    def _on_remove_clicked(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._invalidate()

    def _invalidate(self) -> None:
        self._report = None
        self.merge_button.setEnabled(False)

    # -- decisions on proposed themes -------------------------------------------------------

    def decisions(self) -> dict[str, ProposalDecision]:
        chosen: dict[str, ProposalDecision] = {}
        for row in range(self.proposals.rowCount()):
            item = self.proposals.item(row, 0)
            combo = self.proposals.cellWidget(row, 3)
            if item is None or not isinstance(combo, QComboBox):
                continue
            uuid, text = str(item.data(Qt.ItemDataRole.UserRole)), combo.currentText()
            if text == _ACCEPT:
                chosen[uuid] = ProposalDecision("accept")
            elif text == _REJECT:
                chosen[uuid] = ProposalDecision("reject")
            elif combo.currentData() is not None:
                chosen[uuid] = ProposalDecision("map", str(combo.currentData()))
        return chosen

    # -- jobs ------------------------------------------------------------------------------

    def _start(self, *, dry_run: bool) -> Job[MergeOutcome] | None:
        packets = self.packet_paths()
        if self._controller.project is None or not packets:
            self.status.setText("Open the master project and add at least one packet.")
            return None
        job = self._controller.team.merge(
            packets,
            dry_run=dry_run,
            foreign=self.foreign.isChecked(),
            proposals=self.decisions(),
            prefer=self.conflicts.prefer(packets),
        )
        return job.observe(self, failure=self._on_job_failed)

    def preview(self) -> Job[MergeOutcome] | None:
        job = self._start(dry_run=True)
        if job is not None:
            self.status.setText("Previewing…")
            self.preview_button.setEnabled(False)
            job.observe(
                self,
                success=self._on_preview_succeeded,
                finished=lambda: self.preview_button.setEnabled(True),
            )
        return job

    def merge(self) -> Job[MergeOutcome] | None:
        job = self._start(dry_run=False)
        if job is not None:
            self.merge_button.setEnabled(False)
            self.status.setText("Merging…")
            job.observe(self, success=self._on_merge_succeeded)
            show_progress(self, job, "Merging packets")
        return job

    def _on_job_failed(self, exc: BaseException) -> None:
        self.status.setText(f"Nothing was changed: {exc}")

    def _on_preview_succeeded(self, result: MergeOutcome) -> None:
        report, self._themes = result
        self._report = report
        self._show(report)
        ready = report.changed and not report.refused
        self.merge_button.setEnabled(ready)
        waiting = any(
            c.resolution.startswith("not merged")
            for layer in report.layers
            for c in layer.conflicts
        )
        if report.refused:
            self.status.setText("Some files cannot be merged; remove them to go on.")
        elif waiting:
            self.status.setText(
                "Copies of a packet diverged: choose the copy that wins under Diverged copies, "
                "or merge the rest now and choose later."
            )
        elif not report.changed:
            self.status.setText("Nothing to merge: the master already holds this work.")
        else:
            self.status.setText("Check the preview, decide on proposed themes, then merge.")
        self.previewed.emit(report)

    def _on_merge_succeeded(self, result: MergeOutcome) -> None:
        report, self._themes = result
        self._report = None
        self._show(report)
        self.reopened.show_cells(report.reopened)
        self._title(2, "Re-opened for review", len(report.reopened))
        if report.reopened:
            self.tabs.setCurrentWidget(self.reopened)
        self.status.setText(
            "Merged. A backup of the master was kept beside it."
            if report.backup
            else "Nothing changed: the master already holds this work."
        )
        self.merged.emit(report)

    # -- showing a report ------------------------------------------------------------------

    def _show(self, report: MergeReport) -> None:
        rows: list[tuple[str, ...]] = []
        for layer in report.layers:
            c = layer.counts
            problems = len(layer.documents) + len(layer.codebook) + len(layer.notes)
            rows.append(
                (
                    layer.file_name,
                    layer.coder_name,
                    str(layer.stamp),
                    layer.action,
                    str(c.added),
                    str(c.changed),
                    str(c.removed),
                    str(c.not_merged),
                    str(problems) if problems else "",
                )
            )
        rows.extend(
            (r.file_name, "", "", f"refused: {r.reason}", "", "", "", "", "")
            for r in report.refused
        )
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self._show_proposals(report)
        self._title(0, "Proposed themes", self.proposals.rowCount())
        diverged = self.conflicts.show_report(report)
        self._title(1, "Diverged copies", diverged)
        if diverged:
            self.tabs.setCurrentWidget(self.conflicts)
        elif self.proposals.rowCount():
            self.tabs.setCurrentWidget(self.proposals)
        self.details.setPlainText("\n".join(report.summary()))

    def _title(self, tab: int, text: str, count: int) -> None:
        self.tabs.setTabText(tab, f"{text} ({count})" if count else text)

    def _show_proposals(self, report: MergeReport) -> None:
        previous = self.decisions()
        proposals = [(layer.coder_name, p) for layer in report.layers for p in layer.proposals]
        self.proposals.setRowCount(len(proposals))
        for i, (coder, p) in enumerate(proposals):
            name = QTableWidgetItem(p.name)
            name.setData(Qt.ItemDataRole.UserRole, p.theme_uuid)
            self.proposals.setItem(i, 0, name)
            self.proposals.setItem(i, 1, QTableWidgetItem(coder))
            self.proposals.setItem(i, 2, QTableWidgetItem(str(p.codings)))
            combo = QComboBox()
            combo.addItem(_PENDING)
            combo.addItem(_ACCEPT)
            combo.addItem(_REJECT)
            for uuid, path in self._themes:
                if uuid != p.theme_uuid:
                    combo.addItem(f"Map onto: {path}", uuid)
            combo.setCurrentIndex(
                self._index_for(combo, p.decision, p.target, previous.get(p.theme_uuid))
            )
            combo.currentIndexChanged.connect(self._on_decision_changed)
            self.proposals.setCellWidget(i, 3, combo)

    def _on_decision_changed(self, _index: int = 0) -> None:
        # The counts depend on the decisions, so the preview is run again before a merge.
        self._invalidate()
        self.preview()

    @staticmethod
    def _index_for(
        combo: QComboBox, decision: str, target: str | None, chosen: ProposalDecision | None
    ) -> int:
        if chosen is not None:
            decision, target = chosen.action, chosen.target
        if decision == "accept":
            return 1
        if decision == "reject":
            return 2
        if decision == "map":
            found = combo.findData(target)
            return max(found, 0)
        return 0


def open_merge_dialog(parent: QWidget, controller: AppController) -> None:
    """Show the merge dialog for the controller's open master (non-modal, deleted on close)."""
    show_beside(MergeDialog(parent, controller), parent)
