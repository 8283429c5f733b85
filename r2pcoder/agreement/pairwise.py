"""Two-coder chance-corrected agreement: Cohen's kappa and Scott's pi.

Both compare exactly two coders on the units that both coded; a unit where either value is
missing is dropped before anything is counted (listwise deletion), as in Cohen (1960) and Scott
(1955), which assume complete data. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from r2pcoder.agreement._data import Coded, FloatArray, Outcome, ReliabilityData, encode
from r2pcoder.errors import AgreementInputError

__all__ = ["cohen_kappa", "cohen_outcome", "scott_outcome", "scott_pi"]

NO_COMMON_UNITS = "No unit was coded by both coders."
NO_CHANCE_ROOM = (
    "Chance agreement is 1 (both coders used one and the same category throughout), "
    "so the coefficient is 0/0."
)


def _two_coders(data: ReliabilityData, categories: Sequence[Hashable] | None, name: str) -> Coded:
    coded = encode(data, categories=categories)
    if coded.n_coders != 2:  # noqa: PLR2004 - the coefficient is defined for two coders
        raise AgreementInputError(
            f"{name} compares exactly 2 coders; the data have {coded.n_coders}. "
            "Use Fleiss' or Conger's kappa or Krippendorff's alpha for more."
        )
    return coded


def _table(coded: Coded) -> FloatArray | None:
    """Proportions table of the two coders over units both coded, or None if there are none."""
    first, second = coded.codes
    both = (first >= 0) & (second >= 0)
    count = int(both.sum())
    if count == 0:
        return None
    n_cat = coded.n_categories
    flat = np.bincount(first[both] * n_cat + second[both], minlength=n_cat * n_cat)
    return flat.reshape(n_cat, n_cat) / count


def _chance_corrected(observed: float, chance: float) -> Outcome:
    if chance >= 1.0 - 1e-12:
        return Outcome.undefined(NO_CHANCE_ROOM)
    return Outcome((observed - chance) / (1.0 - chance))


def cohen_outcome(coded: Coded) -> Outcome:
    """Cohen's kappa of two encoded coders, or NaN and why."""
    table = _table(coded)
    if table is None:
        return Outcome.undefined(NO_COMMON_UNITS)
    chance = float(table.sum(axis=1) @ table.sum(axis=0))
    return _chance_corrected(float(np.trace(table)), chance)


def scott_outcome(coded: Coded) -> Outcome:
    """Scott's pi of two encoded coders, or NaN and why."""
    table = _table(coded)
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
    return cohen_outcome(_two_coders(data, categories, "Cohen's kappa")).value


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
    return scott_outcome(_two_coders(data, categories, "Scott's pi")).value
