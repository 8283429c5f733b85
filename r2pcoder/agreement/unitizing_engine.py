"""The arithmetic of unitizing alpha on arrays of units, per category, coder pair and document.

The formulas are those of :mod:`r2pcoder.agreement.unitizing` (Krippendorff 1995; 2004, section
12.4). Two facts make them cheap on a master of a million codings:

* the observed disagreement needs the units only. Between coders ``i`` and ``j`` (one
  category), a unit of ``i`` either overlaps units of ``j`` (each overlapping pair adds
  ``(b_g - b_h)^2 + (e_g - e_h)^2``) or lies wholly in a gap of ``j`` (it adds ``l_g^2``); gaps
  never add anything between themselves. Overlapping pairs are found with ``searchsorted`` over
  the units sorted by category and start;
* no unit or gap crosses a document's end, so the observed sums of a coder pair are sums over
  documents. They are computed once per pair and document (:func:`pair_observed`) and then
  added up over any set of documents: the statements every coder worked on, those a pair
  worked on (the pairwise matrix), a stratum.

The expected disagreement (:func:`disagreements`) is a sum over units of a sum over the gaps no
shorter than the unit, taken for all categories at once from gaps sorted by category and
length; the gap that is a whole statement (a coder who marked nothing of the category there)
is counted with its multiplicity rather than listed. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from r2pcoder.agreement.patterns import FloatArray, IntArray
from r2pcoder.errors import AgreementInputError

__all__ = ["Columns", "Gaps", "Units", "disagreements", "gaps_of", "pair_observed", "units_of"]

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Units:
    """Validated units on documents laid end to end, sorted by coder, category and start.

    Attributes:
        lengths: per document, its length.
        coder, category, doc, start, end: per unit; ``start`` and ``end`` are positions in the
            document (end exclusive).
        n_coders: coders (some may have marked nothing).
        categories: the label of each category index.
    """

    lengths: IntArray
    coder: IntArray
    category: IntArray
    doc: IntArray
    start: IntArray
    end: IntArray
    n_coders: int
    categories: tuple[Hashable, ...]

    @property
    def n_docs(self) -> int:
        """Documents."""
        return int(self.lengths.size)

    @property
    def n_categories(self) -> int:
        """Categories."""
        return len(self.categories)

    @cached_property
    def keys(self) -> tuple[IntArray, IntArray]:
        """Start and end of each unit as one sortable number: category, document, position."""
        span = int(self.lengths.max(initial=0)) + 1
        group = self.category * (self.n_docs + 1) + self.doc
        return group * span + self.start, group * span + self.end

    @cached_property
    def gaps(self) -> Gaps:
        """The gaps between the units (see :func:`gaps_of`), found once."""
        return gaps_of(self)

    def of_coder(self, coder: int) -> slice:
        """The positions of ``coder``'s units in the arrays."""
        lo, hi = np.searchsorted(self.coder, [coder, coder + 1])
        return slice(int(lo), int(hi))


Columns = tuple[IntArray, IntArray, IntArray, IntArray, IntArray]
"""Per unit: coder, category, document, start, end."""


def units_of(
    columns: Columns, lengths: IntArray, n_coders: int, categories: tuple[Hashable, ...]
) -> Units:
    """Check units (coder, category, document, start, end) and sort them.

    Raises:
        AgreementInputError: a unit that is empty or outside its document, or two units of one
            coder and category that overlap (coders are numbered from 1 in the message).
    """
    coder, category, doc, start, end = columns
    bad = np.flatnonzero((start < 0) | (end <= start) | (end > lengths[doc]))
    if bad.size:
        i = int(bad[0])
        raise AgreementInputError(
            f"Coder {int(coder[i]) + 1} marked segment {int(start[i])}-{int(end[i])}, which is "
            f"empty or outside its continuum of length {int(lengths[doc[i]])}."
        )
    order = np.lexsort((start, doc, category, coder))
    coder, category, doc = coder[order], category[order], doc[order]
    start, end = start[order], end[order]
    same = (coder[1:] == coder[:-1]) & (category[1:] == category[:-1]) & (doc[1:] == doc[:-1])
    overlap = np.flatnonzero(same & (start[1:] < end[:-1]))
    if overlap.size:
        i = int(overlap[0])
        raise AgreementInputError(
            f"Coder {int(coder[i]) + 1} marked overlapping segments of category "
            f"{categories[int(category[i])]!r}; merge them first."
        )
    return Units(lengths, coder, category, doc, start, end, n_coders, categories)


