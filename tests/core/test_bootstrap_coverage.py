"""The default interval of alpha covers the population alpha as often as it says (simulation).

The simulation lives in ``bench/bench_coverage.py`` (its docstring derives the population
alpha); the benchmark runs 2,000 studies per setting, this test 1,000 with a fixed seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from bench.bench_coverage import COVERAGE_RANGE, RELIABILITY, SIZES, coverage, simulate

from r2pcoder.agreement import krippendorff_alpha


def test_the_simulated_population_has_alpha_r_squared() -> None:
    data = simulate(np.random.default_rng(0), 200_000, 2, RELIABILITY)
    assert krippendorff_alpha(data) == pytest.approx(RELIABILITY**2, abs=0.005)


@pytest.mark.slow
@pytest.mark.parametrize(("coders", "units"), SIZES)
def test_a_95_percent_interval_covers_between_93_and_97_percent(coders, units) -> None:
    result = coverage(coders, units, 1000)
    low, high = COVERAGE_RANGE
    assert low <= result.covered <= high
