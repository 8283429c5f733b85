"""The lead's decisions on cells, as pure steps from the gold state before to the state after.

Each function checks its request against the board of one statement and returns the new
:class:`~r2pcoder.review.model.CellState` of every cell it touches; the service writes them in
one transaction and keeps the states before for undo. Nothing here commits. Must not import Qt
or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from r2pcoder.errors import R2pError
from r2pcoder.export.layers import CodingTuple
from r2pcoder.review.board import Board
from r2pcoder.review.model import CellState, Decider, Decision, DecisionKind, GoldCoding, Origin
from r2pcoder.review.store import coding_uuids
from r2pcoder.schema import StanceRow, new_uuid

__all__ = [
    "Context",
    "ReviewRefused",
    "accept",
    "accept_agreed",
    "add",
    "adjust_span",
    "confirm",
    "copies",
    "mark_absent",
    "remove_gold",
    "reopen",
    "resolve",
    "set_stance",
]

Cell = tuple[int, int]


class ReviewRefused(R2pError):
    """A review decision that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Context:
    """What every decision needs: the statement's board, who decides, when, and the note."""

    session: Session
    board: Board
    by: Decider
    now: datetime
    note: str = ""

    def theme(self, theme_id: int) -> str:
        """The theme's name, after checking that it can take a decision."""
        theme = self.board.themes.get(theme_id)
        if theme is None:
            raise ReviewRefused(f"There is no theme with id {theme_id} in this project's codebook.")
        if theme.retired:
            raise ReviewRefused(f"Theme {theme.name!r} is no longer in the codebook; pick another.")
        return theme.name

    def decision(
        self,
        cell: Cell,
        kind: DecisionKind,
        source_coders: Sequence[str] = (),
        auto_rule: str | None = None,
    ) -> Decision:
        """A new decision on ``cell`` by this context's lead, now."""
        return Decision(
            uuid=new_uuid(),
            document_id=cell[0],
            theme_id=cell[1],
            kind=kind,
            source_coders=tuple(source_coders),
            auto_rule=auto_rule,
            decided_by=self.by.name,
            decided_by_uuid=self.by.uuid,
            decided_at=self.now,
            note=self.note,
        )

    def edited(self, decision: Decision | None, cell: Cell) -> Decision:
        """The cell's decision, kept but re-signed by this lead (or a new one when none)."""
        if decision is None or decision.kind != "coded":
            return self.decision(cell, "coded")
        return replace(
            decision,
            decided_by=self.by.name,
            decided_by_uuid=self.by.uuid,
            decided_at=self.now,
            note=self.note or decision.note,
            reopened_at=None,
            reopened_reason="",
            auto_rule=None,
        )

    def check_stance(self, stance_id: int | None) -> None:
        """Refuse an unknown or retired stance."""
        if stance_id is None:
            return
        row = self.session.get(StanceRow, stance_id)
        if row is None:
            raise ReviewRefused(f"There is no stance with id {stance_id} in this codebook.")
        if row.retired:
            raise ReviewRefused(f"Stance {row.name!r} is no longer in the codebook; pick another.")

    def check_span(self, document_id: int, start: int, end: int) -> None:
        """Refuse an empty span or one outside the statement."""
        doc = self.board.documents[document_id]
        if start >= end:
            raise ReviewRefused(f"A coding must cover at least one character ({start}-{end}).")
        if start < 0 or end > doc.length:
            raise ReviewRefused(
                f"The span {start}-{end} lies outside the statement {doc.title!r} (0-{doc.length})."
            )


def copies(
    ctx: Context,
    codings: Sequence[CodingTuple],
    coder_uuid: str,
    auto_rule: str | None = None,
    uuids: dict[int, str] | None = None,
) -> tuple[GoldCoding, ...]:
    """Gold copies of coder codings, each naming the coding it was accepted from."""
    found = uuids if uuids is not None else coding_uuids(ctx.session, [c.id for c in codings])
    return tuple(
        GoldCoding(
            uuid=new_uuid(),
            document_id=c.document_id,
            theme_id=c.theme_id,
            stance_id=c.stance_id,
            start=c.start,
            end=c.end,
            origin="accepted",
            sources=(found[c.id],),
            source_coders=(coder_uuid,),
            auto_rule=auto_rule,
            decided_by=ctx.by.name,
            decided_by_uuid=ctx.by.uuid,
            decided_at=ctx.now,
            note=ctx.note,
        )
        for c in codings
    )