def pair_observed(units: Units, a: int, b: int, docs: BoolArray | None = None) -> FloatArray:
    """Categories x documents: the summed differences between coders ``a`` and ``b``.

    That is ``sum_g sum_h delta2_ghk`` over the sections ``g`` of ``a`` and ``h`` of ``b`` in
    each document (one direction; the observed disagreement counts both). Only documents in
    ``docs`` (all by default) are computed; the others are 0.
    """
    one, other = _mine(units, a, docs), _mine(units, b, docs)
    starts, ends = units.keys
    # Units come sorted by category, document and start; one coder's units of one category do
    # not overlap, so their ends are sorted too.
    first = np.searchsorted(ends[other], starts[one], side="right")
    last = np.searchsorted(starts[other], ends[one], side="left")
    count = np.maximum(last - first, 0)
    g = np.repeat(one, count)
    run = np.repeat(np.cumsum(count) - count, count)
    h = other[np.repeat(first, count) + np.arange(g.size) - run]
    diff = (units.start[g] - units.start[h]) ** 2 + (units.end[g] - units.end[h]) ** 2
    sums = _by_cell(units, g, diff.astype(np.float64))
    # A unit that overlaps none of the other coder's units lies wholly in one of their gaps.
    hit = np.zeros(units.coder.size, dtype=bool)
    hit[h] = True
    alone = np.concatenate([one[count == 0], other[~hit[other]]])
    size = (units.end[alone] - units.start[alone]).astype(np.float64)
    sums += _by_cell(units, alone, size**2)
    return sums.reshape(units.n_categories, units.n_docs)


def _mine(units: Units, coder: int, docs: BoolArray | None) -> IntArray:
    block = units.of_coder(coder)
    where = np.arange(block.start, block.stop, dtype=np.int64)
    return where if docs is None else where[docs[units.doc[where]]]


