"""Two-coder chance-corrected agreement: Cohen's kappa and Scott's pi.

Both compare exactly two coders on the units that both coded; a unit where either value is
missing is dropped before anything is counted (listwise deletion), as in Cohen (1960) and Scott
(1955), which assume complete data. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from r2pcoder.agreement._data import Outcome, ReliabilityData, encode
from r2pcoder.agreement.patterns import FloatArray, Patterns
from r2pcoder.agreement.reasons import NO_COMMON_UNITS, NO_VARIATION, two_coders_only
from r2pcoder.errors import AgreementInputError

__all__ = ["cohen_kappa", "cohen_outcome", "scott_outcome", "scott_pi"]


def _two_coders(patterns: Patterns, name: str) -> None:
    if patterns.n_coders != 2:  # noqa: PLR2004 - the coefficient is defined for two coders
        raise AgreementInputError(two_coders_only(name, patterns.n_coders))


def _table(patterns: Patterns) -> FloatArray | None:
    """Proportions table of the two coders over units both coded, or None if there are none."""
    first, second = patterns.codes
    both = (first >= 0) & (second >= 0)
    count = float(patterns.weights[both].sum())
    if count == 0:
        return None
    n_cat = patterns.n_categories
    flat = np.bincount(
        first[both] * n_cat + second[both], weights=patterns.weights[both], minlength=n_cat * n_cat
    )
    return flat.reshape(n_cat, n_cat) / count


def _chance_corrected(observed: float, chance: float) -> Outcome:
    if chance >= 1.0 - 1e-12:
        return Outcome.undefined(NO_VARIATION)
    return Outcome((observed - chance) / (1.0 - chance))


def cohen_outcome(patterns: Patterns) -> Outcome:
    """Cohen's kappa of two coders' value patterns, or NaN and why.

    Raises:
        AgreementInputError: other than two coders.
    """
    _two_coders(patterns, "Cohen's kappa")
    table = _table(patterns)
    if table is None:
        return Outcome.undefined(NO_COMMON_UNITS)
    chance = float(table.sum(axis=1) @ table.sum(axis=0))
    return _chance_corrected(float(np.trace(table)), chance)


def scott_outcome(patterns: Patterns) -> Outcome:
    """Scott's pi of two coders' value patterns, or NaN and why.

    Raises:
        AgreementInputError: other than two coders.
    """
    _two_coders(patterns, "Scott's pi")
    table = _table(patterns)
    if table is None:
        return Outcome.undefined(NO_COMMON_UNITS)
    pooled = (table.sum(axis=1) + table.sum(axis=0)) / 2.0
    return _chance_corrected(float(np.trace(table)), float(pooled @ pooled))


def cohen_kappa(data: ReliabilityData, *, categories: Sequence[Hashable] | None = None) -> float:
    """Cohen's kappa for exactly two coders.

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_o`` the share of units on which the coders
    agree and ``p_e = sum_k p_1k p_2k`` the chance agreement from each coder's own marginal
    proportions. Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational
    and Psychological Measurement, 20(1), 37-46.

    Units where either coder's value is missing are dropped first.

    Args:
        data: two sequences (one per coder), one value per unit, ``None`` for missing.
        categories: the category set; by default the categories in the data.

    Returns:
        Kappa; NaN when no unit was coded by both coders or when ``p_e = 1``.

    Raises:
        AgreementInputError: malformed data or a number of coders other than 2.
    """
    return cohen_outcome(encode(data, categories=categories)).value


def scott_pi(data: ReliabilityData, *, categories: Sequence[Hashable] | None = None) -> float:
    """Scott's pi for exactly two coders.

    ``pi = (p_o - p_e) / (1 - p_e)`` with ``p_e = sum_k ((p_1k + p_2k) / 2)^2``, the chance
    agreement from the two coders' pooled category proportions. Scott, W. A. (1955).
    Reliability of content analysis: The case of nominal scale coding. Public Opinion
    Quarterly, 19(3), 321-325.

    Units where either coder's value is missing are dropped first.

    Args:
        data: two sequences (one per coder), one value per unit, ``None`` for missing.
        categories: the category set; by default the categories in the data.

    Returns:
        Pi; NaN when no unit was coded by both coders or when ``p_e = 1``.

    Raises:
        AgreementInputError: malformed data or a number of coders other than 2.
    """
    return scott_outcome(encode(data, categories=categories)).value
