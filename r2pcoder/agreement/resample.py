"""The resampling engines behind :func:`r2pcoder.agreement.bootstrap_alpha`.

Two ways of drawing bootstrap replicates of Krippendorff's alpha:

* **units** (the default): the nonparametric bootstrap of Efron (1979), drawing the pairable
  units with replacement (the units are the sampled entities of reliability data), as Zapf et
  al. (2016) did for alpha. With *clusters* (e.g. the statement each unit belongs to) whole
  clusters are drawn, each with all its units, which keeps units that are not independent
  together (the cluster bootstrap; Davison & Hinkley 1997, section 3.8). Alpha depends on the
  data only through sums over units (the pairable values ``n..``, the category totals ``n_c``
  and the disagreement ``n.. D_o``, or the coincidences for the ordinal level), so each
  cluster is reduced to its sums, identical clusters are counted once, and a resample is one
  multinomial count vector over them. The jackknife (leave one cluster out) that the BCa
  interval needs works on the same sums.
* **pairs**: Krippendorff's "Algorithm for bootstrapping a distribution of alpha" (2006,
  revised 2011), used by the KALPHA macro of Hayes and Krippendorff (2007): ``M`` pairs of
  values are drawn from the coincidence matrix with the probabilities ``o_ck / n..``, where
  ``M = min(25 Q, n.. (m - 1) / 2)`` for ``Q`` non-empty cells and ``m`` coders, and each
  resample's alpha is ``1 - sum delta2 / (M D_e)`` with the data's ``D_e``; a resample of one
  single value pair gets alpha 0, and alphas below -1 are set to -1. The pairs drawn are
  treated as independent although the pairs of one unit are not, and ``M`` stops growing at
  ``25 Q``: the coverage simulation in ``bench/bench_coverage.py`` shows intervals too narrow
  for three coders and too wide for many units. It is kept to reproduce KALPHA's figures.

Davison, A. C., & Hinkley, D. V. (1997). Bootstrap Methods and their Application. Cambridge
University Press. Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring
inter-rater reliability for nominal data. BMC Medical Research Methodology, 16, 93. Must not
import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from r2pcoder.agreement.alpha import AlphaParts
from r2pcoder.agreement.patterns import FloatArray, IntArray, Patterns
from r2pcoder.progress import CancelCheck, ProgressFn, Throttled, check_cancelled

__all__ = [
    "Groups",
    "alphas_of",
    "draw_clusters",
    "groups_of",
    "jackknife",
    "krippendorff_draws",
    "pair_resamples",
    "shared_alphas",
    "unit_resamples",
]

_BATCH = 200
# Coincidences are sums of 1/(m_u - 1); anything below this is rounding noise, not a pair.
_EMPTY_CELL = 1e-12


@dataclass(frozen=True, eq=False)
class Groups:
    """What each draw (a unit, or a cluster of units) adds to alpha's sums.

    Rows are distinct draws, each standing for ``freq`` identical ones (``freq`` 1 when the rows
    are aligned with the clusters of shared draws).

    Attributes:
        sizes: pairable values ``sum m_u``.
        counts: values per category, draws x categories.
        disagreement: ``sum_u sum_ck c_c c_k delta2_ck / (m_u - 1)`` (fixed differences: every
            level but ordinal).
        coincidences: draws x categories x categories (ordinal only, else ``None``).
        freq: how many draws each row stands for (0 for a cluster without pairable units).
    """

    sizes: FloatArray
    counts: FloatArray
    disagreement: FloatArray
    coincidences: FloatArray | None
    freq: FloatArray

    @property
    def n_draws(self) -> int:
        """Draws per resample: pairable units, or clusters holding one."""
        return int(self.freq.sum())


def _unit_coincidences(counts: FloatArray, sizes: FloatArray) -> FloatArray:
    """Per unit its coincidences ``(c c' - diag c) / (m_u - 1)`` (Krippendorff 2011)."""
    squares = counts[:, :, None] * counts[:, None, :]
    diagonal = np.arange(counts.shape[1])
    squares[:, diagonal, diagonal] -= counts
    result: FloatArray = squares / (sizes - 1.0)[:, None, None]
    return result


def _pairable_counts(patterns: Patterns) -> tuple[FloatArray, IntArray]:
    """Category counts of the pairable patterns and their pattern indices."""
    parts, where = [], []
    for span, counts in patterns.count_chunks():
        keep = counts.sum(axis=1) >= 2  # noqa: PLR2004 - a unit needs two values to be pairable
        parts.append(counts[keep])
        where.append(np.flatnonzero(keep) + span.start)
    n_cat = patterns.n_categories
    if not parts:
        return np.zeros((0, n_cat)), np.zeros(0, dtype=np.int64)
    return np.concatenate(parts).astype(np.float64), np.concatenate(where)


def _sum_by(index: IntArray, values: FloatArray, n: int) -> FloatArray:
    """Rows of ``values`` summed by ``index`` into ``n`` rows (a bincount per column)."""
    flat = values.reshape(values.shape[0], -1)
    columns = [np.bincount(index, weights=flat[:, j], minlength=n) for j in range(flat.shape[1])]
    result = np.stack(columns, axis=1) if columns else np.zeros((n, 0))
    shaped: FloatArray = result.reshape((n, *values.shape[1:]))
    return shaped


def groups_of(
    patterns: Patterns,
    fixed: FloatArray | None,
    clusters: npt.NDArray[np.integer] | None = None,
    n_clusters: int | None = None,
) -> Groups:
    """The draws of the pairable units: units, or clusters of them.

    Args:
        patterns: the reliability data; with ``clusters``, one pattern per unit (weight 1,
            as :func:`~r2pcoder.agreement._data.encode` gives them).
        fixed: the level's difference matrix when it does not depend on the totals (every
            level but ordinal), else ``None``.
        clusters: the cluster of each unit; ``None`` draws units.
        n_clusters: with ``clusters``, keep one row per cluster ``0 .. n_clusters - 1`` in that
            order (for shared draws); without it identical draws are merged.
    """
    counts, units = _pairable_counts(patterns)
    weights = patterns.weights[units]
    sizes = counts.sum(axis=1)
    disagreement = np.zeros(sizes.shape)
    if fixed is not None and counts.size:
        # The diagonal of delta2 is 0 at every level, so c' delta2 c counts pairs only.
        disagreement = np.einsum("uk,kl,ul->u", counts, fixed, counts) / (sizes - 1.0)
    coincidences = _unit_coincidences(counts, sizes) if fixed is None else None
    if clusters is not None:
        index = np.asarray(clusters, dtype=np.int64)[units]
        size = int(n_clusters if n_clusters is not None else index.max(initial=-1) + 1)
        counts = _sum_by(index, counts, size)
        present = np.bincount(index, minlength=size) > 0
        sizes, disagreement = counts.sum(axis=1), _sum_by(index, disagreement, size)
        if coincidences is not None:
            coincidences = _sum_by(index, coincidences, size)
        if n_clusters is not None:
            return Groups(sizes, counts, disagreement, coincidences, present.astype(np.float64))
        keep = present
        counts, sizes, disagreement = counts[keep], sizes[keep], disagreement[keep]
        coincidences = None if coincidences is None else coincidences[keep]
        weights = np.ones(sizes.shape)
    return _merged(sizes, counts, disagreement, coincidences, weights)


def _merged(
    sizes: FloatArray,
    counts: FloatArray,
    disagreement: FloatArray,
    coincidences: FloatArray | None,
    weights: FloatArray,
) -> Groups:
    """Identical draws as one row each, with how many units they stand for."""
    parts = [sizes[:, None], counts, disagreement[:, None]]
    if coincidences is not None:
        parts.append(coincidences.reshape(coincidences.shape[0], -1))
    table = np.concatenate(parts, axis=1)
    rows, inverse = np.unique(table, axis=0, return_inverse=True)
    freq = np.bincount(inverse.reshape(-1), weights=weights, minlength=rows.shape[0])
    n_cat = counts.shape[1]
    merged_coincidences = None
    if coincidences is not None:
        merged_coincidences = rows[:, n_cat + 2 :].reshape(-1, n_cat, n_cat)
    return Groups(
        rows[:, 0],
        rows[:, 1 : n_cat + 1],
        rows[:, n_cat + 1],
        merged_coincidences,
        freq.astype(np.float64),
    )


def _ordinal_delta(totals: FloatArray) -> FloatArray:
    """Per row of ``totals`` the ordinal ``delta2`` of :func:`~r2pcoder.agreement.alpha.delta2`.

    ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2``, for every resample at once.
    """
    cumulative = np.cumsum(totals, axis=1)
    span = cumulative[:, None, :] - cumulative[:, :, None] + totals[:, :, None]
    upper = np.arange(totals.shape[1])[None, :] >= np.arange(totals.shape[1])[:, None]
    span = np.where(upper[None], span, np.swapaxes(span, 1, 2))
    result: FloatArray = (span - (totals[:, :, None] + totals[:, None, :]) / 2.0) ** 2
    diagonal = np.arange(totals.shape[1])
    result[:, diagonal, diagonal] = 0.0
    return result


def _alphas(
    n: FloatArray,
    totals: FloatArray,
    fixed: FloatArray | None,
    observed: FloatArray | None,
    coincidences: FloatArray | None,
) -> FloatArray:
    """``1 - (n.. - 1) sum o delta2 / sum n_c n_k delta2`` per row (Krippendorff 2011).

    NaN where a row has no pairable value or no variation (``D_e = 0``).
    """
    if fixed is not None:
        assert observed is not None
        expected = np.einsum("bk,bk->b", totals @ fixed, totals)
    else:
        assert coincidences is not None
        deltas = _ordinal_delta(totals)
        observed = np.einsum("bkl,bkl->b", coincidences, deltas)
        expected = np.einsum("bk,bkl,bl->b", totals, deltas, totals)
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = 1.0 - (n - 1.0) * observed / expected
    result[~(expected > 0.0) | ~(n > 1.0)] = np.nan
    return result


def _weighted(weights: FloatArray, table: FloatArray) -> FloatArray:
    """``weights @ table``, skipping the rows equal to the commonest one.

    A theme is absent from most statements, so most clusters add the same sums (every coder
    "not coded"); ``weights @ 1`` times that row plus the product over the other rows is the
    same matrix at a fraction of the cost.
    """
    if table.shape[0] < 64:  # noqa: PLR2004 - too few rows to be worth it
        return weights @ table
    rows, inverse, counts = np.unique(table, axis=0, return_inverse=True, return_counts=True)
    common = int(counts.argmax())
    if counts[common] * 4 < table.shape[0]:
        return weights @ table
    rest = inverse.reshape(-1) != common
    result: FloatArray = weights.sum(axis=1)[:, None] * rows[common][None, :]
    result += weights[:, rest] @ table[rest]
    return result


def _table(groups: Groups) -> FloatArray:
    """One row of sums per draw: sizes, category counts, disagreement (and coincidences)."""
    parts = [groups.sizes[:, None], groups.counts, groups.disagreement[:, None]]
    if groups.coincidences is not None:
        parts.append(groups.coincidences.reshape(groups.coincidences.shape[0], -1))
    return np.concatenate(parts, axis=1)


def alphas_of(groups: Groups, weights: FloatArray, fixed: FloatArray | None) -> FloatArray:
    """Alpha of each weighting of the draws (one row of ``weights`` per resample)."""
    return _from_sums(groups, _weighted(weights, _table(groups)), fixed)


def shared_alphas(
    every: list[Groups], fixed: list[FloatArray | None], draws: FloatArray
) -> list[FloatArray]:
    """Alphas of several variables under the same draws of the same clusters, in one product.

    One product of the draws with every variable's sums side by side reads the draws once;
    a product per variable would read them once each.
    """
    if not every:
        return []
    tables = [_table(g) for g in every]
    sums = draws @ np.concatenate(tables, axis=1)
    edges = np.cumsum([0, *(t.shape[1] for t in tables)])
    return [_from_sums(g, sums[:, edges[i] : edges[i + 1]], fixed[i]) for i, g in enumerate(every)]


def _from_sums(groups: Groups, sums: FloatArray, fixed: FloatArray | None) -> FloatArray:
    n_cat = groups.counts.shape[1]
    coincidences = None
    if groups.coincidences is not None:
        coincidences = sums[:, n_cat + 2 :].reshape(sums.shape[0], n_cat, n_cat)
    observed = sums[:, n_cat + 1] if fixed is not None else None
    return _alphas(sums[:, 0], sums[:, 1 : n_cat + 1], fixed, observed, coincidences)


def unit_resamples(
    groups: Groups,
    fixed: FloatArray | None,
    n: int,
    rng: np.random.Generator,
    progress: ProgressFn | None,
    cancelled: CancelCheck | None,
) -> FloatArray:
    """``n`` alphas of resamples drawing the units (or clusters) with replacement."""
    report = Throttled(progress)
    samples = np.empty(n)
    share = groups.freq / groups.freq.sum()
    for start in range(0, n, _BATCH):
        check_cancelled(cancelled)
        size = min(_BATCH, n - start)
        weights = rng.multinomial(groups.n_draws, share, size=size).astype(np.float64)
        samples[start : start + size] = alphas_of(groups, weights, fixed)
        report((start + size) / n)
    return samples


def draw_clusters(n_clusters: int, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` resamples of ``n_clusters`` clusters drawn with replacement: n x clusters counts.

    To share among several calls of :func:`~r2pcoder.agreement.bootstrap_alpha` over the same
    clusters (one draw of the statements for every theme of a report).
    """
    drawn = rng.integers(0, n_clusters, size=(n, n_clusters))
    drawn += (np.arange(n) * n_clusters)[:, None]
    counts = np.bincount(drawn.ravel(), minlength=n * n_clusters).reshape(n, n_clusters)
    return counts.astype(np.float64)


def jackknife(groups: Groups, fixed: FloatArray | None) -> FloatArray:
    """Per row, alpha of the data without one of its draws (NaN where undefined).

    Leaving a draw out subtracts its sums from the data's, so the whole jackknife costs one
    pass over the rows, not one alpha per unit.
    """
    freq = groups.freq
    n = float(freq @ groups.sizes) - groups.sizes
    totals = (freq @ groups.counts)[None, :] - groups.counts
    observed = float(freq @ groups.disagreement) - groups.disagreement
    coincidences = None
    if groups.coincidences is not None:
        whole = np.einsum("g,gkl->kl", freq, groups.coincidences)
        coincidences = whole[None, :, :] - groups.coincidences
    return _alphas(n, totals, fixed, observed if fixed is not None else None, coincidences)


def krippendorff_draws(parts: AlphaParts, n_coders: int) -> int:
    """Krippendorff's ``M = min(25 Q, n.. (m - 1) / 2)`` pairs per resample."""
    nonzero = int(np.count_nonzero(parts.coincidences > _EMPTY_CELL))
    return int(min(25 * nonzero, round(parts.n_pairable * (n_coders - 1) / 2.0)))


def pair_resamples(
    parts: AlphaParts,
    n: int,
    n_draws: int,
    rng: np.random.Generator,
    progress: ProgressFn | None,
    cancelled: CancelCheck | None,
) -> FloatArray:
    """``n`` alphas of Krippendorff's resamples of ``n_draws`` value pairs each."""
    upper = np.triu_indices(parts.coincidences.shape[0])
    weights = np.triu(2.0 * parts.coincidences, 1) + np.diag(np.diag(parts.coincidences))
    p = weights[upper] / parts.n_pairable
    p = p / p.sum()
    cells = p > 0
    p, d2 = p[cells], parts.delta2[upper][cells]
    diagonal = (upper[0] == upper[1])[cells]
    report = Throttled(progress)
    samples = np.empty(n)
    for start in range(0, n, _BATCH):
        check_cancelled(cancelled)
        size = min(_BATCH, n - start)
        counts = rng.multinomial(n_draws, p, size=size)
        alphas = 1.0 - (counts @ d2) / (n_draws * parts.expected)
        # A resample of one single value pairs has no variation; alpha is 0 by convention.
        single = (counts[:, diagonal] == n_draws).any(axis=1)
        alphas[single] = 0.0
        samples[start : start + size] = np.maximum(alphas, -1.0)
        report((start + size) / n)
    return samples
