"""Confidence limits from bootstrap replicates: the percentile and the BCa interval.

Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American Statistical
Association, 82(397), 171-185; Efron, B., & Tibshirani, R. J. (1993). An Introduction to the
Bootstrap, ch. 13-14. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from r2pcoder.agreement._data import FloatArray

__all__ = ["bca", "limits", "percentile"]

_NORMAL = NormalDist()


def limits(ordered: FloatArray, low: float, high: float) -> tuple[float, float]:
    """The ``low`` and ``high`` quantiles of ``B`` sorted resamples, as order statistics.

    The ``ceil(low B)``-th and the ``floor(high B) + 1``-th smallest (no interpolation), so
    that the two tails hold equally many resamples.
    """
    size = ordered.size
    # Rounded first: Phi(Phi^-1(0.025)) is 0.025 plus a rounding error, not a new resample.
    below = min(max(math.ceil(round(low * size, 9)) - 1, 0), size - 1)
    above = min(max(math.floor(round(high * size, 9)), 0), size - 1)
    return float(ordered[below]), float(ordered[above])


def percentile(samples: FloatArray, confidence: float) -> tuple[float, float]:
    """The percentile interval: the middle ``confidence`` share of the resamples."""
    tail = (1.0 - confidence) / 2.0
    return limits(np.sort(samples), tail, 1.0 - tail)


def bca(
    samples: FloatArray,
    estimate: float,
    jack: FloatArray,
    freq: FloatArray,
    confidence: float,
) -> tuple[float, float]:
    """Efron's BCa limits: percentiles moved by the bias ``z0`` and the acceleration ``a``.

    ``z0 = Phi^-1(share of resamples below the estimate)``, ties counting half;
    ``a = sum (mean - jack)^3 / (6 (sum (mean - jack)^2)^1.5)`` over the jackknife values,
    each standing for ``freq`` left-out draws (rows with ``freq`` 0 do not count); a
    jackknife value that is undefined makes ``a`` 0. The limits are the quantiles
    ``Phi(z0 + (z0 + z) / (1 - a (z0 + z)))`` for ``z`` the normal quantiles of the tails.
    """
    ordered = np.sort(samples)
    size = ordered.size
    share = (np.sum(ordered < estimate) + 0.5 * np.sum(ordered == estimate)) / size
    share = min(max(share, 0.5 / size), 1.0 - 0.5 / size)
    z0 = _NORMAL.inv_cdf(share)
    accel = 0.0
    if not np.isnan(jack[freq > 0]).any():
        values = np.where(freq > 0, jack, 0.0)
        spread = float(freq @ values / freq.sum()) - values
        denominator = 6.0 * float(freq @ spread**2) ** 1.5
        accel = float(freq @ spread**3) / denominator if denominator > 0 else 0.0
    tail = (1.0 - confidence) / 2.0
    moved = []
    for z in (_NORMAL.inv_cdf(tail), _NORMAL.inv_cdf(1.0 - tail)):
        moved.append(_NORMAL.cdf(z0 + (z0 + z) / (1.0 - accel * (z0 + z))))
    return limits(ordered, moved[0], moved[1])
