"""Report rows for the categorical units (statement, sentence, paragraph, overlap).

Cuts the per-theme code matrices of :mod:`r2pcoder.reliability.units` into the slices a report
shows (per theme, per stance, all themes, per coder pair, per stratum) and runs the coefficients
on each. Bootstrap intervals are drawn for the theme and all-themes rows, the ones a band is
read from. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations

import numpy as np
import numpy.typing as npt

from r2pcoder.agreement import Patterns, patterns_of
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.reliability.corpus import Corpus
from r2pcoder.reliability.intervals import Bootstrap, Intervals
from r2pcoder.reliability.measures import SliceSpec, evaluate_codes, evaluate_patterns
from r2pcoder.reliability.report import (
    ALL_THEMES,
    UNUSED_NOTE,
    MeasureValue,
    PairwiseMatrix,
    ResultRow,
)
from r2pcoder.reliability.settings import LevelName
from r2pcoder.reliability.units import CategoricalUnits

__all__ = ["Options", "Slices", "headline", "pairwise_matrix", "slice_rows", "stratum_layers"]

Int8Array = npt.NDArray[np.int8]


def headline(measures: Sequence[str]) -> str:
    """The measure shown in the pairwise matrix: alpha when chosen."""
    return "krippendorff_alpha" if "krippendorff_alpha" in measures else measures[0]


@dataclass(frozen=True)
class Slices:
    """Per-theme layers of one variant.

    Attributes:
        variant: which reading of the units ("" when the unit has one).
        layers: per theme, coders x units codes.
        labels: the label of each code.
        scale: the codes of the stance scale, lowest rank first.
        unit_docs: per theme, the statement index of each unit (for strata).
    """

    variant: str
    layers: list[Int8Array]
    labels: tuple[str, ...]
    scale: tuple[int, ...]
    unit_docs: list[npt.NDArray[np.int64]]
    _patterns: dict[int, Patterns] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_coders(self) -> int:
        """Coders (rows of each layer)."""
        return int(self.layers[0].shape[0]) if self.layers else 0

    def theme_patterns(self, t: int) -> Patterns:
        """Theme ``t``'s value patterns (computed once)."""
        if t not in self._patterns:
            self._patterns[t] = patterns_of(self.layers[t], len(self.labels))
        return self._patterns[t]

    def pooled_patterns(self) -> Patterns:
        """The value patterns of every theme's units together."""
        parts = [self.theme_patterns(t) for t in range(len(self.layers))]
        return Patterns.combine(parts, self.n_coders, len(self.labels))

    def pooled(self) -> Int8Array:
        """Every theme's units side by side (coders x all units)."""
        if not self.layers:
            return np.zeros((0, 0), dtype=np.int8)
        return np.concatenate(self.layers, axis=1)

    def spec(self, level: LevelName) -> SliceSpec:
        """How to read these codes: "not coded" and the scale count as categories."""
        declared = (0, *self.scale) if self.scale else (0, 1)
        return SliceSpec(self.labels, declared, self.scale, level)

    @classmethod
    def of(cls, units: CategoricalUnits, variant: str) -> Slices:
        """The layers of ``units``, one per theme."""
        layers = list(units.codes)
        docs = [units.unit_doc] * len(layers)
        return cls(variant, layers, units.labels, units.stance_codes, docs)


@dataclass(frozen=True)
class Options:
    """Measures, alpha's level and the bootstrap (``None``: no interval)."""

    measures: tuple[str, ...]
    level: LevelName
    bootstrap: Bootstrap | None


def _same(layer: Int8Array) -> Int8Array:
    return layer


def _theme_rows(
    corpus: Corpus,
    slices: Slices,
    options: Options,
    intervals: Intervals | None,
    progress: Callable[[int], None],
    cancelled: CancelCheck | None,
) -> list[ResultRow]:
    rows = []
    unused = set(corpus.unused_themes)
    spec = slices.spec(options.level)
    for t, theme in enumerate(corpus.themes):
        check_cancelled(cancelled)
        patterns = slices.theme_patterns(t)
        if theme.key in unused:
            values = {m: MeasureValue(None, UNUSED_NOTE) for m in options.measures}
            note = UNUSED_NOTE
        else:
            layer = slices.layers[t]
            values = evaluate_codes(
                patterns,
                options.measures,
                spec,
                partial(_same, layer),
                intervals,
                slices.unit_docs[t],
            )
            note = ""
        pairable = int(patterns.pairable())
        rows.append(
            ResultRow("theme", theme.key, theme.name, slices.variant, pairable, values, note)
        )
        progress(t + 1)
    return rows


