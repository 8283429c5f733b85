"""The main window: docks for documents, codebook and codings around the statement text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolButton,
    QWidget,
)

from r2pcoder.changes import Changes
from r2pcoder.coding import Coding
from r2pcoder.errors import R2pError

from ui.actions import WindowActions, show_shortcut_sheet
from ui.codebook_view import CodebookPanel
from ui.coding_list import CodingListPanel
from ui.controller import AppController
from ui.document_list import DocumentListPanel
from ui.document_view import DocumentPane
from ui.errors import ErrorReporter
from ui.project_flows import ProjectFlows

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
        self.setCentralWidget(self.pane)
        self.docs = DocumentListPanel()
        self.codebook = CodebookPanel()
        self.codings = CodingListPanel()
        self._docks = {
            "documents": self._dock("Documents", self.docs, Qt.DockWidgetArea.LeftDockWidgetArea),
            "codebook": self._dock(
                "Codebook", self.codebook, Qt.DockWidgetArea.RightDockWidgetArea
            ),
            "codings": self._dock("Codings", self.codings, Qt.DockWidgetArea.BottomDockWidgetArea),
        }
        # Side panels run the full height; the codings panel sits under the text only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.flows = ProjectFlows(self)
        self.actions_ = WindowActions(self)
        for dock in self._docks.values():
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

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _wire(self) -> None:
        c = self.controller
        c.changed.connect(self._on_changed)
        c.coder_changed.connect(self._show_coder)
        c.done_changed.connect(lambda _doc: self.docs.model.set_statuses(c.statuses()))
        c.project_changed.connect(self._project_changed)
        c.job_failed.connect(self.errors.show)
        c.runner.busy_changed.connect(lambda busy: self.actions_.set_mutating_enabled(not busy))
        self.docs.document_chosen.connect(self.open_document)
        self.codebook.theme_chosen.connect(self.apply_theme)
        self.codebook.stance_chosen.connect(self.apply_stance)
        self.pane.codings_clicked.connect(self._codings_clicked)
        self.pane.describe = self.describe_codings
        self.codings.current_changed.connect(self.pane.focus_coding)
        self.codings.theme_requested.connect(lambda u, t: self.guard(c.set_theme, u, t))
        self.codings.stance_requested.connect(lambda u, s: self.guard(c.set_stance, u, s))
        self.codings.memo_requested.connect(lambda u, m: self.guard(c.set_memo, u, m))
        self.codings.delete_requested.connect(lambda u: self.guard(c.delete_coding, u))

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
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 900)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        else:
            horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
            self.resizeDocks(
                [self._docks["documents"], self._docks["codebook"]], [330, 400], horizontal
            )
            self.resizeDocks([self._docks["codings"]], [230], vertical)
        self.pane.set_zoom(int(self.settings.value("view/zoom", 0, type=int)))  # type: ignore[call-overload]  # QSettings returns object
        snap = self.settings.value("coding/snap", True, type=bool)
        self.actions_.snap.setChecked(bool(snap))
        self.pane.snap_words = bool(snap)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.flows.import_dropped(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.codings.flush_memo()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
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

    def ask_coder(self) -> bool:
        name, ok = QInputDialog.getText(
            self, "Who is coding?", "Your name (your codings are stored under it):",
            text=self.controller.coder_name(),
        )  # fmt: skip
        return bool(ok and name.strip()) and self.guard(self.controller.set_coder, name)

    def _show_coder(self) -> None:
        coder = self.controller.coder
        project = self.controller.project
        self.coder_button.setText(coder.name if coder else "(nobody - click to set)")
        parts = [project.info.name if project else "no project"]
        parts += [coder.name] if coder else []
        self.setWindowTitle(" - ".join([*parts, "r2pcoder"]))

    # -- reacting to changes ---------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        c = self.controller
        if changes.everything or changes.codebook:
            themes, stances = c.themes(), c.stances()
            self.codebook.set_codebook(themes, stances)
            self.codings.set_choices(themes, stances)
            self.actions_.set_codebook(themes, stances)
            self.pane.recolor(self._color_of)
            if self.document_id is not None and not changes.everything:
                self._fill_codings(c.codings(self.document_id))  # theme names may have changed
        if changes.everything or changes.documents:
            self.docs.set_documents(c.documents(), c.statuses())
            if self.document_id is None or self.docs.model.row_of(self.document_id) < 0:
                self._open_first()
        elif changes.codings:
            counts = {d: c.coding_count(d) for d in changes.codings}
            if all(n is not None for n in counts.values()):
                for doc_id, n in counts.items():
                    self.docs.model.set_count(doc_id, n or 0)
            else:
                self.docs.model.set_statuses(c.statuses())
        if self.document_id is not None and changes.touches_document(self.document_id):
            self._refresh_codings()

    def _open_first(self) -> None:
        ids = self.docs.visible_ids()
        if ids:
            self.docs.select(ids[0])
        else:
            self.document_id = None
            self.pane.set_document(None, (), self._color_of)
            self._fill_codings([])

    def _color_of(self, coding: Coding) -> str:
        theme = self.controller.theme(coding.theme_id)
        return theme.color if theme else "#cccccc"

    def _refresh_codings(self) -> None:
        assert self.document_id is not None
        codings = self.controller.codings(self.document_id)
        self.pane.update_codings(codings)
        self._fill_codings(codings)

    def _fill_codings(self, codings: Sequence[Coding]) -> None:
        doc = self.pane.document
        self.codings.set_codings(
            codings, doc.text if doc else "", self.controller.theme, self.controller.stance
        )

    def describe_codings(self, uuids: list[str]) -> str:
        lines = []
        for coding in self.codings.model.codings_by_uuid(uuids):
            theme = self.controller.theme(coding.theme_id)
            stance = self.controller.stance(coding.stance_id)
            lines.append(
                f"<b>{theme.name if theme else '?'}</b> - {stance.name if stance else 'no stance'}"
            )
        return "<br>".join(lines)

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
        self.pane.set_document(doc, codings, self._color_of)
        self._fill_codings(codings)
        if self.docs.current_id() != document_id:
            self.docs.select(document_id)

    def step_document(self, delta: int) -> None:
        target = self.docs.step(delta)
        if target is not None:
            self.docs.select(target)

    def step_coding(self, delta: int) -> None:
        self.codings.step(delta)

    def zoom(self, delta: int | None) -> None:
        self.pane.set_zoom(0 if delta is None else self.pane.zoom + delta)

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
        self.guard(self.controller.set_done, self.document_id, status != "done")

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

    def open_dialog(self, name: str) -> None:
        """Open a team dialog by name: packets, merge, agreement or export."""
        self.flows.open_dialog(name)

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
