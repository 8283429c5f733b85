"""Agreement benchmarks: Krippendorff's alpha against the krippendorff package, and the bootstrap.

Run with ``uv run python -m bench --only agreement``. Both alpha implementations get the same
coders x units float array (NaN for missing), the reference package's native input.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

import krippendorff
import numpy as np

from bench.common import Result, median_time

from r2pcoder.agreement import Level, bootstrap_alpha, krippendorff_alpha

# coders, units, categories, share of missing values
FULL: tuple[int, int, int, float] = (5, 200_000, 20, 0.10)
QUICK: tuple[int, int, int, float] = (5, 2_000, 20, 0.10)
MEMORY_LIMIT_MB = 200.0
BOOT_UNITS, BOOT_LIMIT_S = 10_000, 2.0


def reliability_data(
    coders: int, units: int, categories: int, missing: float, seed: int = 0
) -> np.ndarray:
    """Coders who mostly agree on a true category, with ``missing`` of the values left out."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, categories + 1, units)
    data = np.tile(truth, (coders, 1)).astype(np.float64)
    noise = rng.random(data.shape) < 0.3
    data[noise] = rng.integers(1, categories + 1, int(noise.sum()))
    data[rng.random(data.shape) < missing] = np.nan
    return data


def peak_traced_mb(fn: Callable[[], Any]) -> float:
    """Peak memory allocated while ``fn`` runs (numpy reports its buffers to tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _alpha_result(data: np.ndarray, level: Level, repeats: int, ref_repeats: int) -> Result:
    ours_value = krippendorff_alpha(data, level)
    ref_value = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    ours = median_time(lambda: krippendorff_alpha(data, level), repeats)
    ref = median_time(
        lambda: krippendorff.alpha(reliability_data=data, level_of_measurement=level),
        ref_repeats,
    )
    memory = peak_traced_mb(lambda: krippendorff_alpha(data, level))
    ratio = ref / ours
    coders, units = data.shape
    return Result(
        name=f"krippendorff_alpha {level}, {coders} coders x {units:,} units",
        median_s=ours,
        target=f">= 2x faster than krippendorff package, <= {MEMORY_LIMIT_MB:.0f} MB extra",
        passed=ratio >= 2.0 and memory <= MEMORY_LIMIT_MB,
        repeats=repeats,
        extra={
            "package_median_s": round(ref, 3),
            "speedup": round(ratio, 1),
            "peak_extra_mb": round(memory, 1),
            "same_value": bool(abs(ours_value - ref_value) < 1e-9),
        },
    )


def _bootstrap_result(units: int, repeats: int) -> Result:
    data = reliability_data(5, units, 20, 0.10, seed=1)

    def run() -> Any:
        return bootstrap_alpha(data, "nominal", n=1000, seed=7)

    median = median_time(run, repeats)
    # Krippendorff's pair bootstrap drawing every pair of values, instead of his practical cap
    # of 25 Q draws (the default method resamples units; see bench_coverage).
    sizes = np.count_nonzero(~np.isnan(data), axis=0)
    pairs = int((sizes * (sizes - 1) // 2).sum())
    uncapped = median_time(
        lambda: bootstrap_alpha(data, "interval", n=1000, seed=7, method="pairs", pairs=pairs),
        repeats,
    )
    summary = run()
    return Result(
        name=f"bootstrap_alpha 1,000 resamples, 5 coders x {units:,} units",
        median_s=median,
        target=f"<= {BOOT_LIMIT_S:.0f} s",
        passed=median <= BOOT_LIMIT_S and uncapped <= BOOT_LIMIT_S,
        repeats=repeats,
        extra={
            "units_per_resample": summary.n_draws,
            "all_pairs": pairs,
            "interval_drawing_all_pairs_s": round(uncapped, 3),
            "ci": f"[{summary.ci_low:.3f}, {summary.ci_high:.3f}]",
        },
    )


def run(quick: bool = False) -> list[Result]:
    """Measure alpha (nominal, interval) against the reference package, and the bootstrap."""
    sizes = QUICK if quick else FULL
    data = reliability_data(*sizes)
    repeats, ref_repeats = (3, 2) if quick else (7, 3)
    results = [
        _alpha_result(data, level, repeats, ref_repeats) for level in ("nominal", "interval")
    ]
    results.append(_bootstrap_result(1_000 if quick else BOOT_UNITS, 3 if quick else 5))
    return results
