"""The auto rules dialog: preview what ``unanimous`` and ``majority`` would decide, then apply.

The preview is a dry run of each chosen rule on the reader pool, shown as one table (the rule
that would decide each cell, its value and the coders who gave it). Applying runs the chosen
rules in order as one writer job; the run is one undoable action (Edit > Undo takes every cell
it decided back, as long as none was decided again since). Rules never touch decided cells, so
applying twice decides nothing the second time.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.review import AutoProposal, AutoReport, AutoRule
from r2pcoder.wording import counted

from ui.controller import AppController
from ui.dialogs.result_models import start_job
from ui.fit import close_button, fit_size
from ui.progress_dialog import show_progress
from ui.review.models import CELL_ROLE, AutoPlanModel
from ui.review_jobs import AutoOutcome
from ui.table_model import result_table
from ui.workers import Job

__all__ = ["AutoDialog", "combined_plan", "open_auto_dialog", "preview_summary"]

_RULE_TEXT: dict[AutoRule, str] = {
    "unanimous": "unanimous: every coder who worked on the statement gave the same value "
    "(two or more coders)",
    "majority": "majority: more than half of three or more coders gave the same value "
    "('not coded' too: then the theme is decided absent); ties are left for you",
}


def combined_plan(reports: list[AutoReport]) -> list[tuple[str, AutoProposal]]:
    """The cells the rules decide when applied in order: a later rule skips earlier cells."""
    seen: set[tuple[int, int]] = set()
    rows: list[tuple[str, AutoProposal]] = []
    for report in reports:
        for p in report.decided:
            if (p.document_id, p.theme_id) not in seen:
                seen.add((p.document_id, p.theme_id))
                rows.append((report.rule, p))
    return rows


def preview_summary(reports: list[AutoReport], rows: list[tuple[str, AutoProposal]]) -> str:
    """What applying the rules in order would do, in words (from their dry runs)."""
    if not reports:
        return ""
    first = reports[0]
    # A rule's dry run splits the undecided cells into decided, left (tie, split or
    # disagreement) and too few coders; the first rule's split counts them all.
    undecided = len(first.decided) + first.no_majority + first.too_few
    single = first.too_few if first.rule == "unanimous" else 0
    by_rule = ", ".join(
        f"{sum(1 for r, _ in rows if r == rep.rule)} by {rep.rule}" for rep in reports
    )
    absent = sum(1 for _, p in rows if p.value == "not coded")
    lines = [
        f"Would decide {counted(len(rows), 'cell')}: {by_rule}"
        + (f" ({absent} of them absent)." if absent else "."),
        f"Left undecided: {undecided - len(rows)}"
        + (
            f", of which {single} from a single coder (the final layer takes those as they are)"
            if single
            else ""
        )
        + f". Already decided: {first.already}.",
        "Nothing was written.",
    ]
    return "\n".join(lines)


class AutoDialog(QDialog):
    """Preview, then apply, the auto rules on the open master."""

    previewed = Signal(object)
    applied = Signal(object)
    cell_opened = Signal(int, int)

    def __init__(self, parent: QWidget | None, controller: AppController) -> None:
        super().__init__(parent)
        self.setWindowTitle("Auto rules")
        self.setObjectName("auto-dialog")
        fit_size(self, 900, 600)
        self._controller = controller
        self.rules = {rule: QCheckBox(text) for rule, text in _RULE_TEXT.items()}
        for box in self.rules.values():
            box.setChecked(True)
            box.toggled.connect(self._invalidate)
        self.model = AutoPlanModel(self)
        self.table = result_table("auto-plan", self.model, 1, (90, 0, 140, 110, 160))
        self.table.activated.connect(self._on_table_activated)
        self.summary = QLabel(
            "Preview shows what the chosen rules would decide; nothing is written until you apply."
        )
        self.summary.setWordWrap(True)
        self.preview_button = QPushButton("Preview")
        self.apply_button = QPushButton("Apply")
        self.apply_button.setEnabled(False)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        for box in self.rules.values():
            layout.addWidget(box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.preview_button, self.apply_button, close_button(self)):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def chosen(self) -> list[AutoRule]:
        return [rule for rule, box in self.rules.items() if box.isChecked()]

    def _invalidate(self) -> None:
        self.apply_button.setEnabled(False)
        self.model.set_rows([])

    def preview(self) -> Job[list[AutoReport]] | None:
        rules = self.chosen()
        if not rules:
            self.summary.setText("Choose at least one rule.")
            return None
        return start_job(
            self,
            lambda: self._controller.review.auto_preview(rules),
            self.preview_button,
            self.summary,
            "Previewing…",
            self._on_previewed,
        )

    def _on_previewed(self, reports: list[AutoReport]) -> None:
        rows = combined_plan(reports)
        self.model.set_rows(rows)
        self.summary.setText(preview_summary(reports, rows))
        self.apply_button.setEnabled(bool(rows))
        self.previewed.emit(reports)

    def apply(self) -> Job[AutoOutcome] | None:
        rules = self.chosen()
        job = start_job(
            self,
            lambda: self._controller.review.auto_apply(rules),
            self.apply_button,
            self.summary,
            "Applying…",
            self._on_applied,
        )
        if job is not None:
            self.preview_button.setEnabled(False)
            job.observe(self, finished=lambda: self.preview_button.setEnabled(True))
            show_progress(self, job, "Applying auto rules")
        return job

    def _on_applied(self, outcome: AutoOutcome) -> None:
        n = len(outcome.change.after) if outcome.change is not None else 0
        rules = ", ".join(r.rule for r in outcome.reports)
        error = f" {outcome.error}" if outcome.error else ""
        self.summary.setText(
            f"Applied {rules}: {counted(n, 'cell')} decided. Edit > Undo takes them back.{error}"
        )
        self.model.set_rows([])
        self.apply_button.setEnabled(False)
        self.applied.emit(outcome)

    def _on_table_activated(self, index: QModelIndex) -> None:
        cell = self.model.data(index, CELL_ROLE)
        if isinstance(cell, tuple):
            self.cell_opened.emit(*cell)


def open_auto_dialog(parent: QWidget, controller: AppController) -> AutoDialog:
    """Show the auto rules dialog (non-modal, deleted on close)."""
    dialog = AutoDialog(parent, controller)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    review = getattr(parent, "review", None)
    if review is not None:
        dialog.cell_opened.connect(review.show_cell)
    dialog.show()
    return dialog
