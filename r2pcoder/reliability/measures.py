"""Running the chosen coefficients on one slice of reliability data, with reasons and intervals.

Every slice (a theme, a stance, all themes, a coder pair, a stratum) is reduced to its value
patterns (:class:`r2pcoder.agreement.Patterns`) and each coefficient is asked of the agreement
engine (:func:`r2pcoder.agreement.outcome`); the bootstrap intervals of alpha are asked of
:mod:`r2pcoder.reliability.intervals`. An undefined coefficient comes back as ``None`` with the
engine's reason, and a coefficient that does not apply (e.g. Cohen's kappa with three coders) as
``None`` with its message: a report never stops, and never shows a silent 0 or 1, because one
slice is degenerate. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from r2pcoder import agreement
from r2pcoder.agreement import Patterns
from r2pcoder.errors import AgreementInputError
from r2pcoder.reliability.intervals import Docs, Intervals
from r2pcoder.reliability.report import MeasureValue, band
from r2pcoder.reliability.settings import LevelName

__all__ = ["RawCodes", "SliceSpec", "evaluate_codes", "evaluate_patterns", "measure_value"]

Int8Array = npt.NDArray[np.int8]
IntArray = npt.NDArray[np.int64]
RawCodes = Callable[[], Int8Array]

ALL_SAME = (
    "Every coder gave every compared unit the same value ({value}), so agreement is complete."
)
SCALE_NOTE = "{level}, over the stance scale only ('not coded', 'mixed', 'no stance' left out)"


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


def measure_value(
    patterns: Patterns, name: str, level: LevelName = "nominal", note: str = ""
) -> MeasureValue:
    """One coefficient of ``patterns`` as a report shows it: ``None`` with the reason if undefined.

    ``note`` is shown beside a defined value (e.g. how alpha's scale was read).
    """
    try:
        result = agreement.outcome(patterns, name, level)
    except AgreementInputError as exc:
        return MeasureValue(None, str(exc))
    if result.reason is not None:
        return MeasureValue(None, result.reason)
    return MeasureValue(result.value, note, band=band(name, result.value))


def evaluate_patterns(
    patterns: Patterns, measures: Sequence[str], level: LevelName = "nominal"
) -> dict[str, MeasureValue]:
    """The chosen coefficients of already reduced data, as they are (no interval)."""
    return {name: measure_value(patterns, name, level) for name in measures}


def _table(keep: Sequence[int], n_codes: int) -> npt.NDArray[np.int64]:
    """A lookup (indexed by code + 1) renumbering ``keep`` as 0..k-1, the rest as missing."""
    table = np.full(n_codes + 1, -1, dtype=np.int64)
    table[np.asarray(keep, dtype=np.int64) + 1] = np.arange(len(keep))
    return table


def _scale_alpha(patterns: Patterns, spec: SliceSpec) -> tuple[MeasureValue, IntArray, int]:
    """Alpha over the scale codes only, ranked 1, 2, ...; with the lookup and scale size."""
    table = _table(spec.scale, patterns.n_categories)
    k = len(spec.scale)
    scaled = patterns.mapped(table, k, np.arange(1.0, k + 1.0))  # ranks; ratio needs them > 0
    note = SCALE_NOTE.format(level=spec.level)
    return measure_value(scaled, "krippendorff_alpha", spec.level, note), table, k


def evaluate_codes(
    patterns: Patterns,
    measures: Sequence[str],
    spec: SliceSpec,
    raw: RawCodes | None = None,
    intervals: Intervals | None = None,
    docs: Docs = None,
) -> dict[str, MeasureValue]:
    """The chosen coefficients of a slice, from its patterns over the codes of ``spec.labels``.

    Categories are the declared codes plus those in the data. With a level other than nominal
    and a scale, alpha is computed over the scale codes only, ranked 1, 2, ... (the rest become
    missing), and says so; without a scale alpha is nominal. With ``intervals`` and ``raw`` (a
    function returning the slice's coders x units codes), alpha's interval and probability of
    falling below the threshold are asked for; they are filled in when ``intervals`` runs.
    ``docs`` (the statement of each unit) makes the bootstrap draw statements.
    """
    observed = np.unique(patterns.codes[patterns.codes >= 0]).tolist()
    keep = sorted(set(spec.declared) | set(observed))
    table = _table(keep, patterns.n_categories)
    mapped = patterns.mapped(table, len(keep))
    result: dict[str, MeasureValue] = {}
    for name in measures:
        level: LevelName = "nominal"
        if name == "krippendorff_alpha" and spec.level != "nominal" and spec.scale:
            measured, lookup, k = _scale_alpha(patterns, spec)
            level = spec.level
        else:
            measured = measure_value(mapped, name)
            lookup, k = table, len(keep)
        result[name] = measured
        wanted = intervals is not None and intervals.boot.n > 0 and raw is not None
        if name == "krippendorff_alpha" and wanted and measured.value is not None:
            assert intervals is not None
            assert raw is not None
            intervals.ask(result, name, lookup[raw().astype(np.int64) + 1], level, k, docs)
    _note_all_same(result, mapped, [spec.labels[c] for c in keep])
    return result


def _note_all_same(
    result: dict[str, MeasureValue], patterns: Patterns, labels: Sequence[str]
) -> None:
    pair = patterns.sizes() >= 2  # noqa: PLR2004
    codes = patterns.codes[:, pair]
    given = np.unique(codes[codes >= 0])
    if given.size != 1 or "percent_agreement" not in result:
        return
    old = result["percent_agreement"]
    note = ALL_SAME.format(value=repr(labels[int(given[0])]))
    result["percent_agreement"] = MeasureValue(old.value, note)
