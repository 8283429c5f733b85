"""ReviewService: the lead's review of a master, one transaction per call (``project.review``).

Queries: :meth:`~ReviewService.status` (progress counts), :meth:`~ReviewService.queue` (cells
awaiting a decision, filtered), :meth:`~ReviewService.statement` (one statement's lanes and
cells). Decisions each return a :class:`~r2pcoder.review.model.CellChange`;
:meth:`~ReviewService.undo` and :meth:`~ReviewService.redo` are their inverses, so the window's
undo stack wraps two core calls. Decisions go to the gold layer only: coder layers are never
written here. Review happens in a master; a packet is refused. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from r2pcoder.errors import UnknownEntity
from r2pcoder.progress import CancelCheck, ProgressFn, wrap_progress
from r2pcoder.review import decide
from r2pcoder.review.auto import AutoReport, AutoRule, plan_auto, write_auto
from r2pcoder.review.board import SPAN_THRESHOLD, first_coders, load_board
from r2pcoder.review.decide import Context, ReviewRefused
from r2pcoder.review.model import (
    CellChange,
    CellState,
    Decider,
    QueueFilter,
    QueueItem,
    ReviewStatus,
)
from r2pcoder.review.queue import build_queue, count_status
from r2pcoder.review.statement import StatementReview, statement_review
from r2pcoder.review.store import coding_uuids, read_gold_codings, read_states, write_states
from r2pcoder.schema import DocumentRow, GoldCodingRow, GoldDecisionRow, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["NO_SNAPSHOT_WARNING", "ReviewService", "adjudication_warnings"]

NO_SNAPSHOT_WARNING = (
    "No reliability snapshot of the coders' layers is saved: a paper reports the agreement "
    "measured before adjudication. Measure it and save it (r2pcoder agreement MASTER --save "
    "LABEL, or Save in the Agreement window) before settling disagreements."
)

Cell = tuple[int, int]
Step = Callable[[Context, dict[Cell, CellState]], list[CellState]]


def _snapshot_of_coders(session: Session) -> bool:
    """True when a saved snapshot compared coder layers.

    Snapshots saved before snapshots recorded their ``layers`` compared coders only.
    """
    rows = session.execute(
        text("SELECT json_extract(results, '$.layers') FROM reliability_snapshots")
    )
    for (layers,) in rows:
        found = json.loads(layers) if layers else []
        if all(str(layer).startswith("coder:") for layer in found):
            return True
    return False


def adjudication_warnings(session: Session) -> tuple[str, ...]:
    """What the lead should know before deciding: no snapshot of the coders' agreement."""
    return () if _snapshot_of_coders(session) else (NO_SNAPSHOT_WARNING,)


