"""Report rows for the span-based units: character presence and unitizing alpha.

The character unit reduces each theme to pattern counts per stratum (see ``presence.py``) and
reads every row, the pairwise matrix and the strata off those counts. The unitized unit hands
each coder's codings of a theme to Krippendorff's ``|u alpha``
(:func:`r2pcoder.agreement.unitizing_outcome`), one continuum per statement; only statements
that every compared coder worked on take part, because ``|u alpha`` reads an unmarked stretch as
"not this theme".

Krippendorff's units are contiguous and, within one coder and category, do not overlap
(Krippendorff 1995, 2004 section 12.4): a coder's two codings of a theme that touch (one ends
where the next begins) are two units, as two adjacent sentences marked one by one are, and stay
two here. Codings of one coder and theme that overlap cannot be two units; they are joined into
the stretch they cover together. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from r2pcoder import agreement
from r2pcoder.agreement import Patterns, from_counts
from r2pcoder.errors import AgreementInputError
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.reliability.corpus import Corpus
from r2pcoder.reliability.measures import evaluate_patterns
from r2pcoder.reliability.presence import PatternCounts, merged_runs
from r2pcoder.reliability.report import (
    ALL_THEMES,
    UNUSED_NOTE,
    MeasureValue,
    PairwiseMatrix,
    ResultRow,
    band,
)

__all__ = [
    "CHARACTER_VARIANTS",
    "character_pairwise",
    "character_rows",
    "unitized_pairwise",
    "unitized_rows",
]

IntArray = npt.NDArray[np.int64]
CHARACTER_VARIANTS = ("all text", "coded text only")
NO_COMMON = "No statement was worked on by every compared coder."


def _counts(patterns: PatternCounts, variant: str, strata: Sequence[int] | None) -> IntArray:
    base = patterns.counts if strata is None else patterns.counts[list(strata)]
    total = np.asarray(base.sum(axis=0), dtype=np.int64)
    if variant == "coded text only":
        keep = (patterns.digits() == 2).any(axis=1)  # noqa: PLR2004 - digit 2 = present
        total = np.where(keep, total, 0)
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
            ResultRow("theme", theme.key, theme.name, variant, int(reduced.pairable()),
                      values, note)
        )  # fmt: skip
    for stance, counts_of_stance in zip(corpus.stances, by_stance, strict=False):
        counts = sum((_counts(c, variant, strata) for c in counts_of_stance), np.zeros_like(pooled))
        reduced = _presence(counts, n)
        rows.append(
            ResultRow("stance", stance.key, stance.name, variant, int(reduced.pairable()),
                      evaluate_patterns(reduced, measures))
        )  # fmt: skip
    reduced = _presence(pooled, n)
    rows.append(
        ResultRow("overall", "", ALL_THEMES, variant, int(reduced.pairable()),
                  evaluate_patterns(reduced, measures))
    )  # fmt: skip
    return rows


def character_pairwise(
    corpus: Corpus, patterns: list[PatternCounts], measure: str, variant: str
) -> PairwiseMatrix:
    """``measure`` over all themes for every pair of coders."""
    n = len(corpus.coders)
    pooled = np.zeros(3**n, dtype=np.int64)
    for counts_of in patterns:
        pooled += _counts(counts_of, variant, None)
    values: list[list[float | None]] = [[None] * n for _ in range(n)]
    notes: list[list[str]] = [[""] * n for _ in range(n)]
    for a, b in combinations(range(n), 2):
        pair = _presence(pooled, n).coders((a, b))
        result = evaluate_patterns(pair, (measure,))[measure]
        values[a][b] = values[b][a] = result.value
        notes[a][b] = notes[b][a] = result.note
    return PairwiseMatrix(
        measure, variant, tuple(c.name for c in corpus.coders),
        tuple(tuple(r) for r in values), tuple(tuple(r) for r in notes),
    )  # fmt: skip


def _segments(
    corpus: Corpus, coders: Sequence[int], docs: Sequence[int], themes: Sequence[int]
) -> list[list[tuple[Any, ...]]]:
    """Per coder, their units ``(doc, start, end, theme key)``: overlaps joined, touches not."""
    doc_set = np.zeros(len(corpus.documents), dtype=bool)
    doc_set[list(docs)] = True
    theme_set = np.zeros(len(corpus.themes), dtype=bool)
    theme_set[list(themes)] = True
    pick = doc_set[corpus.doc] & theme_set[corpus.theme] & np.isin(corpus.coder, list(coders))
    runs = merged_runs(corpus, pick, join_touching=False)
    keys = [t.key for t in corpus.themes]
    result: list[list[tuple[Any, ...]]] = [[] for _ in coders]
    slot = {c: i for i, c in enumerate(coders)}
    for coder, theme, doc, start, end in runs.tolist():
        result[slot[coder]].append((doc, start, end, keys[theme]))
    return result


def _unitized_value(
    corpus: Corpus, coders: Sequence[int], docs: Sequence[int], themes: Sequence[int],
    category: str | None,
) -> MeasureValue:  # fmt: skip
    common = [d for d in docs if corpus.worked[list(coders), d].all()]
    if not common:
        return MeasureValue(None, NO_COMMON)
    lengths: dict[Hashable, int] = {d: corpus.documents[d].length for d in common}
    try:
        outcome = agreement.unitizing_outcome(
            _segments(corpus, coders, common, themes), lengths, category=category
        )
    except AgreementInputError as exc:
        return MeasureValue(None, str(exc))
    if outcome.reason is not None:
        return MeasureValue(None, outcome.reason)
    return MeasureValue(outcome.value, band=band("krippendorff_alpha", outcome.value))


def unitized_rows(
    corpus: Corpus,
    docs: Sequence[int],
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[ResultRow]:
    """Per theme ``alpha_k``, per stance and all-themes ``|u alpha`` over statements ``docs``.

    A stance's row keeps only the codings with that stance, over every theme.
    """
    coders = list(range(len(corpus.coders)))
    common = sum(1 for d in docs if corpus.worked[:, d].all())
    rows = []
    all_themes = list(range(len(corpus.themes)))
    unused = set(corpus.unused_themes)
    for t, theme in enumerate(corpus.themes):
        check_cancelled(cancelled)
        if theme.key in unused:
            value, note = MeasureValue(None, UNUSED_NOTE), UNUSED_NOTE
        else:
            value, note = _unitized_value(corpus, coders, docs, [t], theme.key), ""
        rows.append(
            ResultRow("theme", theme.key, theme.name, "", common,
                      {"krippendorff_alpha": value}, note)
        )  # fmt: skip
        if progress is not None:
            progress((t + 1) / (len(corpus.themes) + 1))
    for k, stance in enumerate(corpus.stances):
        check_cancelled(cancelled)
        value = _unitized_value(corpus.only(corpus.stance == k), coders, docs, all_themes, None)
        rows.append(ResultRow("stance", stance.key, stance.name, "", common,
                              {"krippendorff_alpha": value}))  # fmt: skip
    overall = _unitized_value(corpus, coders, docs, all_themes, None)
    rows.append(ResultRow("overall", "", ALL_THEMES, "", common, {"krippendorff_alpha": overall}))
    return rows


def unitized_pairwise(corpus: Corpus) -> PairwiseMatrix:
    """``|u alpha`` over all themes for every pair of coders."""
    n = len(corpus.coders)
    docs = list(range(len(corpus.documents)))
    themes = list(range(len(corpus.themes)))
    values: list[list[float | None]] = [[None] * n for _ in range(n)]
    notes: list[list[str]] = [[""] * n for _ in range(n)]
    for a, b in combinations(range(n), 2):
        result = _unitized_value(corpus, (a, b), docs, themes, None)
        values[a][b] = values[b][a] = result.value
        notes[a][b] = notes[b][a] = result.note
    return PairwiseMatrix(
        "krippendorff_alpha", "", tuple(c.name for c in corpus.coders),
        tuple(tuple(r) for r in values), tuple(tuple(r) for r in notes),
    )  # fmt: skip
