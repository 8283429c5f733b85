"""Bootstrapped alpha: BCa over units (default) and Krippendorff's pairs, honest at the edges."""

from __future__ import annotations

import math

import numpy as np
import pytest

from r2pcoder.agreement import (
    BootstrapRequest,
    bootstrap_alpha,
    bootstrap_alphas,
    krippendorff_alpha,
)
from r2pcoder.agreement._data import encode
from r2pcoder.agreement.alpha import alpha_parts
from r2pcoder.agreement.intervals import bca as _bca
from r2pcoder.agreement.resample import alphas_of, draw_clusters, groups_of, jackknife
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


def test_pairs_draw_krippendorffs_m_and_units_draw_the_pairable_units() -> None:
    # n.. = 40 pairable values, m = 4 coders: n..(m - 1)/2 = 60 < 25 Q.
    assert bootstrap_alpha(K2011_C, n=10, seed=0, method="pairs").n_draws == 60
    # Units 1-11 hold two or more values; unit 12 holds one and cannot be paired.
    units = bootstrap_alpha(K2011_C, n=10, seed=0)
    assert (units.n_draws, units.method) == (11, "units")


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
    few = bootstrap_alpha(data, n=2000, seed=1, method="pairs", pairs=200)
    many = bootstrap_alpha(data, n=2000, seed=1, method="pairs", pairs=20000)
    assert (many.ci_low + many.ci_high) / 2 == pytest.approx(many.alpha, abs=0.01)
    assert many.ci_high - many.ci_low < few.ci_high - few.ci_low


def test_a_lower_confidence_gives_a_narrower_interval() -> None:
    wide = bootstrap_alpha(K2011_C, n=3000, seed=2, confidence=0.99)
    narrow = bootstrap_alpha(K2011_C, n=3000, seed=2, confidence=0.80)
    assert wide.ci_low <= narrow.ci_low <= narrow.ci_high <= wide.ci_high


@pytest.mark.parametrize("method", ["units", "pairs"])
def test_perfect_agreement_gives_one_one_and_says_it_is_not_informative(method) -> None:
    result = bootstrap_alpha([[1, 2, 3], [1, 2, 3]], n=100, seed=0, method=method)
    assert (result.alpha, result.ci_low, result.ci_high) == (1.0, 1.0, 1.0)
    assert result.below == ((0.667, 0.0),)
    assert result.n_resamples == 0
    assert "not informative" in result.note
    assert "3 compared units" in result.note


def test_undefined_alpha_gives_nan_everywhere() -> None:
    result = bootstrap_alpha([[1, 1], [1, 1]], n=100, seed=0)
    assert all(math.isnan(v) for v in (result.alpha, result.ci_low, result.ci_high))
    assert math.isnan(result.below[0][1])


