"""Running the chosen coefficients on one slice of reliability data, with reasons and intervals.

Categorical data go to the coefficients of :mod:`r2pcoder.agreement`; character presence goes
to the pattern-count formulas of :mod:`r2pcoder.reliability.presence`. Either way an undefined
coefficient comes back as ``None`` with the reason, and a coefficient that refuses the data
(e.g. Cohen's kappa with three coders) as ``None`` with its message: a report never stops, and
never shows a silent 0 or 1, because one slice is degenerate. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from r2pcoder import agreement
from r2pcoder.errors import AgreementInputError
from r2pcoder.reliability.presence import alpha_binary, cohen_binary, percent_binary
from r2pcoder.reliability.report import MeasureValue, band
from r2pcoder.reliability.settings import LevelName

__all__ = ["Bootstrap", "evaluate_categorical", "evaluate_presence", "pairable_units"]

FloatArray = npt.NDArray[np.float64]

ALL_SAME = (
    "Every coder gave every compared unit the same value ({value}), so agreement is complete."
)
ORDINAL_NOTE = "ordinal, over the stance scale only ('not coded', 'mixed', 'no stance' left out)"


@dataclass(frozen=True)
class Bootstrap:
    """How to bootstrap alpha's interval: resamples, seed and the threshold for ``p_below``."""

    n: int
    seed: int
    threshold: float


def pairable_units(data: FloatArray) -> int:
    """Units with values from two or more coders."""
    return int(((~np.isnan(data)).sum(axis=0) >= 2).sum())  # noqa: PLR2004


def _measure(name: str) -> Callable[..., float]:
    fn: Callable[..., float] = getattr(agreement, name)
    return fn


def _one(
    name: str, data: FloatArray, categories: tuple[float, ...], level: LevelName
) -> MeasureValue:
    kwargs: dict[str, Any] = {"categories": categories}
    if name == "krippendorff_alpha":
        kwargs["level"] = level
    try:
        value = float(_measure(name)(data, **kwargs))
        if math.isnan(value):
            reason = agreement.why_undefined(data, name, level=level, categories=categories)
            return MeasureValue(None, reason or "The coefficient is undefined for these data.")
    except AgreementInputError as exc:
        return MeasureValue(None, str(exc))
    return MeasureValue(value, band=band(name, value))


def _with_interval(
    result: MeasureValue,
    data: FloatArray,
    categories: tuple[float, ...],
    level: LevelName,
    bootstrap: Bootstrap,
) -> MeasureValue:
    boot = agreement.bootstrap_alpha(
        data, level, n=bootstrap.n, seed=bootstrap.seed, threshold=bootstrap.threshold,
        categories=categories,
    )  # fmt: skip
    if math.isnan(boot.ci_low) or math.isnan(boot.ci_high):
        return result
    below = float(boot.probability_below(bootstrap.threshold))
    return MeasureValue(
        result.value, result.note, float(boot.ci_low), float(boot.ci_high),
        None if math.isnan(below) else below, result.band,
    )  # fmt: skip


def evaluate_categorical(
    data: FloatArray,
    measures: Sequence[str],
    *,
    level: LevelName,
    categories: Sequence[float],
    scale: Sequence[float] = (),
    bootstrap: Bootstrap | None = None,
    labels: Sequence[str] = (),
) -> dict[str, MeasureValue]:
    """The chosen coefficients of coders x units data (category codes, NaN missing).

    Args:
        data: coders x units, float category codes, NaN for missing.
        measures: coefficient names, as in :mod:`r2pcoder.agreement`.
        level: alpha's level. For ``"ordinal"``, alpha is computed over the codes in ``scale``
            only (other categories become missing) and says so in its note.
        categories: the categories a coder could give (so coefficients that count categories,
            such as Brennan and Prediger's, count the unused ones too); codes in the data are
            added.
        scale: the codes that are ranked stance points, lowest first.
        bootstrap: bootstrap alpha's interval with these settings, or skip it.
        labels: the label of each code, for notes.
    """
    observed = np.unique(data[~np.isnan(data)])
    cats = tuple(float(c) for c in sorted(set(categories) | set(observed.tolist())))
    result: dict[str, MeasureValue] = {}
    for name in measures:
        use, use_cats, use_level, note = data, cats, level, ""
        if name == "krippendorff_alpha" and level == "ordinal" and scale:
            use = np.where(np.isin(data, scale), data, np.nan)
            use_cats, note = tuple(float(c) for c in scale), ORDINAL_NOTE
        elif name == "krippendorff_alpha" and level == "ordinal":
            use_level = "nominal"
        value = _one(name, use, use_cats, use_level)
        if note and value.value is not None:
            value = MeasureValue(value.value, note, band=value.band)
        if (
            name == "krippendorff_alpha"
            and bootstrap
            and bootstrap.n > 0
            and value.value is not None
        ):
            value = _with_interval(value, use, use_cats, use_level, bootstrap)
        result[name] = value
    _note_all_same(result, data, observed, labels)
    return result


def _note_all_same(
    result: dict[str, MeasureValue], data: FloatArray, observed: FloatArray, labels: Sequence[str]
) -> None:
    pairable = (~np.isnan(data)).sum(axis=0) >= 2  # noqa: PLR2004
    values = np.unique(data[:, pairable][~np.isnan(data[:, pairable])])
    if values.size != 1 or "percent_agreement" not in result:
        return
    code = int(values[0])
    label = labels[code] if 0 <= code < len(labels) else str(code)
    old = result["percent_agreement"]
    result["percent_agreement"] = MeasureValue(old.value, ALL_SAME.format(value=repr(label)))


_PRESENCE: dict[str, Callable[[npt.NDArray[np.int64], int], tuple[float | None, str | None]]] = {
    "percent_agreement": percent_binary,
    "cohen_kappa": cohen_binary,
    "krippendorff_alpha": alpha_binary,
}


def evaluate_presence(
    counts: npt.NDArray[np.int64], n_coders: int, measures: Sequence[str]
) -> dict[str, MeasureValue]:
    """The chosen coefficients of character presence, from pattern counts (see ``presence.py``).

    Measures other than percent agreement, Cohen's kappa and alpha are reported as not
    available for this unit.
    """
    result: dict[str, MeasureValue] = {}
    for name in measures:
        fn = _PRESENCE.get(name)
        if fn is None:
            result[name] = MeasureValue(
                None, "Not computed for the character unit; use percent agreement, Cohen's "
                "kappa or Krippendorff's alpha."
            )  # fmt: skip
            continue
        value, reason = fn(counts, n_coders)
        result[name] = MeasureValue(value, reason or "", band=band(name, value))
    return result


def pattern_pairable(counts: npt.NDArray[np.int64], n_coders: int) -> int:
    """Characters with values from two or more coders, from pattern counts."""
    digits = (np.arange(counts.size)[:, None] // 3 ** np.arange(n_coders)[None, :]) % 3
    return int(counts[(digits > 0).sum(axis=1) >= 2].sum())  # noqa: PLR2004
