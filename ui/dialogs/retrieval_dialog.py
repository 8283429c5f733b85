"""Retrieve coded passages: every passage of one or several themes across the statements.

The dialog gathers the query (themes, sub-themes, stances, metadata, whose codings or which
layer of a master) and asks ``controller.workbench.retrieve`` for it; the passages come back
from a reader job. Double-clicking a passage opens it in the window; Copy and Export CSV take the
whole list.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.retrieval import (
    MISSING,
    NO_STANCE,
    RetrievalQuery,
    RetrievalResult,
    passages_tsv,
    write_passages_csv,
)

from ui.controller import AppController
from ui.dialogs.result_models import PassageTableModel, show_beside, start_job
from ui.fit import close_button, fit_size
from ui.table_model import result_table
from ui.workers import Job

__all__ = ["RetrievalDialog", "open_retrieval_dialog"]

TITLE = "Retrieve coded passages"
_FILTERS = (
    ("regional_group", "Group"),
    ("speaker", "Speaker"),
    ("event", "Event"),
    ("doc_type", "Type"),
    ("year", "Year"),
)
_ID = Qt.ItemDataRole.UserRole


class RetrievalDialog(QDialog):
    """Choose themes and filters, read every passage; ``passage_opened(doc, start, end)``."""

    passage_opened = Signal(int, int, int)
    retrieved = Signal(object)

    def __init__(self, parent: QWidget | None, controller: AppController) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setObjectName("retrieval-dialog")
        self._controller = controller
        self.themes = QListWidget()
        self.themes.setObjectName("retrieval-themes")
        for theme in controller.themes():
            item = QListWidgetItem("    " * theme.depth + theme.name)
            item.setData(_ID, theme.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.themes.addItem(item)
        self.subthemes = QCheckBox("Include sub-themes")
        self.subthemes.setChecked(True)
        self.stances = QListWidget()
        self.stances.setMaximumHeight(120)
        for name, sid in [(s.name, s.id) for s in controller.stances()] + [
            ("(no stance)", NO_STANCE)
        ]:
            item = QListWidgetItem(name)
            item.setData(_ID, sid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.stances.addItem(item)
        self.filters = {name: self._filter_box(name) for name, _ in _FILTERS}
        self.source = QComboBox()
        self.source.setObjectName("retrieval-source")
        self._fill_sources()
        self.run_button = QPushButton("Retrieve")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.summary = QLabel("Tick one or more themes, then Retrieve.")
        self.summary.setWordWrap(True)
        self.model = PassageTableModel(self)
        self.table = result_table("retrieval-table", self.model, 6, (130, 100, 80, 70, 120, 80))
        self.table.activated.connect(
            lambda index: self.passage_opened.emit(*self.model.place(index.row()))
        )
        self._build()
        fit_size(self, 1180, 700)

    def _filter_box(self, name: str) -> QComboBox:
        box = QComboBox()
        box.addItem("any", None)
        values: set[str] = set()
        for doc in self._controller.documents():
            meta = doc.meta
            text = meta.date[:4] if name == "year" else str(getattr(meta, name))
            values.add(text.strip() or MISSING)
        for value in sorted(values):
            box.addItem(value, value)
        return box

    def _fill_sources(self) -> None:
        coder = self._controller.coder
        if coder is not None:
            self.source.addItem(f"My codings ({coder.name})", ("mine",))
        self.source.addItem("Every coder's codings", ("every",))
        project = self._controller.project
        if project is not None and project.info.role == "master":
            for other in project.coders.list():
                if coder is None or other.id != coder.id:
                    self.source.addItem(f"Layer: {other.name}", ("layer", "coder", other.uuid))
            self.source.addItem(
                "Layer: all coders who worked on each statement agree", ("layer", "all")
            )
            self.source.addItem(
                "Layer: majority of the coders who worked on each statement", ("layer", "majority")
            )

    def _build(self) -> None:
        form = QFormLayout()
        for name, label in _FILTERS:
            form.addRow(f"{label}:", self.filters[name])
        form.addRow("Codings:", self.source)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("Themes:"))
        column.addWidget(self.themes, 1)
        column.addWidget(self.subthemes)
        column.addWidget(QLabel("Stances (none ticked: all):"))
        column.addWidget(self.stances)
        column.addLayout(form)
        column.addWidget(self.run_button)
        right = QWidget()
        results = QVBoxLayout(right)
        results.setContentsMargins(0, 0, 0, 0)
        results.addWidget(self.summary)
        results.addWidget(self.table, 1)
        left.setMaximumWidth(360)
        self.stances.setMaximumHeight(self.stances.sizeHintForRow(0) * 6 + 8)
        split = QHBoxLayout()
        split.addWidget(left)
        split.addWidget(right, 1)
        copy, export = QPushButton("Copy"), QPushButton("Export CSV…")
        copy.setToolTip("Copy every passage as tab-separated rows (pastes into a spreadsheet)")
        copy.clicked.connect(self.copy)
        export.clicked.connect(self._export)
        buttons = QHBoxLayout()
        buttons.addWidget(copy)
        buttons.addWidget(export)
        buttons.addStretch(1)
        buttons.addWidget(close_button(self))
        layout = QVBoxLayout(self)
        layout.addLayout(split, 1)
        layout.addLayout(buttons)

    # -- the query -----------------------------------------------------------------------

    @staticmethod
    def _checked(widget: QListWidget) -> list[int]:
        return [
            int(widget.item(n).data(_ID))
            for n in range(widget.count())
            if widget.item(n).checkState() == Qt.CheckState.Checked
        ]

    def check_themes(self, theme_ids: list[int]) -> None:
        first = None
        for n in range(self.themes.count()):
            item = self.themes.item(n)
            checked = int(item.data(_ID)) in theme_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            first = first or (item if checked else None)
        if first is not None:
            self.themes.scrollToItem(first)

    def query(self) -> RetrievalQuery:
        metadata = {n: str(b.currentData()) for n, b in self.filters.items() if b.currentData()}
        source: tuple[str, ...] = tuple(self.source.currentData() or ("every",))
        coder = self._controller.coder
        coders = (coder.id,) if source[0] == "mine" and coder is not None else ()
        layer: str | None = None
        if source[0] == "layer":
            layer = f"{source[1]}:{','.join(source[2:])}" if source[2:] else source[1]
        return RetrievalQuery(
            themes=tuple(self._checked(self.themes)),
            subthemes=self.subthemes.isChecked(),
            stances=frozenset(self._checked(self.stances)),
            metadata=metadata,
            coders=coders,
            layer=layer,
        )

    def run(self) -> Job[RetrievalResult] | None:
        query = self.query()
        if not query.themes:
            self.summary.setText("Tick at least one theme to retrieve its passages.")
            return None
        workbench = self._controller.workbench
        return start_job(
            self,
            lambda: workbench.retrieve(query),
            self.run_button,
            self.summary,
            "Retrieving…",
            self._shown,
        )

    def _shown(self, result: RetrievalResult) -> None:
        self.model.set_passages(result.passages)
        n = len(result.passages)
        self.summary.setText(
            f"{n} passage{'s' * (n != 1)} in {result.statements} statement"
            f"{'s' * (result.statements != 1)}, from {result.source}. "
            "Double-click a passage to open it."
        )
        self.retrieved.emit(result)

    # -- results -------------------------------------------------------------------------

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(passages_tsv(self.model.passages()))
        self.summary.setText(f"Copied {self.model.rowCount()} passages.")

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export passages", "passages.csv", "CSV (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        try:
            write_passages_csv(self.model.passages(), path)
        except OSError as exc:
            self.summary.setText(f"Not written: {exc}")
            return
        self.summary.setText(f"Wrote {self.model.rowCount()} passages to {path}.")


def open_retrieval_dialog(parent: QWidget, controller: AppController) -> RetrievalDialog:
    """Show the retrieval dialog (non-modal, deleted on close); passages open in ``parent``."""
    dialog = RetrievalDialog(parent, controller)
    show_beside(dialog, parent)
    return dialog
