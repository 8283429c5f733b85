"""Agreement coefficients over value patterns: each distinct unit profile counted once, weighted.

A master yields tens of thousands of units per slice (90,000 statement-theme pairs, a million
characters) but few distinct *patterns* of values across coders: every coefficient below
depends on the units only through how many units show each pattern. So the reliability data
are reduced to their distinct patterns and counts (``numpy.bincount`` or ``numpy.unique``) and
the coefficients are computed from those, which takes microseconds instead of rereading every
unit for every slice, pair and stratum.

The formulas are those of :mod:`r2pcoder.agreement` (the tests check that both give the same
values on random data): percent agreement, Fleiss' kappa, Gwet's AC1, Brennan and Prediger and
Conger's kappa in Gwet's generalised forms (Gwet 2014, Handbook of Inter-Rater Reliability,
ch. 2-4); Cohen's kappa and Scott's pi over the units both coders coded; Krippendorff's alpha
from the coincidence matrix (Krippendorff 2011, Computing Krippendorff's Alpha-Reliability).
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from r2pcoder.reliability.settings import LevelName

__all__ = ["NO_PAIRS", "NO_VARIATION", "Patterns", "coefficient", "from_counts", "patterns_of"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Result = tuple[float | None, str | None]

NO_PAIRS = "No unit was coded by two or more coders, so there is nothing to compare."
NO_BOTH = "No unit was coded by both coders, so there is nothing to compare."
NO_VARIATION = (
    "Every compared value is the same, so agreement cannot be told apart from chance: "
    "the coefficient is undefined."
)
ONE_CATEGORY = "There is only one category, so chance agreement is certain."
_BINCOUNT_LIMIT = 1 << 22


@dataclass(frozen=True, eq=False)
class Patterns:
    """The distinct value patterns of reliability data and how many units show each.

    Attributes:
        codes: patterns x coders; category index, -1 for missing.
        weights: units showing each pattern.
        n_categories: the declared number of categories (unused ones count for AC1 and BP).
    """

    codes: IntArray
    weights: FloatArray
    n_categories: int

    @property
    def n_coders(self) -> int:
        """Coders (columns of ``codes``)."""
        return int(self.codes.shape[1])

    def counts(self) -> FloatArray:
        """Patterns x categories: how many coders gave each category."""
        k = self.n_categories
        result = np.zeros((self.codes.shape[0], k))
        for i in range(self.n_coders):
            col = self.codes[:, i]
            rows = np.flatnonzero(col >= 0)
            np.add.at(result, (rows, col[rows]), 1.0)
        return result

    def pairable(self) -> float:
        """Units with values from two or more coders."""
        return float(self.weights[(self.codes >= 0).sum(axis=1) >= 2].sum())  # noqa: PLR2004

    def coders(self, chosen: Sequence[int]) -> Patterns:
        """The patterns of a subset of coders (identical patterns merged)."""
        codes = self.codes[:, list(chosen)]
        return _merge(codes, self.weights, self.n_categories)

    def mapped(self, table: IntArray, n_categories: int) -> Patterns:
        """Codes renumbered through ``table`` (indexed by code + 1; -1 is missing), merged."""
        return _merge(table[self.codes + 1], self.weights, n_categories)

    @classmethod
    def combine(cls, parts: Sequence[Patterns], n_coders: int, n_categories: int) -> Patterns:
        """The patterns of the units of every part together."""
        if not parts:
            return cls(np.zeros((0, n_coders), dtype=np.int64), np.zeros(0), n_categories)
        codes = np.concatenate([p.codes for p in parts])
        weights = np.concatenate([p.weights for p in parts])
        return _merge(codes, weights, n_categories)


def _decode(index: IntArray, n_coders: int, base: int) -> IntArray:
    return (index[:, None] // base ** np.arange(n_coders, dtype=np.int64)[None, :]) % base - 1


def _fits(n_coders: int, base: int) -> bool:
    """Whether pattern numbers ``sum (code + 1) * base ** i`` fit in 63 bits."""
    return n_coders * math.log2(base) < 62  # noqa: PLR2004


def _merge(codes: IntArray, weights: FloatArray, n_categories: int) -> Patterns:
    base = n_categories + 1
    if not _fits(codes.shape[1], base):
        rows, inverse = np.unique(codes, axis=0, return_inverse=True)
        summed = np.bincount(inverse.reshape(-1), weights=weights, minlength=rows.shape[0])
        return Patterns(rows.astype(np.int64), summed.astype(np.float64), n_categories)
    index = ((codes + 1) * base ** np.arange(codes.shape[1], dtype=np.int64)[None, :]).sum(axis=1)
    uniq, inverse = np.unique(index, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=weights, minlength=uniq.size)
    return Patterns(_decode(uniq, codes.shape[1], base), summed.astype(np.float64), n_categories)


def patterns_of(codes: npt.NDArray[np.integer], n_categories: int) -> Patterns:
    """Reduce coders x units category codes (-1 missing) to their distinct patterns."""
    n_coders = int(codes.shape[0])
    base = n_categories + 1
    if not _fits(n_coders, base):
        wide = codes.T.astype(np.int64)
        return _merge(wide, np.ones(wide.shape[0]), n_categories)
    index = np.zeros(codes.shape[1], dtype=np.int64)
    for i in range(n_coders):
        index += (codes[i].astype(np.int64) + 1) * base**i
    if base**n_coders <= _BINCOUNT_LIMIT:
        counts = np.bincount(index, minlength=base**n_coders)
        present = np.flatnonzero(counts)
        return Patterns(
            _decode(present, n_coders, base), counts[present].astype(float), n_categories
        )
    uniq, counts = np.unique(index, return_counts=True)
    return Patterns(_decode(uniq, n_coders, base), counts.astype(float), n_categories)


def from_counts(counts: IntArray, n_coders: int, n_categories: int) -> Patterns:
    """Patterns from a count per pattern index ``sum_i (code_i + 1) * (n_categories + 1) ** i``."""
    present = np.flatnonzero(counts)
    codes = _decode(present, n_coders, n_categories + 1)
    return Patterns(codes, counts[present].astype(float), n_categories)


@dataclass(frozen=True, eq=False)
class _Gwet:
    p_a: float
    pi: FloatArray


def _gwet(p: Patterns) -> _Gwet | None:
    r = p.counts()
    m = r.sum(axis=1)
    pair = m >= 2  # noqa: PLR2004 - agreement needs a pair of values
    if p.weights[pair].sum() == 0:
        return None
    w = p.weights[pair]
    agree = (r[pair] * (r[pair] - 1)).sum(axis=1) / (m[pair] * (m[pair] - 1))
    some = m >= 1
    pi = (p.weights[some, None] * r[some] / m[some, None]).sum(axis=0) / p.weights[some].sum()
    return _Gwet(float((w * agree).sum() / w.sum()), pi)


def _ratio(p_a: float, p_e: float) -> Result:
    if p_e >= 1.0 - 1e-12:
        return None, NO_VARIATION
    return (p_a - p_e) / (1.0 - p_e), None


def _percent(p: Patterns, g: _Gwet) -> Result:
    return g.p_a, None


def _fleiss(p: Patterns, g: _Gwet) -> Result:
    return _ratio(g.p_a, float(g.pi @ g.pi))


def _ac1(p: Patterns, g: _Gwet) -> Result:
    if p.n_categories < 2:  # noqa: PLR2004
        return None, ONE_CATEGORY
    return _ratio(g.p_a, float(g.pi @ (1.0 - g.pi)) / (p.n_categories - 1))


def _bp(p: Patterns, g: _Gwet) -> Result:
    if p.n_categories < 2:  # noqa: PLR2004
        return None, ONE_CATEGORY
    return _ratio(g.p_a, 1.0 / p.n_categories)


def _conger(p: Patterns, g: _Gwet) -> Result:
    shares = []
    for i in range(p.n_coders):
        col = p.codes[:, i]
        valid = col >= 0
        if p.weights[valid].sum() > 0:
            given = np.bincount(col[valid], weights=p.weights[valid], minlength=p.n_categories)
            shares.append(given / given.sum())
    r = len(shares)
    if r < 2:  # noqa: PLR2004
        return None, NO_VARIATION
    s = np.array(shares)
    p_e = float(((s.sum(axis=0) ** 2) - (s**2).sum(axis=0)).sum() / (r * (r - 1)))
    return _ratio(g.p_a, p_e)


def _two_coder_table(p: Patterns) -> FloatArray | None:
    both = (p.codes[:, 0] >= 0) & (p.codes[:, 1] >= 0)
    if p.weights[both].sum() == 0:
        return None
    table = np.zeros((p.n_categories, p.n_categories))
    np.add.at(table, (p.codes[both, 0], p.codes[both, 1]), p.weights[both])
    result: FloatArray = table / table.sum()
    return result


def _cohen_or_scott(p: Patterns, scott: bool) -> Result:
    if p.n_coders != 2:  # noqa: PLR2004
        name = "Scott's pi" if scott else "Cohen's kappa"
        return None, (
            f"{name} compares exactly two coders; there are {p.n_coders} (see the pairwise "
            "matrix, or use Fleiss' or Conger's kappa)."
        )
    table = _two_coder_table(p)
    if table is None:
        return None, NO_BOTH
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    chance = float((((rows + cols) / 2) ** 2).sum()) if scott else float(rows @ cols)
    return _ratio(float(np.trace(table)), chance)


def _delta2(level: LevelName, totals: FloatArray, values: FloatArray) -> FloatArray:
    k = totals.size
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        cumulative = np.cumsum(totals)
        span = cumulative[None, :] - cumulative[:, None] + totals[:, None]
        span = np.where(np.arange(k)[None, :] >= np.arange(k)[:, None], span, span.T)
        result: FloatArray = (span - (totals[:, None] + totals[None, :]) / 2.0) ** 2
        np.fill_diagonal(result, 0.0)
        return result
    diff = values[:, None] - values[None, :]
    if level == "interval":
        return diff**2
    total = values[:, None] + values[None, :]
    safe = np.where(total == 0, 1.0, total)
    return np.where(total == 0, 0.0, diff / safe) ** 2


def alpha(p: Patterns, level: LevelName = "nominal", values: FloatArray | None = None) -> Result:
    """Krippendorff's alpha from patterns; ``values`` are the categories' numbers (interval)."""
    r = p.counts()
    m = r.sum(axis=1)
    pair = m >= 2  # noqa: PLR2004
    if p.weights[pair].sum() == 0:
        return None, NO_PAIRS
    wr = r[pair] * (p.weights[pair] / (m[pair] - 1.0))[:, None]
    o = r[pair].T @ wr
    o[np.diag_indices(p.n_categories)] -= wr.sum(axis=0)
    totals = o.sum(axis=1)
    n = float(totals.sum())
    nums = np.arange(p.n_categories, dtype=float) if values is None else values
    d2 = _delta2(level, totals, nums)
    expected = float(totals @ d2 @ totals) / (n * (n - 1.0))
    if expected <= 0.0:
        return None, NO_VARIATION
    return 1.0 - float((o * d2).sum()) / n / expected, None


_GWET: dict[str, Callable[[Patterns, _Gwet], Result]] = {
    "percent_agreement": _percent,
    "fleiss_kappa": _fleiss,
    "conger_kappa": _conger,
    "gwet_ac1": _ac1,
    "brennan_prediger": _bp,
}


def coefficient(
    p: Patterns, measure: str, level: LevelName = "nominal", values: FloatArray | None = None
) -> Result:
    """``measure`` of the patterns: (value, None), or (None, the reason it is undefined)."""
    if measure == "krippendorff_alpha":
        return alpha(p, level, values)
    if measure in ("cohen_kappa", "scott_pi"):
        return _cohen_or_scott(p, scott=measure == "scott_pi")
    g = _gwet(p)
    if g is None:
        return None, NO_PAIRS
    return _GWET[measure](p, g)
