"""The resampling engines behind :func:`r2pcoder.agreement.bootstrap_alpha`.

Two ways of drawing bootstrap replicates of Krippendorff's alpha:

* **units** (the default): the nonparametric bootstrap of Efron (1979), drawing the pairable
  units with replacement (the units are the sampled entities of reliability data), as Zapf et
  al. (2016) did for alpha. A unit enters alpha only through its *profile*, how many of its
  values fall in each category, so the units are reduced to their distinct profiles and a
  resample is one multinomial count vector over the profiles: ``D_o`` and the category totals
  ``n_c`` of a resample are then sums of per-profile figures. The jackknife over units (leave
  one unit out), which the BCa interval needs, works on the same profiles.
* **pairs**: Krippendorff's "Algorithm for bootstrapping a distribution of alpha" (2006,
  revised 2011), used by the KALPHA macro of Hayes and Krippendorff (2007): ``M`` pairs of
  values are drawn from the coincidence matrix with the probabilities ``o_ck / n..``, where
  ``M = min(25 Q, n.. (m - 1) / 2)`` for ``Q`` non-empty cells and ``m`` coders, and each
  resample's alpha is ``1 - sum delta2 / (M D_e)`` with the data's ``D_e``; a resample of one
  single value pair gets alpha 0, and alphas below -1 are set to -1. The pairs drawn are
  treated as independent although the pairs of one unit are not, and ``M`` stops growing at
  ``25 Q``: the coverage simulation in ``bench/bench_coverage.py`` shows intervals too narrow
  for three coders and too wide for many units. It is kept to reproduce KALPHA's figures.

Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring inter-rater reliability
for nominal data. BMC Medical Research Methodology, 16, 93. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from r2pcoder.agreement._data import Coded, FloatArray, Level, count_chunks
from r2pcoder.agreement.alpha import AlphaParts
from r2pcoder.progress import CancelCheck, ProgressFn, Throttled, check_cancelled

__all__ = ["Profiles", "krippendorff_draws", "pair_resamples", "profiles_of", "unit_resamples"]

_BATCH = 200
# Coincidences are sums of 1/(m_u - 1); anything below this is rounding noise, not a pair.
_EMPTY_CELL = 1e-12
# Above this many profile x category x category cells the ordinal coincidences of a batch are
# built in slices of profiles, so memory stays bounded.
_ORDINAL_CELLS = 1 << 22


@dataclass(frozen=True, eq=False)
class Profiles:
    """The pairable units of reliability data, reduced to their distinct category profiles.

    Attributes:
        counts: profiles x categories, how many values of each category a unit holds.
        freq: units showing each profile.
        sizes: values per unit of each profile (``m_u >= 2``).
        disagreement: per profile ``sum_ck c_c c_k delta2_ck / (m_u - 1)``, the unit's share
            of ``n.. D_o`` (fixed differences only: nominal, interval, ratio).
        level: alpha's level; ordinal differences depend on the totals of each resample.
    """

    counts: FloatArray
    freq: FloatArray
    sizes: FloatArray
    disagreement: FloatArray
    level: Level

    @property
    def n_units(self) -> int:
        """Pairable units."""
        return int(self.freq.sum())


def profiles_of(coded: Coded, level: Level, fixed: FloatArray | None) -> Profiles:
    """The distinct profiles of the pairable units of ``coded``.

    ``fixed`` is the level's difference matrix when it does not depend on the totals (every
    level but ordinal), else ``None``.
    """
    parts = []
    for _, counts in count_chunks(coded):
        keep = counts.sum(axis=1) >= 2  # noqa: PLR2004 - a unit needs two values to be pairable
        parts.append(counts[keep])
    n_cat = coded.n_categories
    every = np.concatenate(parts) if parts else np.zeros((0, n_cat), dtype=np.int64)
    rows, freq = np.unique(every, axis=0, return_counts=True)
    counts_f = rows.astype(np.float64).reshape(-1, n_cat)
    sizes = counts_f.sum(axis=1)
    if fixed is not None and counts_f.size:
        # The diagonal of delta2 is 0 at every level, so c' delta2 c counts pairs only.
        spread = np.einsum("pk,kl,pl->p", counts_f, fixed, counts_f)
        disagreement = spread / (sizes - 1.0)
    else:
        disagreement = np.zeros(sizes.shape)
    return Profiles(counts_f, freq.astype(np.float64), sizes, disagreement, level)


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


def _unit_coincidences(counts: FloatArray, sizes: FloatArray) -> FloatArray:
    """Per profile its coincidences ``(c c' - diag c) / (m_u - 1)`` (Krippendorff 2011)."""
    n_cat = counts.shape[1]
    unit = (counts[:, :, None] * counts[:, None, :]) - np.einsum(
        "pk,kl->pkl", counts, np.eye(n_cat)
    )
    result: FloatArray = unit / (sizes - 1.0)[:, None, None]
    return result


def _coincidences(profiles: Profiles, weights: FloatArray) -> FloatArray:
    """Per resample (rows of ``weights``, profile counts) its coincidence matrix."""
    counts, sizes = profiles.counts, profiles.sizes
    n_cat = counts.shape[1]
    result = np.zeros((weights.shape[0], n_cat, n_cat))
    step = max(1, _ORDINAL_CELLS // max(n_cat * n_cat, 1))
    for start in range(0, counts.shape[0], step):
        part = slice(start, start + step)
        unit = _unit_coincidences(counts[part], sizes[part])
        result += np.einsum("bp,pkl->bkl", weights[:, part], unit)
    return result


def alphas_of(profiles: Profiles, weights: FloatArray, fixed: FloatArray | None) -> FloatArray:
    """Alpha of each weighting of the profiles (one row of ``weights`` per resample).

    NaN where a resample has no pairable value or no variation (``D_e = 0``).
    """
    n = weights @ profiles.sizes
    totals = weights @ profiles.counts
    if fixed is not None:
        observed = weights @ profiles.disagreement
        expected = np.einsum("bk,bk->b", totals @ fixed, totals)
    else:
        deltas = _ordinal_delta(totals)
        observed = np.einsum("bkl,bkl->b", _coincidences(profiles, weights), deltas)
        expected = np.einsum("bk,bkl,bl->b", totals, deltas, totals)
    with np.errstate(divide="ignore", invalid="ignore"):
        # alpha = 1 - (n.. - 1) sum o delta2 / sum n_c n_k delta2 (Krippendorff 2011).
        result: FloatArray = 1.0 - (n - 1.0) * observed / expected
    result[~(expected > 0.0) | ~(n > 1.0)] = np.nan
    return result


def unit_resamples(
    profiles: Profiles,
    fixed: FloatArray | None,
    n: int,
    rng: np.random.Generator,
    progress: ProgressFn | None,
    cancelled: CancelCheck | None,
) -> FloatArray:
    """``n`` alphas of resamples of the pairable units drawn with replacement (NaN: undefined)."""
    report = Throttled(progress)
    samples = np.empty(n)
    share = profiles.freq / profiles.freq.sum()
    for start in range(0, n, _BATCH):
        check_cancelled(cancelled)
        size = min(_BATCH, n - start)
        weights = rng.multinomial(profiles.n_units, share, size=size).astype(np.float64)
        samples[start : start + size] = alphas_of(profiles, weights, fixed)
        report((start + size) / n)
    return samples


def jackknife(profiles: Profiles, fixed: FloatArray | None) -> FloatArray:
    """Per profile, alpha of the data without one of its units (NaN where undefined).

    Leaving a unit out subtracts its profile's figures from the data's sums, so the whole
    jackknife costs one pass over the profiles, not one alpha per unit.
    """
    freq = profiles.freq
    n = float(freq @ profiles.sizes)
    totals = freq @ profiles.counts
    n_left = n - profiles.sizes
    left = totals[None, :] - profiles.counts
    if fixed is not None:
        observed = float(freq @ profiles.disagreement) - profiles.disagreement
        expected = np.einsum("pk,pk->p", left @ fixed, left)
    else:
        whole = _coincidences(profiles, freq[None, :])[0]
        observed = np.empty(freq.size)
        expected = np.empty(freq.size)
        step = max(1, _ORDINAL_CELLS // max(totals.size**2, 1))
        for start in range(0, freq.size, step):
            part = slice(start, start + step)
            deltas = _ordinal_delta(left[part])
            own = _unit_coincidences(profiles.counts[part], profiles.sizes[part])
            without = whole[None, :, :] - own
            observed[part] = np.einsum("pkl,pkl->p", without, deltas)
            expected[part] = np.einsum("pk,pkl,pl->p", left[part], deltas, left[part])
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = 1.0 - (n_left - 1.0) * observed / expected
    result[~(expected > 0.0) | ~(n_left > 1.0)] = np.nan
    return result


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