def accept(ctx: Context, cell: Cell, coder_id: int) -> list[CellState]:
    """Gold takes this coder's value: their codings of the theme, or absent if they had none."""
    ctx.theme(cell[1])
    board = ctx.board
    coder = board.coders.get(coder_id)
    if coder is None:
        raise ReviewRefused(f"There is no coder with id {coder_id} in this project.")
    if coder_id not in board.workers.get(cell[0], frozenset()):
        raise ReviewRefused(
            f"{coder.name} did not work on {board.documents[cell[0]].title!r}; accept the value "
            "of a coder who did."
        )
    mine = board.codings_of(cell, coder_id)
    if not mine:
        return [CellState(*cell, ctx.decision(cell, "absent", (coder.uuid,)))]
    decision = ctx.decision(cell, "coded", (coder.uuid,))
    return [CellState(*cell, decision, copies(ctx, mine, coder.uuid))]


def agreed_state(
    ctx: Context, cell: Cell, first: Sequence[int], auto_rule: str | None = None
) -> CellState:
    """Gold takes the value every coder who worked on the statement gave (codings: see final)."""
    board = ctx.board
    values = board.worker_values(cell)
    carrier = next(c for c in first if c in values)
    coders = [board.coders[c].uuid for c in values]
    decision = ctx.decision(cell, "coded", coders, auto_rule)
    mine = board.codings_of(cell, carrier)
    return CellState(*cell, decision, copies(ctx, mine, board.coders[carrier].uuid, auto_rule))


def accept_agreed(
    ctx: Context, cells: Sequence[Cell], first: dict[Cell, list[int]]
) -> list[CellState]:
    """Gold takes what all coders who worked on the statement agree on, in each of ``cells``."""
    board = ctx.board
    out = []
    for cell in cells:
        name = ctx.theme(cell[1])
        if board.status(cell) != "agreed":
            given = ", ".join(f"{v.coder}: {v.label}" for v in board.coder_values(cell))
            raise ReviewRefused(
                f"The coders of {board.documents[cell[0]].title!r} do not all agree on {name!r} "
                f"({given or 'nobody worked on it'}); accept one coder's value instead."
            )
        out.append(agreed_state(ctx, cell, first.get(cell, [])))
    return out


def set_stance(
    ctx: Context, state: CellState, stance_id: int | None, gold_uuid: str | None = None
) -> list[CellState]:
    """Change the stance of the cell's gold codings (or of one of them)."""
    name = ctx.theme(state.theme_id)
    ctx.check_stance(stance_id)
    if not state.codings:
        raise ReviewRefused(
            f"Gold holds no coding of {name!r} in this statement yet: accept a coder's coding "
            "or give the passage (--quote, or --start and --end) with the stance."
        )
    if gold_uuid is not None and all(c.uuid != gold_uuid for c in state.codings):
        raise ReviewRefused(f"There is no gold coding {gold_uuid} of {name!r} here.")
    codings = tuple(
        replace(_signed(ctx, c), stance_id=stance_id) if gold_uuid in (None, c.uuid) else c
        for c in state.codings
    )
    return [
        CellState(
            state.document_id, state.theme_id, ctx.edited(state.decision, state.cell), codings
        )
    ]


def _signed(ctx: Context, coding: GoldCoding) -> GoldCoding:
    """The coding as this lead edits it: an accepted coding becomes ``edited``."""
    origin: Origin = "added" if coding.origin == "added" else "edited"
    return replace(
        coding,
        origin=origin,
        decided_by=ctx.by.name,
        decided_by_uuid=ctx.by.uuid,
        decided_at=ctx.now,
        note=ctx.note or coding.note,
        auto_rule=None,
    )


