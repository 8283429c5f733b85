"""The Agreement window's "Coders vs gold" tab: each coder against the gold layer, and feedback.

After adjudication each coder learns where they departed from the settled coding (the training
loop of content analysis): the tab compares every coder with gold on the statement unit, per
theme and overall (:func:`r2pcoder.review.feedback.agreement_vs_gold`, over the decided cells
only), and writes one coder's differences from gold with both quotes as a CSV file to hand to
them (:func:`r2pcoder.review.feedback.coder_differences`). Both run as reader jobs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.reliability import AgreementReport, AgreementSettings
from r2pcoder.wording import counted

from ui.controller import AppController
from ui.dialogs.disagreements_model import VsGoldModel
from ui.dialogs.result_models import start_job
from ui.table_model import result_table
from ui.workers import Job

__all__ = ["GoldPanel"]


class GoldPanel(QWidget):
    """Compare each coder with gold; export one coder's differences from gold."""

    compared = Signal(object)
    feedback_written = Signal(object)

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gold-panel")
        self._controller = controller
        self.model = VsGoldModel(self)
        self.table = result_table("vs-gold", self.model, 0, ())
        self.compare_button = QPushButton("Compare with gold")
        self.coder = QComboBox()
        self.coder.setObjectName("feedback-coder")
        project = controller.project
        for coder in project.coders.list() if project is not None else []:
            self.coder.addItem(coder.name, coder.uuid)
        self.export_button = QPushButton("Export differences…")
        self.export_button.setToolTip(
            "Write the chosen coder's differences from gold, with both quotes, as a CSV file"
        )
        self.status = QLabel(
            "Each coder against the lead's decisions, on the statement unit, over the decided "
            "cells only (run the unanimous rule first, or this covers mostly disagreements)."
        )
        self.status.setWordWrap(True)
        self.export_button.clicked.connect(self._on_export_clicked)
        row = QHBoxLayout()
        row.addWidget(self.compare_button)
        row.addStretch(1)
        row.addWidget(QLabel("Coder"))
        row.addWidget(self.coder)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def compare(self, settings: AgreementSettings) -> Job[list[AgreementReport]] | None:
        """Every coder against gold with ``settings``'s coders, themes and measures."""
        return start_job(
            self,
            lambda: self._controller.team.vs_gold(settings),
            self.compare_button,
            self.status,
            "Comparing with gold…",
            self._on_compared,
        )

    def _on_compared(self, reports: list[AgreementReport]) -> None:
        self.model.set_reports(reports)
        cells = len(reports[0].documents) if reports else 0
        self.status.setText(
            f"{counted(len(reports), 'coder')} against gold, over the decided cells of "
            f"{counted(cells, 'statement')}. n/a: undefined (hover for the reason)."
        )
        self.compared.emit(reports)

    def _on_export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Export differences from gold",
            f"feedback-{self.coder.currentText()}.csv",
            "CSV (*.csv)",
        )
        if name:
            path = Path(name)
            self.export(str(self.coder.currentData()), path.with_suffix(".csv"))

    def export(self, coder_uuid: str, path: Path) -> Job[tuple[Path, int]] | None:
        """Write one coder's differences from gold to ``path`` (a CSV file)."""
        return start_job(
            self,
            lambda: self._controller.team.coder_feedback(coder_uuid, path),
            self.export_button,
            self.status,
            "Writing the differences…",
            self._on_exported,
        )

    def _on_exported(self, result: tuple[Path, int]) -> None:
        path, count = result
        self.status.setText(f"Wrote {counted(count, 'difference')} from gold to {path}.")
        self.feedback_written.emit(result)
