"""The ``gold`` and ``final`` export layers, as a :class:`~r2pcoder.export.layers.Selection`.

**gold**: the adjudicated cells only: a cell decided ``coded`` gives the statement-level value
of its gold codings (the statement unit's rule); ``absent`` and ``resolved`` cells give none.

**final**: for each statement someone worked on (or that holds a decision) and each theme:

1. the gold decision, where one exists (a re-opened decision still counts, and is counted);
2. else, where two or more coders worked on the statement and all of them gave the theme the
   same value (the statement unit's rule: the same stance, or all "not coded", which is no
   cell), that common value;
3. else, where only one coder worked on the statement (the non-overlap share of a split
   corpus), that coder's value and codings;
4. else the cell awaits adjudication and is left out; every output says how many cells await,
   and how many came from each rule.

**Spans under rule 2.** Coders who agree on a stance often mark different passages. The final
layer carries the codings of one of them: the coder who coded the theme in the statement first
(earliest coding; equal times go to the coder added to the project first). So the passages
shown are real codings, quotes are exactly ``text[start:end]``, and the statement-level value
of the codings carried is the common value (a union of spans could carry another majority
stance). The other coders' passages are not lost: the review shows them all, and the lead can
accept another coder's codings into gold.

Gold codings appear in the selection under coder id :data:`~r2pcoder.export.layers.GOLD_CODER`
("gold") with negative row ids, so they never clash with coder codings. Must not import Qt or
``ui``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

from sqlalchemy.orm import Session

from r2pcoder.errors import ExportFailed
from r2pcoder.export.layers import (
    GOLD_CODER,
    CoderRef,
    CodingTuple,
    Layer,
    Selection,
    coder_values,
    in_order,
)
from r2pcoder.review.board import Board, fetch_codings, first_coders, load_board
from r2pcoder.review.model import GoldCoding
from r2pcoder.review.store import read_gold_codings

__all__ = ["GOLD_REF", "gold_tuples", "review_selection"]

GOLD_REF = CoderRef(GOLD_CODER, "", "gold")
"""How the gold layer is named where coders are (segments, evidence)."""

Cell = tuple[int, int]


def gold_tuples(gold: Sequence[GoldCoding]) -> list[CodingTuple]:
    """Gold codings as coding tuples under the gold coder (ids -1, -2, ...; note as memo)."""
    return [
        CodingTuple(
            -(i + 1), g.document_id, GOLD_CODER, g.theme_id, g.stance_id, g.start, g.end, g.note
        )
        for i, g in enumerate(gold)
    ]


def _summary(rule: Literal["gold", "final"], counts: Counter[str]) -> str:
    """The cells per rule, short: it is printed with the layer in every row of every table."""
    reopened = f", {counts['reopened']} re-opened" if counts["reopened"] else ""
    gold = f"{counts['gold']} coded, {counts['gold absent']} absent{reopened}"
    if rule == "gold":
        return f"adjudicated: {gold}; {counts['undecided']} undecided cells left out"
    return (
        f"gold {gold}; agreed {counts['agreed']}; single coder {counts['single coder']}; "
        f"{counts['awaiting']} cells awaiting adjudication, left out"
    )


def _gold_part(
    board: Board, gold: Sequence[GoldCoding], counts: Counter[str]
) -> tuple[list[CodingTuple], dict[Cell, int], set[Cell]]:
    tuples = gold_tuples(gold)
    values = {(doc, theme): v for (_, doc, theme), v in coder_values(tuples).items()}
    decided = set()
    for cell, decision in board.decisions.items():
        decided.add(cell)
        counts["gold" if decision.kind == "coded" else "gold absent"] += 1
        counts["reopened"] += decision.reopened
    return tuples, values, decided


def _undecided(
    session: Session,
    board: Board,
    decided: set[Cell],
    values: dict[Cell, int],
    agreeing: dict[Cell, tuple[int, ...]],
    counts: Counter[str],
) -> list[CodingTuple]:
    """Rules 2-4 of the final layer on the undecided cells; returns the codings carried."""
    carried: dict[Cell, str] = {}
    for cell in board.cells():
        if cell in decided:
            continue
        status = board.status(cell)
        counts[{"agreed": "agreed", "single": "single coder"}.get(status or "", "awaiting")] += 1
        if status in ("agreed", "single"):
            carried[cell] = status
    # Only agreed cells need to know who coded first; a single coder carries their own cell.
    first = first_coders(session, [c for c, status in carried.items() if status == "agreed"])
    carriers: dict[Cell, int] = {}
    for cell in carried:
        given = board.worker_values(cell)
        carriers[cell] = next(c for c in first.get(cell, list(given)) if c in given)
        values[cell] = given[carriers[cell]]
        agreeing[cell] = tuple(given)
    found = fetch_codings(session, [(d, t, c) for (d, t), c in carriers.items()])
    return [c for (d, t), coder in carriers.items() for c in found.get((d, t, coder), [])]


def review_selection(
    session: Session,
    rule: Literal["gold", "final"],
    coders: Sequence[CoderRef],
    doc_rank: Mapping[int, int],
) -> tuple[Layer, Selection]:
    """The resolved layer and what it keeps, read in the caller's transaction.

    Raises:
        ExportFailed: the gold layer holds no decision yet.
    """
    board = load_board(session)
    gold = read_gold_codings(session)
    counts: Counter[str] = Counter()
    tuples, values, decided = _gold_part(board, gold, counts)
    if rule == "gold" and not decided:
        raise ExportFailed(
            "The gold layer holds no decision yet: review the coders' differences first "
            "(r2pcoder review status), or export the 'final' layer."
        )
    agreeing: dict[Cell, tuple[int, ...]] = dict.fromkeys(values, (GOLD_CODER,))
    kept = list(tuples)
    worked = {doc for doc, _ in decided}
    if rule == "final":
        worked |= board.workers.keys()
        kept += _undecided(session, board, decided, values, agreeing, counts)
    else:
        counts["undecided"] = sum(1 for cell in board.cells() if cell not in decided)
    layer = Layer(rule=rule, coders=(GOLD_REF, *coders), summary=_summary(rule, counts))
    keys = ("gold", "gold absent", "reopened") + (
        ("agreed", "single coder", "awaiting") if rule == "final" else ("undecided",)
    )
    selection = Selection(
        codings=in_order(kept, doc_rank),
        values=values,
        agreeing=agreeing,
        worked=frozenset(worked),
        cells={k: counts[k] for k in keys},
    )
    return layer, selection
