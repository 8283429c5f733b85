"""Report rows for the unitized unit: Krippendorff's ``|u alpha`` per theme, stance, pair, stratum.

Each coder's codings of a theme are that coder's units of the theme (one continuum per
statement, laid end to end); only statements that every compared coder worked on take part,
because ``|u alpha`` reads an unmarked stretch as "not this theme". A coder pair of the pairwise
matrix compares the statements both of them worked on.

Krippendorff's units are contiguous and, within one coder and category, do not overlap
(Krippendorff 1995, 2004 section 12.4): a coder's two codings of a theme that touch (one ends
where the next begins) are two units, as two adjacent sentences marked one by one are, and stay
two here. Codings of one coder and theme that overlap cannot be two units; they are joined into
the stretch they cover together.

The arithmetic is :mod:`r2pcoder.agreement.unitizing_engine`'s. The observed disagreement of a
coder pair is found once per statement and theme and then summed over whatever statements a row
compares, so the pairwise matrix, every theme, the all-themes row and the strata share one pass
over the codings. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from r2pcoder.agreement import Outcome
from r2pcoder.agreement.unitizing import unitized_outcome
from r2pcoder.agreement.unitizing_engine import Units, disagreements, pair_observed, units_of
from r2pcoder.errors import AgreementInputError
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.reliability.corpus import Corpus
from r2pcoder.reliability.presence import merged_runs
from r2pcoder.reliability.report import (
    ALL_THEMES,
    UNUSED_NOTE,
    MeasureValue,
    PairwiseMatrix,
    ResultRow,
    band,
)

__all__ = ["NO_COMMON", "Unitized", "unitized_pairwise", "unitized_rows"]

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
NO_COMMON = "No statement was worked on by every compared coder."


@dataclass(frozen=True, eq=False)
class _Measured:
    """One set of units and the observed sums of every coder pair, per theme and statement."""

    units: Units | None
    pairs: dict[tuple[int, int], FloatArray]
    error: str = ""

    def observed(self, coders: Sequence[int], docs: BoolArray) -> FloatArray:
        """Per theme, the summed differences of every pair of ``coders`` over ``docs``."""
        assert self.units is not None
        total = np.zeros(self.units.n_categories)
        for a, b in combinations(coders, 2):
            total += self.pairs[(a, b)][:, docs].sum(axis=1)
        return total


def _measure(
    corpus: Corpus, pick: BoolArray, progress: Callable[[int], None], cancelled: CancelCheck | None
) -> _Measured:
    """The units of the picked codings and, for each coder pair, its sums per theme and statement.

    A pair's sums cover the statements both coders worked on: every row compares a subset of
    those.
    """
    runs = merged_runs(corpus, pick, join_touching=False)
    lengths = np.array([d.length for d in corpus.documents], dtype=np.int64)
    columns = (runs[:, 0], runs[:, 1], runs[:, 2], runs[:, 3], runs[:, 4])
    n = len(corpus.coders)
    try:
        units = units_of(columns, lengths, n, tuple(t.key for t in corpus.themes))
    except AgreementInputError as exc:
        return _Measured(None, {}, str(exc))
    pairs = {}
    for done, (a, b) in enumerate(combinations(range(n), 2), start=1):
        check_cancelled(cancelled)
        both = corpus.worked[a] & corpus.worked[b]
        pairs[(a, b)] = pair_observed(units, a, b, both)
        progress(done)
    return _Measured(units, pairs)


@dataclass(frozen=True, eq=False)
class Unitized:
    """The measured codings of a corpus: all of them, and those of each stance."""

    corpus: Corpus
    every: _Measured
    stances: tuple[_Measured, ...]

    @classmethod
    def of(
        cls,
        corpus: Corpus,
        *,
        progress: ProgressFn | None = None,
        cancelled: CancelCheck | None = None,
    ) -> Unitized:
        """Measure ``corpus``: its codings, then the codings of each stance."""
        n = len(corpus.coders)
        steps = max(n * (n - 1) // 2 * (1 + len(corpus.stances)), 1)
        done = 0

        def step(pairs: int) -> None:
            if progress is not None:
                progress((done + pairs) / steps)

        every = _measure(corpus, np.ones(corpus.n_codings, dtype=bool), step, cancelled)
        stances = []
        for k in range(len(corpus.stances)):
            done += n * (n - 1) // 2
            stances.append(_measure(corpus, corpus.stance == k, step, cancelled))
        return cls(corpus, every, tuple(stances))

    def common(self, docs: Sequence[int]) -> BoolArray:
        """The statements of ``docs`` that every compared coder worked on."""
        mask = np.zeros(len(self.corpus.documents), dtype=bool)
        mask[list(docs)] = True
        return mask & self.corpus.worked.all(axis=0)


def _value(outcome: Outcome) -> MeasureValue:
    if outcome.reason is not None:
        return MeasureValue(None, outcome.reason)
    return MeasureValue(outcome.value, band=band("krippendorff_alpha", outcome.value))


def _parts(
    measured: _Measured, coders: Sequence[int], docs: BoolArray
) -> tuple[FloatArray, FloatArray] | str:
    """``(D_o(k), D_e(k))`` per theme, or why there are none."""
    if measured.units is None:
        return measured.error
    if not docs.any():
        return NO_COMMON
    observed = measured.observed(coders, docs)
    return disagreements(measured.units, coders, docs, observed)


def _overall(
    measured: _Measured,
    coders: Sequence[int],
    docs: BoolArray,
    parts: tuple[FloatArray, FloatArray] | str | None = None,
) -> MeasureValue:
    """``|u alpha`` over all themes (from ``parts`` when they are already known)."""
    if parts is None:
        parts = _parts(measured, coders, docs)
    if isinstance(parts, str):
        return MeasureValue(None, parts)
    return _value(unitized_outcome(*parts))


def unitized_rows(measured: Unitized, docs: Sequence[int]) -> list[ResultRow]:
    """Per theme ``alpha_k``, per stance and all-themes ``|u alpha`` over statements ``docs``.

    A stance's row keeps only the codings with that stance, over every theme.
    """
    corpus = measured.corpus
    coders = list(range(len(corpus.coders)))
    common = measured.common(docs)
    n_common = int(common.sum())
    parts = _parts(measured.every, coders, common)
    unused = set(corpus.unused_themes)
    rows = []
    for t, theme in enumerate(corpus.themes):
        if theme.key in unused:
            value, note = MeasureValue(None, UNUSED_NOTE), UNUSED_NOTE
        elif isinstance(parts, str):
            value, note = MeasureValue(None, parts), ""
        else:
            value, note = _value(unitized_outcome(*parts, t)), ""
        alpha = {"krippendorff_alpha": value}
        rows.append(ResultRow("theme", theme.key, theme.name, "", n_common, alpha, note))
    for stance, by_stance in zip(corpus.stances, measured.stances, strict=True):
        value = _overall(by_stance, coders, common)
        alpha = {"krippendorff_alpha": value}
        rows.append(ResultRow("stance", stance.key, stance.name, "", n_common, alpha))
    overall = _overall(measured.every, coders, common, parts)
    rows.append(ResultRow("overall", "", ALL_THEMES, "", n_common, {"krippendorff_alpha": overall}))
    return rows


def unitized_pairwise(measured: Unitized) -> PairwiseMatrix:
    """``|u alpha`` over all themes for every pair of coders, on the statements both worked on."""
    corpus = measured.corpus
    n = len(corpus.coders)
    values: list[list[float | None]] = [[None] * n for _ in range(n)]
    notes: list[list[str]] = [[""] * n for _ in range(n)]
    for a, b in combinations(range(n), 2):
        result = _overall(measured.every, (a, b), corpus.worked[a] & corpus.worked[b])
        values[a][b] = values[b][a] = result.value
        notes[a][b] = notes[b][a] = result.note
    return PairwiseMatrix(
        "krippendorff_alpha",
        "",
        tuple(c.name for c in corpus.coders),
        tuple(tuple(r) for r in values),
        tuple(tuple(r) for r in notes),
    )
