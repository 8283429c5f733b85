"""The Export dialog: choose the layer, tables, breakdowns and format; preview; export.

Preview and export run as reader jobs (they never write the project) with progress and Cancel;
the preview shows the first rows of each table, built in the worker so the window never waits.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.errors import R2pError
from r2pcoder.export import (
    DEFAULT_BY,
    FORMATS,
    TABLES,
    ExportReport,
    Prepared,
    TableOptions,
    check_target,
    parse_layer,
)
from r2pcoder.export.layers import LayerChoice
from r2pcoder.export.run import ExportFormat, export_warnings

from ui.controller import AppController
from ui.dialogs.result_models import show_beside
from ui.fit import fit_size
from ui.progress_dialog import show_progress
from ui.team import PreviewTables
from ui.workers import Job

if TYPE_CHECKING:
    from r2pcoder.review import ReviewStatus

__all__ = ["ExportDialog", "PreviewModel", "open_export_dialog"]

_BY_CHOICES = ("regional_group", "event", "year", "doc_type", "speaker")
_FORMAT_NAMES = {
    "csv": "CSV files (one per table)",
    "xlsx": "Excel workbook (.xlsx)",
    "html": "HTML report (.html)",
}
_PREVIEW_ROWS = 200

Index = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    """A read-only table of text cells: the first rows of one export table."""

    def __init__(
        self, columns: list[str], rows: list[list[str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._columns = columns
        self._rows = rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self._rows[index.row()][index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return str(section + 1)


class ExportDialog(QDialog):
    """Export summaries of the open master as CSV, Excel or an HTML report."""

    previewed = Signal(object)
    exported = Signal(object)

    def __init__(self, parent: QWidget | None, controller: AppController) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setObjectName("export-dialog")
        fit_size(self, 980, 640)
        self._controller = controller
        self._prepared: Prepared | None = None
        self._prepared_key: tuple[Any, ...] | None = None
        self.layer = QComboBox()
        self.counts = QLabel()
        self.counts.setObjectName("layer-counts")
        self.counts.setWordWrap(True)
        self.counts.hide()
        self.tables = QListWidget()
        self.by = {name: QCheckBox(name.replace("_", " ")) for name in _BY_CHOICES}
        self.count_members = QCheckBox("Count member states of group statements")
        self.format = QComboBox()
        self.bom = QCheckBox("CSV for Excel on Windows (UTF-8 with a byte order mark)")
        self.out = QLineEdit()
        self.tabs = QTabWidget()
        self.status = QLabel("Choose what to export, then preview or export.")
        self.status.setWordWrap(True)
        self.preview_button = QPushButton("Preview")
        self.export_button = QPushButton("Export")
        self._fill()
        self._layout()

    def _fill(self) -> None:
        project = self._controller.project
        if project is not None and project.info.role == "master":
            self.layer.addItem(
                "Final: gold, else what the coders agree on, else a single coder", "final"
            )
            self.layer.addItem("Gold: the lead's decisions only", "gold")
        self.layer.addItem("All coders who worked on each statement agree", "all")
        self.layer.addItem("Majority of the coders who worked on each statement", "majority")
        for coder in project.coders.list() if project is not None else []:
            self.layer.addItem(f"Coder: {coder.name}", f"coder:{coder.uuid}")
        self.layer.currentIndexChanged.connect(self._on_layer_changed)
        self._on_layer_changed()
        for name in TABLES:
            item = QListWidgetItem(name.replace("_", " "))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setCheckState(Qt.CheckState.Checked)
            self.tables.addItem(item)
        for name, box in self.by.items():
            box.setChecked(name in DEFAULT_BY)
        for fmt in FORMATS:
            self.format.addItem(_FORMAT_NAMES[fmt], fmt)
        self.format.currentIndexChanged.connect(self._on_format_current_index_changed)
        self._on_format_current_index_changed()

    def _layout(self) -> None:
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._on_choose_clicked)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        self.preview_button.clicked.connect(self.preview)
        self.export_button.clicked.connect(self.export)
        by_row = QHBoxLayout()
        for box in self.by.values():
            by_row.addWidget(box)
        by_row.addStretch(1)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("Which codings", self.layer)
        form.addRow("", self.counts)
        form.addRow("Counts by", by_row)
        form.addRow("", self.count_members)
        form.addRow("Format", self.format)
        form.addRow("", self.bom)
        form.addRow("Save to", out_row)
        self.tables.setMaximumWidth(200)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.tables)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.preview_button, self.export_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    # -- choices ---------------------------------------------------------------------------

    def chosen_tables(self) -> tuple[str, ...]:
        items = (self.tables.item(i) for i in range(self.tables.count()))
        return tuple(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def options(self) -> TableOptions:
        by = tuple(name for name, box in self.by.items() if box.isChecked())
        return TableOptions(
            what=self.chosen_tables(), by=by, count_members=self.count_members.isChecked()
        )

    def chosen_format(self) -> ExportFormat:
        fmt = str(self.format.currentData())
        return "xlsx" if fmt == "xlsx" else "html" if fmt == "html" else "csv"

    def _on_layer_changed(self) -> None:
        """For gold and final, what review reports: cells decided, by which rule, awaiting."""
        rule = str(self.layer.currentData())
        self.counts.setVisible(rule in ("gold", "final"))
        if rule not in ("gold", "final"):
            return
        self.counts.setText("Counting the review's cells…")
        try:
            job = self._controller.review.status()
        except R2pError as exc:
            self.counts.setText(str(exc))
            return
        job.observe(self, success=lambda status: self._show_counts(rule, status))

    def _show_counts(self, rule: str, status: ReviewStatus) -> None:
        if str(self.layer.currentData()) != rule:
            return  # another layer was chosen meanwhile
        decided = (
            f"{status.decided} cells decided ({status.auto} by a rule"
            + (f", {status.reopened} re-opened" if status.reopened else "")
            + ")"
        )
        if rule == "gold":
            left = status.awaiting + status.agreed + status.single
            text = f"Gold: {decided}; {left} undecided cells are left out."
        else:
            text = (
                f"Final: {decided}, {status.agreed} agreed by the coders, {status.single} "
                f"from a single coder; {status.awaiting} cells await adjudication and are "
                "left out."
            )
        self.counts.setText(text + "".join(f" WARNING: {w}" for w in status.warnings))

    def _on_format_current_index_changed(self) -> None:
        self.bom.setEnabled(self.chosen_format() == "csv")

    def _key(self) -> tuple[Any, ...]:
        options = self.options()
        return (self.layer.currentData(), options.what, options.by, options.count_members)

    def _on_choose_clicked(self) -> None:
        fmt = self.chosen_format()
        if fmt == "csv":
            name = QFileDialog.getExistingDirectory(self, "Folder for the CSV files")
        else:
            pattern = "Excel workbook (*.xlsx)" if fmt == "xlsx" else "HTML report (*.html)"
            name, _ = QFileDialog.getSaveFileName(self, "Export to", f"export.{fmt}", pattern)
        if name:
            self.out.setText(name)

    # -- jobs ------------------------------------------------------------------------------

    def _inputs(self) -> tuple[LayerChoice, TableOptions] | None:
        if self._controller.project is None:
            self.status.setText("Open the master project first.")
            return None
        try:
            return parse_layer(str(self.layer.currentData())), self.options()
        except R2pError as exc:
            self.status.setText(str(exc))
            return None

    def preview(self) -> Job[tuple[Prepared, PreviewTables]] | None:
        inputs = self._inputs()
        if inputs is None:
            return None
        layer, options = inputs
        key = self._key()
        job = self._controller.team.preview_export(layer, options, _PREVIEW_ROWS)
        job.observe(
            self,
            success=lambda result: self._on_preview_succeeded(result, key),
            failure=lambda exc: self.status.setText(str(exc)),
        )
        self.status.setText("Reading the project…")
        return show_progress(self, job, "Preparing the export")

    def export(self) -> Job[ExportReport] | None:
        inputs = self._inputs()
        text = self.out.text().strip()
        if inputs is None:
            return None
        if not text:
            self.status.setText("Choose where to save the export first.")
            return None
        layer, options = inputs
        fmt, out = self.chosen_format(), Path(text)
        try:
            check_target(fmt, out, options.what)
        except R2pError as exc:
            self.status.setText(str(exc))
            return None
        prepared = self._prepared if self._prepared_key == self._key() else None
        bom = fmt == "csv" and self.bom.isChecked()
        job = self._controller.team.export(layer, options, fmt, out, prepared, bom=bom)
        job.observe(self, success=self._on_export_succeeded, failure=self._on_job_failed)
        self.status.setText("Exporting…")
        return show_progress(self, job, "Exporting")

    def _on_job_failed(self, exc: BaseException) -> None:
        self.status.setText(f"Nothing was written: {exc}")

    def _on_preview_succeeded(
        self, result: tuple[Prepared, PreviewTables], key: tuple[Any, ...]
    ) -> None:
        prepared, previews = result
        self._prepared, self._prepared_key = prepared, key
        self.tabs.clear()
        for name, (columns, rows) in previews.items():
            view = QTableView()
            view.setModel(PreviewModel(columns, rows, view))
            view.setObjectName(f"preview-{name}")
            total = len(prepared.tables[name])
            self.tabs.addTab(view, f"{name.replace('_', ' ')} ({total:,})")
        warnings = export_warnings(prepared.data, prepared.options.count_members)
        self.status.setText(
            f"Layer: {prepared.data.layer.label()}." + "".join(f" WARNING: {w}" for w in warnings)
        )
        self.previewed.emit(prepared)

    def _on_export_succeeded(self, report: ExportReport) -> None:
        files = ", ".join(str(f) for f in report.files[:3])
        more = f" and {len(report.files) - 3} more" if len(report.files) > 3 else ""  # noqa: PLR2004
        warnings = "".join(f" WARNING: {w}" for w in report.warnings)
        self.status.setText(f"Wrote {files}{more} ({report.layer}).{warnings}")
        self.exported.emit(report)


def open_export_dialog(parent: QWidget, controller: AppController) -> None:
    """Show the Export dialog for the controller's open master (non-modal, deleted on close)."""
    show_beside(ExportDialog(parent, controller), parent)
