"""Turning a coded master into categorical reliability data: statement, segment and overlap units.

Every builder returns a :class:`CategoricalUnits`: for each theme a coders x units matrix of
category codes (``-1`` = missing), plus the statement each unit belongs to, so per theme, per
stance, overall, pairwise and stratified figures are all cut from the same matrix.

**Value of a statement (or segment) for a coder and a theme.** The coder's codings of the theme
in the statement (overlapping the segment, by at least one character) are counted by stance:

* the stance given by most of those codings that carry a stance is the value;
* a tie between stances gives the category ``mixed`` (never a silent pick of one side);
* codings that all lack a stance give ``no stance``;
* no coding of the theme gives ``not coded``, a real category meaning "absent", but only when
  the coder worked on the statement (coded anything in it, or marked it done); otherwise the
  value is missing, because the coder never read it.

**Overlap units (MAXQDA style).** Each coding of a theme is a unit. Its coder's value is 1; every
other coder who worked on the statement scores 1 when one of their codings of the theme overlaps
it by at least the threshold, measured as intersection over union of the two spans, else 0. A
matched pair is therefore counted once from each side, as MAXQDA does.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from r2pcoder.reliability.corpus import Corpus
from r2pcoder.reliability.segmentation import SegmentSpan

__all__ = [
    "MISSING",
    "MIXED_LABEL",
    "MODAL_MIXED",
    "MODAL_NONE",
    "NOT_CODED",
    "NOT_CODED_LABEL",
    "NO_STANCE_LABEL",
    "CategoricalUnits",
    "modal_values",
    "overlap_units",
    "segment_units",
    "statement_units",
]

IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]

MISSING = -1
NOT_CODED = 0
NOT_CODED_LABEL = "not coded"
MIXED_LABEL = "mixed"
NO_STANCE_LABEL = "no stance"


@dataclass(frozen=True, eq=False)
class CategoricalUnits:
    """Reliability data of every theme as category codes.

    Attributes:
        codes: themes x coders x units; ``-1`` missing, else an index into ``labels``.
        labels: the category label of each code.
        unit_doc: per unit, the index of its statement in ``Corpus.documents``.
        unit_span: per unit, its (start, end) in the statement (for disagreements).
        stance_codes: the codes that are points of the stance scale, lowest rank first (empty
            for presence data).
    """

    codes: Int8Array
    labels: tuple[str, ...]
    unit_doc: IntArray
    unit_span: npt.NDArray[np.int64]
    stance_codes: tuple[int, ...]

    @property
    def n_units(self) -> int:
        """Units per theme."""
        return int(self.codes.shape[2])

    def presence(self) -> CategoricalUnits:
        """The same units reduced to coded (1) / not coded (0)."""
        codes = np.where(self.codes > 0, 1, self.codes).astype(np.int8)
        return CategoricalUnits(
            codes, (NOT_CODED_LABEL, "coded"), self.unit_doc, self.unit_span, ()
        )


def _stance_labels(corpus: Corpus) -> tuple[tuple[str, ...], int, int]:
    keys = tuple(s.key for s in corpus.stances)
    labels = (NOT_CODED_LABEL, *keys, MIXED_LABEL, NO_STANCE_LABEL)
    return labels, len(keys) + 1, len(keys) + 2


def _initial(corpus: Corpus, unit_doc: IntArray, coders: Sequence[int]) -> Int8Array:
    worked = corpus.worked[np.asarray(coders, dtype=np.int64)][:, unit_doc]
    base = np.where(worked, NOT_CODED, MISSING).astype(np.int8)
    return np.repeat(base[None, :, :], len(corpus.themes), axis=0)


MODAL_NONE = -1
""":func:`modal_values` of a group whose codings carry no stance."""
MODAL_MIXED = -2
""":func:`modal_values` of a group whose codings tie between stances."""


def modal_values(group: IntArray, stance: IntArray) -> tuple[IntArray, IntArray]:
    """The value of each group of codings (one coder, statement or segment, and theme).

    The stance most of the group's codings that carry one carry; :data:`MODAL_MIXED` on a tie
    between stances; :data:`MODAL_NONE` when none carries one (the rule of the module
    docstring, which the export's layers share).

    Args:
        group: per coding, its group number (0 or more).
        stance: per coding, its stance number (0 or more), or -1 for none.

    Returns:
        The distinct groups, sorted, and per group its value.
    """
    groups = np.unique(group)
    values = np.full(groups.size, MODAL_NONE, dtype=np.int64)
    has = stance >= 0
    if not has.any():
        return groups, values
    n_cat = int(stance.max()) + 1
    combined = group[has] * n_cat + stance[has]
    uniq, counts = np.unique(combined, return_counts=True)
    owner, cats = uniq // n_cat, uniq % n_cat
    order = np.lexsort((-counts, owner))
    g, c, n = owner[order], cats[order], counts[order]
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    second = first + 1
    tie = np.zeros(first.size, dtype=bool)
    inside = second < g.size
    tie[inside] = (g[second[inside]] == g[first[inside]]) & (n[second[inside]] == n[first[inside]])
    values[np.searchsorted(groups, g[first])] = np.where(tie, MODAL_MIXED, c[first])
    return groups, values


def _fill_values(
    codes: Int8Array, group: IntArray, stance: IntArray, mixed: int, no_stance: int
) -> None:
    """Write each (theme, coder, unit) group's value into ``codes`` (flat index ``group``)."""
    groups, values = modal_values(group, stance)
    # Stance index k is category code k + 1 (code 0 is "not coded").
    codes.reshape(-1)[groups] = np.select(
        [values == MODAL_NONE, values == MODAL_MIXED], [no_stance, mixed], values + 1
    ).astype(np.int8)


def _coder_rows(corpus: Corpus, coders: Sequence[int] | None) -> tuple[list[int], IntArray]:
    chosen = list(range(len(corpus.coders))) if coders is None else list(coders)
    row_of = np.full(len(corpus.coders), -1, dtype=np.int64)
    row_of[chosen] = np.arange(len(chosen))
    return chosen, row_of


def statement_units(corpus: Corpus, coders: Sequence[int] | None = None) -> CategoricalUnits:
    """One unit per statement and theme: the stance the coder gave, or "not coded".

    Args:
        corpus: the loaded master.
        coders: indices into ``corpus.coders`` to include (all by default).
    """
    labels, mixed, no_stance = _stance_labels(corpus)
    chosen, row_of = _coder_rows(corpus, coders)
    n_docs = len(corpus.documents)
    unit_doc = np.arange(n_docs, dtype=np.int64)
    codes = _initial(corpus, unit_doc, chosen)
    take = row_of[corpus.coder] >= 0
    group = (corpus.theme[take] * len(chosen) + row_of[corpus.coder[take]]) * n_docs
    group += corpus.doc[take]
    _fill_values(codes, group, corpus.stance[take], mixed, no_stance)
    spans = np.array([(0, d.length) for d in corpus.documents], dtype=np.int64).reshape(-1, 2)
    return CategoricalUnits(codes, labels, unit_doc, spans, tuple(range(1, mixed)))


def segment_units(
    corpus: Corpus,
    segments: dict[int, list[SegmentSpan]],
    coders: Sequence[int] | None = None,
) -> CategoricalUnits:
    """One unit per stored segment (sentence or paragraph) and theme; values as for statements.

    Args:
        corpus: the loaded master.
        segments: the stored segments of each statement, by document row id.
        coders: indices into ``corpus.coders`` to include (all by default).
    """
    labels, mixed, no_stance = _stance_labels(corpus)
    chosen, row_of = _coder_rows(corpus, coders)
    offsets = np.zeros(len(corpus.documents) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([d.length for d in corpus.documents])
    unit_doc_list: list[int] = []
    span_list: list[tuple[int, int]] = []
    for j, doc in enumerate(corpus.documents):
        for seg in segments.get(doc.id, []):
            unit_doc_list.append(j)
            span_list.append((seg.start, seg.end))
    unit_doc = np.array(unit_doc_list, dtype=np.int64)
    spans = np.array(span_list, dtype=np.int64).reshape(-1, 2)
    seg_start = spans[:, 0] + offsets[unit_doc]
    seg_end = spans[:, 1] + offsets[unit_doc]
    codes = _initial(corpus, unit_doc, chosen)
    take = np.flatnonzero(row_of[corpus.coder] >= 0)
    c_start = corpus.start[take] + offsets[corpus.doc[take]]
    c_end = corpus.end[take] + offsets[corpus.doc[take]]
    first = np.searchsorted(seg_end, c_start, side="right")
    count = np.maximum(np.searchsorted(seg_start, c_end, side="left") - first, 0)
    which = np.repeat(np.arange(take.size), count)
    run_start = np.repeat(np.cumsum(count) - count, count)
    unit = first[which] + (np.arange(which.size) - run_start)
    coding = take[which]
    n_units = unit_doc.size
    group = (corpus.theme[coding] * len(chosen) + row_of[corpus.coder[coding]]) * n_units + unit
    _fill_values(codes, group, corpus.stance[coding], mixed, no_stance)
    return CategoricalUnits(codes, labels, unit_doc, spans, tuple(range(1, mixed)))


def overlap_units(
    corpus: Corpus, threshold: float, coders: Sequence[int] | None = None
) -> list[CategoricalUnits]:
    """Per theme, one unit per coding, scored by matching codings of the other coders.

    Returns one :class:`CategoricalUnits` per theme (units differ between themes), each with a
    single theme layer and labels ``("not matched", "coded")``.
    """
    chosen, row_of = _coder_rows(corpus, coders)
    take = np.flatnonzero(row_of[corpus.coder] >= 0)
    order = take[np.lexsort((corpus.start[take], corpus.doc[take], corpus.theme[take]))]
    theme, doc, rows = corpus.theme[order], corpus.doc[order], row_of[corpus.coder[order]]
    codes = np.where(corpus.worked[np.asarray(chosen, dtype=np.int64)][:, doc], 0, MISSING)
    codes = codes.astype(np.int8)
    codes[rows, np.arange(order.size)] = 1
    a, b = _pairs_within(theme, doc)
    start, end = corpus.start[order], corpus.end[order]
    inter = np.minimum(end[a], end[b]) - np.maximum(start[a], start[b])
    union = np.maximum(end[a], end[b]) - np.minimum(start[a], start[b])
    # A small tolerance keeps e.g. 9/10 >= 0.9 from failing on floating-point rounding.
    matched = (inter > 0) & (inter / union >= threshold - 1e-9) & (rows[a] != rows[b])
    codes[rows[b[matched]], a[matched]] = 1
    bounds = np.searchsorted(theme, np.arange(len(corpus.themes) + 1))
    spans = np.stack([start, end], axis=1).astype(np.int64)
    return [
        CategoricalUnits(
            codes[None, :, lo:hi], ("not matched", "coded"), doc[lo:hi], spans[lo:hi], ()
        )
        for lo, hi in pairwise(bounds.tolist())
    ]


def _pairs_within(theme: IntArray, doc: IntArray) -> tuple[IntArray, IntArray]:
    """Every ordered pair (i, j) of codings of the same theme in the same statement."""
    if theme.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    new = np.r_[True, (theme[1:] != theme[:-1]) | (doc[1:] != doc[:-1])]
    group = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    size = np.diff(np.r_[first, theme.size])[group]
    a = np.repeat(np.arange(theme.size), size)
    offset = np.arange(a.size) - np.repeat(np.cumsum(size) - size, size)
    return a, first[group][a] + offset
