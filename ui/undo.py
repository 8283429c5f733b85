"""Undo commands for coding actions: each redo/undo is a pair of inverse core calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from r2pcoder.autocode import discard_many, restore_many
from r2pcoder.changes import Changes
from r2pcoder.codebook.store import CodebookService
from r2pcoder.coding import Coding, CodingRequest, CodingService
from r2pcoder.documents import DocumentService
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "UNSET",
    "ApplyCodeCommand",
    "AutocodeCommand",
    "CoreCommand",
    "DiscardCodingCommand",
    "MarkDoneCommand",
    "MemoCommand",
    "RecodeCommand",
    "RenameCodeCommand",
]

Notify = Callable[[Changes], None]
# Told every coding a command stores (True) or removes (False), so views update without a query.
Report = Callable[[Coding, bool], None]
UNSET = object()


class CoreCommand(QUndoCommand):
    """A command that runs once before it is pushed, then skips the redo that ``push`` calls.

    A refused action (an exception from the core) therefore never lands on the undo stack.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._ran_first = False

    def run_first(self) -> None:
        self.forward()
        self._ran_first = True

    def redo(self) -> None:
        if self._ran_first:
            self._ran_first = False
            return
        self.forward()

    def forward(self) -> None:
        raise NotImplementedError


class ApplyCodeCommand(CoreCommand):
    """Store a new coding; undo discards it, redo restores the same coding (same UUID)."""

    def __init__(
        self, codings: CodingService, request: CodingRequest, label: str, report: Report
    ) -> None:
        super().__init__(f"Code '{label}'")
        self._codings = codings
        self._request = request
        self._report = report
        self.coding: Coding | None = None

    def forward(self) -> None:
        if self.coding is None:
            self.coding = self._codings.apply(self._request)
        else:
            self.coding = self._codings.restore(self.coding)
        self._report(self.coding, True)

    def undo(self) -> None:
        assert self.coding is not None
        self.coding = self._codings.discard(self.coding.uuid)
        self._report(self.coding, False)


class DiscardCodingCommand(CoreCommand):
    """Delete a coding; undo restores it from the snapshot, UUID and timestamps included."""

    def __init__(self, codings: CodingService, uuid: str, label: str, report: Report) -> None:
        super().__init__(f"Delete coding '{label}'")
        self._codings = codings
        self._uuid = uuid
        self._report = report
        self._snapshot: Coding | None = None

    def forward(self) -> None:
        self._snapshot = self._codings.discard(self._uuid)
        self._report(self._snapshot, False)

    def undo(self) -> None:
        assert self._snapshot is not None
        self._report(self._codings.restore(self._snapshot), True)


class RecodeCommand(CoreCommand):
    """Change a coding's theme, stance or memo; undo reverts to the value before."""

    def __init__(
        self,
        codings: CodingService,
        uuid: str,
        text: str,
        report: Report,
        *,
        theme_id: int | None = None,
        stance_id: int | object | None = UNSET,
        memo: str | None = None,
    ) -> None:
        super().__init__(text)
        self._codings = codings
        self._uuid = uuid
        self._report = report
        self._theme_id = theme_id
        self._stance_id = stance_id
        self._memo = memo
        self._before: Coding | None = None

    def forward(self) -> None:
        if self._stance_id is UNSET:
            before, after = self._codings.recode(
                self._uuid, theme_id=self._theme_id, memo=self._memo
            )
        else:
            before, after = self._codings.recode(
                self._uuid, theme_id=self._theme_id, stance_id=self._stance_id, memo=self._memo
            )
        self._before = before
        self._report(after, True)

    def undo(self) -> None:
        assert self._before is not None
        self._report(self._codings.revert(self._before), True)


class MarkDoneCommand(CoreCommand):
    """Mark a statement done (or not done) for a coder; undo flips the mark back."""

    def __init__(
        self,
        documents: DocumentService,
        document_id: int,
        coder_id: int,
        done: bool,
        notify: Callable[[int], None],
    ) -> None:
        super().__init__("Mark statement done" if done else "Mark statement not done")
        self._documents = documents
        self._ids = (document_id, coder_id)
        self._done = done
        self._notify = notify

    def forward(self) -> None:
        self._documents.set_done(*self._ids, self._done)
        self._notify(self._ids[0])

    def undo(self) -> None:
        self._documents.set_done(*self._ids, not self._done)
        self._notify(self._ids[0])


class RenameCodeCommand(CoreCommand):
    """Rename a theme in this project's codebook; undo renames it back."""

    def __init__(self, codebook: CodebookService, theme_id: int, name: str, notify: Notify) -> None:
        super().__init__(f"Rename theme to '{name}'")
        self._codebook = codebook
        self._theme_id = theme_id
        self._name = name
        self._notify = notify
        self._old: str | None = None

    def forward(self) -> None:
        self._old, _ = self._codebook.rename_theme(self._theme_id, self._name)
        self._notify(Changes(codebook=True))

    def undo(self) -> None:
        assert self._old is not None
        self._codebook.rename_theme(self._theme_id, self._old)
        self._notify(Changes(codebook=True))


class AutocodeCommand(CoreCommand):
    """Codings stored by one autocoding (a job); undo discards them all, redo restores them.

    Pushed after the job has stored the codings, so its first ``redo`` is skipped.
    """

    def __init__(self, project: Project, applied: list[Coding], label: str, notify: Notify) -> None:
        super().__init__(f"Code {counted(len(applied), 'search hit')} as '{label}'")
        self._project = project
        self._codings = list(applied)
        self._notify = notify
        self._ran_first = True

    def _changes(self) -> Changes:
        return Changes(codings=frozenset(c.document_id for c in self._codings))

    def forward(self) -> None:
        self._codings = restore_many(self._project, self._codings)
        self._notify(self._changes())

    def undo(self) -> None:
        self._codings = discard_many(self._project, [c.uuid for c in self._codings])
        self._notify(self._changes())


class MemoCommand(CoreCommand):
    """Write a memo on a statement or a theme; undo writes back the text before."""

    def __init__(
        self,
        write: Callable[[str], None],
        before: str,
        after: str,
        what: str,
        notify: Callable[[], None],
    ) -> None:
        super().__init__(f"Edit memo on {what}")
        self._write = write
        self._texts = (before, after)
        self._notify = notify

    def forward(self) -> None:
        self._write(self._texts[1])
        self._notify()

    def undo(self) -> None:
        self._write(self._texts[0])
        self._notify()
