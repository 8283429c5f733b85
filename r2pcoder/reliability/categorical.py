"""Report rows for the categorical units (statement, sentence, paragraph, overlap).

Cuts the per-theme code matrices of :mod:`r2pcoder.reliability.units` into the slices a report
shows (per theme, per stance, all themes, per coder pair, per stratum) and runs the coefficients
on each. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.reliability.corpus import Corpus
from r2pcoder.reliability.measures import Bootstrap, evaluate_categorical, pairable_units
from r2pcoder.reliability.report import MeasureValue, PairwiseMatrix, ResultRow
from r2pcoder.reliability.settings import LevelName
from r2pcoder.reliability.units import CategoricalUnits

__all__ = ["Slices", "headline", "pairwise_matrix", "slice_rows", "stratum_layers", "to_float"]

FloatArray = npt.NDArray[np.float64]
ALL_THEMES = "All themes"
UNUSED = "Nobody coded this theme in these statements; its agreement is undefined, not perfect."


def to_float(codes: npt.NDArray[np.int8]) -> FloatArray:
    """Category codes as floats with NaN for missing (-1), the coefficients' input."""
    data = codes.astype(np.float64)
    data[codes < 0] = np.nan
    return data


def headline(measures: Sequence[str]) -> str:
    """The measure shown in the pairwise matrix and the strata: alpha when chosen."""
    return "krippendorff_alpha" if "krippendorff_alpha" in measures else measures[0]


@dataclass(frozen=True)
class Slices:
    """Per-theme layers of one variant; ``layers[t]`` is coders x units codes."""

    variant: str
    layers: list[npt.NDArray[np.int8]]
    labels: tuple[str, ...]
    scale: tuple[int, ...]

    def pooled(self) -> npt.NDArray[np.int8]:
        """Every theme's units side by side (coders x all units)."""
        if not self.layers:
            return np.zeros((0, 0), dtype=np.int8)
        return np.concatenate(self.layers, axis=1)

    @classmethod
    def of(cls, units: CategoricalUnits, variant: str) -> Slices:
        """The layers of ``units``, one per theme."""
        return cls(variant, list(units.codes), units.labels, units.stance_codes)


@dataclass(frozen=True)
class _Options:
    measures: tuple[str, ...]
    level: LevelName
    bootstrap: Bootstrap | None


def _row(
    ident: tuple[str, str, str, str],
    data: FloatArray,
    values: dict[str, MeasureValue],
    note: str = "",
) -> ResultRow:
    scope, key, label, variant = ident
    return ResultRow(scope, key, label, variant, pairable_units(data), values, note)


def _evaluate(
    slices: Slices, data: FloatArray, options: _Options, binary: bool
) -> dict[str, MeasureValue]:
    if binary:
        return evaluate_categorical(
            data, options.measures, level="nominal", categories=(0.0, 1.0),
            bootstrap=options.bootstrap, labels=("no", "yes"),
        )  # fmt: skip
    base = (0, *slices.scale) if slices.scale else (0, 1)
    return evaluate_categorical(
        data, options.measures, level=options.level, categories=[float(c) for c in base],
        scale=[float(c) for c in slices.scale], bootstrap=options.bootstrap, labels=slices.labels,
    )  # fmt: skip


def slice_rows(
    corpus: Corpus,
    slices: Slices,
    options_args: tuple[tuple[str, ...], LevelName, Bootstrap | None],
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[ResultRow]:
    """Per theme, per stance (when the values are stances) and all-themes rows of one variant."""
    options = _Options(*options_args)
    rows: list[ResultRow] = []
    unused = set(corpus.unused_themes)
    n = len(slices.layers) + len(slices.scale) + 1
    for t, theme in enumerate(corpus.themes):
        check_cancelled(cancelled)
        data = to_float(slices.layers[t])
        note = UNUSED if theme.key in unused else ""
        values = _evaluate(slices, data, options, binary=False)
        if note:
            values = {k: MeasureValue(None, UNUSED) for k in values}
        rows.append(_row(("theme", theme.key, theme.name, slices.variant), data, values, note))
        if progress is not None:
            progress((t + 1) / n)
    pooled = slices.pooled()
    for i, code in enumerate(slices.scale):
        check_cancelled(cancelled)
        stance = corpus.stances[code - 1]
        binary = np.where(pooled < 0, np.nan, (pooled == code).astype(np.float64))
        values = _evaluate(slices, binary, options, binary=True)
        rows.append(_row(("stance", stance.key, stance.name, slices.variant), binary, values))
        if progress is not None:
            progress((len(slices.layers) + i + 1) / n)
    data = to_float(pooled)
    values = _evaluate(slices, data, options, binary=False)
    rows.append(_row(("overall", "", ALL_THEMES, slices.variant), data, values))
    return rows


def pairwise_matrix(
    corpus: Corpus,
    measure: str,
    variant: str,
    pooled_for: Callable[[tuple[int, int]], tuple[npt.NDArray[np.int8], Slices]],
    level: LevelName,
) -> PairwiseMatrix:
    """``measure`` over all themes for every pair of coders (``pooled_for`` gives their data)."""
    n = len(corpus.coders)
    values: list[list[float | None]] = [[None] * n for _ in range(n)]
    notes: list[list[str]] = [[""] * n for _ in range(n)]
    for a, b in combinations(range(n), 2):
        pooled, slices = pooled_for((a, b))
        options = _Options((measure,), level, None)
        result = _evaluate(slices, to_float(pooled), options, binary=False)[measure]
        values[a][b] = values[b][a] = result.value
        notes[a][b] = notes[b][a] = result.note
    return PairwiseMatrix(
        measure, variant, tuple(c.name for c in corpus.coders),
        tuple(tuple(r) for r in values), tuple(tuple(r) for r in notes),
    )  # fmt: skip


def stratum_layers(slices: Slices, keep_units: Sequence[npt.NDArray[np.bool_]]) -> Slices:
    """The same slices restricted, theme by theme, to the units in ``keep_units``."""
    layers = [layer[:, keep] for layer, keep in zip(slices.layers, keep_units, strict=True)]
    return Slices(slices.variant, layers, slices.labels, slices.scale)
