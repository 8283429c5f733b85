"""Which quotes the evidence table lists, and in which order, computed on arrays.

Evidence is ordered by theme (codebook order), stance (scale order), then document, start and
end; a passage that several coders of a rule layer coded identically (same theme, stance,
document and span) is listed once with all their names. Done with numpy because a layer of
half a million codings would otherwise spend seconds in a Python loop. Must not import Qt or
``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from r2pcoder.export.data import ExportData
from r2pcoder.export.layers import MIXED, NO_STANCE

__all__ = ["EvidenceRows", "evidence_rows"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class EvidenceRows:
    """The evidence rows as parallel lists (one entry per distinct quote)."""

    theme_ids: list[int]
    stances: list[int]
    documents: list[int]
    starts: list[int]
    ends: list[int]
    coders: list[str]


def evidence_rows(data: ExportData) -> EvidenceRows:
    """The distinct quotes of the layer, in evidence order, with the coders behind each."""
    codings = data.selection.codings
    n = len(codings)
    if n == 0:
        return EvidenceRows([], [], [], [], [], [])
    names = {c.id: c.name for c in data.layer.coders}

    def ints(field: str) -> IntArray:
        # attrgetter runs in C; a generator expression would cost a Python frame per coding.
        return np.array(list(map(attrgetter(field), codings)), dtype=np.int64)

    theme = ints("theme_id")
    raw = list(map(attrgetter("stance_id"), codings))
    stance = np.array([NO_STANCE if s is None else s for s in raw], dtype=np.int64)
    # Ranks through lookup arrays: stance values start at MIXED (-2), hence the offset.
    theme_rank = np.full(max(int(theme.max()), *(t.id for t in data.themes)) + 1, len(data.themes))
    theme_rank[[t.id for t in data.themes]] = np.arange(len(data.themes))
    order_of_stances = data.stance_order()
    stance_rank = np.full(max(*order_of_stances, int(stance.max())) + 1 - MIXED, -1)
    stance_rank[np.array(order_of_stances) - MIXED] = np.arange(len(order_of_stances))
    rank = theme_rank[theme] * (len(order_of_stances) + 1) + stance_rank[stance - MIXED] + 1
    # The codings come sorted by document, start, end and coder: a stable sort on the
    # (theme, stance) rank keeps that order within each theme and stance.
    order = np.argsort(rank, kind="stable")
    columns: list[IntArray] = [
        theme[order],
        stance[order],
        ints("document_id")[order],
        ints("start")[order],
        ints("end")[order],
    ]
    new = np.ones(n, dtype=bool)
    same = np.ones(n - 1, dtype=bool)
    for column in columns:
        same &= column[1:] == column[:-1]
    new[1:] = ~same
    firsts = np.flatnonzero(new)
    lasts = np.append(firsts[1:], n)
    coder_names = list(map(names.__getitem__, ints("coder_id")[order].tolist()))
    who = [coder_names[i] for i in firsts.tolist()]
    for group in np.flatnonzero(lasts - firsts > 1).tolist():
        who[group] = "; ".join(coder_names[firsts[group] : lasts[group]])
    theme_ids, stances, documents, starts, ends = (column[firsts].tolist() for column in columns)
    return EvidenceRows(theme_ids, stances, documents, starts, ends, who)