def _by_cell(units: Units, where: IntArray, values: FloatArray) -> FloatArray:
    cell = units.category[where] * units.n_docs + units.doc[where]
    sums = np.bincount(cell, weights=values, minlength=units.n_categories * units.n_docs)
    return np.asarray(sums, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Gaps:
    """The gaps between units within a document, and which coder marked what where.

    Attributes:
        coder, category, doc, length: per gap, sorted by coder, category and length.
        marked: coders x categories x documents, True where the coder marked a unit. A coder,
            category and document without a unit has one gap, the whole document; those gaps
            are not listed but read from here.
    """

    coder: IntArray
    category: IntArray
    doc: IntArray
    length: IntArray
    marked: npt.NDArray[np.bool_]


def gaps_of(units: Units) -> Gaps:
    """Every gap before, between and after the units of one coder, category and document."""
    n = units.coder.size
    new = np.zeros(n, dtype=bool)
    new[:1] = True
    for column in (units.coder, units.category, units.doc):
        new[1:] |= column[1:] != column[:-1]
    last = np.ones(n, dtype=bool)
    last[:-1] = new[1:]
    before = units.start - np.where(new, 0, np.roll(units.end, 1))
    after = units.lengths[units.doc] - units.end
    where = np.concatenate([np.arange(n), np.flatnonzero(last)])
    length = np.concatenate([before, after[last]])
    where, length = where[length > 0], length[length > 0]
    order = np.lexsort((length, units.category[where], units.coder[where]))
    where, length = where[order], length[order]
    marked = np.zeros((units.n_coders, units.n_categories, units.n_docs), dtype=bool)
    marked[units.coder, units.category, units.doc] = True
    return Gaps(units.coder[where], units.category[where], units.doc[where], length, marked)


def disagreements(
    units: Units, coders: Sequence[int], docs: BoolArray, observed: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(D_o(k), D_e(k))`` for every category, over ``coders`` and the documents in ``docs``.

    ``observed`` is, per category, the sum of :func:`pair_observed` over every pair of
    ``coders`` and over the documents in ``docs``.
    """
    n_cat = units.n_categories
    m = len(coders)
    total = float(units.lengths[docs].sum())
    if total == 0 or m < 2:  # noqa: PLR2004
        return np.zeros(n_cat), np.zeros(n_cat)
    d_o = 2.0 * observed / (m * (m - 1) * total * total)
    return d_o, _expected(units, coders, docs, total)


def _fitting(
    sorted_keys: FloatArray,
    lengths: FloatArray,
    keys: FloatArray,
    category: IntArray,
    span: float,
    n_cat: int,
) -> tuple[FloatArray, FloatArray]:
    """Per unit key, how many of the sorted gaps of its category are no shorter, and their length.

    Keys are ``category * span + length``, so a category's gaps end where the next one's begin.
    """
    length = np.concatenate([[0.0], np.cumsum(lengths)])
    lo = np.searchsorted(sorted_keys, keys, side="left")
    hi = np.searchsorted(sorted_keys, (np.arange(n_cat) + 1.0) * span, side="left")[category]
    return (hi - lo).astype(np.float64), length[hi] - length[lo]


def _between(
    units: Units,
    coders: Sequence[int],
    docs: BoolArray,
    keys: FloatArray,
    category: IntArray,
    span: float,
) -> tuple[FloatArray, FloatArray]:
    """Per unit, the gaps between units (of every chosen coder) that fit it: count, length."""
    gaps, n_cat = units.gaps, units.n_categories
    blocks = [np.arange(*np.searchsorted(gaps.coder, [c, c + 1])) for c in coders]
    blocks = [b[docs[gaps.doc[b]]] for b in blocks]
    if len(blocks) > 2:  # noqa: PLR2004 - many coders: one sort beats a search per coder
        every = np.concatenate(blocks)
        every = every[np.lexsort((gaps.length[every], gaps.category[every]))]
        blocks = [every]
    count, length = np.zeros(keys.size), np.zeros(keys.size)
    for take in blocks:
        gap_len = gaps.length[take].astype(np.float64)
        found = _fitting(gaps.category[take] * span + gap_len, gap_len, keys, category, span, n_cat)
        count, length = count + found[0], length + found[1]
    return count, length


def _expected(units: Units, coders: Sequence[int], docs: BoolArray, total: float) -> FloatArray:
    """``D_e(k)``: over every unit ``g`` of a category, the gaps ``h`` with ``l_h >= l_g``."""
    n_cat, m, gaps = units.n_categories, len(coders), units.gaps
    mine = np.concatenate([_mine(units, c, docs) for c in coders])
    category = units.category[mine]
    ul = (units.end[mine] - units.start[mine]).astype(np.float64)
    n_units = np.bincount(category, minlength=n_cat).astype(np.float64)
    span = float(units.lengths.max(initial=0)) + 2.0
    count, length = _between(units, coders, docs, category * span + ul, category, span)
    # Whole statements as gaps: one per chosen coder who marked nothing of the category there.
    by_length = np.argsort(units.lengths, kind="stable")
    doc_len = units.lengths[by_length].astype(np.float64)
    unmarked = (m - gaps.marked[list(coders)].sum(axis=0))[:, by_length] * docs[by_length]
    weight = np.cumsum(np.concatenate([np.zeros((n_cat, 1)), unmarked], axis=1), axis=1)
    summed = np.cumsum(np.concatenate([np.zeros((n_cat, 1)), unmarked * doc_len], axis=1), axis=1)
    first = np.searchsorted(doc_len, ul, side="left")
    count += weight[category, -1] - weight[category, first]
    length += summed[category, -1] - summed[category, first]
    fits = length - (ul - 1.0) * count
    per_unit = (n_units[category] - 1.0) * (2 * ul**3 - 3 * ul**2 + ul) / 3.0 + ul**2 * fits
    numerator = np.bincount(category, weights=per_unit, minlength=n_cat)
    own = np.bincount(category, weights=ul * (ul - 1.0), minlength=n_cat)
    denominator = m * total * (m * total - 1.0) - own
    result: FloatArray = np.where(n_units > 0, 2.0 / total * numerator / denominator, 0.0)
    return result
