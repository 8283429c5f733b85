"""Search all statements: a phrase or regular expression across the corpus, hits in context.

The search runs as a reader job (``controller.workbench.search``). The coder reviews the hits,
unticks those that do not belong, and may code the rest with one theme and stance at once
(``controller.workbench.autocode``, a writer job); that autocoding is one undoable action.
Double-clicking a hit opens it in the window.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.autocode import AutocodeReport
from r2pcoder.corpus_search import SearchQuery, SearchResult

from ui.controller import AppController
from ui.dialogs.result_models import SearchHitModel, show_beside, start_job
from ui.fit import close_button, fit_size
from ui.table_model import result_table
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
        self.table = result_table("search-table", self.model, 3, (40, 190, 130))
        self.table.activated.connect(
            lambda index: self.passage_opened.emit(*self.model.place(index.row()))
        )
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
        self.code_button.setToolTip(
            "One undoable action; hits that cannot be coded are skipped and listed with the reason"
        )
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
        return SearchQuery(
            self.text.text(),
            mode=self.mode.currentData(),
            whole_words=self.whole.isChecked(),
            case_sensitive=self.case.isChecked(),
        )

    def run(self) -> Job[SearchResult] | None:
        workbench, query = self._controller.workbench, self.query()
        return start_job(
            self,
            lambda: workbench.search(query),
            self.run_button,
            self.summary,
            "Searching…",
            self._shown,
        )

    def _shown(self, result: SearchResult) -> None:
        self.model.set_hits(result.hits)
        self.code_button.setEnabled(bool(result.hits))
        self.summary.setText(result.summary() + ". Double-click a hit to open it.")
        self.searched.emit(result)

    def code_checked(self) -> Job[AutocodeReport] | None:
        hits = self.model.checked_hits()
        theme_id = self.theme.currentData()
        if not hits or theme_id is None:
            self.summary.setText("Tick the hits to code and choose a theme first.")
            return None
        spans = [(h.document_id, h.start, h.end) for h in hits]
        workbench, stance = self._controller.workbench, self.stance.currentData()
        return start_job(
            self,
            lambda: workbench.autocode(int(theme_id), stance, spans),
            self.code_button,
            self.summary,
            "Coding…",
            self._coded,
        )

    def _coded(self, report: AutocodeReport) -> None:
        self.summary.setText(report.summary() + " Ctrl+Z in the main window takes it back.")
        titles = {d.id: d.title for d in self._controller.documents()}
        skipped = report.skipped_lines(titles)
        if skipped:
            box = QMessageBox(QMessageBox.Icon.Information, TITLE, report.summary(), parent=self)
            box.setObjectName("autocode-skipped")
            box.setDetailedText("\n".join(skipped))
            box.open()  # non-blocking; the details list every skipped hit with its reason
        self.autocoded.emit(report)


def open_search_dialog(parent: QWidget, controller: AppController) -> SearchDialog:
    """Show the corpus search (non-modal, deleted on close); hits open in ``parent``."""
    dialog = SearchDialog(parent, controller)
    show_beside(dialog, parent)
    return dialog
