"""Why a coefficient came out as NaN, in plain words.

Every coefficient returns ``float('nan')`` where it is undefined; :func:`why_undefined` runs
the same computation (:func:`~r2pcoder.agreement.engine.outcome`) and returns the reason, one of
:mod:`r2pcoder.agreement.reasons`, so a dialog or report can show it next to the missing
number. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from r2pcoder.agreement._data import Level, ReliabilityData, encode
from r2pcoder.agreement.engine import MEASURES, outcome
from r2pcoder.agreement.reasons import too_few_coders
from r2pcoder.errors import AgreementInputError

__all__ = ["MEASURES", "why_undefined"]


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
    if measure not in MEASURES:
        raise AgreementInputError(f"Unknown measure {measure!r}; use one of {', '.join(MEASURES)}.")
    coded = encode(data, categories=categories, level=level, min_coders=0)
    active = int((coded.codes >= 0).any(axis=1).sum())
    if active < coders_needed:
        return too_few_coders(active, coders_needed)
    return outcome(coded, measure, level).reason
