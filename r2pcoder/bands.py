"""Krippendorff's bands for reliability coefficients, and printing a value beside its band.

Kept apart from :mod:`r2pcoder.reliability` (which needs numpy and the database) so that
exports and dialogs can label values cheaply. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["BANDS", "CHANCE_CORRECTED", "band", "format_measure", "format_value"]

BANDS: tuple[tuple[float, str], ...] = ((0.800, "reliable"), (0.667, "tentative"))
"""Krippendorff's conventional cut-offs (Content Analysis, 2004, p. 241): rely on variables
with alpha >= .800, draw tentative conclusions from those with .667 <= alpha < .800."""

CHANCE_CORRECTED = frozenset(
    {
        "krippendorff_alpha",
        "cohen_kappa",
        "scott_pi",
        "fleiss_kappa",
        "conger_kappa",
        "gwet_ac1",
        "brennan_prediger",
    }
)
"""Measures that get a band and are held against a threshold; percent agreement does not
correct for chance, so it gets neither."""


def band(measure: str, value: float | None) -> str:
    """``"reliable"``, ``"tentative"`` or ``"unreliable"``; ``""`` for no value or no band.

    The unrounded value is compared. The cut-offs are Krippendorff's for alpha; for the kappa
    family they are shown as the same guide, which the README says.
    """
    if value is None or measure not in CHANCE_CORRECTED:
        return ""
    for cut, name in BANDS:
        if value >= cut:
            return name
    return "unreliable"


_CUTS = tuple(cut for cut, _ in BANDS)


def format_value(value: float, cuts: Iterable[float] = _CUTS, digits: int = 3) -> str:
    """``value`` with ``digits`` decimals, never rounded across one of the ``cuts``.

    Bands and thresholds compare the unrounded value, so 0.6666 is "unreliable"; printed as
    0.667 it would read as "tentative". A value whose rounding would cross a cut is cut off
    instead (0.6666 -> 0.666; 0.79996 -> 0.799), so the printed figure and its band agree.
    """
    text = f"{value:.{digits}f}"
    shown = float(text)
    scale = 10**digits
    for cut in cuts:
        if value < cut <= shown:
            return f"{math.floor(value * scale) / scale:.{digits}f}"
        if shown < cut <= value:
            return f"{math.ceil(value * scale) / scale:.{digits}f}"
    return text


def format_measure(measure: str, value: float) -> str:
    """A coefficient as printed beside its band: see :func:`format_value`.

    Percent agreement has no band, so it is rounded as usual (2/3 -> 0.667).
    """
    return format_value(value) if measure in CHANCE_CORRECTED else f"{value:.3f}"
