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

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from r2pcoder.errors import R2pError
from r2pcoder.export.layers import NOT_CODED
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.review.board import Board
from r2pcoder.review.decide import Context, copies
from r2pcoder.review.model import CellState
from r2pcoder.review.store import coding_uuids

__all__ = ["AUTO_RULES", "AutoProposal", "AutoReport", "AutoRule", "plan_auto", "write_auto"]

AutoRule = Literal["unanimous", "majority"]
AUTO_RULES: tuple[AutoRule, ...] = ("unanimous", "majority")
MAJORITY_MIN_CODERS = 3
"""A majority needs three or more coders: with two, one against one is a tie."""

Cell = tuple[int, int]


@dataclass(frozen=True)
class AutoProposal:
    """One cell an auto rule decides: the value gold takes and whose codings carry it."""

    document_id: int
    document_uuid: str
    title: str
    theme_id: int
    theme_key: str
    value: str
    coders: tuple[str, ...]
    carrier: int | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "statement": self.document_id, "statement_uuid": self.document_uuid,
            "title": self.title, "theme": self.theme_key, "value": self.value,
            "coders": list(self.coders),
        }  # fmt: skip


@dataclass(frozen=True)
class AutoReport:
    """What an auto rule did (or, in a dry run, would do).

    Attributes:
        decided: the cells decided, in statement and theme order.
        already: cells left alone because they hold a decision already.
        no_majority: cells with a tie or a split (``majority``) or a disagreement
            (``unanimous``), left for the lead.
        too_few: cells of statements fewer coders worked on than the rule needs.
    """

    rule: AutoRule
    dry_run: bool
    decided: tuple[AutoProposal, ...]
    already: int
    no_majority: int
    too_few: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "rule": self.rule, "dry_run": self.dry_run, "decided": len(self.decided),
            "absent": sum(1 for p in self.decided if p.value == "not coded"),
            "already_decided": self.already, "left_for_lead": self.no_majority,
            "too_few_coders": self.too_few, "cells": [p.to_dict() for p in self.decided],
        }  # fmt: skip

    def summary(self) -> list[str]:
        """Lines for people."""
        verb = "would decide" if self.dry_run else "decided"
        absent = sum(1 for p in self.decided if p.value == "not coded")
        left = "tie or split" if self.rule == "majority" else "the coders disagree"
        lines = [
            f"Rule {self.rule}: {verb} {len(self.decided)} cell(s)"
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


def _pick(board: Board, cell: Cell, rule: AutoRule) -> tuple[int, list[int]] | str:
    """The value the rule gives ``cell`` and the coders who gave it, or why there is none."""
    values = board.worker_values(cell)
    needed = 2 if rule == "unanimous" else MAJORITY_MIN_CODERS
    if len(values) < needed:
        return "too_few"
    value, count = Counter(values.values()).most_common(1)[0]
    enough = count == len(values) if rule == "unanimous" else count > len(values) / 2
    if not enough:
        return "no_majority"
    return value, [c for c, v in values.items() if v == value]


def plan_auto(
    board: Board,
    rule: AutoRule,
    first: dict[Cell, list[int]],
    *,
    cancelled: CancelCheck | None = None,
) -> AutoReport:
    """What ``rule`` would decide on ``board`` (nothing is written)."""
    if rule not in AUTO_RULES:
        raise R2pError(f"Unknown rule {rule!r}; use unanimous or majority.")
    decided, skipped = [], Counter[str]()
    for i, cell in enumerate(board.cells()):
        if i % 10_000 == 0:
            check_cancelled(cancelled)
        if cell in board.decisions:
            skipped["already"] += 1
            continue
        picked = _pick(board, cell, rule)
        if isinstance(picked, str):
            skipped[picked] += 1
            continue
        value, coders = picked
        carrier = None if value == NOT_CODED else next(c for c in first[cell] if c in coders)
        doc, theme = board.documents[cell[0]], board.themes[cell[1]]
        decided.append(
            AutoProposal(doc.id, doc.uuid, doc.title, theme.id, theme.key, board.label(value),
                         tuple(board.coders[c].name for c in coders), carrier)
        )  # fmt: skip
    return AutoReport(rule, True, tuple(decided), skipped["already"], skipped["no_majority"],
                      skipped["too_few"])  # fmt: skip


def write_auto(
    ctx: Context, report: AutoReport, *, progress: ProgressFn | None = None
) -> list[CellState]:
    """The gold states of the proposals in ``report`` (the caller writes them)."""
    board, rule = ctx.board, report.rule
    ids = [
        c.id
        for p in report.decided
        if p.carrier is not None
        for c in board.codings_of((p.document_id, p.theme_id), p.carrier)
    ]
    uuids = coding_uuids(ctx.session, ids)
    states = []
    for i, p in enumerate(report.decided):
        if progress is not None and i % 5_000 == 0:
            progress(i / max(1, len(report.decided)))
        cell = (p.document_id, p.theme_id)
        coders = [board.coders[c].uuid for c, v in board.worker_values(cell).items()
                  if board.label(v) == p.value]  # fmt: skip
        if p.carrier is None:
            states.append(CellState(*cell, ctx.decision(cell, "absent", coders, rule)))
            continue
        mine = board.codings_of(cell, p.carrier)
        carrier = board.coders[p.carrier].uuid
        states.append(
            CellState(*cell, ctx.decision(cell, "coded", coders, rule),
                      copies(ctx, mine, carrier, rule, uuids))
        )  # fmt: skip
    return states
