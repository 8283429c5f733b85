"""Why a coefficient came out as NaN, in plain words.

Every coefficient returns ``float('nan')`` where it is undefined; :func:`why_undefined` runs
the same computation and returns the reason, so a dialog or report can show it next to the
missing number. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from r2pcoder.agreement._data import Coded, Level, Outcome, ReliabilityData, encode
from r2pcoder.agreement.alpha import alpha_outcome
from r2pcoder.agreement.pairwise import cohen_outcome, scott_outcome
from r2pcoder.agreement.raters import rater_outcome
from r2pcoder.errors import AgreementInputError

__all__ = ["MEASURES", "why_undefined"]


def _rater(name: str) -> Callable[[Coded, Level], Outcome]:
    return lambda coded, _level: rater_outcome(coded, name)


_OUTCOMES: dict[str, Callable[[Coded, Level], Outcome]] = {
    "percent_agreement": _rater("percent_agreement"),
    "cohen_kappa": lambda coded, _level: cohen_outcome(coded),
    "scott_pi": lambda coded, _level: scott_outcome(coded),
    "fleiss_kappa": _rater("fleiss_kappa"),
    "conger_kappa": _rater("conger_kappa"),
    "gwet_ac1": _rater("gwet_ac1"),
    "brennan_prediger": _rater("brennan_prediger"),
    "krippendorff_alpha": alpha_outcome,
}
MEASURES: tuple[str, ...] = tuple(_OUTCOMES)
_TWO_CODER = ("cohen_kappa", "scott_pi")


def why_undefined(
    data: ReliabilityData,
    measure: str = "krippendorff_alpha",
    *,
    level: Level = "nominal",
    categories: Sequence[Hashable] | None = None,
    coders_needed: int = 2,
) -> str | None:
    """Say why ``measure`` is NaN for ``data``, or return None when it is defined.

    Reasons include: fewer than ``coders_needed`` coders gave any value; no unit was coded by
    two or more coders (by both coders, for Cohen's kappa and Scott's pi); no variation, so
    chance agreement is certain. For unitized data use
    :func:`~r2pcoder.agreement.unitizing.unitizing_outcome`.

    Args:
        data: reliability data as for the coefficients.
        measure: a coefficient's function name, one of :data:`MEASURES`.
        level: level of measurement, for ``krippendorff_alpha``.
        categories: the category set, as passed to the coefficient.
        coders_needed: fewest coders with at least one value for the measure to make sense.

    Returns:
        A one-sentence reason, or None.

    Raises:
        AgreementInputError: unknown measure, or data the coefficient itself would refuse
            (ragged rows, mixed types, 3 coders for Cohen's kappa...). Fewer than 2 coder
            rows is reported as a reason, not raised.
    """
    if measure not in _OUTCOMES:
        raise AgreementInputError(f"Unknown measure {measure!r}; use one of {', '.join(MEASURES)}.")
    coded = encode(data, categories=categories, level=level, min_coders=0)
    active = int((coded.codes >= 0).any(axis=1).sum())
    if active < coders_needed:
        return (
            f"Only {active} coder{'s' if active != 1 else ''} gave any value; "
            f"at least {coders_needed} are needed."
        )
    if measure in _TWO_CODER and coded.n_coders != 2:  # noqa: PLR2004
        raise AgreementInputError(f"{measure} compares exactly 2 coders; got {coded.n_coders}.")
    return _OUTCOMES[measure](coded, level).reason
