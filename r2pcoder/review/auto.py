"""Auto rules: decide the cells the coders settle among themselves, previewed and idempotent.

* ``unanimous``: two or more coders worked on the statement and every one of them gave the theme
  the same value (statement unit: the same stance, or all mixed, or all without stance). Gold
  takes that value, with the codings the final layer would carry (those of the coder who coded
  the theme there first).
* ``majority``: three or more coders worked on the statement and more than half of them gave the
  same value, "not coded" included (two of three leaving the theme out make it absent). Gold
  takes that value, with the codings of the first of the majority; ties and splits without a
  majority are left for the lead.

Cells that already hold a decision are never touched, so running a rule twice decides nothing
the second time; a dry run reports exactly what a real run would write. Decisions carry the rule
in their provenance (``auto_rule``). Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from r2pcoder.errors import R2pError
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.review.board import STATUS_CODES, Board, fetch_codings
from r2pcoder.review.decide import Context, copies
from r2pcoder.review.model import CellChange, CellState
from r2pcoder.review.store import coding_uuids
from r2pcoder.wording import counted

__all__ = ["AUTO_RULES", "AutoProposal", "AutoReport", "AutoRule", "plan_auto", "write_auto"]

AutoRule = Literal["unanimous", "majority"]
AUTO_RULES: tuple[AutoRule, ...] = ("unanimous", "majority")
MAJORITY_MIN_CODERS = 3
"""A majority needs three or more coders: with two, one against one is a tie."""

Cell = tuple[int, int]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class AutoProposal:
    """One cell an auto rule decides: the value gold takes and whose codings carry it.

    Attributes:
        value: the value as text (stance key, ``not coded``, ``mixed``, ``no stance``).
        coders: the names of the coders who gave it; ``coder_ids`` their ids.
        carrier: the coder whose codings gold copies (``None`` for "not coded": absent).
    """

    document_id: int
    document_uuid: str
    title: str
    theme_id: int
    theme_key: str
    value: str
    coders: tuple[str, ...]
    coder_ids: tuple[int, ...]
    carrier: int | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "statement": self.document_id,
            "statement_uuid": self.document_uuid,
            "title": self.title,
            "theme": self.theme_key,
            "value": self.value,
            "coders": list(self.coders),
        }


@dataclass(frozen=True)
class AutoReport:
    """What an auto rule did (or, in a dry run, would do).

    Attributes:
        decided: the cells decided, in statement and theme order.
        already: cells left alone because they hold a decision already.
        no_majority: cells with a tie or a split (``majority``) or a disagreement
            (``unanimous``), left for the lead.
        too_few: cells of statements fewer coders worked on than the rule needs.
        change: the run as a change that ``ReviewService.undo`` takes back (when asked for
            with ``undoable``; never for a dry run).
    """

    rule: AutoRule
    dry_run: bool
    decided: tuple[AutoProposal, ...]
    already: int
    no_majority: int
    too_few: int
    change: CellChange | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "rule": self.rule,
            "dry_run": self.dry_run,
            "decided": len(self.decided),
            "absent": sum(1 for p in self.decided if p.value == "not coded"),
            "already_decided": self.already,
            "left_for_lead": self.no_majority,
            "too_few_coders": self.too_few,
            "cells": [p.to_dict() for p in self.decided],
        }

    def summary(self) -> list[str]:
        """Lines for people."""
        verb = "would decide" if self.dry_run else "decided"
        absent = sum(1 for p in self.decided if p.value == "not coded")
        left = "tie or split" if self.rule == "majority" else "the coders disagree"
        lines = [
            f"Rule {self.rule}: {verb} {counted(len(self.decided), 'cell')}"
            + (f", {absent} of them as absent" if absent else "")
            + ".",
            f"  left for the lead: {self.no_majority} ({left})",
            f"  already decided, left as they are: {self.already}",
        ]
        if self.too_few:
            need = "three" if self.rule == "majority" else "two"
            lines.append(f"  fewer than {need} coders worked on the statement: {self.too_few}")
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


def _decidable(board: Board, rule: AutoRule) -> tuple[BoolArray, BoolArray, IntArray]:
    """Themes x statements: cells the rule decides, cells with too few coders, values.

    The values are the category codes (see :class:`~r2pcoder.review.board.Board`) each
    decided cell takes.
    """
    codes, worked = board.codes, board.corpus.worked
    workers = worked.sum(axis=0)[None, :]
    if rule == "unanimous":
        # Agreed cells: every coder who worked there coded the theme with the same value.
        return board.status_codes == STATUS_CODES.index("agreed"), workers < 2, codes.max(axis=1)  # noqa: PLR2004
    # For each coder who worked there, how many of them gave the same value ("not coded" too).
    same = (codes[:, :, None, :] == codes[:, None, :, :]) & worked[None, None, :, :]
    count = np.where(worked[None, :, :], same.sum(axis=2), 0)
    best = count.argmax(axis=1)
    value = np.take_along_axis(codes, best[:, None, :], axis=1)[:, 0, :]
    enough = workers >= MAJORITY_MIN_CODERS
    return enough & (count.max(axis=1) * 2 > workers), ~enough, value


def plan_auto(
    board: Board,
    rule: AutoRule,
    first_for: Callable[[list[Cell]], dict[Cell, list[int]]],
    *,
    cancelled: CancelCheck | None = None,
) -> AutoReport:
    """What ``rule`` would decide on ``board`` (nothing is written).

    ``first_for`` gives, for the cells a rule decides, their coders in the order they coded
    (see :func:`~r2pcoder.review.board.first_coders`).
    """
    if rule not in AUTO_RULES:
        raise R2pError(f"Unknown rule {rule!r}; use unanimous or majority.")
    status = board.status_codes
    undecided = np.isin(status, [STATUS_CODES.index(s) for s in ("awaiting", "agreed", "single")])
    ok, few, value = _decidable(board, rule)
    too_few = undecided & few
    ok = ok & undecided & ~too_few
    coders, docs, themes = board.corpus.coders, board.corpus.documents, board.corpus.themes
    picked = np.argwhere(ok.T).tolist()
    codes = [int(value[t, d]) for d, t in picked]
    first = first_for(
        [(docs[d].id, themes[t].id) for (d, t), k in zip(picked, codes, strict=True) if k != 0]
    )
    decided = []
    for i, ((d, t), code) in enumerate(zip(picked, codes, strict=True)):
        if i % 10_000 == 0:
            check_cancelled(cancelled)
        agreeing = [
            c for c, k in zip(coders, board.codes[t, :, d].tolist(), strict=True) if k == code
        ]
        ids = tuple(c.id for c in agreeing)
        cell = (docs[d].id, themes[t].id)
        carrier = None if code == 0 else next(c for c in first[cell] if c in ids)
        decided.append(
            AutoProposal(
                docs[d].id,
                docs[d].uuid,
                docs[d].title,
                themes[t].id,
                themes[t].key,
                board.labels[code],
                tuple(c.name for c in agreeing),
                ids,
                carrier,
            )
        )
    already = int((status > 0).sum() - undecided.sum())
    return AutoReport(
        rule,
        True,
        tuple(decided),
        already,
        int((undecided & ~ok & ~too_few & (status > 0)).sum()),
        int((too_few & (status > 0)).sum()),
    )


def write_auto(
    ctx: Context, report: AutoReport, *, progress: ProgressFn | None = None
) -> list[CellState]:
    """The gold states of the proposals in ``report`` (the caller writes them)."""
    board, rule = ctx.board, report.rule
    carried = fetch_codings(
        ctx.session,
        [(p.document_id, p.theme_id, p.carrier) for p in report.decided if p.carrier is not None],
    )
    uuids = coding_uuids(ctx.session, [c.id for found in carried.values() for c in found])
    states = []
    for i, p in enumerate(report.decided):
        if progress is not None and i % 5_000 == 0:
            progress(i / max(1, len(report.decided)))
        cell = (p.document_id, p.theme_id)
        coders = [board.coders[c].uuid for c in p.coder_ids]
        if p.carrier is None:
            states.append(CellState(*cell, ctx.decision(cell, "absent", coders, rule)))
            continue
        mine = carried.get((*cell, p.carrier), [])
        carrier = board.coders[p.carrier].uuid
        states.append(
            CellState(
                *cell,
                ctx.decision(cell, "coded", coders, rule),
                copies(ctx, mine, carrier, rule, uuids),
            )
        )
    return states
