"""Krippendorff's alpha for coded units: coincidence matrix, difference functions, the coefficient.

The coincidence matrix is built with numpy only (value counts per unit, or a ``bincount`` over
the value pairs of each pair of coders), never with a Python loop over units, so hundreds of
thousands of units take well under a second. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from r2pcoder.agreement._data import Level, Outcome, ReliabilityData, encode
from r2pcoder.agreement.patterns import FloatArray, Patterns
from r2pcoder.agreement.reasons import NO_PAIRS, NO_VARIATION
from r2pcoder.errors import AgreementInputError

__all__ = [
    "AlphaParts",
    "alpha_outcome",
    "alpha_parts",
    "coincidences",
    "delta2",
    "krippendorff_alpha",
]


@dataclass(frozen=True, eq=False)
class AlphaParts:
    """Everything alpha and its bootstrap are computed from.

    Attributes:
        coincidences: categories x categories matrix ``o_ck`` (symmetric).
        delta2: squared difference ``delta^2_ck`` of the chosen level.
        n_pairable: ``n..``, the number of pairable values.
        observed: observed disagreement ``D_o = sum o_ck delta2_ck / n..``.
        expected: expected disagreement ``D_e = sum n_c n_k delta2_ck / (n.. (n.. - 1))``.
    """

    coincidences: FloatArray
    delta2: FloatArray
    n_pairable: float
    observed: float
    expected: float


def coincidences(patterns: Patterns) -> FloatArray:
    """The coincidence matrix ``o_ck = sum_u (pairs of values c,k in unit u) / (m_u - 1)``.

    Each ordered pair of values from different coders in a unit with ``m_u >= 2`` values adds
    ``1 / (m_u - 1)`` (Krippendorff 2011, section C), times the units showing the pattern.
    Units with fewer than two values add nothing.
    """
    n_cat = patterns.n_categories
    n_coders = patterns.n_coders
    # Counts cost about patterns x categories^2, coder pairs about patterns x coders^2.
    if n_cat * n_cat <= 16 * n_coders * (n_coders - 1):
        return _coincidences_from_counts(patterns)
    return _coincidences_from_pairs(patterns)


def _coincidences_from_counts(patterns: Patterns) -> FloatArray:
    n_cat = patterns.n_categories
    result = np.zeros((n_cat, n_cat))
    for span, counts in patterns.count_chunks():
        sizes = counts.sum(axis=1)
        keep = sizes >= 2  # noqa: PLR2004 - a unit needs two values to be pairable
        if not keep.any():
            continue
        kept = counts[keep].astype(np.float64)
        weights = patterns.weights[span][keep] / (sizes[keep] - 1.0)
        weighted = kept * weights[:, None]
        result += kept.T @ weighted
        result[np.diag_indices(n_cat)] -= weighted.sum(axis=0)
    return result


def _coincidences_from_pairs(patterns: Patterns) -> FloatArray:
    n_cat = patterns.n_categories
    codes = patterns.codes
    sizes = patterns.sizes()
    weights = np.zeros(sizes.shape)
    pairable = sizes >= 2  # noqa: PLR2004 - a unit needs two values to be pairable
    weights[pairable] = patterns.weights[pairable] / (sizes[pairable] - 1.0)
    flat = np.zeros(n_cat * n_cat)
    for a in range(patterns.n_coders):
        for b in range(a + 1, patterns.n_coders):
            both = (codes[a] >= 0) & (codes[b] >= 0)
            index = codes[a][both] * n_cat + codes[b][both]
            flat += np.bincount(index, weights=weights[both], minlength=n_cat * n_cat)
    upper = flat.reshape(n_cat, n_cat)
    return upper + upper.T


def delta2(level: Level, totals: FloatArray, values: FloatArray | None = None) -> FloatArray:
    """Squared differences between categories for a level of measurement (Krippendorff 2011).

    nominal: 0 if c = k else 1; ordinal: ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2`` over the
    ordered categories with totals ``n_g``; interval: ``(c - k)^2``; ratio:
    ``((c - k) / (c + k))^2``, where ``c`` and ``k`` are the categories' ``values``.

    Raises:
        AgreementInputError: the interval or ratio level without numeric values.
    """
    n_cat = totals.size
    if level == "nominal":
        return 1.0 - np.eye(n_cat)
    if level == "ordinal":
        cumulative = np.cumsum(totals)
        # sum_{g=c}^{k} n_g for c <= k is cumulative[k] - cumulative[c] + n_c.
        span = cumulative[None, :] - cumulative[:, None] + totals[:, None]
        span = np.where(np.arange(n_cat)[None, :] >= np.arange(n_cat)[:, None], span, span.T)
        result: FloatArray = (span - (totals[:, None] + totals[None, :]) / 2.0) ** 2
        np.fill_diagonal(result, 0.0)
        return result
    if values is None:
        raise AgreementInputError(f"The {level} level needs numeric values.")
    diff = values[:, None] - values[None, :]
    if level == "interval":
        return diff**2
    total = values[:, None] + values[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total == 0, 0.0, diff / np.where(total == 0, 1.0, total))
    return ratio**2


def alpha_parts(patterns: Patterns, level: Level) -> AlphaParts:
    """Coincidences, differences and the observed and expected disagreement of ``patterns``."""
    matrix = coincidences(patterns)
    totals = matrix.sum(axis=1)
    n = float(totals.sum())
    d2 = delta2(level, totals, patterns.values)
    observed = float((matrix * d2).sum() / n) if n > 0 else 0.0
    expected = float(totals @ d2 @ totals / (n * (n - 1.0))) if n > 1 else 0.0
    return AlphaParts(matrix, d2, n, observed, expected)


def alpha_outcome(patterns: Patterns, level: Level) -> Outcome:
    """Alpha of value patterns, or NaN and the reason it is undefined."""
    parts = alpha_parts(patterns, level)
    if parts.n_pairable == 0:
        return Outcome.undefined(NO_PAIRS)
    if parts.expected <= 0.0:
        return Outcome.undefined(NO_VARIATION)
    return Outcome(1.0 - parts.observed / parts.expected)


def krippendorff_alpha(
    data: ReliabilityData,
    level: Level = "nominal",
    *,
    categories: Sequence[Hashable] | None = None,
) -> float:
    """Krippendorff's alpha for any number of coders, with missing values.

    ``alpha = 1 - D_o / D_e = 1 - (n.. - 1) sum_ck o_ck delta2_ck / sum_ck n_c n_k delta2_ck``
    where ``o_ck`` is the coincidence matrix, ``n_c`` its row sums and ``n..`` the number of
    pairable values (values in units coded by at least two coders), with the difference
    function ``delta2`` of the level (see :func:`delta2`). Krippendorff, K. (2004). Content
    Analysis, 2nd ed., ch. 11; Krippendorff, K. (2011). Computing Krippendorff's
    Alpha-Reliability. Annenberg School for Communication, paper 43.

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing.
        level: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
        categories: the category set; for ordinal text data, the categories from lowest to
            highest.

    Returns:
        Alpha; NaN when no unit has two values or all pairable values are equal
        (``why_undefined`` says which).

    Raises:
        AgreementInputError: malformed data or values unfit for the level.
    """
    return alpha_outcome(encode(data, categories=categories, level=level), level).value
