"""Agreement among any number of coders with missing ratings, in Gwet's generalized form.

Percent agreement, Fleiss' kappa, Conger's kappa, Gwet's AC1 and Brennan and Prediger's
coefficient share one observed agreement ``p_a`` and differ only in the chance agreement
``p_e``. With missing ratings they follow Gwet, K. L. (2014). Handbook of Inter-Rater
Reliability, 4th ed., Advanced Analytics, ch. 2 and 4 (the formulas of the R package irrCAC):

* ``p_a`` averages, over the ``n'`` units rated by two or more coders,
  ``sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))`` where ``r_ik`` coders put unit ``i`` in ``k``
  and ``r_i`` coders rated it;
* ``pi_k = (1 / n) sum_i r_ik / r_i`` over the ``n`` units rated by at least one coder.

Without missing ratings these reduce to the original formulas. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from r2pcoder.agreement._data import Outcome, ReliabilityData, encode
from r2pcoder.agreement.patterns import FloatArray, Patterns
from r2pcoder.agreement.reasons import NO_PAIRS, NO_VARIATION, ONE_CATEGORY

__all__ = [
    "RATER_MEASURES",
    "brennan_prediger",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "percent_agreement",
    "rater_outcome",
]


@dataclass(frozen=True, eq=False)
class _Margins:
    """``p_a`` and the category proportions ``pi_k`` of Gwet's generalized formulas."""

    p_a: float
    pi: FloatArray
    n_categories: int


def _margins(patterns: Patterns) -> _Margins | None:
    n_cat = patterns.n_categories
    agreeing = 0.0
    pairable = 0.0
    pi = np.zeros(n_cat)
    rated = 0.0
    for span, counts in patterns.count_chunks():
        weights = patterns.weights[span]
        sizes = counts.sum(axis=1).astype(np.float64)
        multi = sizes >= 2  # noqa: PLR2004 - agreement needs a pair of ratings
        pairs = (counts * (counts - 1)).sum(axis=1)
        share = pairs[multi] / (sizes[multi] * (sizes[multi] - 1))
        agreeing += float(weights[multi] @ share)
        pairable += float(weights[multi].sum())
        some = sizes >= 1
        pi += weights[some] @ (counts[some] / sizes[some, None])
        rated += float(weights[some].sum())
    if pairable == 0:
        return None
    return _Margins(agreeing / pairable, pi / rated, n_cat)


def _ratio(p_a: float, p_e: float) -> Outcome:
    if p_e >= 1.0 - 1e-12:
        return Outcome.undefined(NO_VARIATION)
    return Outcome((p_a - p_e) / (1.0 - p_e))


def _percent(patterns: Patterns, margins: _Margins) -> Outcome:
    return Outcome(margins.p_a)


def _fleiss(patterns: Patterns, margins: _Margins) -> Outcome:
    return _ratio(margins.p_a, float(margins.pi @ margins.pi))


def _ac1(patterns: Patterns, margins: _Margins) -> Outcome:
    q = margins.n_categories
    if q < 2:  # noqa: PLR2004
        return Outcome.undefined(ONE_CATEGORY)
    return _ratio(margins.p_a, float(margins.pi @ (1.0 - margins.pi)) / (q - 1))


def _bp(patterns: Patterns, margins: _Margins) -> Outcome:
    q = margins.n_categories
    if q < 2:  # noqa: PLR2004
        return Outcome.undefined(ONE_CATEGORY)
    return _ratio(margins.p_a, 1.0 / q)


def _conger(patterns: Patterns, margins: _Margins) -> Outcome:
    shares = []
    for row in patterns.codes:
        given = row >= 0
        # Coders who rated nothing have no classification probabilities and are left out.
        if patterns.weights[given].sum() > 0:
            counts = np.bincount(
                row[given], weights=patterns.weights[given], minlength=patterns.n_categories
            )
            shares.append(counts / counts.sum())
    r = len(shares)
    if r < 2:  # noqa: PLR2004
        return Outcome.undefined(NO_VARIATION)
    p = np.array(shares)
    total = p.sum(axis=0)
    return _ratio(margins.p_a, float(((total**2) - (p**2).sum(axis=0)).sum() / (r * (r - 1))))


_CHANCE: dict[str, Callable[[Patterns, _Margins], Outcome]] = {
    "percent_agreement": _percent,
    "fleiss_kappa": _fleiss,
    "conger_kappa": _conger,
    "gwet_ac1": _ac1,
    "brennan_prediger": _bp,
}
RATER_MEASURES: tuple[str, ...] = tuple(_CHANCE)
"""The coefficients of this module, which share one observed agreement."""


