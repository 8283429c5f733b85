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
from itertools import combinations
from typing import Any

import numpy as np

from r2pcoder.agreement._data import Outcome
from r2pcoder.agreement.patterns import FloatArray, IntArray
from r2pcoder.agreement.reasons import NEVER_MARKED, NOTHING_MARKED
from r2pcoder.agreement.unitizing_engine import Units, disagreements, pair_observed, units_of
from r2pcoder.errors import AgreementInputError

__all__ = ["unitized_outcome", "unitizing_alpha", "unitizing_outcome", "unitizing_parts"]


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
    units = _layout(coders, length)
    observed, expected = unitizing_parts(units)
    if category is None:
        return unitized_outcome(observed, expected)
    if category not in units.categories:
        return Outcome.undefined(NEVER_MARKED)
    return unitized_outcome(observed, expected, units.categories.index(category))


def unitizing_parts(
    units: Units,
    coders: Sequence[int] | None = None,
    docs: np.typing.NDArray[np.bool_] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """``(D_o(k), D_e(k))`` per category of ``units``, over ``coders`` and ``docs`` (all)."""
    chosen = list(range(units.n_coders)) if coders is None else list(coders)
    where = np.ones(units.n_docs, dtype=bool) if docs is None else docs
    observed = np.zeros(units.n_categories)
    for a, b in combinations(chosen, 2):
        observed += pair_observed(units, a, b, where)[:, where].sum(axis=1)
    return disagreements(units, chosen, where, observed)


def unitized_outcome(
    observed: FloatArray, expected: FloatArray, category: int | None = None
) -> Outcome:
    """Alpha from the disagreements per category: ``alpha_k``, or over all categories."""
    if category is not None:
        if expected[category] <= 0.0:
            return Outcome.undefined(NEVER_MARKED)
        return Outcome(1.0 - float(observed[category]) / float(expected[category]))
    total = float(expected.sum())
    if total <= 0.0:
        return Outcome.undefined(NOTHING_MARKED)
    return Outcome(1.0 - float(observed.sum()) / total)


def _layout(
    coders: Sequence[Sequence[Sequence[Any]]],
    length: int | Sequence[int] | Mapping[Hashable, int],
) -> Units:
    """Check the segments of every coder and turn them into :class:`Units`."""
    if len(coders) < 2:  # noqa: PLR2004
        raise AgreementInputError(f"Agreement needs at least 2 coders; got {len(coders)}.")
    lengths, keyed = _documents(length)
    sizes = np.array(list(lengths.values()), dtype=np.int64)
    if (sizes < 0).any():
        raise AgreementInputError("A continuum length is negative.")
    doc_index = {key: i for i, key in enumerate(lengths)}
    seen: dict[Hashable, int] = {}
    columns: list[list[IntArray]] = [[], [], [], [], []]
    for number, segments in enumerate(coders, start=1):
        parts = _columns(segments, keyed, number, doc_index, seen)
        for column, part in zip(columns, parts, strict=True):
            column.append(part)
    coder, category, doc, start, end = (np.concatenate(c) for c in columns)
    return units_of((coder, category, doc, start, end), sizes, len(coders), tuple(seen))


def _documents(
    length: int | Sequence[int] | Mapping[Hashable, int],
) -> tuple[dict[Hashable, int], bool]:
    if isinstance(length, int | np.integer):
        return {None: int(length)}, False
    if isinstance(length, Mapping):
        return {k: int(v) for k, v in length.items()}, True
    return dict(enumerate(int(v) for v in length)), True


def _columns(
    segments: Sequence[Sequence[Any]],
    keyed: bool,
    number: int,
    doc_index: dict[Hashable, int],
    seen: dict[Hashable, int],
) -> tuple[IntArray, ...]:
    """One coder's segments as (coder, category, document, start, end) arrays."""
    expected = 4 if keyed else 3
    if any(len(segment) != expected for segment in segments):
        shape = "(document, start, end, category)" if keyed else "(start, end, category)"
        raise AgreementInputError(f"Coder {number} has a segment that is not {shape}.")
    n = len(segments)
    fields = list(zip(*segments, strict=True)) if n else [()] * expected
    docs = fields[0] if keyed else (None,) * n
    starts, ends, labels = fields[-3:]
    if not all(isinstance(v, int | np.integer) for v in (*starts, *ends)):
        raise AgreementInputError(f"Coder {number} has a segment with non-integer offsets.")
    unknown = [d for d in docs if d not in doc_index]
    if unknown:
        raise AgreementInputError(f"Coder {number} marked unknown document {unknown[0]!r}.")
    for label in labels:
        seen.setdefault(label, len(seen))
    return (
        np.full(n, number - 1, dtype=np.int64),
        np.fromiter(map(seen.__getitem__, labels), dtype=np.int64, count=n),
        np.fromiter(map(doc_index.__getitem__, docs), dtype=np.int64, count=n),
        np.array(starts, dtype=np.int64).reshape(n),
        np.array(ends, dtype=np.int64).reshape(n),
    )


def _disagreements(units: Units, category: Hashable) -> tuple[float, float]:
    """Observed and expected disagreement ``(D_o(k), D_e(k))`` of one category, all coders."""
    if category not in units.categories:
        return 0.0, 0.0
    observed, expected = unitizing_parts(units)
    k = units.categories.index(category)
    return float(observed[k]), float(expected[k])
