"""The coder's tools beyond one statement: retrieval, corpus search, autocoding and memos.

Dialogs gather a query and ask :class:`WorkbenchJobs` (``controller.workbench``) to run it; each
long operation starts one job on the controller's runner and returns its
:class:`~ui.workers.Job`, on which the dialog registers its own callbacks with
``job.observe(dialog, ...)``. Job functions are Qt-free core calls and capture only the project
and plain values. What a finished operation means for the rest of the window (an autocoding goes
on the undo stack and refreshes the statements it touched) is done here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from r2pcoder.errors import R2pError
from r2pcoder.memo_list import MemoInfo, list_memos
from r2pcoder.progress import CancelCheck, ProgressFn

from ui.undo import MemoCommand
from ui.workers import Job

if TYPE_CHECKING:
    from r2pcoder.autocode import AutocodeReport
    from r2pcoder.corpus_search import SearchQuery, SearchResult
    from r2pcoder.db import Project
    from r2pcoder.retrieval import RetrievalQuery, RetrievalResult

    from ui.controller import AppController

__all__ = ["WorkbenchJobs"]


class WorkbenchJobs:
    """Starts the workbench's long operations as jobs; memo edits as undoable commands."""

    def __init__(self, controller: AppController) -> None:
        self._c = controller

    def _project(self) -> Project:
        return self._c.require()

    # -- retrieval and search ------------------------------------------------------------

    def retrieve(self, query: RetrievalQuery) -> Job[RetrievalResult]:
        """Every passage of the query's themes (a read)."""
        project = self._project()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> RetrievalResult:
            from r2pcoder.retrieval import retrieve  # noqa: PLC0415 - on the worker

            return retrieve(project, query, progress=progress, cancelled=cancelled)

        return self._c.runner.start(work, name="retrieval", writes=False)

    def search(self, query: SearchQuery) -> Job[SearchResult]:
        """Every match of a phrase or pattern in the corpus (a read)."""
        project = self._project()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> SearchResult:
            from r2pcoder.corpus_search import search_corpus  # noqa: PLC0415 - on the worker

            return search_corpus(project, query, progress=progress, cancelled=cancelled)

        return self._c.runner.start(work, name="corpus search", writes=False)

    def autocode(
        self, theme_id: int, stance_id: int | None, spans: Sequence[tuple[int, int, int]]
    ) -> Job[AutocodeReport]:
        """Code the reviewed hits with one theme (a write); one undoable action once stored."""
        project = self._project()
        coder = self._c.require_coder()
        if self._c.runner.busy_writing():
            raise R2pError("Please wait until the running import or merge finishes.")
        chosen = list(spans)

        def work(progress: ProgressFn, cancelled: CancelCheck) -> AutocodeReport:
            from r2pcoder.autocode import apply_many  # noqa: PLC0415 - on the worker

            return apply_many(
                project,
                coder.id,
                theme_id,
                chosen,
                stance_id,
                progress=progress,
                cancelled=cancelled,
            )

        job = self._c.runner.start(work, name="autocode", writes=True)
        return job.observe(
            self._c, success=self._c.autocoded, failure=self._c.failure_reporter("Code search hits")
        )

    # -- memos ---------------------------------------------------------------------------

    def memos(self, search: str = "", every_coder: bool = False) -> list[MemoInfo]:
        coder = self._c.coder
        if self._c.project is None:
            return []
        return list_memos(
            self._c.project, coder.id if coder else None, every_coder=every_coder, search=search
        )

    def document_memo(self, document_id: int) -> str:
        coder = self._c.coder
        if self._c.project is None or coder is None:
            return ""
        return self._c.project.memos.document_memo(document_id, coder.id)

    def theme_memo(self, theme_id: int) -> str:
        coder = self._c.coder
        if self._c.project is None or coder is None:
            return ""
        return self._c.project.memos.theme_memo(theme_id, coder.id)

    def set_document_memo(self, document_id: int, text: str) -> None:
        """Write the coder's memo on a statement (undoable)."""
        memos, coder = self._project().memos, self._c.require_coder()
        before = memos.document_memo(document_id, coder.id)
        if before == text:
            return
        title = self._c.document(document_id).title

        def write(value: str) -> None:
            memos.set_document_memo(document_id, value, coder.id)

        controller = self._c
        self._c.push(
            MemoCommand(
                write, before, text, f"'{title}'", lambda: controller.memo_touched(document_id)
            )
        )

    def set_theme_memo(self, theme_id: int, text: str) -> None:
        """Write the coder's memo on a theme (undoable)."""
        memos, coder = self._project().memos, self._c.require_coder()
        before = memos.theme_memo(theme_id, coder.id)
        if before == text:
            return
        theme = self._c.theme(theme_id)

        def write(value: str) -> None:
            memos.set_theme_memo(theme_id, value, coder.id)

        what = f"theme '{theme.name if theme else '?'}'"
        controller = self._c
        self._c.push(MemoCommand(write, before, text, what, lambda: controller.memo_touched(None)))