@pytest.mark.parametrize(
    "options",
    [
        {"n": 0},
        {"confidence": 1.0},
        {"confidence": 0.0},
        {"pairs": 0, "method": "pairs"},
        {"pairs": 50},
        {"method": "jackknife"},
    ],
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


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_a_resample_of_profiles_is_the_alpha_of_the_resampled_units(level) -> None:
    rng = np.random.default_rng(11)
    data = rng.integers(1, 5, (3, 40)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    coded = encode(data, level=level)
    fixed = None if level == "ordinal" else alpha_parts(coded, level).delta2
    profiles = groups_of(coded, fixed)
    pairable = np.flatnonzero((~np.isnan(data)).sum(axis=0) >= 2)
    counts = np.stack([(coded.codes == c).sum(axis=0) for c in range(coded.n_categories)], 1)
    for _ in range(5):
        drawn = rng.choice(pairable, pairable.size)
        weights = np.array(
            [sum(bool((counts[u] == profile).all()) for u in drawn) for profile in profiles.counts],
            dtype=float,
        )
        expected = krippendorff_alpha(data[:, drawn], level, categories=list(coded.categories))
        assert alphas_of(profiles, weights[None, :], fixed)[0] == pytest.approx(expected)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_the_jackknife_leaves_out_one_unit_of_each_profile(level) -> None:
    rng = np.random.default_rng(5)
    data = rng.integers(1, 4, (2, 25)).astype(float)
    coded = encode(data, level=level)
    fixed = None if level == "ordinal" else alpha_parts(coded, level).delta2
    profiles = groups_of(coded, fixed)
    jack = jackknife(profiles, fixed)
    counts = np.stack([(coded.codes == c).sum(axis=0) for c in range(coded.n_categories)], 1)
    for p, profile in enumerate(profiles.counts):
        unit = next(u for u in range(25) if (counts[u] == profile).all())
        left = krippendorff_alpha(
            np.delete(data, unit, axis=1), level, categories=list(coded.categories)
        )
        assert jack[p] == pytest.approx(left)


def test_bca_without_bias_or_acceleration_is_the_percentile_interval() -> None:
    # 1,000 resamples 0.000 ... 0.999; alpha 0.4995 has 500 below it: z0 = 0. A symmetric
    # jackknife has no skew: a = 0. The limits are then the 2.5th and 97.5th percentiles:
    # order statistics ceil(25) - 1 = 24 and floor(975) = 975.
    samples = np.arange(1000) / 1000
    jack = np.array([0.4, 0.5, 0.6])
    low, high = _bca(samples, 0.4995, jack, np.ones(3), 0.95)
    assert (low, high) == (0.024, 0.975)


def test_bca_acceleration_moves_the_limits_as_computed_by_hand() -> None:
    # Jackknife 0, 0, 0, 1: mean 0.25, deviations 0.25 (x3) and -0.75;
    # sum of cubes -0.375, sum of squares 0.75, a = -0.375 / (6 * 0.75**1.5) = -0.0962250.
    # With z0 = 0: lower Phi(-1.959964 / (1 - a * -1.959964)) = Phi(-2.41552) = 0.007856,
    # upper Phi(1.959964 / (1 - a * 1.959964)) = Phi(1.648973) = 0.950416.
    # Order statistics: ceil(7.856) - 1 = 7 and floor(950.416) = 950.
    samples = np.arange(1000) / 1000
    low, high = _bca(samples, 0.4995, np.array([0.0, 0.0, 0.0, 1.0]), np.ones(4), 0.95)
    assert (low, high) == (0.007, 0.950)


def test_bca_bias_correction_follows_where_alpha_falls_among_the_resamples() -> None:
    # 700 of 1,000 resamples lie below alpha = 0.6995: z0 = Phi^-1(0.7) = 0.524401.
    # Lower Phi(2 * 0.524401 - 1.959964) = Phi(-0.911162) = 0.181105 -> index 181;
    # upper Phi(2 * 0.524401 + 1.959964) = Phi(3.008766) = 0.998688 -> index 998.
    samples = np.arange(1000) / 1000
    low, high = _bca(samples, 0.6995, np.array([0.4, 0.5, 0.6]), np.ones(3), 0.95)
    assert (low, high) == (0.181, 0.998)


def test_resamples_without_variation_are_left_out_and_counted() -> None:
    # Three units: (1, 1), (1, 2), (2, 2). A resample of only the first or only the third
    # unit has one value throughout: alpha undefined. Expected share 2 / 27.
    result = bootstrap_alpha([[1, 1, 2], [1, 2, 2]], n=2000, seed=4)
    assert 0.04 < result.n_undefined / 2000 < 0.11
    assert f"{result.n_undefined} of 2000 resamples had no variation" in result.note
    assert "Only 3 units" in result.note
    assert -1.0 <= result.ci_low <= result.alpha <= result.ci_high <= 1.0


def test_thirty_units_or_more_carry_no_small_sample_note() -> None:
    data = _noisy(30, 2, seed=3)
    assert bootstrap_alpha(data, n=500, seed=1).note == ""


def _clustered(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 4, (3, 30)).astype(float)
    data[rng.random(data.shape) < 0.15] = np.nan
    return data, np.repeat(np.arange(10), 3)  # ten clusters (statements) of three units


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_a_cluster_resample_is_the_alpha_of_the_clusters_drawn(level) -> None:
    data, clusters = _clustered(2)
    coded = encode(data, level=level)
    fixed = None if level == "ordinal" else alpha_parts(coded, level).delta2
    groups = groups_of(coded, fixed, clusters, 10)
    draws = draw_clusters(10, 4, np.random.default_rng(1))
    assert (draws.sum(axis=1) == 10).all()
    for weights, alpha in zip(draws, alphas_of(groups, draws, fixed), strict=True):
        units = [
            u for c in range(10) for _ in range(int(weights[c])) for u in range(3 * c, 3 * c + 3)
        ]
        expected = krippendorff_alpha(data[:, units], level, categories=list(coded.categories))
        assert alpha == pytest.approx(expected)


def test_the_cluster_jackknife_leaves_out_one_cluster() -> None:
    data, clusters = _clustered(3)
    coded = encode(data)
    fixed = alpha_parts(coded, "nominal").delta2
    jack = jackknife(groups_of(coded, fixed, clusters, 10), fixed)
    for c in range(10):
        left = np.delete(data, range(3 * c, 3 * c + 3), axis=1)
        assert jack[c] == pytest.approx(krippendorff_alpha(left, categories=[1.0, 2.0, 3.0]))


def test_one_unit_per_cluster_is_the_unit_bootstrap() -> None:
    data = _noisy(60, 2, seed=4)
    plain = bootstrap_alpha(data, n=500, seed=8)
    assert bootstrap_alpha(data, n=500, seed=8, clusters=np.arange(60)) == plain


def test_shared_draws_give_the_same_resamples_to_every_call() -> None:
    data, clusters = _clustered(5)
    draws = draw_clusters(10, 1000, np.random.default_rng(0))
    first = bootstrap_alpha(data, clusters=clusters, draws=draws)
    assert bootstrap_alpha(data, clusters=clusters, draws=draws, seed=99) == first
    assert first.n_draws == 10
    assert "Only 10 clusters of units were drawn" in first.note
    with pytest.raises(AgreementInputError, match="needs clusters"):
        bootstrap_alpha(data, draws=draws)
    with pytest.raises(AgreementInputError, match="draws= must be 500 resamples"):
        bootstrap_alpha(data, n=500, clusters=clusters, draws=draws)
    with pytest.raises(AgreementInputError, match="one cluster number"):
        bootstrap_alpha(data, clusters=clusters[:5])


def test_several_variables_share_the_draws_and_match_one_by_one() -> None:
    draws = draw_clusters(10, 1000, np.random.default_rng(7))
    requests = []
    for seed in (1, 2, 3):
        data, clusters = _clustered(seed)
        requests.append(BootstrapRequest(data, "nominal", [1.0, 2.0, 3.0], clusters))
    together = bootstrap_alphas(requests, draws)
    alone = [
        bootstrap_alpha(r.data, categories=r.categories, clusters=r.clusters, draws=draws)
        for r in requests
    ]
    assert together == alone
    perfect = BootstrapRequest([[1, 2, 1], [1, 2, 1]], "nominal", None, [0, 1, 2])
    (settled,) = bootstrap_alphas([perfect], draw_clusters(3, 1000, np.random.default_rng(0)))
    assert (settled.ci_low, settled.ci_high) == (1.0, 1.0)
    assert "not informative" in settled.note
