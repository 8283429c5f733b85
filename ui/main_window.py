"""The main window: docks for documents, codebook and codings around the statement text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.changes import Changes
from r2pcoder.coding import Coding
from r2pcoder.errors import R2pError
from r2pcoder.memo_list import MemoInfo

from ui.actions import WindowActions, show_shortcut_sheet
from ui.codebook_view import CodebookPanel
from ui.coding_list import CodingListPanel
from ui.controller import AppController
from ui.document_list import DocumentListPanel
from ui.document_view import DocumentPane
from ui.errors import ErrorReporter
from ui.guide import EmptyState, GuideBanner
from ui.memo_panel import MemoPanel
from ui.project_flows import ProjectFlows
from ui.theme_picker import ThemePicker
from ui.window_layout import add_dock, restore_layout, save_layout

if TYPE_CHECKING:
    from ui.review.mode import ReviewMode

__all__ = ["MainWindow"]

_PROJECT_FILTER = "r2pcoder projects (*.r2p);;All files (*)"
_DOC_FILTER = "Statements (*.txt *.md *.docx *.pdf *.html *.htm);;All files (*)"


class MainWindow(QMainWindow):
    """The coding workbench. Owns the undo stack and the controller; panels are docks.

    Every handler that can meet a researcher's error shows it through ``errors`` instead of
    raising, so the window never ends up in a half-done state.
    """

    def __init__(self, settings: QSettings, data_dir: Path, log_path: Path | None = None) -> None:
        super().__init__()
        self.setObjectName("r2pcoder-main")
        self.setAcceptDrops(True)  # statements dropped on the window are imported
        self.settings = settings
        self.data_dir = data_dir
        self.stack = QUndoStack(self)
        self.controller = AppController(settings, self.stack, self)
        self.errors = ErrorReporter(self, log_path)
        self.pane = DocumentPane()
        self.guide = GuideBanner()
        self.empty = EmptyState()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for widget in (self.guide, self.empty):
            column.addWidget(widget)
        column.addWidget(self.pane, 1)
        # The coding pane, or (page 1, made on first use) review mode's page.
        self.central_stack = QStackedWidget()
        self.central_stack.addWidget(central)
        self.setCentralWidget(self.central_stack)
        self.review: ReviewMode | None = None
        self.docs = DocumentListPanel()
        self.codebook = CodebookPanel()
        self.codings = CodingListPanel()
        self.memos = MemoPanel()
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.dock_widgets = {
            "documents": add_dock(self, "Documents", self.docs, left),
            "codebook": add_dock(self, "Codebook", self.codebook, right),
            "codings": add_dock(self, "Codings", self.codings, bottom),
            "memos": add_dock(self, "Memos", self.memos, bottom),
        }
        # Side panels run the full height; the codings panel sits under the text only.
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, right)
        self.picker = ThemePicker(self)
        self.flows = ProjectFlows(self)
        self.actions_ = WindowActions(self)
        for dock in self.dock_widgets.values():
            self.actions_.view_menu.addAction(dock.toggleViewAction())
        self.coder_button = QToolButton()
        self.coder_button.setObjectName("coder-button")
        self.coder_button.setToolTip("The coder whose codings you see and make; click to switch")
        self.coder_button.clicked.connect(self.ask_coder)
        self.statusBar().addPermanentWidget(QLabel("Coder:"))
        self.statusBar().addPermanentWidget(self.coder_button)
        self.document_id: int | None = None
        self._last_applied: tuple[int, int, int, int] | None = None
        self._wire()
        self._restore_layout()

    @property
    def _docks(self) -> dict[str, QDockWidget]:
        return self.dock_widgets

    def _wire(self) -> None:
        c = self.controller
        c.changed.connect(self._on_changed)
        c.coder_changed.connect(self._show_coder)
        c.done_changed.connect(lambda _doc: self.docs.model.set_statuses(c.statuses()))
        c.project_changed.connect(self._project_changed)
        c.job_failed.connect(self.errors.show)
        c.replayed.connect(self._replayed)
        c.frequencies_changed.connect(self._show_counts)
        c.memos_changed.connect(self._refresh_memos)
        c.runner.busy_changed.connect(lambda busy: self.actions_.set_mutating_enabled(not busy))
        self.docs.document_chosen.connect(self.open_document)
        self.codebook.theme_chosen.connect(self._theme_chosen)
        self.codebook.stance_chosen.connect(self.apply_stance)
        self.codebook.theme_selected.connect(self._theme_selected)
        self.codebook.leave_requested.connect(self.pane.editor.setFocus)
        self.picker.picked.connect(self._picked)
        self.pane.codings_clicked.connect(self._codings_clicked)
        self.codings.current_changed.connect(self.pane.focus_coding)
        self.codings.theme_requested.connect(lambda u, t: self.guard(c.set_theme, u, t))
        self.codings.stance_requested.connect(lambda u, s: self.guard(c.set_stance, u, s))
        self.codings.memo_requested.connect(lambda u, m: self.guard(c.set_memo, u, m))
        self.codings.delete_requested.connect(lambda u: self.guard(c.delete_coding, u))
        self.memos.document_memo_edited.connect(
            lambda d, t: self.guard(c.workbench.set_document_memo, d, t)
        )
        self.memos.theme_memo_edited.connect(
            lambda th, t: self.guard(c.workbench.set_theme_memo, th, t)
        )
        self.memos.search_changed.connect(self._refresh_memos)
        self.memos.memo_opened.connect(self.open_memo)
        self.guide.dismissed.connect(lambda: self.settings.setValue("ui/guide_dismissed", True))
        self.empty.import_requested.connect(self.flows.import_files_dialog)
        self.empty.codebook_requested.connect(self.flows.load_codebook_dialog)

    def guard(self, fn: Callable[..., object], *args: object) -> bool:
        """Call ``fn(*args)``; show a researcher's error as a dialog instead of raising."""
        try:
            fn(*args)
        except R2pError as exc:
            self.errors.show("r2pcoder", exc)
            return False
        return True

    # -- layout persistence ----------------------------------------------------------------

    def _restore_layout(self) -> None:
        restore_layout(self)
        self.pane.set_zoom(int(self.settings.value("view/zoom", 0, type=int)))  # type: ignore[call-overload]  # QSettings returns object
        snap = self.settings.value("coding/snap", True, type=bool)
        self.actions_.snap.setChecked(bool(snap))
        self.pane.snap_words = bool(snap)
        others = bool(self.settings.value("view/others", False, type=bool))
        self.actions_.others.setChecked(others)
        self.guide.setVisible(not self.settings.value("ui/guide_dismissed", False, type=bool))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.flows.import_dropped(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.codings.flush_memo()
        self.memos.flush()
        if self.review is not None:
            self.review.closing()  # the docks come back before the layout is saved
        save_layout(self)
        self.settings.setValue("view/zoom", self.pane.zoom)
        self.controller.shutdown()
        super().closeEvent(event)

    # -- project ---------------------------------------------------------------------------

    def start(self, argv_path: Path | None) -> None:
        """Open the given, last or sample project, then ask the coder's name if unknown."""
        try:
            self.controller.open_startup(argv_path, self.data_dir)
        except R2pError as exc:
            self.errors.show("Open project", exc)
            self.guard(self.controller.open_sample, self.data_dir)

    def open_project_path(self, path: str | Path) -> bool:
        return self.guard(self.controller.open_project, Path(path))

    def _project_changed(self) -> None:
        self.document_id = None
        self._show_coder()
        self._refresh_memos()
        # Once the statements are listed: a master closed in review mode opens in it again.
        QTimer.singleShot(0, self, self._resume_review)

    # -- review mode -----------------------------------------------------------------------

    def review_mode(self) -> ReviewMode:
        """Review mode (made on first use: the window starts without the review code)."""
        if self.review is None:
            from ui.review.mode import ReviewMode  # noqa: PLC0415

            self.review = ReviewMode(self)
            self.review.set_zoom(self.pane.zoom)
        return self.review

    def toggle_review(self) -> bool:
        """Enter review mode, or leave it; True when it is on afterwards."""
        mode = self.review_mode()
        if mode.active:
            mode.leave()
        else:
            mode.enter()
        self.actions_.review_toggle.setChecked(mode.active)
        return mode.active

    def open_review_cell(self, document: int | str, theme_key: str) -> bool:
        """Show a statement (id or UUID) and theme in review mode (from the team dialogs)."""
        theme = next((t for t in self.controller.themes() if t.key == theme_key), None)
        docs = self.controller.documents()
        document_id = next((d.id for d in docs if document in (d.id, d.uuid)), None)
        mode = self.review_mode()
        if theme is None or document_id is None or not (mode.active or mode.enter()):
            return False
        self.actions_.review_toggle.setChecked(True)
        mode.show_cell(document_id, theme.id)
        self.raise_()
        self.activateWindow()
        return True

    def _resume_review(self) -> None:
        project = self.controller.project
        if project is None or project.info.role != "master":
            return
        if self.settings.value(f"review/{project.info.uuid}/active", False, type=bool):
            mode = self.review_mode()
            if not mode.active:
                mode.enter()

    def ask_coder(self) -> bool:
        name, ok = QInputDialog.getText(
            self,
            "Who is coding?",
            "Your name (your codings are stored under it):",
            text=self.controller.coder_name(),
        )
        return bool(ok and name.strip()) and self.guard(self.controller.set_coder, name)

    def _show_coder(self) -> None:
        coder = self.controller.coder_label()
        project = self.controller.project
        self.coder_button.setText(coder or "(nobody - click to set)")
        parts = [project.info.name if project else "no project"]
        parts += [coder] if coder else []
        self.setWindowTitle(" - ".join([*parts, "r2pcoder"]))

    # -- reacting to changes ---------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        c = self.controller
        if changes.everything or changes.codebook:
            themes, stances = c.themes(), c.stances()
            self.codebook.set_codebook(themes, stances)
            self.codings.set_choices(themes, stances)
            self.actions_.set_codebook(themes, stances)
            self.picker.set_themes(themes)
            self.pane.recolor(c.look)
            if self.document_id is not None and not changes.everything:
                self._fill_codings(c.codings(self.document_id))  # theme names may have changed
        if changes.everything or changes.documents:
            # The current statement stays current (after a coder switch, an import, a merge).
            self.docs.set_documents(c.documents(), c.statuses(), keep=self.document_id)
            if self.document_id is None or self.docs.model.row_of(self.document_id) < 0:
                self._open_first()
            elif changes.everything:
                self.open_document(self.document_id)
        elif changes.codings:
            counts = {d: c.coding_count(d) for d in changes.codings}
            if all(n is not None for n in counts.values()):
                for doc_id, n in counts.items():
                    self.docs.model.set_count(doc_id, n or 0)
            else:
                self.docs.model.set_statuses(c.statuses())
        if self.document_id is not None and changes.touches_document(self.document_id):
            self._refresh_codings()
        self._show_empty()

    def _show_empty(self) -> None:
        has_docs = self.docs.model.rowCount() > 0
        empty = self.empty.show_for(has_docs, bool(self.controller.themes()))
        self.pane.setVisible(not empty or has_docs)

    def _show_counts(self) -> None:
        self.codebook.model.set_counts(self.controller.frequencies, self.document_id)

    def _open_first(self) -> None:
        ids = self.docs.visible_ids()
        if ids:
            self.docs.select(ids[0])
            if self.document_id != ids[0]:
                self.open_document(ids[0])
        else:
            self.document_id = None
            self.pane.set_document(None, (), self.controller.look)
            self._fill_codings([])
            self.memos.set_document(None, "", "")

    def _refresh_codings(self) -> None:
        assert self.document_id is not None
        codings = self.controller.codings(self.document_id)
        self.pane.update_codings(codings)
        if self.actions_.others.isChecked():
            self.pane.set_others(self.controller.other_codings(self.document_id))
        self._fill_codings(codings)

    def _fill_codings(self, codings: Sequence[Coding]) -> None:
        doc = self.pane.document
        self.codings.set_codings(codings, doc.text if doc else "", self.controller.look)

    # -- navigation ------------------------------------------------------------------------

    def open_document(self, document_id: int) -> None:
        try:
            doc = self.controller.document(document_id)
        except R2pError as exc:
            self.errors.show("Open statement", exc)
            return
        self.document_id = document_id
        self._last_applied = None
        codings = self.controller.codings(document_id)
        others = (
            self.controller.other_codings(document_id) if self.actions_.others.isChecked() else ()
        )
        self.pane.set_document(doc, codings, self.controller.look, others)
        self._fill_codings(codings)
        memo = self.controller.workbench.document_memo(document_id)
        self.memos.set_document(document_id, doc.title, memo)
        self._show_counts()
        if self.docs.current_id() != document_id:
            self.docs.select(document_id, quiet=True)

    def show_passage(self, document_id: int, start: int, end: int) -> None:
        """Open a statement at a passage and select it (from retrieval, search or memos)."""
        if self.document_id != document_id:
            self.open_document(document_id)
        if self.document_id == document_id:
            self.pane.select(start, end)
            self.pane.editor.ensureCursorVisible()
            self.raise_()
            self.activateWindow()

    def open_memo(self, memo: MemoInfo) -> None:
        if memo.kind == "theme":
            self.codebook.show_theme(memo.target_id)
            return
        self.open_document(memo.target_id)
        if memo.kind == "coding":
            self.codings.select([memo.coding_uuid])

    def step_document(self, delta: int) -> None:
        target = self.docs.step(delta, self.document_id)
        if target is not None:
            self.docs.select(target)

    def step_coding(self, delta: int) -> None:
        self.codings.step(delta)

    def toggle_others(self) -> None:
        """Show or hide other coders' codings (read-only stripes), without switching coder."""
        shown = self.actions_.others.isChecked()
        self.settings.setValue("view/others", shown)
        if self.document_id is None:
            return
        others = self.controller.other_codings(self.document_id) if shown else []
        self.pane.set_others(others)
        if shown:
            coders = sorted({self.controller.look.coders.get(o.coder_id, "?") for o in others})
            text = (
                f"Showing {len(others)} codings of {', '.join(coders)} (read-only)."
                if others
                else "No other coder's codings in this statement"
                + (" (a blind packet carries none)." if self._blind() else ".")
            )
            self.statusBar().showMessage(text, 6000)

    def _blind(self) -> bool:
        project = self.controller.project
        return project is not None and project.info.role == "packet" and project.info.blind

    def _replayed(self, document_id: int | None, uuid: str | None, text: str) -> None:
        # Undo and redo act where the coder can see it: that statement, that coding.
        if document_id is not None and document_id != self.document_id:
            self.open_document(document_id)
        elif document_id is not None and self.pane.document is not None:
            memo = self.controller.workbench.document_memo(document_id)
            self.memos.set_document(document_id, self.pane.document.title, memo)
        if uuid is not None:
            self.codings.select([uuid])
        self.statusBar().showMessage(text + ".", 6000)

    def _theme_selected(self, theme_id: int) -> None:
        theme = self.controller.theme(theme_id)
        memo = self.controller.workbench.theme_memo(theme_id)
        self.memos.set_theme(theme_id, theme.name if theme else "", memo)

    def _refresh_memos(self) -> None:
        self.memos.model.set_memos(
            self.controller.workbench.memos(
                self.memos.search.text(), self.memos.every_coder.isChecked()
            )
        )

    def focus_part(self, part: str) -> None:
        """Move the keyboard to a part of the window, by the name the View menu uses."""
        if part == "memos":
            self.dock_widgets["memos"].show()
            self.dock_widgets["memos"].raise_()
        widgets = {
            "text": self.pane.editor,
            "documents": self.docs.table,
            "document filter": self.docs.search,
            "codebook": self.codebook.tree,
            "theme filter": self.codebook.search,
            "codings": self.codings.table,
            "memos": self.memos.document_memo,
        }
        widgets[part].setFocus()

    def open_find(self) -> None:
        self.pane.open_find()

    def find_step(self, delta: int) -> None:
        self.pane.find_step(delta)

    def copy_selection(self) -> None:
        self.pane.editor.copy()

    def open_picker(self) -> None:
        if self.pane.selection() is None:
            self.statusBar().showMessage("Select some text first, then pick its theme.", 4000)
        self.picker.open_picker()

    def _theme_chosen(self, theme_id: int) -> None:
        # Chosen in the codebook: the keyboard goes back to the text, for the stance key.
        if self.apply_theme(theme_id) is not None:
            self.pane.editor.setFocus()

    def _picked(self, theme_id: int) -> None:
        self.pane.editor.setFocus()
        self.apply_theme(theme_id)

    def zoom(self, delta: int | None) -> None:
        self.pane.set_zoom(0 if delta is None else self.pane.zoom + delta)
        if self.review is not None:
            self.review.set_zoom(self.pane.zoom)  # one zoom for both texts

    def toggle_snap(self) -> None:
        self.pane.snap_words = self.actions_.snap.isChecked()
        self.settings.setValue("coding/snap", self.pane.snap_words)

    # -- coding ----------------------------------------------------------------------------

    def apply_theme(self, theme_id: int) -> Coding | None:
        """Code the current selection with a theme; the new coding becomes current."""
        self.codebook.show_theme(theme_id)
        span = self.pane.selection()
        if self.document_id is None or span is None:
            self.statusBar().showMessage("Select some text first, then choose the theme.", 4000)
            return None
        key = (self.document_id, span[0], span[1], theme_id)
        if key == self._last_applied:
            return None  # a double click on a theme must not code the passage twice
        try:
            coding = self.controller.apply_coding(self.document_id, theme_id, *span)
        except R2pError as exc:
            self.errors.show("Coding", exc)
            return None
        self._last_applied = key
        self.codings.select([coding.uuid])
        theme = self.controller.theme(theme_id)
        self.statusBar().showMessage(
            f"Coded as '{theme.name if theme else '?'}'. Now pick a stance (1-5).", 4000
        )
        return coding

    def apply_stance(self, stance_id: int) -> None:
        uuid = self.codings.current_uuid()
        if uuid is None:
            self.statusBar().showMessage("Choose a coding first (code a passage or click one).")
            return
        if self.guard(self.controller.set_stance, uuid, stance_id):
            stance = self.controller.stance(stance_id)
            self.statusBar().showMessage(f"Saved with stance '{stance.name if stance else '?'}'.")

    def delete_current(self) -> None:
        uuid = self.codings.current_uuid()
        if uuid is not None:
            self.guard(self.controller.delete_coding, uuid)

    def toggle_done(self) -> None:
        if self.document_id is None:
            return
        status = self.docs.model.status(self.document_id)[0]
        if self.guard(self.controller.set_done, self.document_id, status != "done"):
            totals = self.docs.model.totals()
            title = self.pane.document.title if self.pane.document else "The statement"
            mark = "marked done" if status != "done" else "no longer marked done"
            self.statusBar().showMessage(
                f"'{title}' {mark} ({totals['done']} of {sum(totals.values())} done; "
                "Ctrl+D again or Ctrl+Z takes it back).",
                6000,
            )

    def rename_theme(self) -> None:
        theme = self.codebook.current_theme()
        if theme is None:
            self.statusBar().showMessage("Choose a theme in the codebook first.", 4000)
            return
        name, ok = QInputDialog.getText(self, "Rename theme", "New name:", text=theme.name)
        if ok and name.strip() and name.strip() != theme.name:
            self.guard(self.controller.rename_theme, theme.id, name)

    def _codings_clicked(self, uuids: list[str]) -> None:
        if uuids:
            self.codings.select(uuids)

    # -- help ------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        show_shortcut_sheet(self, self.actions_.all)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About r2pcoder",
            "r2pcoder: code UN statements on the Responsibility to Protect with several "
            "coders, merge their work, measure agreement and export the numbers.",
        )
