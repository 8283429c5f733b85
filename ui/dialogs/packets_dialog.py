"""The packets dialog: choose coders, the overlap sample and the seed, and write coder packets.

Packets are written by the core on the writer pool behind a progress dialog with Cancel; the
dialog only gathers the options and shows what was written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.packets import PacketOptions, PacketsReport
from r2pcoder.wording import counted

from ui.controller import AppController
from ui.dialogs.result_models import show_beside
from ui.progress_dialog import show_progress
from ui.workers import Job

__all__ = ["PacketsDialog", "open_packets_dialog"]


class PacketsDialog(QDialog):
    """Make one packet per coder from the open master project."""

    created = Signal(object)

    def __init__(self, parent: QWidget | None, controller: AppController) -> None:
        super().__init__(parent)
        self.setWindowTitle("Make coder packets")
        self.setObjectName("packets-dialog")
        self._controller = controller
        project = controller.project
        self.coders = QListWidget()
        for coder in project.coders.list() if project is not None else []:
            item = QListWidgetItem(coder.name)
            item.setData(Qt.ItemDataRole.UserRole, coder.uuid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.coders.addItem(item)
        self.new_coders = QLineEdit(placeholderText="New coders, separated by commas")
        default_dir = project.path.parent if project is not None else Path.home()
        self.out_dir = QLineEdit(str(default_dir))
        self.split = QCheckBox("Share the statements between coders (else everyone gets all)")
        self.split.setChecked(True)
        self.overlap = QDoubleSpinBox(suffix=" %", decimals=1, maximum=100.0, value=20.0)
        self.chosen = QListWidget()
        for doc in project.documents.list() if project is not None else []:
            item = QListWidgetItem(doc.title)
            item.setData(Qt.ItemDataRole.UserRole, doc.uuid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.chosen.addItem(item)
        self.seed = QSpinBox(maximum=2_147_483_647)
        self.blind = QCheckBox("Blind: a coder never sees another coder's codings")
        self.discard_unmerged = QCheckBox(
            "Even if a coder's earlier packet has not been merged (its unmerged work is given up "
            "on the statements the new packet holds)"
        )
        self.summary_view = QPlainTextEdit(readOnly=True)
        self.status = QLabel("")
        self.create_button = QPushButton("Create packets")
        self._layout()

    def _layout(self) -> None:
        browse, close = QPushButton("Browse…"), QPushButton("Close")
        browse.clicked.connect(self._on_browse_clicked)
        close.clicked.connect(self.reject)
        self.create_button.clicked.connect(self.make_packets)
        folder = QHBoxLayout()
        folder.addWidget(self.out_dir, 1)
        folder.addWidget(browse)
        form = QFormLayout()
        form.addRow("Coders", self.coders)
        form.addRow("", self.new_coders)
        form.addRow("Folder", folder)
        form.addRow("", self.split)
        form.addRow("Overlap sample (coded by all)", self.overlap)
        form.addRow("Or tick the overlap statements", self.chosen)
        form.addRow("Seed", self.seed)
        form.addRow("", self.blind)
        form.addRow("", self.discard_unmerged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary_view, 1)
        layout.addLayout(buttons)

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the packets", self.out_dir.text()
        )
        if folder:
            self.out_dir.setText(folder)

    def options(self) -> PacketOptions:
        chosen = [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.coders.item(i) for i in range(self.coders.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]
        chosen += [name.strip() for name in self.new_coders.text().split(",") if name.strip()]
        ticked = tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.chosen.item(i) for i in range(self.chosen.count()))
            if item.checkState() == Qt.CheckState.Checked
        )
        return PacketOptions(
            coders=tuple(chosen),
            out_dir=Path(self.out_dir.text()),
            overlap=ticked or self.overlap.value() / 100.0,
            seed=self.seed.value(),
            split=self.split.isChecked(),
            blind=self.blind.isChecked(),
            discard_unmerged=self.discard_unmerged.isChecked(),
        )

    def make_packets(self) -> Job[PacketsReport] | None:
        if self._controller.project is None:
            self.status.setText("Open the master project first.")
            return None
        job = self._controller.team.create_packets(self.options())
        self.create_button.setEnabled(False)
        job.observe(
            self,
            success=self._on_job_succeeded,
            failure=self._on_job_failed,
            finished=lambda: self.create_button.setEnabled(True),
        )
        return show_progress(self, job, "Writing packets")

    def _on_job_succeeded(self, report: PacketsReport) -> None:
        self.summary_view.setPlainText("\n".join(report.summary()))
        self.status.setText(f"Wrote {counted(len(report.packets), 'packet')}.")
        self.created.emit(report)

    def _on_job_failed(self, exc: BaseException) -> None:
        self.status.setText(f"No packets were written: {exc}")


def open_packets_dialog(parent: QWidget, controller: AppController) -> None:
    """Show the packets dialog for the controller's open master (non-modal, deleted on close)."""
    show_beside(PacketsDialog(parent, controller), parent)
