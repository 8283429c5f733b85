"""Report rows for the character unit: presence of a theme per character, as value patterns.

Each theme is reduced to pattern counts per stratum (see ``presence.py``) and every row, the
pairwise matrix and the strata are read off those counts. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import numpy.typing as npt

from r2pcoder.agreement import Patterns, from_counts
from r2pcoder.reliability.corpus import Corpus
from r2pcoder.reliability.measures import evaluate_patterns
from r2pcoder.reliability.presence import PatternCounts, some_present
from r2pcoder.reliability.report import (
    ALL_THEMES,
    UNUSED_NOTE,
    MeasureValue,
    PairwiseMatrix,
    ResultRow,
)

__all__ = [
    "CHARACTER_VARIANTS",
    "character_pairwise",
    "character_rows",
]

IntArray = npt.NDArray[np.int64]
CHARACTER_VARIANTS = ("all text", "coded text only")


def _counts(patterns: PatternCounts, variant: str, strata: Sequence[int] | None) -> IntArray:
    base = patterns.counts if strata is None else patterns.counts[list(strata)]
    total = np.asarray(base.sum(axis=0), dtype=np.int64)
    if variant == "coded text only":
        total = np.where(some_present(patterns.n_coders), total, 0)
    return total


def _presence(counts: IntArray, n_coders: int) -> Patterns:
    # Pattern digits are 0 missing, 1 absent, 2 present: category code + 1, as from_counts reads.
    return from_counts(counts, n_coders, 2)


def character_rows(
    corpus: Corpus,
    patterns: list[PatternCounts],
    measures: Sequence[str],
    variant: str,
    strata: Sequence[int] | None = None,
    by_stance: Sequence[list[PatternCounts]] = (),
) -> list[ResultRow]:
    """Per theme, per stance and all-themes rows of a variant, over ``strata`` (all by default).

    ``by_stance[k]`` holds the pattern counts of the codings with stance ``k`` only; its row
    pools every theme, as the per-stance rows of the statement unit do.
    """
    n = len(corpus.coders)
    rows = []
    pooled = np.zeros(3**n, dtype=np.int64)
    unused = set(corpus.unused_themes)
    for theme, counts_of in zip(corpus.themes, patterns, strict=True):
        counts = _counts(counts_of, variant, strata)
        pooled += counts
        reduced = _presence(counts, n)
        values = evaluate_patterns(reduced, measures)
        note = UNUSED_NOTE if theme.key in unused else ""
        if note:
            values = {k: MeasureValue(None, UNUSED_NOTE) for k in values}
        rows.append(
            ResultRow(
                "theme", theme.key, theme.name, variant, int(reduced.pairable()), values, note
            )
        )
    for stance, counts_of_stance in zip(corpus.stances, by_stance, strict=False):
        counts = sum((_counts(c, variant, strata) for c in counts_of_stance), np.zeros_like(pooled))
        reduced = _presence(counts, n)
        rows.append(
            ResultRow(
                "stance",
                stance.key,
                stance.name,
                variant,
                int(reduced.pairable()),
                evaluate_patterns(reduced, measures),
            )
        )
    reduced = _presence(pooled, n)
    rows.append(
        ResultRow(
            "overall",
            "",
            ALL_THEMES,
            variant,
            int(reduced.pairable()),
            evaluate_patterns(reduced, measures),
        )
    )
    return rows


def character_pairwise(
    corpus: Corpus, patterns: list[PatternCounts], measure: str, variant: str
) -> PairwiseMatrix:
    """``measure`` over all themes for every pair of coders."""
    n = len(corpus.coders)
    pooled = np.zeros(3**n, dtype=np.int64)
    for counts_of in patterns:
        pooled += _counts(counts_of, variant, None)
    every = _presence(pooled, n)
    values: list[list[float | None]] = [[None] * n for _ in range(n)]
    notes: list[list[str]] = [[""] * n for _ in range(n)]
    for a, b in combinations(range(n), 2):
        pair = every.coders((a, b))
        result = evaluate_patterns(pair, (measure,))[measure]
        values[a][b] = values[b][a] = result.value
        notes[a][b] = notes[b][a] = result.note
    return PairwiseMatrix(
        measure,
        variant,
        tuple(c.name for c in corpus.coders),
        tuple(tuple(r) for r in values),
        tuple(tuple(r) for r in notes),
    )
