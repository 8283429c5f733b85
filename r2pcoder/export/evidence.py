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

from r2pcoder.export.data import ExportData
from r2pcoder.export.layers import NO_STANCE

__all__ = ["EvidenceRows", "evidence_rows"]


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
    theme_rank = {t.id: i for i, t in enumerate(data.themes)}
    stance_rank = {s: i for i, s in enumerate(data.stance_order())}
    theme = np.fromiter((c.theme_id for c in codings), np.int64, n)
    stance = np.fromiter(
        (NO_STANCE if c.stance_id is None else c.stance_id for c in codings), np.int64, n
    )
    rank = np.fromiter(
        (theme_rank.get(c.theme_id, len(theme_rank)) * (len(stance_rank) + 1)
         + stance_rank.get(s, -1) + 1 for c, s in zip(codings, stance.tolist(), strict=True)),
        np.int64, n,
    )  # fmt: skip
    # The codings come sorted by document, start, end and coder: a stable sort on the
    # (theme, stance) rank keeps that order within each theme and stance.
    order = np.argsort(rank, kind="stable")
    columns = [
        theme[order],
        stance[order],
        np.fromiter((c.document_id for c in codings), np.int64, n)[order],
        np.fromiter((c.start for c in codings), np.int64, n)[order],
        np.fromiter((c.end for c in codings), np.int64, n)[order],
    ]
    new = np.ones(n, dtype=bool)
    same = np.ones(n - 1, dtype=bool)
    for column in columns:
        same &= column[1:] == column[:-1]
    new[1:] = ~same
    firsts = np.flatnonzero(new)
    lasts = np.append(firsts[1:], n)
    coder_names = [names[codings[i].coder_id] for i in order.tolist()]
    who = [coder_names[i] for i in firsts.tolist()]
    for group in np.flatnonzero(lasts - firsts > 1).tolist():
        who[group] = "; ".join(coder_names[firsts[group] : lasts[group]])
    theme_ids, stances, documents, starts, ends = (column[firsts].tolist() for column in columns)
    return EvidenceRows(theme_ids, stances, documents, starts, ends, who)