def add(
    ctx: Context, state: CellState, stance_id: int | None, span: tuple[int, int], *, keep: bool
) -> list[CellState]:
    """A coding made by the lead; with ``keep`` the cell's other gold codings stay."""
    ctx.theme(state.theme_id)
    ctx.check_stance(stance_id)
    ctx.check_span(state.document_id, *span)
    kept = state.codings if keep and state.decision and state.decision.kind == "coded" else ()
    if any((c.start, c.end, c.stance_id) == (*span, stance_id) for c in kept):
        raise ReviewRefused("Gold already holds that passage with that stance for this theme.")
    new = GoldCoding(
        uuid=new_uuid(),
        document_id=state.document_id,
        theme_id=state.theme_id,
        stance_id=stance_id,
        start=span[0],
        end=span[1],
        origin="added",
        sources=(),
        source_coders=(),
        auto_rule=None,
        decided_by=ctx.by.name,
        decided_by_uuid=ctx.by.uuid,
        decided_at=ctx.now,
        note=ctx.note,
    )
    decision = ctx.edited(state.decision if kept else None, state.cell)
    codings = tuple(sorted((*kept, new), key=lambda c: (c.start, c.end)))
    return [CellState(state.document_id, state.theme_id, decision, codings)]


def _gold(state: CellState, gold_uuid: str) -> GoldCoding:
    for coding in state.codings:
        if coding.uuid == gold_uuid:
            return coding
    raise ReviewRefused(f"There is no gold coding {gold_uuid} in this project.")


def adjust_span(
    ctx: Context, state: CellState, gold_uuid: str, span: tuple[int, int]
) -> list[CellState]:
    """Move a gold coding's boundaries."""
    _gold(state, gold_uuid)
    ctx.check_span(state.document_id, *span)
    codings = tuple(
        replace(_signed(ctx, c), start=span[0], end=span[1]) if c.uuid == gold_uuid else c
        for c in state.codings
    )
    return [
        CellState(
            state.document_id, state.theme_id, ctx.edited(state.decision, state.cell), codings
        )
    ]


def remove_gold(ctx: Context, state: CellState, gold_uuid: str) -> list[CellState]:
    """Delete a gold coding; the last one takes the cell's decision with it (undecided again)."""
    _gold(state, gold_uuid)
    rest = tuple(c for c in state.codings if c.uuid != gold_uuid)
    if not rest:
        return [CellState(state.document_id, state.theme_id)]
    return [
        CellState(state.document_id, state.theme_id, ctx.edited(state.decision, state.cell), rest)
    ]


def mark_absent(ctx: Context, cell: Cell) -> list[CellState]:
    """Gold says the theme is not in the statement."""
    ctx.theme(cell[1])
    return [CellState(*cell, ctx.decision(cell, "absent"))]


def resolve(ctx: Context, document_id: int, states: dict[Cell, CellState]) -> list[CellState]:
    """The statement is settled: what still awaits becomes ``resolved`` (absent from gold).

    Re-opened decisions of the statement are confirmed as they stand.
    """
    board = ctx.board
    out = []
    for cell in board.cells():
        if cell[0] != document_id:
            continue
        status = board.status(cell)
        if status == "awaiting":
            out.append(CellState(*cell, ctx.decision(cell, "resolved")))
        elif status == "reopened":
            out += confirm(ctx, states[cell])
    if not out:
        raise ReviewRefused(
            f"Nothing in {board.documents[document_id].title!r} awaits a decision; it is "
            "already settled."
        )
    return out


def confirm(ctx: Context, state: CellState) -> list[CellState]:
    """Keep a re-opened decision as it is: the flag goes, the decision stays."""
    decision = state.decision
    if decision is None or not decision.reopened:
        raise ReviewRefused("That decision was not re-opened; there is nothing to confirm.")
    kept = replace(decision, reopened_at=None, reopened_reason="", note=ctx.note or decision.note)
    return [replace(state, decision=kept)]


def reopen(states: Sequence[CellState]) -> list[CellState]:
    """Withdraw decisions: the cells go back to the coders' values and the queue."""
    decided = [s for s in states if s.decision is not None]
    if not decided:
        raise ReviewRefused("Nothing is decided there, so there is nothing to re-open.")
    return [CellState(s.document_id, s.theme_id) for s in decided]
