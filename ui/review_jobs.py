"""Review's calls on the open master: queue and progress as jobs, decisions as undo commands.

:class:`ReviewJobs` (``controller.review``) reads the queue and the progress counts on the
reader pool, previews and applies the auto rules as jobs, and makes every decision an undoable
command over the core's inverse pair (:class:`ui.review.commands.ReviewCommand`). What a
decision means for the window is broadcast once, as ``controller.reviewed(change, replayed)``.
Nothing here writes a coder's layer or makes a coder row: review decides in the gold layer, and
the lead is recorded by name (with their coder UUID only when they already are a coder).

The review core (numpy) is imported inside the calls: the window starts without it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from r2pcoder.errors import R2pError
from r2pcoder.progress import CancelCheck, ProgressFn
from r2pcoder.wording import counted

from ui.workers import Job

if TYPE_CHECKING:
    from r2pcoder.review import (
        AutoReport,
        AutoRule,
        CellChange,
        Decider,
        QueueFilter,
        QueueItem,
        ReviewService,
        ReviewStatus,
    )

    from ui.controller import AppController

__all__ = ["AutoOutcome", "Decide", "ReviewJobs"]

Decide = Callable[["ReviewService", "Decider"], "CellChange"]
"""A decision: the review service and who decides in, the change out."""


@dataclass(frozen=True)
class AutoOutcome:
    """What applying auto rules did: each rule's report, their change together, any failure."""

    reports: tuple[AutoReport, ...]
    change: CellChange | None
    error: str = ""


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "lead"


class ReviewJobs:
    """Review of the controller's master (made on demand: holding it would make a cycle)."""

    def __init__(self, controller: AppController) -> None:
        self._c = controller

    def service(self) -> ReviewService:
        """The master's review service; a packet is refused with the reason."""
        project = self._c.require()
        project.review.check_master()
        return project.review

    def decider(self) -> Decider:
        """The lead: the user's name, with their coder UUID if they are a coder here."""
        from r2pcoder.review import Decider  # noqa: PLC0415 - loaded with review

        coder = self._c.coder
        if coder is not None:
            return Decider(coder.name, coder.uuid)
        return Decider(self._c.coder_name() or _login())

    # -- reading -------------------------------------------------------------------------

    def load(self, filters: QueueFilter) -> Job[tuple[list[QueueItem], ReviewStatus]]:
        """The queue the filter asks for and the progress counts (a read)."""
        review = self.service()

        def work(_p: ProgressFn, _c: CancelCheck) -> tuple[list[QueueItem], ReviewStatus]:
            return review.queue(filters), review.status()

        return self._c.runner.start(work, name="review queue", writes=False)

    def status(self) -> Job[ReviewStatus]:
        """The progress counts (a read)."""
        review = self.service()
        return self._c.runner.start(
            lambda _p, _c: review.status(), name="review status", writes=False
        )

    # -- deciding ------------------------------------------------------------------------

    def decide(self, text: str, call: Decide) -> CellChange:
        """Make a decision as one undoable command; returns its change (pushed if it changed).

        Raises:
            R2pError: refused (the reason says why); nothing was written or pushed.
        """
        from ui.review.commands import ReviewCommand  # noqa: PLC0415 - loaded with review

        review, by = self.service(), self.decider()
        if self._c.runner.busy_writing():
            raise R2pError("Please wait until the running import, merge or auto rule finishes.")
        command = ReviewCommand(
            review, lambda: call(review, by), text, self._c.reviewed.emit, self.replay_failed
        )
        command.run_first()
        assert command.change is not None
        if command.change.changed:
            self._c.push_done(command)
        return command.change

    def replay_failed(self, exc: BaseException) -> None:
        """An undo or redo was refused (the cells changed since): say so, start afresh."""
        c = self._c
        c.job_failed.emit("Undo", exc)
        # Not from inside the stack's own undo(): on the next turn of the event loop.
        QTimer.singleShot(0, c.stack, c.stack.clear)
        c.reviewed.emit(None, True)

    # -- auto rules ----------------------------------------------------------------------

    def auto_preview(self, rules: Sequence[AutoRule]) -> Job[list[AutoReport]]:
        """What each rule would decide now (dry runs; a read)."""
        review, by, chosen = self.service(), self.decider(), list(rules)

        def work(progress: ProgressFn, cancelled: CancelCheck) -> list[AutoReport]:
            from r2pcoder.progress import wrap_progress  # noqa: PLC0415

            return [
                review.auto(
                    rule,
                    by=by,
                    dry_run=True,
                    cancelled=cancelled,
                    progress=wrap_progress(progress, i / len(chosen), (i + 1) / len(chosen)),
                )
                for i, rule in enumerate(chosen)
            ]

        return self._c.runner.start(work, name="auto rules preview", writes=False)

    def auto_apply(self, rules: Sequence[AutoRule]) -> Job[AutoOutcome]:
        """Apply the rules in order as one writer job; the run becomes one undoable command."""
        review, by, chosen = self.service(), self.decider(), list(rules)
        if self._c.runner.busy_writing():
            raise R2pError("Please wait until the running import, merge or auto rule finishes.")

        def work(progress: ProgressFn, cancelled: CancelCheck) -> AutoOutcome:
            return _apply_rules(review, by, chosen, progress, cancelled)

        job = self._c.runner.start(work, name="auto rules", writes=True)
        return job.observe(
            self._c, success=self._auto_applied, failure=self._c.failure_reporter("Auto rules")
        )

    def _auto_applied(self, outcome: AutoOutcome) -> None:
        from ui.review.commands import ReviewCommand  # noqa: PLC0415 - loaded with review

        change = outcome.change
        if change is not None and change.changed:
            n = len(change.after)
            rules = " and ".join(r.rule for r in outcome.reports)
            text = (
                f"Auto rule{'s' if len(outcome.reports) > 1 else ''} {rules}: {counted(n, 'cell')}"
            )
            self._c.push_done(
                ReviewCommand(
                    self.service(), change, text, self._c.reviewed.emit, self.replay_failed
                )
            )
            self._c.reviewed.emit(replace(change, action=text), False)
        if outcome.error:
            self._c.job_failed.emit("Auto rules", R2pError(outcome.error))


def _apply_rules(
    review: ReviewService,
    by: Decider,
    rules: Sequence[AutoRule],
    progress: ProgressFn,
    cancelled: CancelCheck,
) -> AutoOutcome:
    """Each rule in its own transaction; what was written stays one change, even on a failure."""
    from r2pcoder.progress import wrap_progress  # noqa: PLC0415
    from r2pcoder.review import CellChange  # noqa: PLC0415

    reports: list[AutoReport] = []
    error = ""
    for i, rule in enumerate(rules):
        try:
            reports.append(
                review.auto(
                    rule,
                    by=by,
                    undoable=True,
                    cancelled=cancelled,
                    progress=wrap_progress(progress, i / len(rules), (i + 1) / len(rules)),
                )
            )
        except R2pError as exc:
            if not reports:
                raise
            error = f"{exc} (the rule {reports[-1].rule} was applied; {rule} was not)"
            break
    changes = [r.change for r in reports if r.change is not None]
    action = "auto rules " + ", ".join(r.rule for r in reports)
    if not changes:
        return AutoOutcome(tuple(reports), None, error)
    merged = CellChange(
        action,
        tuple(b for c in changes for b in c.before),
        tuple(a for c in changes for a in c.after),
    )
    return AutoOutcome(tuple(reports), merged, error)