class ReviewService:
    """Review and adjudication of a master's coder layers into its gold layer."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def check_master(self) -> None:
        """Refuse review in a coder's packet (every call does; callers may ask first)."""
        if self._project.info.role != "master":
            raise ReviewRefused(
                f"{self._project.path.name} is a coder's packet: review and adjudication happen "
                "in the master, after the packets are merged."
            )

    @staticmethod
    def _document(session: Session, document_id: int) -> None:
        if session.get(DocumentRow, document_id) is None:
            raise UnknownEntity(f"There is no statement with id {document_id} in this project.")

    # -- queries ---------------------------------------------------------------------------

    def status(self) -> ReviewStatus:
        """Statements, cells and decisions counted (see :class:`ReviewStatus`)."""
        self.check_master()
        with self._project.unit_of_work() as s:
            board = load_board(s)
            statements = int(s.scalar(select(func.count()).select_from(DocumentRow)) or 0)
            return count_status(board, statements, adjudication_warnings(s))

    def queue(
        self, filters: QueueFilter | None = None, *, threshold: float = SPAN_THRESHOLD
    ) -> list[QueueItem]:
        """The cells ``filters`` asks for (default: awaiting and re-opened), in statement order."""
        self.check_master()
        chosen = filters or QueueFilter()
        with self._project.unit_of_work() as s:
            # A statement's cells depend on that statement alone: when the filter names
            # statements, only they are read (the window refreshes one statement's rows so).
            board = load_board(s, documents=chosen.documents or None)
            return build_queue(board, chosen, threshold)

    def statement(self, document_id: int, *, threshold: float = SPAN_THRESHOLD) -> StatementReview:
        """One statement with every coder's codings in lanes, differences marked, and its cells."""
        self.check_master()
        with self._project.unit_of_work() as s:
            row = s.get(DocumentRow, document_id)
            if row is None:
                raise UnknownEntity(f"There is no statement with id {document_id} in this project.")
            board = load_board(s, documents=[document_id])
            gold = read_gold_codings(s, [document_id])
            uuids = coding_uuids(s, [c.id for c in board.codings])
            return statement_review(
                board, document_id, (row.text, row.speaker), gold, uuids, threshold
            )

    def warnings(self) -> tuple[str, ...]:
        """The warnings :meth:`status` carries, alone (cheap: for entering review mode)."""
        with self._project.unit_of_work() as s:
            return adjudication_warnings(s)

    def cell(self, document_id: int, theme_id: int) -> CellState:
        """What the gold layer holds for one cell."""
        with self._project.unit_of_work() as s:
            return read_states(s, [(document_id, theme_id)])[(document_id, theme_id)]

    # -- decisions -------------------------------------------------------------------------

    def _decide(
        self,
        action: str,
        document_id: int,
        cells: Sequence[Cell] | None,
        step: Step,
        by: Decider,
        note: str,
    ) -> CellChange:
        self.check_master()
        with self._project.unit_of_work() as s:
            self._document(s, document_id)
            starting = s.scalar(select(GoldDecisionRow.id).limit(1)) is None
            board = load_board(s, documents=[document_id])
            known = [c for c in board.cells() if c[0] == document_id] if cells is None else cells
            ctx = Context(s, board, by, utcnow(), note.strip())
            after = step(ctx, read_states(s, known))
            changed = [st.cell for st in after]
            before = read_states(s, changed)
            write_states(s, after)
            written = read_states(s, changed)
            warnings = adjudication_warnings(s) if starting else ()
            return CellChange(
                action,
                tuple(before[c] for c in changed),
                tuple(written[c] for c in changed),
                warnings,
            )

    def accept(
        self, document_id: int, theme_id: int, coder_id: int, *, by: Decider, note: str = ""
    ) -> CellChange:
        """Gold takes one coder's value in the cell: their codings, or absent if they had none."""
        return self._decide(
            "accept a coder's coding",
            document_id,
            [(document_id, theme_id)],
            lambda ctx, _: decide.accept(ctx, (document_id, theme_id), coder_id),
            by,
            note,
        )

    def accept_agreed(
        self, document_id: int, theme_id: int | None = None, *, by: Decider, note: str = ""
    ) -> CellChange:
        """Gold takes what all coders agree on, in one cell.

        Without a theme: in every agreed, undecided cell of the statement.
        """

        def step(ctx: Context, _: dict[Cell, CellState]) -> list[CellState]:
            board = ctx.board
            cells = (
                [(document_id, theme_id)]
                if theme_id is not None
                else [
                    c for c in board.cells() if c[0] == document_id and board.status(c) == "agreed"
                ]
            )
            if not cells:
                raise ReviewRefused("No theme of this statement is agreed and undecided.")
            return decide.accept_agreed(ctx, cells, first_coders(ctx.session, cells))

        cells = None if theme_id is None else [(document_id, theme_id)]
        return self._decide("accept what all agree on", document_id, cells, step, by, note)

    def set_stance(
        self,
        document_id: int,
        theme_id: int,
        stance_id: int | None,
        *,
        by: Decider,
        note: str = "",
        gold_uuid: str | None = None,
    ) -> CellChange:
        """Change the stance of the cell's gold codings (or of the one ``gold_uuid`` names)."""
        cell = (document_id, theme_id)
        return self._decide(
            "change the stance",
            document_id,
            [cell],
            lambda ctx, states: decide.set_stance(ctx, states[cell], stance_id, gold_uuid),
            by,
            note,
        )

    def add(
        self,
        document_id: int,
        theme_id: int,
        stance_id: int | None,
        span: tuple[int, int],
        *,
        by: Decider,
        note: str = "",
        keep: bool = True,
    ) -> CellChange:
        """A gold coding made by the lead; ``keep=False`` replaces the cell's gold codings."""
        cell = (document_id, theme_id)
        return self._decide(
            "add a coding",
            document_id,
            [cell],
            lambda ctx, states: decide.add(ctx, states[cell], stance_id, span, keep=keep),
            by,
            note,
        )

    def _gold_cell(self, gold_uuid: str) -> Cell:
        with self._project.unit_of_work() as s:
            row = s.execute(
                select(GoldCodingRow.document_id, GoldCodingRow.theme_id).where(
                    GoldCodingRow.uuid == gold_uuid
                )
            ).first()
        if row is None:
            raise UnknownEntity(f"There is no gold coding {gold_uuid} in this project.")
        return (row[0], row[1])

    def adjust_span(
        self, gold_uuid: str, span: tuple[int, int], *, by: Decider, note: str = ""
    ) -> CellChange:
        """Move a gold coding's boundaries."""
        cell = self._gold_cell(gold_uuid)
        return self._decide(
            "adjust the span",
            cell[0],
            [cell],
            lambda ctx, states: decide.adjust_span(ctx, states[cell], gold_uuid, span),
            by,
            note,
        )

    def remove_gold(self, gold_uuid: str, *, by: Decider) -> CellChange:
        """Delete a gold coding (the last one of a cell takes its decision with it)."""
        cell = self._gold_cell(gold_uuid)
        return self._decide(
            "remove a gold coding",
            cell[0],
            [cell],
            lambda ctx, states: decide.remove_gold(ctx, states[cell], gold_uuid),
            by,
            "",
        )

    def mark_absent(
        self, document_id: int, theme_id: int, *, by: Decider, note: str = ""
    ) -> CellChange:
        """Gold says the theme is not in the statement."""
        cell = (document_id, theme_id)
        return self._decide(
            "mark the theme absent",
            document_id,
            [cell],
            lambda ctx, _: decide.mark_absent(ctx, cell),
            by,
            note,
        )

    def resolve(self, document_id: int, *, by: Decider, note: str = "") -> CellChange:
        """Mark the statement resolved: cells still awaiting are settled as absent.

        They get decisions of kind ``resolved``; re-opened decisions are confirmed.
        """
        return self._decide(
            "mark the statement resolved",
            document_id,
            None,
            lambda ctx, states: decide.resolve(ctx, document_id, states),
            by,
            note,
        )

    def confirm(
        self, document_id: int, theme_id: int, *, by: Decider, note: str = ""
    ) -> CellChange:
        """Keep a re-opened decision as it stands (clears the re-opened flag)."""
        cell = (document_id, theme_id)
        return self._decide(
            "keep the decision",
            document_id,
            [cell],
            lambda ctx, states: decide.confirm(ctx, states[cell]),
            by,
            note,
        )

    def reopen(
        self, document_id: int, theme_id: int | None = None, *, by: Decider | None = None
    ) -> CellChange:
        """Withdraw the decision on a cell (or every decision of the statement).

        The cells go back to the queue. The change lists what was withdrawn; :meth:`undo`
        brings it back.
        """
        cells = None if theme_id is None else [(document_id, theme_id)]
        return self._decide(
            "re-open",
            document_id,
            cells,
            lambda ctx, states: decide.reopen(list(states.values())),
            by or Decider("lead"),
            "",
        )

    # -- undo / redo -----------------------------------------------------------------------

    def _restore(
        self, expected: Sequence[CellState], target: Sequence[CellState], action: str
    ) -> CellChange:
        self.check_master()
        with self._project.unit_of_work() as s:
            cells = [st.cell for st in expected]
            current = read_states(s, cells)
            if any(current[st.cell] != st for st in expected):
                raise ReviewRefused(
                    "The gold layer changed there since (another decision, perhaps from the "
                    "command line); refresh the review: nothing was undone or redone."
                )
            write_states(s, target)
            after = read_states(s, cells)
            return CellChange(action, tuple(expected), tuple(after[c] for c in cells))

    def undo(self, change: CellChange) -> CellChange:
        """Put the cells of ``change`` back as they were before it (its exact inverse)."""
        return self._restore(change.after, change.before, f"undo: {change.action}")

    def redo(self, change: CellChange) -> CellChange:
        """Make ``change`` again after :meth:`undo`, exactly (same UUIDs and times)."""
        return self._restore(change.before, change.after, change.action)

    # -- auto rules ------------------------------------------------------------------------

    def auto(
        self,
        rule: AutoRule,
        *,
        by: Decider,
        dry_run: bool = False,
        undoable: bool = False,
        progress: ProgressFn | None = None,
        cancelled: CancelCheck | None = None,
    ) -> AutoReport:
        """Decide, by ``rule``, the cells the coders settle among themselves.

        See :mod:`r2pcoder.review.auto`; ``dry_run`` reports the same and writes nothing.
        ``undoable`` also returns the run as a :class:`CellChange` (``report.change``), which
        :meth:`undo` takes back and :meth:`redo` makes again, like any decision.
        """
        self.check_master()
        report = wrap_progress(progress, 0.0, 1.0)
        with self._project.unit_of_work() as s:
            board = load_board(s)
            report(0.3)
            plan = plan_auto(board, rule, lambda cells: first_coders(s, cells), cancelled=cancelled)
            report(0.5)
            if dry_run:
                return plan
            ctx = Context(s, board, by, utcnow(), "")
            states = write_auto(ctx, plan, progress=wrap_progress(progress, 0.5, 0.8))
            write_states(s, states, fresh=True)
            change = _auto_change(s, rule, states) if undoable else None
            report(1.0)
        return AutoReport(
            plan.rule, False, plan.decided, plan.already, plan.no_majority, plan.too_few, change
        )


def _auto_change(session: Session, rule: AutoRule, states: Sequence[CellState]) -> CellChange:
    """An auto run as a change: its cells held nothing before (rules skip decided cells)."""
    cells = [st.cell for st in states]
    written = read_states(session, cells)
    return CellChange(
        f"auto rule {rule}",
        tuple(CellState(*cell) for cell in cells),
        tuple(written[cell] for cell in cells),
    )