def slice_rows(
    corpus: Corpus,
    slices: Slices,
    options: Options,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[ResultRow]:
    """Per theme, per stance (when the values are stances) and all-themes rows of one variant.

    Per-stance rows pool every theme: a unit is 1 when the coder gave that stance, 0 when they
    gave another value, so they show which stances coders tell apart reliably.
    """
    total = len(slices.layers) + len(slices.scale) + 1

    def step(done: int) -> None:
        if progress is not None:
            progress(done / total)

    intervals = None if options.bootstrap is None else Intervals(options.bootstrap)
    rows = _theme_rows(corpus, slices, options, intervals, step, cancelled)
    pooled = slices.pooled_patterns()
    for i, code in enumerate(slices.scale):
        check_cancelled(cancelled)
        stance = corpus.stances[code - 1]
        # Lookup indexed by code + 1: missing stays missing, this stance is 1, the rest 0.
        table = np.zeros(len(slices.labels) + 1, dtype=np.int64)
        table[0], table[code + 1] = -1, 1
        binary = pooled.mapped(table, 2)
        values = evaluate_patterns(binary, options.measures)
        rows.append(
            ResultRow(
                "stance", stance.key, stance.name, slices.variant, int(binary.pairable()), values
            )
        )
        step(len(slices.layers) + i + 1)
    spec = slices.spec(options.level)
    docs = np.concatenate(slices.unit_docs) if slices.unit_docs else None
    values = evaluate_codes(pooled, options.measures, spec, slices.pooled, intervals, docs)
    rows.append(
        ResultRow("overall", "", ALL_THEMES, slices.variant, int(pooled.pairable()), values)
    )
    check_cancelled(cancelled)
    if intervals is not None:
        # Every theme's interval and the pooled one come from the same draws of statements.
        intervals.run()
    step(total)
    return rows


def pairwise_matrix(
    corpus: Corpus,
    measure: str,
    slices: Slices,
    level: LevelName,
    pooled_for: Callable[[tuple[int, int]], Int8Array] | None = None,
) -> PairwiseMatrix:
    """``measure`` over all themes for every pair of coders.

    ``pooled_for`` gives a pair's own data when it is not the pair's rows of the pooled data
    (overlap units are rebuilt for each pair).
    """
    n = len(corpus.coders)
    values: list[list[float | None]] = [[None] * n for _ in range(n)]
    notes: list[list[str]] = [[""] * n for _ in range(n)]
    pooled = slices.pooled_patterns() if pooled_for is None else None
    spec = slices.spec(level)
    for a, b in combinations(range(n), 2):
        if pooled is not None:
            pair = pooled.coders((a, b))
        else:
            assert pooled_for is not None
            pair = patterns_of(pooled_for((a, b)), len(slices.labels))
        result = evaluate_codes(pair, (measure,), spec)[measure]
        values[a][b] = values[b][a] = result.value
        notes[a][b] = notes[b][a] = result.note
    return PairwiseMatrix(
        measure,
        slices.variant,
        tuple(c.name for c in corpus.coders),
        tuple(tuple(r) for r in values),
        tuple(tuple(r) for r in notes),
    )


def stratum_layers(slices: Slices, stratum_of_doc: npt.NDArray[np.int64], stratum: int) -> Slices:
    """The same slices restricted to the units of statements in ``stratum``."""
    keep = [stratum_of_doc[docs] == stratum for docs in slices.unit_docs]
    layers = [layer[:, k] for layer, k in zip(slices.layers, keep, strict=True)]
    docs = [d[k] for d, k in zip(slices.unit_docs, keep, strict=True)]
    return Slices(slices.variant, layers, slices.labels, slices.scale, docs)
