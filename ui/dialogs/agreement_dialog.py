"""The Agreement window: choose unit, measures and coders, compute in a worker, read the result.

One table per theme (value, interval and band colour), the pairwise coder matrix, strata, and a
theme's disagreements one click away. Saving a snapshot keeps the result in the master (so a
paper cites exactly what was measured before adjudication) and can export it as JSON. Every
computation is a core call on the job runner; nothing here touches the database directly.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import cast

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.errors import Cancelled
from r2pcoder.metadata import GROUPING_FIELDS
from r2pcoder.reliability import (
    ALL_MEASURES,
    UNITS,
    AgreementReport,
    AgreementSettings,
    Disagreement,
    MeasureValue,
    ResultRow,
    SnapshotInfo,
    format_measure,
    format_value,
)
from r2pcoder.reliability.settings import LevelName

from ui.controller import AppController
from ui.dialogs.disagreements_model import DisagreementModel
from ui.dialogs.gold_panel import GoldPanel
from ui.dialogs.result_models import show_beside
from ui.fit import fit_size
from ui.table_model import result_table
from ui.workers import Job

__all__ = ["AgreementDialog", "open_agreement_dialog"]

BAND_COLORS = {"reliable": "#b8e0b8", "tentative": "#f6e3a1", "unreliable": "#f4b6b6"}
BY_FIELDS = ("", *GROUPING_FIELDS)
LEVELS = ("", "nominal", "ordinal", "interval", "ratio")
_LABELS = {
    "percent_agreement": "Agreement",
    "krippendorff_alpha": "Alpha",
    "cohen_kappa": "Cohen κ",
    "scott_pi": "Scott π",
    "fleiss_kappa": "Fleiss κ",
    "conger_kappa": "Conger κ",
    "gwet_ac1": "Gwet AC1",
    "brennan_prediger": "Brennan-Prediger",
}


def cell_text(value: MeasureValue) -> str:
    """A value as shown: 3 decimals (never rounded into another band), the interval if any."""
    if value.value is None:
        return "n/a"
    text = format_value(value.value) if value.band else f"{value.value:.3f}"
    if value.ci_low is not None and value.ci_high is not None:
        text += f"  [{value.ci_low:.3f}, {value.ci_high:.3f}]"
    return text


def _shown(value: str) -> str:
    # The core names statements without the field "(none)"; a reader sees a dash.
    return "\N{EM DASH}" if value in ("(none)", "") else value


class AgreementDialog(QWidget):
    """Measure inter-coder agreement of the open master and inspect the result."""

    computed = Signal(object)
    disagreements_shown = Signal(object)
    review_requested = Signal(int, str)  # statement id, theme key: settle it in review mode
    saved = Signal(object)
    exported = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None, controller: AppController) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Agreement")
        self.setObjectName("agreement-dialog")
        fit_size(self, 1000, 700)
        self._controller = controller
        self._job: Job[AgreementReport] | None = None
        self.report: AgreementReport | None = None
        self.snapshot: SnapshotInfo | None = None
        self._theme_key = ""
        self._build_form()
        self._build_results()
        self._layout()
        self._fill_coders()

    # -- building ---------------------------------------------------------------------------

    def _build_form(self) -> None:
        self.unit = QComboBox()
        self.unit.addItems(list(UNITS))
        self.measures = QListWidget()
        self.measures.setMaximumHeight(150)
        for name in ALL_MEASURES:
            item = QListWidgetItem(_LABELS[name])
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.measures.addItem(item)
        self.coders = QListWidget()
        self.coders.setMaximumHeight(120)
        self.by = QComboBox()
        self.by.addItems([f or "(no strata)" for f in BY_FIELDS])
        self.level = QComboBox()
        self.level.addItems([lv or "default (codebook)" for lv in LEVELS])
        self.overlap = QDoubleSpinBox(suffix=" %", minimum=1, maximum=100, value=90, decimals=0)
        self.bootstrap = QSpinBox(minimum=0, maximum=100_000, value=1000, singleStep=500)
        self.compute_button = QPushButton("Compute")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(minimum=0, maximum=1000)
        self.status = QLabel("Choose what to compare, then Compute.")
        self.status.setWordWrap(True)
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)

    def _build_results(self) -> None:
        self.variant = QComboBox()
        self.variant.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.stratum = QComboBox()
        self.variant.currentIndexChanged.connect(self._show_rows)
        self.stratum.currentIndexChanged.connect(self._show_rows)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellClicked.connect(self._on_table_cellClicked)
        self.matrix = QTableWidget(0, 0)
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.disagreements = DisagreementModel(self)
        self.details = result_table("disagreements", self.disagreements, 1, (200, 160))
        self.details.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.details.activated.connect(self._on_details_activated)
        self.details_label = QLabel("Click a theme to see where the coders disagree.")
        self.details_label.setWordWrap(True)
        self.gold = GoldPanel(self._controller)
        self.gold.compare_button.clicked.connect(lambda: self.gold.compare(self.settings()))
        self.notes = QPlainTextEdit(readOnly=True)
        self.tabs = QTabWidget()
        self.save_button = QPushButton("Save snapshot…")
        self.export_button = QPushButton("Export snapshot…")
        self.save_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)

    def _layout(self) -> None:
        form = QFormLayout()
        for label, field in (
            ("Unit", self.unit),
            ("Measures", self.measures),
            ("Coders", self.coders),
            ("Stratify by", self.by),
            ("Alpha's level", self.level),
            ("Overlap", self.overlap),
            ("Bootstrap", self.bootstrap),
        ):
            form.addRow(label, field)
        hint = QLabel("No measure ticked: the unit's defaults. No coder ticked: every coder.")
        hint.setWordWrap(True)
        run = QHBoxLayout()
        for widget in (self.compute_button, self.cancel_button):
            run.addWidget(widget)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(hint)
        left.addLayout(run)
        left.addWidget(self.progress)
        left.addStretch(1)
        side = QWidget()
        side.setLayout(left)
        side.setMaximumWidth(360)
        pickers = QHBoxLayout()
        pickers.addWidget(QLabel("Reading"))
        pickers.addWidget(self.variant)
        pickers.addWidget(QLabel("Statements"))
        pickers.addWidget(self.stratum, 1)
        self._add_tabs()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        right = QVBoxLayout()
        right.addLayout(pickers)
        right.addWidget(split, 1)
        results = QWidget()
        results.setLayout(right)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(side)
        body.addWidget(results)
        body.setStretchFactor(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self._close_button())
        layout = QVBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addLayout(buttons)

    def _add_tabs(self) -> None:
        disagreements = QWidget()
        column = QVBoxLayout(disagreements)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.details_label)
        column.addWidget(self.details, 1)
        self.tabs.addTab(self.matrix, "Pairwise coders")
        self.tabs.addTab(disagreements, "Disagreements")
        self.tabs.addTab(self.gold, "Coders vs gold")
        self.tabs.addTab(self.notes, "Notes")

    def _close_button(self) -> QPushButton:
        close = QPushButton("Close")
        close.setObjectName("close-button")
        close.clicked.connect(self.close)
        return close

    def _fill_coders(self) -> None:
        project = self._controller.project
        if project is None:
            return
        for coder in project.coders.list():
            item = QListWidgetItem(coder.name)
            item.setData(Qt.ItemDataRole.UserRole, coder.uuid)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.coders.addItem(item)

    # -- settings and jobs ------------------------------------------------------------------

    @staticmethod
    def _checked(widget: QListWidget) -> tuple[str, ...] | None:
        chosen = tuple(
            str(widget.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        )
        return chosen or None

    def settings(self) -> AgreementSettings:
        """The settings the form shows."""
        level = cast("LevelName | None", LEVELS[self.level.currentIndex()] or None)
        return AgreementSettings(
            unit=UNITS[self.unit.currentIndex()],
            measures=self._checked(self.measures),
            coders=self._checked(self.coders),
            by=BY_FIELDS[self.by.currentIndex()] or None,
            overlap_threshold=self.overlap.value() / 100.0,
            bootstrap_n=self.bootstrap.value(),
            level=level,
        )

    def compute(self) -> Job[AgreementReport] | None:
        """Compute agreement with the form's settings in a worker; ``computed`` on success."""
        if self._controller.project is None:
            self._fail("Open a master project first.")
            return None
        try:
            settings = self.settings()
        except Exception as exc:  # a bad setting is shown, never raised into Qt
            self._fail(str(exc))
            return None
        job = self._controller.team.compute_agreement(settings)
        job.observe(
            self,
            progress=self._on_job_progressed,
            success=self._on_compute_succeeded,
            failure=self._on_job_failed,
            finished=self._on_compute_finished,
        )
        self._job = job
        self.compute_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText("Computing…")
        return job

    def _on_job_progressed(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * 1000))

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Stopping…")

    def _on_compute_finished(self) -> None:
        self._job = None
        self.compute_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _fail(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)

    def _on_job_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._fail("Cancelled.")
        else:
            self._fail(str(exc) or type(exc).__name__)

    # -- showing a report -------------------------------------------------------------------

    def _on_compute_succeeded(self, report: AgreementReport) -> None:
        self.report = report
        self.snapshot = None
        self.save_button.setEnabled(True)
        self.export_button.setEnabled(False)
        for combo, items in (
            (self.variant, [v or "(one reading)" for v in report.variants]),
            (
                self.stratum,
                ["All statements"] + [f"{s.field} = {_shown(s.value)}" for s in report.strata],
            ),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(items)
            combo.blockSignals(False)
        self._show_rows()
        self._show_matrix()
        self.notes.setPlainText(self._notes(report))
        self.disagreements.set_rows([])
        n = len(report.documents)
        self.status.setText(
            f"{len(report.coders)} coders, {n} statement{'s' if n != 1 else ''}. "
            "Green: reliable (alpha >= .800); yellow: tentative (>= .667); red: unreliable."
        )
        self.computed.emit(report)

    def shown_rows(self) -> list[ResultRow]:
        """The rows the table shows (chosen reading and statements)."""
        if self.report is None:
            return []
        report = self.report
        variant = report.variants[self.variant.currentIndex()] if report.variants else ""
        index = self.stratum.currentIndex()
        rows = report.rows if index <= 0 else report.strata[index - 1].rows
        kept = [r for r in rows if r.variant == variant or not any(x.variant for x in rows)]
        # The overall result first: it is what a paper reports, and must not scroll away.
        return sorted(kept, key=lambda r: r.scope != "overall")

    def _show_rows(self) -> None:
        if self.report is None:
            return
        rows = self.shown_rows()
        measures = list(self.report.measures)
        headers = ["Theme / stance", "Units", *(_LABELS.get(m, m) for m in measures)]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            label = row.label if row.scope == "theme" else f"{row.scope.title()}: {row.label}"
            first = QTableWidgetItem(label)
            first.setData(Qt.ItemDataRole.UserRole, row.key if row.scope == "theme" else "")
            first.setToolTip(row.note)
            self.table.setItem(i, 0, first)
            self.table.setItem(i, 1, QTableWidgetItem(str(row.n_units)))
            for j, measure in enumerate(measures, start=2):
                value = row.values[measure]
                item = QTableWidgetItem(cell_text(value))
                item.setToolTip(value.note or value.band)
                if value.band:
                    item.setBackground(QColor(BAND_COLORS[value.band]))
                self.table.setItem(i, j, item)

    def _show_matrix(self) -> None:
        assert self.report is not None
        if not self.report.pairwise:
            return
        matrix = self.report.pairwise[0]
        n = len(matrix.coders)
        self.matrix.clear()
        self.matrix.setRowCount(n)
        self.matrix.setColumnCount(n)
        self.matrix.setHorizontalHeaderLabels(list(matrix.coders))
        self.matrix.setVerticalHeaderLabels(list(matrix.coders))
        for a in range(n):
            for b in range(n):
                value = matrix.values[a][b]
                text = "—" if value is None else format_measure(matrix.measure, value)
                item = QTableWidgetItem(text)
                item.setToolTip(matrix.notes[a][b])
                self.matrix.setItem(a, b, item)

    @staticmethod
    def _notes(report: AgreementReport) -> str:
        lines = [report.unit_description, report.interval_method, ""]
        lines += [f"Warning: {w}" for w in report.warnings]
        seen: set[str] = set()
        for row in report.rows:
            for measure, value in row.values.items():
                line = f"{row.label}, {_LABELS.get(measure, measure)}: {value.note}"
                if value.note and line not in seen:
                    seen.add(line)
                    lines.append(line)
        return "\n".join(lines)

    # -- disagreements ----------------------------------------------------------------------

    def _on_table_cellClicked(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        key = str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""
        if key:
            self.show_disagreements(key)

    def show_disagreements(self, theme_key: str) -> Job[list[Disagreement]] | None:
        """List where the coders differ on ``theme_key`` (a worker; ``disagreements_shown``)."""
        if self._controller.project is None or self.report is None:
            return None
        settings = replace(self.report.settings, themes=None)
        job = self._controller.team.disagreements(settings, theme_key)
        job.observe(self, success=self._on_disagreements, failure=self._on_job_failed)
        self._theme_key = theme_key
        self.details_label.setText(f"Looking for disagreements on {self._theme_name()}…")
        self.tabs.setCurrentIndex(1)
        return job

    def _on_disagreements(self, found: list[Disagreement]) -> None:
        n = len(found)
        self.disagreements.set_rows(found)
        self.details_label.setText(
            f"{n} disagreement{'s' if n != 1 else ''} on {self._theme_name()}. Double-click a "
            "row (or Enter) to settle it in review mode."
        )
        self.disagreements_shown.emit(found)

    def _on_details_activated(self, index: QModelIndex) -> None:
        if index.isValid() and self._theme_key:
            self.review_requested.emit(
                self.disagreements.disagreement(index.row()).document_id, self._theme_key
            )

    def _theme_name(self) -> str:
        theme = next((t for t in self._controller.themes() if t.key == self._theme_key), None)
        return theme.name if theme is not None else self._theme_key

    # -- snapshots --------------------------------------------------------------------------

    def _on_save_clicked(self) -> None:
        label, ok = QInputDialog.getText(self, "Save snapshot", "Label (e.g. before adjudication):")
        if ok:
            self.save(label)

    def save(self, label: str) -> Job[SnapshotInfo] | None:
        """Keep the shown report as a snapshot in the master (a write job; ``saved``)."""
        if self._controller.project is None or self.report is None:
            return None
        job = self._controller.team.save_snapshot(self.report, label)
        return job.observe(self, success=self._on_saved, failure=self._on_job_failed)

    def _on_saved(self, info: SnapshotInfo) -> None:
        self.snapshot = info
        self.export_button.setEnabled(True)
        self.status.setText(f"Saved snapshot “{info.label or info.uuid}”.")
        self.saved.emit(info)

    def _on_export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export snapshot", "", "JSON (*.json)")
        if name:
            self.export(Path(name))

    def export(self, path: Path) -> Job[Path] | None:
        """Write the saved snapshot as JSON to ``path`` (a read job)."""
        if self._controller.project is None or self.snapshot is None:
            return None
        job = self._controller.team.export_snapshot(self.snapshot.uuid, path)
        return job.observe(self, success=self._on_exported, failure=self._on_job_failed)

    def _on_exported(self, path: Path) -> None:
        self.status.setText(f"Wrote {path}.")
        self.exported.emit(path)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            self.close()  # Esc, as in every dialog
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A running computation is told to stop; its result would have nowhere to go.
        self.cancel()
        super().closeEvent(event)


def open_agreement_dialog(parent: QWidget, controller: AppController) -> None:
    """Show the Agreement window for the controller's open master (deleted on close)."""
    show_beside(AgreementDialog(parent, controller), parent)
