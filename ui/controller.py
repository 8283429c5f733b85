"""The application controller: open project, current coder, undoable actions and jobs.

Widgets call it; it calls the core and broadcasts what changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from r2pcoder.autocode import AutocodeReport
from r2pcoder.changes import Changes
from r2pcoder.codebook import load_codebook
from r2pcoder.codebook.store import CodebookLoadReport, StanceInfo, ThemeInfo
from r2pcoder.coders import Coder
from r2pcoder.coding import Coding, CodingRequest
from r2pcoder.db import Project
from r2pcoder.documents import Document, DocumentSummary, Status
from r2pcoder.errors import R2pError
from r2pcoder.frequencies import ThemeFrequencies
from r2pcoder.importer import ImportReport, import_files
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.sample import build_sample_project

from ui import code_counts
from ui.look import CodebookLook
from ui.review_jobs import ReviewJobs
from ui.team import TeamJobs
from ui.undo import (
    UNSET,
    ApplyCodeCommand,
    AutocodeCommand,
    CoreCommand,
    DiscardCodingCommand,
    MarkDoneCommand,
    RecodeCommand,
    RenameCodeCommand,
)
from ui.workbench_jobs import WorkbenchJobs
from ui.workers import Job, JobRunner

__all__ = ["AppController", "NoProject"]

_log = logging.getLogger(__name__)
_MAX_RECENT = 8
SAMPLE_FILE = "R2P sample project.r2p"


class NoProject(R2pError):
    """Raised when an action needs an open project and there is none."""

    def __init__(self) -> None:
        super().__init__("Open or create a project first.")


class AppController(QObject):
    """Holds the open Project and the current coder; every mutation goes through here.

    Coding actions are pushed on the window's undo stack; each emits ``changed(Changes)``.
    Import and codebook loading run as writer jobs; afterwards the undo stack is cleared
    because those operations are not undoable.
    """

    changed = Signal(object)
    project_changed = Signal()
    coder_changed = Signal()
    done_changed = Signal(int)
    import_finished = Signal(object)
    codebook_loaded = Signal(object)
    job_failed = Signal(str, object)
    # After an undo or redo: the statement it acted on (or None), the coding's UUID (None if
    # gone or none), and the action's words.
    replayed = Signal(object, object, str)
    frequencies_changed = Signal()
    memos_changed = Signal()
    # A review decision made (False) or put back by undo/redo (True): its CellChange, or None
    # when review must read everything again.
    reviewed = Signal(object, bool)

    def __init__(
        self, settings: QSettings, stack: QUndoStack, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.stack = stack
        self.runner = JobRunner(self)
        self.project: Project | None = None
        self.coder: Coder | None = None
        self._themes: dict[int, ThemeInfo] = {}
        self._stances: dict[int, StanceInfo] = {}
        # The current statement's codings of the current coder, kept in step by the commands'
        # reports, so a coding action costs no query (key press to repaint within a frame).
        self._cached: tuple[int, dict[str, Coding]] | None = None
        self._reporting = False
        self.look = CodebookLook()
        self.frequencies: ThemeFrequencies | None = None
        self.counting: set[int] | None = None  # statements changed while counts load
        self._touched: tuple[int, str | None] | None = None
        self._pushing = False
        self._index = stack.index()
        stack.indexChanged.connect(self._on_stack_index_changed)
        self.changed.connect(self._on_changed)

    @property
    def team(self) -> TeamJobs:
        """The lead's long operations (made on demand: holding it would make a cycle)."""
        return TeamJobs(self)

    @property
    def workbench(self) -> WorkbenchJobs:
        """Retrieval, corpus search, autocoding and memos (made on demand, like ``team``)."""
        return WorkbenchJobs(self)

    @property
    def review(self) -> ReviewJobs:
        """Review's queue, progress, decisions and auto rules (made on demand, like ``team``)."""
        return ReviewJobs(self)

    # -- project -------------------------------------------------------------------------

    def require(self) -> Project:
        if self.project is None:
            raise NoProject
        return self.project

    def open_project(self, path: Path) -> None:
        project = Project(Path(path))
        self.close_project()
        self.project = project
        self._remember(project.path)
        self._reload_codebook()
        # The change of everything below loads the coder's counts: loading them here as well
        # ran the count twice, in the background of a large project while it opens.
        self._bind_coder(self.coder_name(), count=False)
        self.project_changed.emit()
        self.changed.emit(Changes(everything=True))

    def new_project(self, path: Path) -> None:
        Project.create(Path(path)).close()
        self.open_project(path)

    def open_sample(self, data_dir: Path) -> Path:
        """Open (creating it on first use) the sample project in the user's data directory."""
        target = data_dir / SAMPLE_FILE
        if not target.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            build_sample_project(target).close()
        self.open_project(target)
        return target

    def open_startup(self, argv_path: Path | None, data_dir: Path) -> Path:
        """The given project, else the last one, else the sample project."""
        if argv_path is not None:
            self.open_project(argv_path)
            return argv_path
        last = str(self.settings.value("project/last", "", type=str))
        if last and Path(last).is_file():
            try:
                self.open_project(Path(last))
                return Path(last)
            except R2pError:
                _log.warning("could not reopen the last project %s", last, exc_info=True)
        return self.open_sample(data_dir)

    def close_project(self) -> None:
        if self.project is None:
            return
        self.runner.shutdown()
        self.stack.clear()
        self.project.close()
        self.project = None
        self.coder = None
        self.frequencies = None
        self._themes, self._stances = {}, {}
        self.look = CodebookLook()
        self.project_changed.emit()
        self.changed.emit(Changes(everything=True))

    def shutdown(self) -> None:
        """Close the project and stop the job runner for good (the window is closing)."""
        self.close_project()
        self.runner.close()
        self.settings.sync()

    def recent_projects(self) -> list[str]:
        value = self.settings.value("project/recent", [])
        items = (
            [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
        )
        return [str(v) for v in items if v]

    def _remember(self, path: Path) -> None:
        text = str(path.resolve())
        recent = [text] + [p for p in self.recent_projects() if p != text]
        self.settings.setValue("project/recent", recent[:_MAX_RECENT])
        self.settings.setValue("project/last", text)

    # -- coder ---------------------------------------------------------------------------

    def coder_name(self) -> str:
        return str(self.settings.value("coder/name", "", type=str))

    def packet_coder(self) -> Coder | None:
        """The coder a packet belongs to (a packet's work is merged back under that coder)."""
        project = self.project
        if project is None:
            return None
        info = project.info
        if info.role != "packet" or not info.packet_coder_uuid:
            return None
        return project.coders.find(info.packet_coder_uuid)

    def set_coder(self, name: str) -> Coder | None:
        clean = " ".join(name.split())
        if not clean:
            raise R2pError("A coder needs a name.")
        owner = self.packet_coder()
        if owner is not None and owner.name.casefold() != clean.casefold():
            raise R2pError(
                f"This packet belongs to {owner.name}; codings made in it are stored as "
                f"{owner.name}'s. Open your own packet to code under your name."
            )
        self.settings.setValue("coder/name", clean)
        self.stack.clear()  # undo entries belong to the coder who made them
        self._bind_coder(clean)
        self.changed.emit(Changes(everything=True))
        return self.coder

    def _bind_coder(self, name: str, *, count: bool = True) -> None:
        # The user's coder row is looked up, never made here: it is made by the first coding,
        # done mark or memo (require_coder), so a lead who only reviews a master, or reads a
        # read-only project, never becomes a coder with no codings.
        self.coder = None
        self._cached = None
        owner = self.packet_coder()
        if owner is not None:
            self.coder = owner
        elif self.project is not None and name:
            self.coder = self._named(self.project, name)
        self._reload_codebook()
        if count:
            code_counts.load(self)
        self.coder_changed.emit()

    @staticmethod
    def _named(project: Project, name: str, current: int | None = None) -> Coder | None:
        """The coder called ``name``: of several, one with codings (the current one first)."""
        matches = [c for c in project.coders.list() if c.name.casefold() == name.casefold()]
        if len(matches) <= 1:
            return matches[0] if matches else None
        counts = {c.id: project.codings.count(c.id) for c in matches}
        return max(matches, key=lambda c: (counts[c.id] > 0, c.id == current, counts[c.id], -c.id))

    def _rebind(self) -> None:
        # After an import or merge a coder of the user's name may have arrived (or gained the
        # codings that make it the one to prefer).
        project, name = self.project, self.coder_name()
        if project is None or not name or self.packet_coder() is not None:
            return
        found = self._named(project, name, self.coder.id if self.coder else None)
        if found != self.coder:
            self._bind_coder(name)

    def coder_label(self) -> str:
        """The name the user codes under (their row may not exist yet), or an empty string."""
        return self.coder.name if self.coder is not None else self.coder_name()

    def needs_name(self) -> bool:
        """True when nobody is coding: no name set, and not a packet (which names its coder)."""
        return self.coder is None and not self.coder_name()

    def require_coder(self) -> Coder:
        """The coder whose work is being stored; their row is made here on their first write."""
        project = self.require()
        if self.coder is None:
            name = self.coder_name()
            if not name:
                raise R2pError("Tell r2pcoder your name first (Coder menu).")
            self.coder = project.coders.add(name)
            self._cached = None
            self._reload_codebook()
            code_counts.load(self)
            self.coder_changed.emit()
            self.changed.emit(Changes(coders=True))
        return self.coder

    # -- codebook ------------------------------------------------------------------------

    def _reload_codebook(self) -> None:
        if self.project is None:
            self._themes, self._stances = {}, {}
            self.look = CodebookLook()
            return
        self._themes = {t.id: t for t in self.project.codebook.themes(include_retired=True)}
        self._stances = {s.id: s for s in self.project.codebook.stances()}
        coders = {c.id: c.name for c in self.project.coders.list()}
        self.look = CodebookLook(dict(self._themes), dict(self._stances), coders)

    def themes(self) -> list[ThemeInfo]:
        return [t for t in self._themes.values() if not t.retired]

    def stances(self) -> list[StanceInfo]:
        return sorted(self._stances.values(), key=lambda s: s.position)

    def theme(self, theme_id: int) -> ThemeInfo | None:
        return self._themes.get(theme_id)

    def stance(self, stance_id: int | None) -> StanceInfo | None:
        return None if stance_id is None else self._stances.get(stance_id)

    def _on_changed(self, changes: Changes) -> None:
        if changes.codebook or changes.everything or changes.coders:
            self._reload_codebook()
        if changes.everything or changes.coders:
            self._rebind()
        if changes.everything:
            # Merges and other wholesale changes are not undoable; older commands would act on
            # rows that may have changed under them.
            self.stack.clear()
        foreign = not self._reporting and self._cached is not None
        if changes.everything or changes.documents or (foreign and self._cached_in(changes)):
            self._cached = None
        if changes.everything or changes.documents:
            code_counts.load(self)  # without a coder: no counts, and the codebook is told so
        elif changes.codings:
            code_counts.recount(self, changes.codings)

    # -- reading -------------------------------------------------------------------------

    def documents(self) -> list[DocumentSummary]:
        return [] if self.project is None else self.project.documents.list()

    def statuses(self) -> dict[int, tuple[Status, int]]:
        if self.project is None or self.coder is None:
            return {}
        return self.project.documents.statuses(self.coder.id)

    def document(self, document_id: int) -> Document:
        return self.require().documents.get(document_id)

    def codings(self, document_id: int) -> list[Coding]:
        """The current coder's codings of a statement, in text order."""
        if self.project is None or self.coder is None:
            return []
        if self._cached is None or self._cached[0] != document_id:
            found = self.project.codings.for_document(document_id, self.coder.id)
            self._cached = (document_id, {c.uuid: c for c in found})
        return sorted(self._cached[1].values(), key=lambda c: (c.start, c.end, c.id))

    def cached_codings(self, document_id: int) -> list[Coding] | None:
        """The statement's codings if they are at hand without a query, else None."""
        if self._cached is None or self._cached[0] != document_id:
            return None
        return list(self._cached[1].values())

    def coding_count(self, document_id: int) -> int | None:
        """The number of codings if known without a query, else None."""
        if self._cached is None or self._cached[0] != document_id:
            return None
        return len(self._cached[1])

    def other_codings(self, document_id: int) -> list[Coding]:
        """Other coders' codings of a statement (read-only; none in a blind packet)."""
        if self.project is None:
            return []
        mine = self.coder.id if self.coder is not None else None
        return [c for c in self.project.codings.for_document(document_id) if c.coder_id != mine]

    def _report(self, coding: Coding, present: bool) -> None:
        self._touched = (coding.document_id, coding.uuid if present else None)
        if self._cached is not None and self._cached[0] == coding.document_id:
            if present and (self.coder is None or coding.coder_id == self.coder.id):
                self._cached[1][coding.uuid] = coding
            else:
                self._cached[1].pop(coding.uuid, None)
        self._reporting = True
        try:
            self.changed.emit(Changes(codings=frozenset({coding.document_id})))
        finally:
            self._reporting = False

    def _cached_in(self, changes: Changes) -> bool:
        return self._cached is not None and self._cached[0] in changes.codings

    # -- undoable coding actions ---------------------------------------------------------

    def _push(self, command: CoreCommand) -> None:
        if self.runner.busy_writing():
            raise R2pError("Please wait until the import finishes.")
        command.run_first()
        self.push_done(command)

    def push(self, command: CoreCommand) -> None:
        """Run a command and put it on the undo stack (refused while a writer job runs)."""
        self._push(command)

    def autocoded(self, report: AutocodeReport) -> None:
        """An autocoding job stored its codings: one undo entry, and refresh what it touched."""
        if not report.applied:
            return
        theme = self.theme(report.applied[0].theme_id)
        command = AutocodeCommand(
            self.require(), report.applied, theme.name if theme else "?", self.changed.emit
        )
        self.push_done(command)
        self.changed.emit(Changes(codings=frozenset(c.document_id for c in report.applied)))

    def push_done(self, command: CoreCommand) -> None:
        """Put a command whose action already ran on the undo stack."""
        self._pushing = True
        try:
            self.stack.push(command)
        finally:
            self._pushing = False

    def _on_stack_index_changed(self, index: int) -> None:
        before, self._index = self._index, index
        touched, self._touched = self._touched, None
        if self._pushing or index == before or self.stack.count() == 0:
            return  # a push, or the stack was cleared
        if index < before:
            text = f"Undone: {self.stack.text(index)}"
        else:
            text = f"Redone: {self.stack.text(index - 1)}"
        doc, uuid = touched if touched is not None else (None, None)
        self.replayed.emit(doc, uuid, text)

    def apply_coding(
        self, document_id: int, theme_id: int, start: int, end: int, stance_id: int | None = None
    ) -> Coding:
        coder = self.require_coder()
        theme = self.theme(theme_id)
        request = CodingRequest(document_id, coder.id, theme_id, start, end, stance_id)
        command = ApplyCodeCommand(
            self.require().codings, request, theme.name if theme else "?", self._report
        )
        self._push(command)
        assert command.coding is not None
        return command.coding

    def set_stance(self, uuid: str, stance_id: int | None) -> None:
        stance = self.stance(stance_id)
        text = f"Set stance '{stance.name}'" if stance else "Clear stance"
        self._push(self._recode(uuid, text, stance_id=stance_id))

    def set_theme(self, uuid: str, theme_id: int) -> None:
        theme = self.theme(theme_id)
        text = f"Recode as '{theme.name if theme else '?'}'"
        self._push(self._recode(uuid, text, theme_id=theme_id))

    def set_memo(self, uuid: str, memo: str) -> None:
        self._push(self._recode(uuid, "Edit memo", memo=memo))

    def _recode(
        self,
        uuid: str,
        text: str,
        *,
        theme_id: int | None = None,
        stance_id: int | object | None = UNSET,
        memo: str | None = None,
    ) -> RecodeCommand:
        self.require_coder()
        return RecodeCommand(
            self.require().codings,
            uuid,
            text,
            self._report,
            theme_id=theme_id,
            stance_id=stance_id,
            memo=memo,
        )

    def delete_coding(self, uuid: str) -> None:
        self.require_coder()
        project = self.require()
        theme = self.theme(project.codings.get(uuid).theme_id)
        label = theme.name if theme else "?"
        self._push(DiscardCodingCommand(project.codings, uuid, label, self._report))

    def rename_theme(self, theme_id: int, name: str) -> None:
        self._push(RenameCodeCommand(self.require().codebook, theme_id, name, self.changed.emit))

    def set_done(self, document_id: int, done: bool = True) -> None:
        coder = self.require_coder()
        documents = self.require().documents
        self._push(MarkDoneCommand(documents, document_id, coder.id, done, self._done_changed))

    def memo_touched(self, document_id: int | None) -> None:
        """A memo was written (or its writing undone); on a statement, that statement."""
        if document_id is not None:
            self._touched = (document_id, None)
        self.memos_changed.emit()

    def _done_changed(self, document_id: int) -> None:
        self._touched = (document_id, None)
        self.done_changed.emit(document_id)

    # -- background jobs -----------------------------------------------------------------

    def start_import(
        self, paths: Sequence[Path], metadata_csv: Path | None = None
    ) -> Job[ImportReport]:
        """Import files or folders in the background; ``import_finished`` reports the result."""
        project = self.require()
        files = [Path(p) for p in paths]

        def work(progress: ProgressFn, cancelled: CancelCheck) -> ImportReport:
            return import_files(
                project, files, metadata_csv=metadata_csv, progress=progress, cancelled=cancelled
            )

        job = self.runner.start(work, name="import", writes=True)
        return job.observe(self, success=self._imported, failure=self.failure_reporter("Import"))

    def _imported(self, report: ImportReport) -> None:
        self.stack.clear()
        self.changed.emit(Changes(documents=True))
        self.import_finished.emit(report)

    def load_codebook(self, path: Path) -> Job[CodebookLoadReport]:
        """Install or revise the codebook in the background; ``codebook_loaded`` reports it."""
        project = self.require()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> CodebookLoadReport:
            codebook = load_codebook(Path(path))
            progress(0.5)
            check_cancelled(cancelled)
            return project.codebook.load(codebook)

        job = self.runner.start(work, name="load codebook", writes=True)
        failure = self.failure_reporter("Load codebook")
        return job.observe(self, success=self._codebook_done, failure=failure)

    def _codebook_done(self, report: CodebookLoadReport) -> None:
        self.stack.clear()
        self.changed.emit(Changes(codebook=True, codings=frozenset(), everything=True))
        self.codebook_loaded.emit(report)

    def failure_reporter(self, title: str) -> Callable[[BaseException], None]:
        """A job failure handler that has the window show the error (a cancel is logged)."""
        return lambda exc: self.job_failed.emit(title, exc)
