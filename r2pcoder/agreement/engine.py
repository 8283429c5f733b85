"""The agreement engine: any coefficient of weighted value patterns, by name.

This is the one place where a coefficient is computed. The public functions of
:mod:`r2pcoder.agreement` (``krippendorff_alpha(data)``...) check and encode their data and call
it, and so do the reports of :mod:`r2pcoder.reliability`, which hand it the value patterns of
each slice of a master. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from r2pcoder.agreement._data import LEVELS, Level, Outcome
from r2pcoder.agreement.alpha import alpha_outcome
from r2pcoder.agreement.pairwise import cohen_outcome, scott_outcome
from r2pcoder.agreement.patterns import Patterns
from r2pcoder.agreement.raters import RATER_MEASURES, rater_outcome
from r2pcoder.errors import AgreementInputError

__all__ = ["MEASURES", "TWO_CODER_MEASURES", "outcome"]

MEASURES: tuple[str, ...] = (
    "percent_agreement",
    "krippendorff_alpha",
    "cohen_kappa",
    "scott_pi",
    "fleiss_kappa",
    "conger_kappa",
    "gwet_ac1",
    "brennan_prediger",
)
"""Every coefficient the engine computes, by its function name in :mod:`r2pcoder.agreement`."""

TWO_CODER_MEASURES: tuple[str, ...] = ("cohen_kappa", "scott_pi")
"""The coefficients defined for exactly two coders."""


def outcome(patterns: Patterns, measure: str, level: Level = "nominal") -> Outcome:
    """``measure`` of ``patterns``: its value, or NaN and the reason it is undefined.

    ``level`` is alpha's level of measurement (the other coefficients are nominal); the interval
    and ratio levels read the categories' numbers from ``patterns.values``.

    Raises:
        AgreementInputError: an unknown measure or level, Cohen's kappa or Scott's pi of other
            than two coders, or a level that needs numbers the patterns do not have.
    """
    if measure == "krippendorff_alpha":
        if level not in LEVELS:
            raise AgreementInputError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
        return alpha_outcome(patterns, level)
    if measure == "cohen_kappa":
        return cohen_outcome(patterns)
    if measure == "scott_pi":
        return scott_outcome(patterns)
    if measure in RATER_MEASURES:
        return rater_outcome(patterns, measure)
    raise AgreementInputError(f"Unknown measure {measure!r}; use one of {', '.join(MEASURES)}.")
