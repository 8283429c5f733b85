"""Krippendorff's alpha for unitized continua (the ``|u alpha`` of Krippendorff 1995, 2004).

Coders mark segments ``(start, end, category)`` (end exclusive) on a continuum of integer
positions, such as the code points of a text. For one category ``k`` each coder's marks cut
the continuum into *sections*: units of ``k`` and the gaps between them. Following
Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological
Methodology, 25, 47-76, and Krippendorff, K. (2004). Content Analysis, 2nd ed., section 12.4:

* the difference between a section ``g`` of coder ``i`` (start ``b_g``, length ``l_g``) and a
  section ``h`` of coder ``j`` is

  - ``(b_g - b_h)^2 + (b_g + l_g - b_h - l_h)^2`` if both are units of ``k`` and overlap;
  - ``l_g^2`` if ``g`` is a unit lying wholly inside the gap ``h`` (and ``l_h^2`` the other
    way round);
  - 0 otherwise (two gaps, sections that do not overlap, a unit only partly in a gap);

* observed disagreement ``D_o(k) = sum_{i != j} sum_g sum_h delta2_ghk / (m (m - 1) L^2)``
  for ``m`` coders and continuum length ``L``;
* expected disagreement, from all ways the same units and gaps could be placed,
  ``D_e(k) = (2 / L) sum_g [ (N_k - 1) (2 l_g^3 - 3 l_g^2 + l_g) / 3
  + l_g^2 sum_{gaps h: l_h >= l_g} (l_h - l_g + 1) ] / [ m L (m L - 1) - sum_g l_g (l_g - 1) ]``
  where ``g`` runs over the ``N_k`` units of ``k`` of all coders and ``h`` over all coders'
  gaps;
* ``alpha_k = 1 - D_o(k) / D_e(k)``; over all categories
  ``|u alpha = 1 - sum_k D_o(k) / sum_k D_e(k)``.

Several continua (documents) are laid end to end into one continuum of their total length,
but no unit or gap spans a document boundary: a gap ends where its document ends. A coder may
not mark overlapping segments of one category; segments of different categories may overlap.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from r2pcoder.agreement._data import FloatArray, IntArray, Outcome
from r2pcoder.agreement.reasons import NEVER_MARKED, NOTHING_MARKED
from r2pcoder.errors import AgreementInputError

__all__ = ["unitizing_alpha", "unitizing_outcome"]


@dataclass(frozen=True, eq=False)
class _Layout:
    """Validated input: total length, document edges, per coder the units of each category."""

    length: int
    edges: IntArray
    units: list[dict[Hashable, IntArray]]
    categories: tuple[Hashable, ...]


def unitizing_alpha(
    coders: Sequence[Sequence[Sequence[Any]]],
    length: int | Sequence[int] | Mapping[Hashable, int],
    *,
    category: Hashable | None = None,
) -> float:
    """Krippendorff's ``|u alpha`` for segments marked on one or several continua.

    See the module docstring for the difference function and the disagreements.

    Args:
        coders: per coder, the segments they marked. With one continuum (``length`` an int)
            a segment is ``(start, end, category)``; with several (``length`` a list of
            lengths or a mapping from document key to length) it is
            ``(document, start, end, category)``, ``document`` being the list index or key.
            Offsets are integers, end exclusive.
        length: the continuum length, or the length of each document.
        category: compute ``alpha_k`` for this category only; by default ``|u alpha`` over
            all categories marked.

    Returns:
        Alpha; NaN when nothing (of the category) was marked by any coder.

    Raises:
        AgreementInputError: fewer than 2 coders, a segment that is empty, outside its
            continuum or overlapping another of the same category by the same coder.
    """
    return unitizing_outcome(coders, length, category=category).value


def unitizing_outcome(
    coders: Sequence[Sequence[Sequence[Any]]],
    length: int | Sequence[int] | Mapping[Hashable, int],
    *,
    category: Hashable | None = None,
) -> Outcome:
    """:func:`unitizing_alpha`, or NaN with the reason it is undefined."""
    layout = _layout(coders, length)
    if category is not None:
        observed, expected = _disagreements(layout, category)
        if expected <= 0.0:
            return Outcome.undefined(NEVER_MARKED)
        return Outcome(1.0 - observed / expected)
    if not layout.categories:
        return Outcome.undefined(NOTHING_MARKED)
    parts = [_disagreements(layout, k) for k in layout.categories]
    expected = sum(e for _, e in parts)
    if expected <= 0.0:
        return Outcome.undefined(NOTHING_MARKED)
    return Outcome(1.0 - sum(o for o, _ in parts) / expected)


def _layout(
    coders: Sequence[Sequence[Sequence[Any]]],
    length: int | Sequence[int] | Mapping[Hashable, int],
) -> _Layout:
    if len(coders) < 2:  # noqa: PLR2004
        raise AgreementInputError(f"Agreement needs at least 2 coders; got {len(coders)}.")
    lengths, keyed = _documents(length)
    sizes = np.array(list(lengths.values()), dtype=np.int64)
    if (sizes < 0).any():
        raise AgreementInputError("A continuum length is negative.")
    offsets = dict(zip(lengths, np.concatenate([[0], np.cumsum(sizes)[:-1]]), strict=True))
    edges = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    units: list[dict[Hashable, IntArray]] = []
    seen: dict[Hashable, None] = {}
    for number, segments in enumerate(coders, start=1):
        by_category: dict[Hashable, list[tuple[int, int]]] = {}
        for segment in segments:
            doc, start, end, label = _segment(segment, keyed, number)
            if doc not in lengths:
                raise AgreementInputError(f"Coder {number} marked unknown document {doc!r}.")
            if not 0 <= start < end <= lengths[doc]:
                raise AgreementInputError(
                    f"Coder {number} marked segment {start}-{end}, which is empty or outside "
                    f"its continuum of length {lengths[doc]}."
                )
            base = int(offsets[doc])
            by_category.setdefault(label, []).append((base + start, base + end))
            seen.setdefault(label)
        units.append({k: _sorted_units(v, number, k) for k, v in by_category.items()})
    return _Layout(int(edges[-1]), edges, units, tuple(seen))


def _documents(
    length: int | Sequence[int] | Mapping[Hashable, int],
) -> tuple[dict[Hashable, int], bool]:
    if isinstance(length, int | np.integer):
        return {None: int(length)}, False
    if isinstance(length, Mapping):
        return {k: int(v) for k, v in length.items()}, True
    return dict(enumerate(int(v) for v in length)), True


def _segment(segment: Sequence[Any], keyed: bool, number: int) -> tuple[Hashable, int, int, Any]:
    expected = 4 if keyed else 3
    if len(segment) != expected:
        shape = "(document, start, end, category)" if keyed else "(start, end, category)"
        raise AgreementInputError(f"Coder {number} has a segment that is not {shape}.")
    doc = segment[0] if keyed else None
    start, end, label = segment[-3:]
    if not all(isinstance(v, int | np.integer) for v in (start, end)):
        raise AgreementInputError(f"Coder {number} has a segment with non-integer offsets.")
    return doc, int(start), int(end), label


def _sorted_units(spans: list[tuple[int, int]], number: int, label: Hashable) -> IntArray:
    ordered = np.array(sorted(spans), dtype=np.int64).reshape(-1, 2)
    if (ordered[1:, 0] < ordered[:-1, 1]).any():
        raise AgreementInputError(
            f"Coder {number} marked overlapping segments of category {label!r}; merge them first."
        )
    return ordered


def _sections(layout: _Layout, units: IntArray) -> tuple[IntArray, FloatArray]:
    """Section boundaries (starts plus the final end) and a 1.0/0.0 unit flag per section."""
    bounds = np.unique(np.concatenate([layout.edges, units.ravel()]))
    flags = np.zeros(bounds.size - 1)
    flags[np.searchsorted(bounds, units[:, 0])] = 1.0
    return bounds, flags


def _pair_disagreement(
    first: tuple[IntArray, FloatArray], second: tuple[IntArray, FloatArray]
) -> float:
    """Sum of delta2 over every overlapping pair of sections of two coders."""
    (bounds_i, unit_i), (bounds_j, unit_j) = first, second
    pieces = np.union1d(bounds_i, bounds_j)[:-1]
    a = np.searchsorted(bounds_i, pieces, side="right") - 1
    b = np.searchsorted(bounds_j, pieces, side="right") - 1
    start_g, end_g, start_h, end_h = bounds_i[a], bounds_i[a + 1], bounds_j[b], bounds_j[b + 1]
    ug, uh = unit_i[a] > 0, unit_j[b] > 0
    both = ug & uh
    inside_h = ug & ~uh & (start_h <= start_g) & (end_g <= end_h)
    inside_g = uh & ~ug & (start_g <= start_h) & (end_h <= end_g)
    total = (
        ((start_g - start_h) ** 2 + (end_g - end_h) ** 2)[both].astype(np.float64).sum()
        + ((end_g - start_g) ** 2)[inside_h].astype(np.float64).sum()
        + ((end_h - start_h) ** 2)[inside_g].astype(np.float64).sum()
    )
    return float(total)


def _disagreements(layout: _Layout, category: Hashable) -> tuple[float, float]:
    """Observed and expected disagreement ``(D_o(k), D_e(k))`` for one category."""
    empty = np.zeros((0, 2), dtype=np.int64)
    per_coder = [_sections(layout, units.get(category, empty)) for units in layout.units]
    m, total = len(per_coder), float(layout.length)
    if total == 0:
        return 0.0, 0.0
    observed = sum(
        _pair_disagreement(per_coder[i], per_coder[j]) for i in range(m) for j in range(i + 1, m)
    )
    d_o = 2.0 * observed / (m * (m - 1) * total * total)
    sizes = [(np.diff(bounds).astype(np.float64), flags) for bounds, flags in per_coder]
    unit_lengths = np.concatenate([size[flags > 0] for size, flags in sizes])
    gaps = np.sort(np.concatenate([size[flags == 0] for size, flags in sizes]))
    n_units = unit_lengths.size
    if n_units == 0:
        return d_o, 0.0
    # For each unit length l: sum over gaps of length >= l of (l_h - l + 1).
    tail_sums = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    first = np.searchsorted(gaps, unit_lengths, side="left")
    count = gaps.size - first
    fits = tail_sums[first] - (unit_lengths - 1.0) * count
    ul = unit_lengths
    numerator = ((n_units - 1) * (2 * ul**3 - 3 * ul**2 + ul) / 3.0 + ul**2 * fits).sum()
    denominator = m * total * (m * total - 1.0) - (ul * (ul - 1.0)).sum()
    return d_o, float(2.0 / total * numerator / denominator)
