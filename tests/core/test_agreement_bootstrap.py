"""Bootstrapped alpha (Hayes & Krippendorff 2007): reproducible, centred, honest at the edges."""

from __future__ import annotations

import math

import numpy as np
import pytest

from r2pcoder.agreement import bootstrap_alpha, krippendorff_alpha
from r2pcoder.errors import AgreementInputError, Cancelled

# Krippendorff (2011), section C: 4 observers x 12 units, alpha nominal = .743.
K2011_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _noisy(units: int, coders: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, units)
    data = np.vstack([truth] * coders).astype(float)
    noise = rng.random(data.shape) < 0.25
    data[noise] = rng.integers(0, 5, int(noise.sum()))
    return data


def test_alpha_is_the_data_alpha_and_the_interval_brackets_it() -> None:
    result = bootstrap_alpha(K2011_C, "nominal", n=2000, seed=1)
    assert result.alpha == pytest.approx(krippendorff_alpha(K2011_C))
    assert -1.0 <= result.ci_low <= result.alpha <= result.ci_high <= 1.0
    assert result.confidence == 0.95
    assert result.n_resamples == 2000


def test_draws_follow_krippendorffs_rule_for_m() -> None:
    # n.. = 40 pairable values, m = 4 coders: n..(m - 1)/2 = 60 < 25 Q.
    assert bootstrap_alpha(K2011_C, n=10, seed=0).n_draws == 60


def test_same_seed_same_figures_other_seed_other_figures() -> None:
    data = _noisy(300, 3, seed=5)
    first = bootstrap_alpha(data, "interval", n=500, seed=42)
    assert bootstrap_alpha(data, "interval", n=500, seed=42) == first
    assert bootstrap_alpha(data, "interval", n=500, seed=43) != first


def test_probabilities_below_thresholds_grow_with_the_threshold() -> None:
    result = bootstrap_alpha(K2011_C, n=2000, seed=3, threshold=[0.5, 0.667, 0.8, 0.9])
    probabilities = [p for _, p in result.below]
    assert probabilities == sorted(probabilities)
    assert probabilities[0] >= 0.0
    assert probabilities[-1] <= 1.0
    assert result.probability_below(0.8) == probabilities[2]
    with pytest.raises(KeyError):
        result.probability_below(0.7)


def test_many_draws_centre_the_interval_on_alpha_and_narrow_it() -> None:
    data = _noisy(2000, 2, seed=9)
    few = bootstrap_alpha(data, n=2000, seed=1, pairs=200)
    many = bootstrap_alpha(data, n=2000, seed=1, pairs=20000)
    assert (many.ci_low + many.ci_high) / 2 == pytest.approx(many.alpha, abs=0.01)
    assert many.ci_high - many.ci_low < few.ci_high - few.ci_low


def test_a_lower_confidence_gives_a_narrower_interval() -> None:
    wide = bootstrap_alpha(K2011_C, n=3000, seed=2, confidence=0.99)
    narrow = bootstrap_alpha(K2011_C, n=3000, seed=2, confidence=0.80)
    assert wide.ci_low <= narrow.ci_low <= narrow.ci_high <= wide.ci_high


def test_perfect_agreement_has_nothing_to_resample() -> None:
    result = bootstrap_alpha([[1, 2, 3], [1, 2, 3]], n=100, seed=0)
    assert (result.alpha, result.ci_low, result.ci_high) == (1.0, 1.0, 1.0)
    assert result.below == ((0.667, 0.0),)
    assert result.n_resamples == 0


def test_undefined_alpha_gives_nan_everywhere() -> None:
    result = bootstrap_alpha([[1, 1], [1, 1]], n=100, seed=0)
    assert all(math.isnan(v) for v in (result.alpha, result.ci_low, result.ci_high))
    assert math.isnan(result.below[0][1])


@pytest.mark.parametrize(
    "options", [{"n": 0}, {"confidence": 1.0}, {"confidence": 0.0}, {"pairs": 0}]
)
def test_bad_options_are_refused(options) -> None:
    with pytest.raises(AgreementInputError):
        bootstrap_alpha(K2011_C, **options)


def test_progress_reaches_one_and_cancel_stops() -> None:
    seen: list[float] = []
    bootstrap_alpha(K2011_C, n=1000, seed=0, progress=seen.append)
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    with pytest.raises(Cancelled):
        bootstrap_alpha(K2011_C, n=1000, seed=0, cancelled=lambda: True)
