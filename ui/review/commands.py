"""Undo commands of review: every decision is one pair of core calls that are exact inverses.

A decision call (``accept``, ``set_stance``, ``mark_absent``, ``resolve``...) returns a
:class:`~r2pcoder.review.CellChange`, the cells' gold states before and after;
``ReviewService.undo(change)`` puts the states before back and ``redo(change)`` the states
after, each refusing when the cells changed in between (a decision made from the command line
while the window was open). A refusal leaves the gold layer as it is and is reported, never
raised out of the undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from r2pcoder.errors import R2pError
from r2pcoder.review import CellChange, ReviewService

from ui.undo import CoreCommand

__all__ = ["ReviewCommand"]

Notify = Callable[[CellChange, bool], None]
"""Told each change made (``False``) or put back by an undo or redo (``True``)."""


class ReviewCommand(CoreCommand):
    """One decision on the gold layer (or one auto run); undo and redo restore it exactly.

    ``decide`` is the decision call, run once; or the change of a decision already made (an
    auto run stored by a job), in which case the first ``redo`` that ``push`` calls is skipped.
    """

    def __init__(
        self,
        review: ReviewService,
        decide: Callable[[], CellChange] | CellChange,
        text: str,
        notify: Notify,
        failed: Callable[[BaseException], None],
    ) -> None:
        super().__init__(text)
        self._review = review
        self._decide = decide
        self._notify = notify
        self._failed = failed
        self.change: CellChange | None = None
        if isinstance(decide, CellChange):
            self.change = decide
            self._ran_first = True

    def forward(self) -> None:
        if self.change is None:
            assert callable(self._decide)
            self.change = self._decide()  # a refusal raises here: the command is never pushed
            self._notify(replace(self.change, action=self.text()), False)
            return
        change = self.change
        self._replay(lambda: self._review.redo(change), "Redone")

    def undo(self) -> None:
        assert self.change is not None
        change = self.change
        self._replay(lambda: self._review.undo(change), "Undone")

    def _replay(self, call: Callable[[], CellChange], done_word: str) -> None:
        try:
            done = call()
        except R2pError as exc:
            self._failed(exc)
            return
        # Told with the command's own words (the cells are those of the change).
        self._notify(replace(done, action=f"{done_word}: {self.text()}"), True)
