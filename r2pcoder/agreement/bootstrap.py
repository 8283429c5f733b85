"""Bootstrapped distribution of Krippendorff's alpha (Hayes & Krippendorff 2007).

The algorithm is Krippendorff's "Algorithm for bootstrapping a distribution of alpha" (2006,
revised 2011), used by the KALPHA macro of Hayes and Krippendorff (2007):

1. From the coincidence matrix ``o_ck`` take the probabilities ``p_ck = o_ck / n..`` of the
   cells ``c <= k`` (off-diagonal cells count twice, since the matrix is symmetric).
2. Draw ``M = min(25 Q, n.. (m - 1) / 2)`` pairs of values with those probabilities, where
   ``Q`` is the number of non-empty cells of ``o_ck`` and ``m`` the number of coders
   (``n.. (m - 1) / 2`` is the number of value pairs in complete data; ``25 Q`` is the
   algorithm's practical cap). ``pairs=`` overrides ``M``.
3. Each resample's alpha is ``1 - sum_draws delta2_ck / (M D_e)`` with the data's expected
   disagreement ``D_e``; values below -1 are set to -1.
4. A resample made of pairs of one single value has no variation; its alpha is set to 0.
   Krippendorff's algorithm zeroes the expected number ``X sum_c p_cc^M`` of such resamples;
   here such resamples are recognised exactly, which is the same correction in expectation.

Because a resample's alpha depends only on how many draws fall in each cell, the draws are
made as one multinomial count vector per resample: a thousand resamples cost milliseconds
whatever the number of units. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from r2pcoder.agreement._data import Level, ReliabilityData, encode
from r2pcoder.agreement.alpha import AlphaParts, alpha_outcome, alpha_parts
from r2pcoder.errors import AgreementInputError
from r2pcoder.progress import CancelCheck, ProgressFn, Throttled, check_cancelled

__all__ = ["AlphaBootstrap", "bootstrap_alpha"]

_BATCH = 200
# Coincidences are sums of 1/(m_u - 1); anything below this is rounding noise, not a pair.
_EMPTY_CELL = 1e-12


@dataclass(frozen=True)
class AlphaBootstrap:
    """Alpha with its bootstrapped confidence interval and risks of falling short.

    Attributes:
        alpha: alpha of the data (NaN when undefined; then every other figure is NaN too).
        ci_low: lower limit of the ``confidence`` interval (percentile method).
        ci_high: upper limit.
        confidence: the confidence level of the interval, e.g. 0.95.
        below: for each threshold, the share of resamples whose alpha is below it (``q`` in
            Hayes & Krippendorff 2007), as ``(threshold, probability)`` pairs.
        n_resamples: number of resamples drawn.
        n_draws: pairs of values drawn per resample (``M``).
    """

    alpha: float
    ci_low: float
    ci_high: float
    confidence: float
    below: tuple[tuple[float, float], ...]
    n_resamples: int
    n_draws: int

    def probability_below(self, threshold: float) -> float:
        """Share of resamples with alpha below ``threshold`` (one of those requested)."""
        for value, probability in self.below:
            if math.isclose(value, threshold):
                return probability
        raise KeyError(threshold)


def bootstrap_alpha(
    data: ReliabilityData,
    level: Level = "nominal",
    *,
    n: int = 1000,
    seed: int | None = None,
    threshold: float | Sequence[float] = 0.667,
    confidence: float = 0.95,
    categories: Sequence[Hashable] | None = None,
    pairs: int | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> AlphaBootstrap:
    """Bootstrap the distribution of Krippendorff's alpha (Hayes & Krippendorff 2007).

    See the module docstring for the algorithm. Hayes, A. F., & Krippendorff, K. (2007).
    Answering the call for a standard reliability measure for coding data. Communication
    Methods and Measures, 1(1), 77-89; Krippendorff, K. (2004). Content Analysis, 2nd ed.

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing.
        level: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
        n: number of resamples.
        seed: seed of the random generator, for reproducible figures.
        threshold: smallest acceptable alpha, or several; the result gives, for each, the
            probability that alpha is below it.
        confidence: level of the percentile confidence interval, in (0, 1).
        categories: the category set (see :func:`krippendorff_alpha`).
        pairs: pairs of values drawn per resample; by default Krippendorff's ``M``.
        progress: receives the fraction of resamples done.
        cancelled: polled between batches of resamples.

    Returns:
        The bootstrap summary. When alpha is undefined everything is NaN; when the data show
        no disagreement at all (alpha = 1) no resample can differ, so the interval is [1, 1].

    Raises:
        AgreementInputError: malformed data or options.
        Cancelled: ``cancelled`` returned True.
    """
    thresholds = (threshold,) if isinstance(threshold, int | float) else tuple(threshold)
    if n < 1 or not 0.0 < confidence < 1.0 or (pairs is not None and pairs < 1):
        raise AgreementInputError(
            "Bootstrap needs n >= 1, pairs >= 1 and a confidence between 0 and 1."
        )
    coded = encode(data, categories=categories, level=level)
    parts = alpha_parts(coded, level)
    alpha = alpha_outcome(coded, level).value
    n_draws = pairs or _draws(parts.coincidences, parts.n_pairable, coded.n_coders)
    if math.isnan(alpha) or parts.observed == 0.0:
        # Undefined alpha has no distribution; alpha = 1 (no disagreement) cannot vary.
        below = tuple((float(t), math.nan if math.isnan(alpha) else 0.0) for t in thresholds)
        return AlphaBootstrap(alpha, alpha, alpha, confidence, below, 0, n_draws)
    samples = _resample(parts, n, n_draws, seed, progress, cancelled)
    low, high = _interval(samples, confidence)
    below = tuple((float(t), float(np.mean(samples < t))) for t in thresholds)
    return AlphaBootstrap(alpha, low, high, confidence, below, n, n_draws)


def _draws(matrix: np.ndarray, n_pairable: float, n_coders: int) -> int:
    nonzero = int(np.count_nonzero(matrix > _EMPTY_CELL))
    return int(min(25 * nonzero, round(n_pairable * (n_coders - 1) / 2.0)))


def _resample(
    parts: AlphaParts,
    n: int,
    n_draws: int,
    seed: int | None,
    progress: ProgressFn | None,
    cancelled: CancelCheck | None,
) -> np.ndarray:
    upper = np.triu_indices(parts.coincidences.shape[0])
    weights = np.triu(2.0 * parts.coincidences, 1) + np.diag(np.diag(parts.coincidences))
    p = weights[upper] / parts.n_pairable
    p = p / p.sum()
    cells = p > 0
    p, d2 = p[cells], parts.delta2[upper][cells]
    diagonal = (upper[0] == upper[1])[cells]
    rng = np.random.default_rng(seed)
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


def _interval(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    ordered = np.sort(samples)
    count = ordered.size
    tail = (1.0 - confidence) / 2.0
    low_index = max(math.ceil(tail * count), 1) - 1
    high_index = min(math.floor((1.0 - tail) * count), count - 1)
    return float(ordered[low_index]), float(ordered[high_index])
