"""Review mode of the workbench: the lead settles the coders' differences, cell by cell.

Entering swaps the coding pane and its docks for the review page (:mod:`ui.review.page`), turns
the coding actions off and review's keys on (:mod:`ui.review.keys`), and clears the undo stack
(undo entries belong to the mode they were made in). Nothing is written on entering: the coder
layers and the active coder stay as they are, and review's decisions go to the gold layer only.
The queue and the progress are read in the background; a statement is read on the GUI thread
when it is opened (one statement: tens of milliseconds). After each decision only the
statement it touched is read again, and the progress once the keys rest. The place in the
queue is kept per master in the settings, so review resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QModelIndex, QObject, QTimer
from PySide6.QtWidgets import QMenu

from r2pcoder.changes import Changes
from r2pcoder.errors import R2pError
from r2pcoder.review import CellChange, QueueItem, ReviewStatus, StatementReview
from r2pcoder.textnorm import OffsetMap

from ui.highlight import CodingHighlighter
from ui.review.keys import install_keys
from ui.review.lanes import LaneGroup
from ui.review.page import ReviewPage
from ui.review.paint import lane_groups, theme_items
from ui.textops import snap_to_words
from ui.theme_picker import ThemePicker
from ui.workers import Job

if TYPE_CHECKING:
    from ui.controller import AppController
    from ui.main_window import MainWindow

__all__ = ["ReviewMode"]

Cell = tuple[int, int]
_MANY = 20  # a change touching more statements than this reloads the whole queue
_STATUS_DELAY_MS = 300
STATUS_AT_ONCE = 50_000
"""Up to this many codings in the master, the progress is counted at once after a decision;
above, in the background once the keys rest."""


class ReviewMode(QObject):
    """Review mode of one main window (made on first use, lives as long as the window)."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self._win = win
        self.page = ReviewPage()
        win.central_stack.addWidget(self.page)
        self.highlighter = CodingHighlighter(self.page.text.document())
        self.active = False
        self.review: StatementReview | None = None
        self.cell: Cell | None = None
        self.gold_key: str | None = None
        self.loading: Job[tuple[list[QueueItem], ReviewStatus]] | None = None
        self._again: bool | None = None  # a read asked for while one runs (and its ``keep``)
        self._small = True
        self.status: ReviewStatus | None = None
        self._omap = OffsetMap("")
        self._zoom = 0
        self._state: QByteArray | None = None
        self._status_job: Job[ReviewStatus] | None = None
        self._status_again = False
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(_STATUS_DELAY_MS)
        self._status_timer.timeout.connect(self._load_status)
        self.picker = ThemePicker(self.page)
        self.menu: QMenu | None = None  # the last stance menu shown
        self._wire()
        install_keys(self, win)

    @property
    def controller(self) -> AppController:
        return self._win.controller

    def _wire(self) -> None:
        page, c = self.page, self.controller
        page.queue.selectionModel().currentRowChanged.connect(self._on_queue_row)
        page.cells.selectionModel().currentRowChanged.connect(self._on_cells_row)
        page.text.lanes.clicked.connect(self.choose_coding)
        page.refresh_button.clicked.connect(self.refresh)
        page.leave_button.clicked.connect(self._win.toggle_review)
        page.auto_button.clicked.connect(self.open_auto)
        for box in page.filter_boxes():
            box.currentIndexChanged.connect(self._on_filter_changed)
        c.reviewed.connect(self._on_reviewed)
        c.changed.connect(self._on_changed)
        c.project_changed.connect(self._on_project_changed)
        c.runner.busy_changed.connect(lambda busy: page.auto_button.setEnabled(not busy))

    # -- entering and leaving --------------------------------------------------------------

    def enter(self) -> bool:
        """Switch the window to review mode; a packet (or no project) is refused with why."""
        c = self.controller
        try:
            review = c.review.service()
        except R2pError as exc:
            self._win.errors.show("Review", exc)
            return False
        if self.active:
            return True
        self.active = True
        c.stack.clear()  # undo entries belong to the mode they were made in
        self._state = self._win.saveState()
        for dock in self._win.dock_widgets.values():
            dock.hide()
        self._win.central_stack.setCurrentWidget(self.page)
        self._win.actions_.set_review(True)
        self._set_choices()
        saved = self.controller.settings.value(self._settings_key("filters"), [])
        state = [saved] if isinstance(saved, str) else saved if isinstance(saved, list) else []
        self.page.set_filter_state([str(v) for v in state])
        self.page.show_warnings(review.warnings())
        self._remember_active(True)
        self.reload()
        self.page.queue.setFocus()
        return True

    def leave(self) -> None:
        """Back to the coding pane, its docks as they were."""
        if not self.active:
            return
        self.active = False
        self._again = None
        self.controller.stack.clear()
        self._win.central_stack.setCurrentIndex(0)
        if self._state is not None:
            self._win.restoreState(self._state)
        self._win.actions_.set_review(False)

    def closing(self) -> None:
        """The window closes: remember whether review was on, and give the docks back."""
        was = self.active
        self.leave()
        self._remember_active(was)

    def _settings_key(self, what: str) -> str:
        project = self.controller.project
        return f"review/{project.info.uuid if project else 'none'}/{what}"

    def _remember_active(self, on: bool) -> None:
        self.controller.settings.setValue(self._settings_key("active"), on)

    def _on_project_changed(self) -> None:
        if self.active:
            self.leave()
        self.review, self.cell, self.status = None, None, None

    def _on_changed(self, changes: Changes) -> None:
        # An import, a merge or a codebook load changes the cells: read everything again.
        if self.active and (changes.everything or changes.codebook or changes.documents):
            self._set_choices()
            self.refresh()

    # -- the queue -------------------------------------------------------------------------

    def _set_choices(self) -> None:
        c = self.controller
        project = c.require()
        groups = sorted({d.meta.regional_group for d in c.documents() if d.meta.regional_group})
        self.page.set_choices(
            [(t.key, t.name) for t in c.themes()],
            [coder.name for coder in project.coders.list()],
            groups,
        )

    def _on_filter_changed(self) -> None:
        if self.active:
            self.controller.settings.setValue(
                self._settings_key("filters"), self.page.filter_state()
            )
            self.reload(keep=False)

    def refresh(self) -> None:
        """Read the queue, the progress and the open statement again (decisions made elsewhere)."""
        if self.review is not None:
            self._open_statement(self.review.document_id)
        self.reload()

    def reload(self, *, keep: bool = True) -> Job[tuple[list[QueueItem], ReviewStatus]] | None:
        """Read the queue the filters ask for, and the progress, in the background.

        ``keep``: the current cell stays in view even where the filters do not list it (else
        the first cell listed is shown).
        """
        if self.loading is not None:
            # One read at a time (a large master's board takes most of a second): the filters
            # as they are then are read once the running read is done.
            self._again = keep if self._again is None else self._again and keep
            return self.loading
        try:
            job = self.controller.review.load(self.page.filters())
        except R2pError as exc:
            self.say(str(exc))
            return None
        self.loading = job
        self._small = self.controller.require().codings.count() <= STATUS_AT_ONCE
        self.page.queue_count.setText("Reading the queue…")
        job.observe(
            self,
            success=lambda result: self._loaded(result, keep),
            failure=lambda exc: self.say(str(exc)),
            finished=self._load_finished,
        )
        return job

    def _load_finished(self) -> None:
        self.loading = None
        again, self._again = self._again, None
        if again is not None and self.active:
            self.reload(keep=again)

    def _loaded(self, result: tuple[list[QueueItem], ReviewStatus], keep: bool) -> None:
        if self._again is not None or not self.active:
            return  # the filters changed meanwhile: the next read shows them
        items, status = result
        order = {d.id: n for n, d in enumerate(self.controller.documents())}
        with self._quiet():
            self.page.queue_model.set_items(items, order)
        self._show_status(status)
        self.page.show_count()
        self._resume(keep)

    def _resume(self, keep: bool) -> None:
        """Select the current cell, else the remembered one, else the first of the queue."""
        model = self.page.queue_model
        row = model.row_of(self.cell) if self.cell is not None else -1
        if row < 0 and keep and self.cell is not None and self.review is not None:
            return  # a cell the filters do not list, opened from elsewhere: it stays in view
        if row < 0:
            row = self._remembered_row()
        if row < 0 and model.rowCount():
            row = 0
        if row >= 0:
            self.page.select_queue_row(row)
        else:
            self.page.message.setText("No cell matches the filters.")

    def _remembered_row(self) -> int:
        saved = str(self.controller.settings.value(self._settings_key("cell"), "", type=str))
        doc_uuid, _, theme_key = saved.partition("|")
        docs = {d.uuid: d.id for d in self.controller.documents()}
        if doc_uuid not in docs:
            return -1
        model = self.page.queue_model
        for row, item in enumerate(model.items()):
            if item.document_uuid == doc_uuid and item.theme_key == theme_key:
                return row
        return model.first_row_from(docs[doc_uuid])

    def _on_queue_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            item = self.page.queue_model.item(current.row())
            self.show_cell(item.document_id, item.theme_id)

    def _on_cells_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and self.review is not None:
            item = self.page.cells_model.item(current.row())
            self.show_cell(item.document_id, item.theme_id, from_cells=True)

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        # Rows come and go while a statement is refreshed: no cell is opened meanwhile.
        selection = self.page.queue.selectionModel()
        selection.blockSignals(True)
        try:
            yield
        finally:
            selection.blockSignals(False)

    # -- the statement and its cell ----------------------------------------------------------

    def show_cell(self, document_id: int, theme_id: int, *, from_cells: bool = False) -> None:
        """Open the statement (if another) and make the cell current; the queue follows."""
        other = self.review is None or self.review.document_id != document_id
        if other and not self._open_statement(document_id):
            return
        assert self.review is not None
        changed = self.cell != (document_id, theme_id)
        self.cell = (document_id, theme_id)
        if changed:
            self.gold_key = None
        if not from_cells:
            selection = self.page.cells.selectionModel()
            selection.blockSignals(True)
            self.page.select_cell_row(self.page.cells_model.row_of(theme_id))
            selection.blockSignals(False)
        row = self.page.queue_model.row_of(self.cell)
        if row >= 0 and self.page.queue.currentIndex().row() != row:
            with self._quiet():
                self.page.select_queue_row(row)
        self._paint()
        if changed:
            self._scroll_to_cell()
        self._remember_cell()

    def _open_statement(self, document_id: int) -> bool:
        try:
            review = self.controller.review.service().statement(document_id)
        except R2pError as exc:
            self.say(str(exc))
            return False
        self.review = review
        self._omap = OffsetMap(review.text)
        self.page.show_header(review.title, review.speaker, review.regional_group)
        self.page.cells_model.set_review(review)
        text = self.page.text
        if text.toPlainText() != review.text:
            self.highlighter.set_codings(self._omap, [])
            text.setPlainText(review.text)
            text.document().setModified(False)
        return True

    def _paint(self) -> None:
        review, theme = self.review, self.cell[1] if self.cell else None
        if review is None:
            return
        look = self.controller.look
        groups: list[LaneGroup] = lane_groups(review, look, theme)
        self.page.text.lanes.set_groups(self._omap, groups)
        self.highlighter.set_codings(self._omap, theme_items(review, look, theme))
        self.highlighter.rehighlight()
        self.page.text.relayout()
        self.page.text.lanes.set_current(self.gold_key)
        gold = next((c for c in review.lanes[-1].codings if c.uuid == self.gold_key), None)
        self.page.text.set_outline(
            None
            if gold is None
            else (self._omap.to_utf16(gold.start), self._omap.to_utf16(gold.end))
        )

    def _scroll_to_cell(self) -> None:
        if self.review is None or self.cell is None:
            return
        starts = [
            c.start
            for lane in self.review.lanes
            for c in lane.codings
            if c.theme_id == self.cell[1]
        ]
        if starts:
            cursor = self.page.text.textCursor()
            cursor.setPosition(self._omap.to_utf16(min(starts)))
            self.page.text.setTextCursor(cursor)
            self.page.text.centerCursor()

    def choose_coding(self, key: str) -> None:
        """A bar was clicked: its theme's cell becomes current; a gold coding is chosen."""
        if self.review is None:
            return
        for lane in self.review.lanes:
            for coding in lane.codings:
                if coding.uuid == key:
                    self.show_cell(self.review.document_id, coding.theme_id)
                    self.gold_key = key if lane.kind == "gold" else None
                    self._paint()
                    return

    def _remember_cell(self) -> None:
        if self.review is None or self.cell is None:
            return
        theme = self.controller.theme(self.cell[1])
        value = f"{self.review.document_uuid}|{theme.key if theme else ''}"
        self.controller.settings.setValue(self._settings_key("cell"), value)

    def selection(self) -> tuple[int, int] | None:
        """The text selected in the statement, in code points (snapped to words if set)."""
        cursor = self.page.text.textCursor()
        if self.review is None or not cursor.hasSelection():
            return None
        start = self._omap.to_cp(cursor.selectionStart())
        end = self._omap.to_cp(cursor.selectionEnd())
        if self._win.actions_.snap.isChecked():
            start, end = snap_to_words(self.review.text, start, end)
        return (start, end) if start < end else None

    def select_text(self, start: int, end: int) -> None:
        cursor = self.page.text.textCursor()
        cursor.setPosition(self._omap.to_utf16(start))
        cursor.setPosition(self._omap.to_utf16(end), cursor.MoveMode.KeepAnchor)
        self.page.text.setTextCursor(cursor)

    # -- after a decision, an undo or a redo -------------------------------------------------

    def _on_reviewed(self, change: CellChange | None, replayed: bool) -> None:
        if not self.active:
            return
        if change is None:
            self.refresh()
            return
        docs = {st.document_id for st in (*change.before, *change.after)}
        row = self.page.queue.currentIndex().row()
        if len(docs) > _MANY:
            self.reload()
        else:
            self._refresh_rows(docs)
        if change.warnings:
            self.page.show_warnings(change.warnings)
        if self.review is not None and self.review.document_id in docs:
            self._open_statement(self.review.document_id)
        cells = [st.cell for st in (*change.after, *change.before)]
        if replayed and cells:
            self.show_cell(*cells[0])  # undo and redo bring their cell into view
        else:
            self._after_decision(row)
        self.say(change.action + ".")
        self._count()

    def _refresh_rows(self, docs: set[int]) -> None:
        review, filters = self.controller.review.service(), self.page.filters()
        with self._quiet():
            for doc in sorted(docs):
                items = review.queue(replace(filters, documents=(doc,)))
                self.page.queue_model.replace_document(doc, items)
        self.page.show_count()

    def _after_decision(self, row: int) -> None:
        model = self.page.queue_model
        if self.cell is not None and model.row_of(self.cell) >= 0:
            self.show_cell(*self.cell)
        elif model.rowCount():
            # The cell left the queue (decided): the next one takes its place.
            self.page.select_queue_row(min(max(row, 0), model.rowCount() - 1))
        elif self.cell is not None:
            self.show_cell(*self.cell)

    # -- progress --------------------------------------------------------------------------

    def _show_status(self, status: ReviewStatus) -> None:
        self.status = status
        self.page.show_status(status)

    def _count(self) -> None:
        """The progress after a decision: at once in a small master, else once the keys rest."""
        if not self._small:
            self._status_timer.start()
            return
        try:
            self._show_status(self.controller.review.service().status())
        except R2pError as exc:
            self.say(str(exc))

    def _load_status(self) -> None:
        if not self.active:
            return
        if self._status_job is not None and not self._status_job.done():
            self._status_again = True
            return
        try:
            job = self.controller.review.status()
        except R2pError:
            return
        self._status_job = job
        job.observe(self, success=self._show_status, finished=self._status_finished)

    def _status_finished(self) -> None:
        if self._status_again:
            self._status_again = False
            self._status_timer.start()

    # -- words -----------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.page.message.setText(text)
        self._win.statusBar().showMessage(text, 6000)

    def set_zoom(self, steps: int) -> None:
        """The statement's text larger or smaller, as the coding pane's (``steps`` from 0)."""
        text, delta = self.page.text, steps - self._zoom
        if delta > 0:
            text.zoomIn(delta)
        elif delta < 0:
            text.zoomOut(-delta)
        self._zoom = steps

    def open_auto(self) -> None:
        from ui.dialogs.auto_dialog import open_auto_dialog  # noqa: PLC0415

        open_auto_dialog(self._win, self.controller)
