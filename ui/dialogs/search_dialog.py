"""Search all statements: a phrase or regular expression across the corpus, hits in context.

The search runs as a reader job (``controller.workbench.search``). The coder reviews the hits,
unticks those that do not belong, and may code the rest with one theme and stance at once
(``controller.workbench.autocode``, a writer job); that autocoding is one undoable action.
Double-clicking a hit opens it in the window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.autocode import AutocodeReport
from r2pcoder.corpus_search import SearchQuery, SearchResult
from r2pcoder.errors import R2pError

from ui.controller import AppController
from ui.dialogs.result_models import SearchHitModel
from ui.fit import close_button, fit_size
from ui.workers import Job

__all__ = ["SearchDialog", "open_search_dialog"]

TITLE = "Search all statements"


class SearchDialog(QDialog):
    """Find, review, and optionally code every hit; ``passage_opened(doc, start, end)``."""

    passage_opened = Signal(int, int, int)
    searched = Signal(object)
    autocoded = Signal(object)

    def __init__(self, parent: QWidget | None, controller: AppController) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setObjectName("search-dialog")
        self._controller = controller
        self.text = QLineEdit(placeholderText="A word, a phrase, or a regular expression")
        self.text.setObjectName("search-text")
        self.text.returnPressed.connect(self.run)
        self.mode = QComboBox()
        self.mode.addItem("Phrase", "phrase")
        self.mode.addItem("Regular expression", "regex")
        self.whole = QCheckBox("Whole words")
        self.case = QCheckBox("Match case")
        self.run_button = QPushButton("Search")
        self.run_button.clicked.connect(self.run)
        self.summary = QLabel("Search every statement's text.")
        self.summary.setWordWrap(True)
        self.model = SearchHitModel(self)
        self.table = QTableView()
        self.table.setObjectName("search-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((40, 190, 130)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._open)
        self.theme = QComboBox()
        self.theme.setObjectName("autocode-theme")
        for theme in controller.themes():
            self.theme.addItem("    " * theme.depth + theme.name, theme.id)
        self.stance = QComboBox()
        self.stance.addItem("(no stance)", None)
        for stance in controller.stances():
            self.stance.addItem(stance.name, stance.id)
        self.code_button = QPushButton("Code ticked hits")
        self.code_button.setObjectName("autocode-button")
        self.code_button.setToolTip("One undoable action; hits already coded so are skipped")
        self.code_button.clicked.connect(self.code_checked)
        self.code_button.setEnabled(False)
        self._build()
        fit_size(self, 1100, 680)

    def _build(self) -> None:
        query = QHBoxLayout()
        query.addWidget(self.text, 1)
        for widget in (self.mode, self.whole, self.case, self.run_button):
            query.addWidget(widget)
        ticks = QHBoxLayout()
        for text, state in (("Tick all", True), ("Untick all", False)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self.model.check_all(s))
            ticks.addWidget(button)
        ticks.addStretch(1)
        code = QHBoxLayout()
        code.addWidget(QLabel("Code ticked hits as:"))
        code.addWidget(self.theme, 2)
        code.addWidget(self.stance, 1)
        code.addWidget(self.code_button)
        code.addStretch(1)
        code.addWidget(close_button(self))
        layout = QVBoxLayout(self)
        layout.addLayout(query)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(ticks)
        layout.addLayout(code)

    def query(self) -> SearchQuery:
        return SearchQuery(self.text.text(), mode=self.mode.currentData(),
                           whole_words=self.whole.isChecked(),
                           case_sensitive=self.case.isChecked())  # fmt: skip

    def run(self) -> Job[SearchResult] | None:
        try:
            job = self._controller.workbench.search(self.query())
        except R2pError as exc:
            self.summary.setText(str(exc))
            return None
        self.run_button.setEnabled(False)
        self.summary.setText("Searching…")
        job.observe(self, success=self._shown, failure=self._failed,
                    finished=lambda: self.run_button.setEnabled(True))  # fmt: skip
        return job

    def _shown(self, result: SearchResult) -> None:
        self.model.set_hits(result.hits)
        self.code_button.setEnabled(bool(result.hits))
        self.summary.setText(result.summary() + ". Double-click a hit to open it.")
        self.searched.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(str(exc))

    def _open(self, _index: object) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            hit = self.model.hit(row)
            self.passage_opened.emit(hit.document_id, hit.start, hit.end)

    def code_checked(self) -> Job[AutocodeReport] | None:
        hits = self.model.checked_hits()
        theme_id = self.theme.currentData()
        if not hits or theme_id is None:
            self.summary.setText("Tick the hits to code and choose a theme first.")
            return None
        spans = [(h.document_id, h.start, h.end) for h in hits]
        try:
            job = self._controller.workbench.autocode(
                int(theme_id), self.stance.currentData(), spans
            )
        except R2pError as exc:
            self.summary.setText(str(exc))
            return None
        self.code_button.setEnabled(False)
        job.observe(self, success=self._coded, failure=self._failed,
                    finished=lambda: self.code_button.setEnabled(True))  # fmt: skip
        return job

    def _coded(self, report: AutocodeReport) -> None:
        self.summary.setText(report.summary() + " Ctrl+Z in the main window takes it back.")
        self.autocoded.emit(report)


def open_search_dialog(parent: QWidget, controller: AppController) -> SearchDialog:
    """Show the corpus search (non-modal, deleted on close); hits open in ``parent``."""
    dialog = SearchDialog(parent, controller)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    show = getattr(parent, "show_passage", None)
    if show is not None:
        dialog.passage_opened.connect(show)
    dialog.show()
    return dialog
