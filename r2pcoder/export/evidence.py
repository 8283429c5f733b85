"""Which quotes the evidence table lists, and in which order, computed on arrays.

Evidence is ordered by theme (codebook order), stance (scale order), then document, start and
end; a passage that several coders of a rule layer coded identically (same theme, stance,
document and span) is listed once with all their names. Done with numpy because a layer of
half a million codings would otherwise spend seconds in a Python loop. Must not import Qt or
``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from r2pcoder.export.columns import CodingColumns, IntArray
from r2pcoder.export.data import ExportData
from r2pcoder.export.layers import MIXED

__all__ = ["EvidenceRows", "evidence_rows"]


@dataclass(frozen=True, eq=False)
class EvidenceRows:
    """The evidence rows as parallel columns (one entry per distinct quote)."""

    theme_ids: IntArray
    stances: IntArray
    documents: IntArray
    starts: IntArray
    ends: IntArray
    coders: list[str]

    def __len__(self) -> int:
        return int(self.theme_ids.size)


def evidence_rows(data: ExportData) -> EvidenceRows:
    """The distinct quotes of the layer, in evidence order, with the coders behind each."""
    codings = CodingColumns.of(data.selection.codings)
    n = len(codings)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return EvidenceRows(empty, empty, empty, empty, empty, [])
    names = {c.id: c.name for c in data.layer.coders}
    theme, stance = codings.theme_id, codings.stance_id
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
        codings.document_id[order],
        codings.start[order],
        codings.end[order],
    ]
    new = np.ones(n, dtype=bool)
    same = np.ones(n - 1, dtype=bool)
    for column in columns:
        same &= column[1:] == column[:-1]
    new[1:] = ~same
    firsts = np.flatnonzero(new)
    lasts = np.append(firsts[1:], n)
    coder_names = list(map(names.__getitem__, codings.coder_id[order].tolist()))
    who = [coder_names[i] for i in firsts.tolist()]
    for group in np.flatnonzero(lasts - firsts > 1).tolist():
        who[group] = "; ".join(coder_names[firsts[group] : lasts[group]])
    theme_ids, stances, documents, starts, ends = (column[firsts] for column in columns)
    return EvidenceRows(theme_ids, stances, documents, starts, ends, who)