def rater_outcome(patterns: Patterns, measure: str) -> Outcome:
    """One of this module's coefficients of value patterns, or NaN and why."""
    margins = _margins(patterns)
    if margins is None:
        return Outcome.undefined(NO_PAIRS)
    return _CHANCE[measure](patterns, margins)


def _value(data: ReliabilityData, categories: Sequence[Hashable] | None, measure: str) -> float:
    return rater_outcome(encode(data, categories=categories), measure).value


def percent_agreement(
    data: ReliabilityData, *, categories: Sequence[Hashable] | None = None
) -> float:
    """Share of agreeing coder pairs, averaged over units rated by two or more coders.

    ``p_a = (1 / n') sum_i sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))`` (Gwet 2014, ch. 2): for
    two coders and complete data, the share of units on which they agree.

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing.
        categories: the category set; by default the categories in the data.

    Returns:
        A share in [0, 1]; NaN when no unit was rated by two or more coders.

    Raises:
        AgreementInputError: malformed data or fewer than 2 coders.
    """
    return _value(data, categories, "percent_agreement")


def fleiss_kappa(data: ReliabilityData, *, categories: Sequence[Hashable] | None = None) -> float:
    """Fleiss' kappa for any number of coders.

    ``kappa = (p_a - p_e) / (1 - p_e)`` with ``p_e = sum_k pi_k^2``. Fleiss, J. L. (1971).
    Measuring nominal scale agreement among many raters. Psychological Bulletin, 76(5),
    378-382; with missing ratings, Gwet's (2014, ch. 2) generalized ``p_a`` and ``pi_k``
    (module docstring).

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing.
        categories: the category set; by default the categories in the data.

    Returns:
        Kappa; NaN when no unit was rated twice or all ratings fall in one category.

    Raises:
        AgreementInputError: malformed data or fewer than 2 coders.
    """
    return _value(data, categories, "fleiss_kappa")


def conger_kappa(data: ReliabilityData, *, categories: Sequence[Hashable] | None = None) -> float:
    """Conger's kappa: Cohen's kappa generalized to any number of coders.

    ``p_e = sum_k (pbar_k^2 - s_k^2 / r)``, where ``p_gk`` is the share of coder ``g``'s
    ratings in category ``k``, ``pbar_k`` its mean over the ``r`` coders and ``s_k^2`` its
    sample variance; this is the mean over pairs of coders of Cohen's chance agreement.
    Conger, A. J. (1980). Integration and generalization of kappas for multiple raters.
    Psychological Bulletin, 88(2), 322-328; with missing ratings, Gwet (2014, ch. 2), where
    ``p_gk`` is taken over the units coder ``g`` rated. Coders who rated nothing are left out.

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing.
        categories: the category set; by default the categories in the data.

    Returns:
        Kappa; NaN when no unit was rated twice or chance agreement is 1.

    Raises:
        AgreementInputError: malformed data or fewer than 2 coders.
    """
    return _value(data, categories, "conger_kappa")


def gwet_ac1(data: ReliabilityData, *, categories: Sequence[Hashable] | None = None) -> float:
    """Gwet's AC1 for any number of coders.

    ``AC1 = (p_a - p_e) / (1 - p_e)`` with ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` over the
    ``q`` categories. Gwet, K. L. (2008). Computing inter-rater reliability and its variance in
    the presence of high agreement. British Journal of Mathematical and Statistical Psychology,
    61(1), 29-48; Gwet (2014, ch. 2) for missing ratings. ``q`` counts the declared
    categories when ``categories`` is given, so declare unused categories explicitly.

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing.
        categories: the category set; by default the categories in the data.

    Returns:
        AC1; NaN when no unit was rated twice or there is only one category.

    Raises:
        AgreementInputError: malformed data or fewer than 2 coders.
    """
    return _value(data, categories, "gwet_ac1")


def brennan_prediger(
    data: ReliabilityData, *, categories: Sequence[Hashable] | None = None
) -> float:
    """Brennan and Prediger's coefficient (free-marginal kappa) for any number of coders.

    ``(p_a - 1/q) / (1 - 1/q)`` with ``q`` categories: chance agreement assumes each category
    equally likely. Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses,
    misuses, and alternatives. Educational and Psychological Measurement, 41(3), 687-699;
    Gwet (2014, ch. 2) for missing ratings. ``q`` counts the declared categories when
    ``categories`` is given.

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing.
        categories: the category set; by default the categories in the data.

    Returns:
        The coefficient; NaN when no unit was rated twice or there is only one category.

    Raises:
        AgreementInputError: malformed data or fewer than 2 coders.
    """
    return _value(data, categories, "brennan_prediger")
