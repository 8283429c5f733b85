"""Why a coefficient is undefined (or does not apply), in plain words: the one list of reasons.

Every coefficient of :mod:`r2pcoder.agreement` and every report of :mod:`r2pcoder.reliability`
names an undefined value with one of these sentences, so the same situation reads the same
everywhere (a dialog, the command line, a snapshot, an export). Must not import Qt or ``ui``.
"""

from __future__ import annotations

__all__ = [
    "NEVER_MARKED",
    "NOTHING_MARKED",
    "NO_COMMON_UNITS",
    "NO_PAIRS",
    "NO_VARIATION",
    "ONE_CATEGORY",
    "too_few_coders",
    "two_coders_only",
]

NO_PAIRS = "No unit was coded by two or more coders, so there is nothing to compare."
"""Alpha and the multi-coder coefficients: no unit has values from two or more coders."""

NO_COMMON_UNITS = "No unit was coded by both coders, so there is nothing to compare."
"""Cohen's kappa and Scott's pi: no unit has a value from each of the two coders."""

NO_VARIATION = (
    "Every compared value is the same, so agreement cannot be told apart from chance "
    "(chance agreement is certain): the coefficient is undefined."
)
"""Chance agreement is 1, or alpha's expected disagreement is 0: the ratio is 0/0."""

ONE_CATEGORY = "There is only one category, so chance agreement is certain."
"""Gwet's AC1 and Brennan and Prediger's coefficient with a single category."""

NEVER_MARKED = "No coder marked any segment of this category, so there is nothing to compare."
"""Unitizing alpha of one category that nobody marked."""

NOTHING_MARKED = "No coder marked any segment, so there is nothing to compare."
"""Unitizing alpha over all categories when nobody marked anything."""


def two_coders_only(name: str, n_coders: int) -> str:
    """Cohen's kappa or Scott's pi asked of other than two coders."""
    return (
        f"{name} compares exactly two coders; the data have {n_coders}. Use Fleiss' or Conger's "
        "kappa or Krippendorff's alpha for more (or a pairwise matrix)."
    )


def too_few_coders(active: int, needed: int) -> str:
    """Fewer coders gave any value than the measure needs."""
    return (
        f"Only {active} coder{'s' if active != 1 else ''} gave any value; "
        f"at least {needed} are needed."
    )
