"""Running the chosen coefficients on one slice of reliability data, with reasons and intervals.

Every slice (a theme, a stance, all themes, a coder pair, a stratum) is reduced to its value
patterns (:mod:`r2pcoder.reliability.patterns`) and each coefficient is computed from them; the
bootstrap interval of alpha comes from :func:`r2pcoder.agreement.bootstrap_alpha`. An undefined
coefficient comes back as ``None`` with the reason, and a coefficient that does not apply (e.g.
Cohen's kappa with three coders) as ``None`` with its message: a report never stops, and never
shows a silent 0 or 1, because one slice is degenerate. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from r2pcoder import agreement
from r2pcoder.errors import AgreementInputError
from r2pcoder.reliability.patterns import Patterns, coefficient
from r2pcoder.reliability.report import MeasureValue, band
from r2pcoder.reliability.settings import LevelName

__all__ = ["Bootstrap", "RawCodes", "SliceSpec", "evaluate_codes", "evaluate_patterns"]

Int8Array = npt.NDArray[np.int8]
RawCodes = Callable[[], Int8Array]

ALL_SAME = (
    "Every coder gave every compared unit the same value ({value}), so agreement is complete."
)
SCALE_NOTE = "{level}, over the stance scale only ('not coded', 'mixed', 'no stance' left out)"


@dataclass(frozen=True)
class Bootstrap:
    """How to bootstrap alpha's interval: resamples, seed, threshold for ``p_below``, method."""

    n: int
    seed: int
    threshold: float
    method: agreement.BootstrapMethod = "units"


@dataclass(frozen=True)
class SliceSpec:
    """How to read a slice's category codes.

    Attributes:
        labels: the label of each code.
        declared: codes that count as categories even when unused (the scale and "not coded").
        scale: codes that are ranked stance points, lowest first (for ordinal alpha).
        level: alpha's level.
    """

    labels: tuple[str, ...]
    declared: tuple[int, ...]
    scale: tuple[int, ...] = ()
    level: LevelName = "nominal"


def evaluate_patterns(
    patterns: Patterns, measures: Sequence[str], level: LevelName = "nominal"
) -> dict[str, MeasureValue]:
    """The chosen coefficients of already reduced data, as they are (no interval)."""
    result = {}
    for name in measures:
        value, reason = coefficient(patterns, name, level)
        result[name] = MeasureValue(value, reason or "", band=band(name, value))
    return result


def _table(keep: Sequence[int], n_codes: int) -> npt.NDArray[np.int64]:
    """A lookup (indexed by code + 1) renumbering ``keep`` as 0..k-1, the rest as missing."""
    table = np.full(n_codes + 1, -1, dtype=np.int64)
    table[np.asarray(keep, dtype=np.int64) + 1] = np.arange(len(keep))
    return table


def _interval(value: MeasureValue, raw: RawCodes, table: npt.NDArray[np.int64], k: int,
              level: LevelName, boot: Bootstrap) -> MeasureValue:  # fmt: skip
    codes = table[raw().astype(np.int64) + 1]
    # Categories are numbered from 1, as in _scale_alpha, so a ratio level sees the same values.
    data = codes.astype(np.float64) + 1.0
    data[codes < 0] = np.nan
    try:
        result = agreement.bootstrap_alpha(
            data, level, n=boot.n, seed=boot.seed, threshold=boot.threshold,
            categories=[float(c) for c in range(1, k + 1)], method=boot.method,
        )  # fmt: skip
    except AgreementInputError:
        return value
    if math.isnan(result.ci_low) or math.isnan(result.ci_high):
        return value
    below = float(result.probability_below(boot.threshold))
    # Why an interval says little (perfect agreement, few units) belongs beside it.
    note = "; ".join(n for n in (value.note, result.note) if n)
    return MeasureValue(
        value.value, note, float(result.ci_low), float(result.ci_high),
        None if math.isnan(below) else below, value.band,
    )  # fmt: skip


def _scale_alpha(
    patterns: Patterns, spec: SliceSpec, raw: RawCodes | None, boot: Bootstrap | None
) -> MeasureValue:
    table = _table(spec.scale, patterns.n_categories)
    k = len(spec.scale)
    scaled = patterns.mapped(table, k)
    values = np.arange(1.0, k + 1.0)  # scale ranks; ratio needs them positive
    value, reason = coefficient(scaled, "krippendorff_alpha", spec.level, values)
    note = reason or SCALE_NOTE.format(level=spec.level)
    result = MeasureValue(value, note, band=band("krippendorff_alpha", value))
    if boot is not None and boot.n > 0 and raw is not None and value is not None:
        result = _interval(result, raw, table, k, spec.level, boot)
    return result


def evaluate_codes(
    patterns: Patterns,
    measures: Sequence[str],
    spec: SliceSpec,
    raw: RawCodes | None = None,
    bootstrap: Bootstrap | None = None,
) -> dict[str, MeasureValue]:
    """The chosen coefficients of a slice, from its patterns over the codes of ``spec.labels``.

    Categories are the declared codes plus those in the data. With a level other than nominal
    and a scale, alpha is computed over the scale codes only, ranked 1, 2, ... (the rest become
    missing), and says so; without a scale alpha is nominal. With ``bootstrap`` and ``raw`` (a
    function returning the slice's coders x units codes), alpha gets its interval and the
    probability of falling below the threshold.
    """
    observed = np.unique(patterns.codes[patterns.codes >= 0]).tolist()
    keep = sorted(set(spec.declared) | set(observed))
    table = _table(keep, patterns.n_categories)
    mapped = patterns.mapped(table, len(keep))
    result: dict[str, MeasureValue] = {}
    for name in measures:
        if name == "krippendorff_alpha" and spec.level != "nominal" and spec.scale:
            result[name] = _scale_alpha(patterns, spec, raw, bootstrap)
            continue
        value, reason = coefficient(mapped, name, "nominal")
        measured = MeasureValue(value, reason or "", band=band(name, value))
        wanted = bootstrap is not None and bootstrap.n > 0 and raw is not None
        if name == "krippendorff_alpha" and wanted and value is not None:
            assert bootstrap is not None
            assert raw is not None
            measured = _interval(measured, raw, table, len(keep), "nominal", bootstrap)
        result[name] = measured
    _note_all_same(result, mapped, [spec.labels[c] for c in keep])
    return result


def _note_all_same(
    result: dict[str, MeasureValue], patterns: Patterns, labels: Sequence[str]
) -> None:
    pair = (patterns.codes >= 0).sum(axis=1) >= 2  # noqa: PLR2004
    given = np.unique(patterns.codes[pair][patterns.codes[pair] >= 0])
    if given.size != 1 or "percent_agreement" not in result:
        return
    old = result["percent_agreement"]
    note = ALL_SAME.format(value=repr(labels[int(given[0])]))
    result["percent_agreement"] = MeasureValue(old.value, note)
