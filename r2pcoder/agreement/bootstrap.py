"""Bootstrapped confidence interval of Krippendorff's alpha, and the risk of falling short.

Hayes and Krippendorff (2007) ask for alpha with a bootstrapped distribution: an interval and
the probability ``q`` that alpha lies below the smallest acceptable value. Two resampling
methods are offered (see :mod:`r2pcoder.agreement.resample` for both algorithms):

* ``"units"`` (default): the units (or, with ``clusters``, whole clusters of units such as
  the statements) are resampled with replacement and the interval is the bias-corrected and
  accelerated (BCa) percentile interval of Efron (1987), with the acceleration from the
  jackknife (Efron & Tibshirani 1993, ch. 14). This is the method whose coverage was checked:
  in ``bench/bench_coverage.py`` a nominal 95 % interval covered the population alpha in
  94-97 % of simulated studies of 2 and 3 coders with 30, 100 and 1,000 units (the plain
  percentile interval covered about 92 % at 30 units and 2 coders).
* ``"pairs"``: Krippendorff's algorithm as in the KALPHA macro (percentile interval of value
  pairs drawn from the coincidence matrix), for reproducing published KALPHA figures. Its
  intervals are too narrow for three coders and stop narrowing above about 25 Q pairs (the
  same simulation: 85 % coverage with 3 coders and 30 units, 100 % with 1,000 units).

An interval is only as good as the data behind it. When no unit shows a disagreement, every
resample agrees perfectly too and the interval is [1, 1]: that is no evidence of reliability
(three units in perfect agreement say little), so the result carries a note saying so.
Resamples without variation (alpha undefined) are left out and counted.

Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American Statistical
Association, 82(397), 171-185. Efron, B., & Tibshirani, R. J. (1993). An Introduction to the
Bootstrap. Chapman & Hall. Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a
standard reliability measure for coding data. Communication Methods and Measures, 1(1), 77-89.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from r2pcoder.agreement._data import Coded, FloatArray, Level, ReliabilityData, encode
from r2pcoder.agreement.alpha import AlphaParts, alpha_outcome, alpha_parts
from r2pcoder.agreement.intervals import bca, percentile
from r2pcoder.agreement.resample import (
    Groups,
    alphas_of,
    groups_of,
    jackknife,
    krippendorff_draws,
    pair_resamples,
    shared_alphas,
    unit_resamples,
)
from r2pcoder.errors import AgreementInputError
from r2pcoder.progress import CancelCheck, ProgressFn

__all__ = [
    "BOOTSTRAP_METHODS",
    "COVERAGE_CHECKED_FROM",
    "AlphaBootstrap",
    "BootstrapMethod",
    "BootstrapRequest",
    "bootstrap_alpha",
    "bootstrap_alphas",
    "describe_method",
]

BootstrapMethod = Literal["units", "pairs"]
BOOTSTRAP_METHODS: tuple[BootstrapMethod, ...] = ("units", "pairs")

COVERAGE_CHECKED_FROM = 30
"""Fewest pairable units for which the default interval's coverage was checked."""

NO_DISAGREEMENT = (
    "The interval [1, 1] is not informative: none of the {n} compared units shows a "
    "disagreement, so no resample can show one either. Perfect agreement on few units is also "
    "what a far less reliable coding often gives; code more units to bound alpha from below."
)
FEW_UNITS = (
    "Only {n} {unit} were drawn; the interval's coverage is checked from "
    f"{COVERAGE_CHECKED_FROM} on, so read it as a rough guide."
)
UNDEFINED_RESAMPLES = "{k} of {n} resamples had no variation (alpha undefined) and were left out."
Clusters = Sequence[int] | npt.NDArray[np.integer]


@dataclass(frozen=True)
class AlphaBootstrap:
    """Alpha with its bootstrapped confidence interval and risks of falling short.

    Attributes:
        alpha: alpha of the data (NaN when undefined; then every other figure is NaN too).
        ci_low: lower limit of the ``confidence`` interval.
        ci_high: upper limit.
        confidence: the confidence level of the interval, e.g. 0.95.
        below: for each threshold, the share of resamples whose alpha is below it (``q`` in
            Hayes & Krippendorff 2007), as ``(threshold, probability)`` pairs.
        n_resamples: resamples drawn.
        n_draws: per resample, the units drawn (``units``) or the value pairs drawn (``pairs``,
            Krippendorff's ``M``).
        method: ``"units"`` or ``"pairs"``.
        n_undefined: resamples without variation, left out of the interval.
        note: why the interval says little, when it does (perfect agreement, few units,
            undefined resamples); empty otherwise.
    """

    alpha: float
    ci_low: float
    ci_high: float
    confidence: float
    below: tuple[tuple[float, float], ...]
    n_resamples: int
    n_draws: int
    method: BootstrapMethod = "units"
    n_undefined: int = 0
    note: str = ""

    def probability_below(self, threshold: float) -> float:
        """Share of resamples with alpha below ``threshold`` (one of those requested)."""
        for value, probability in self.below:
            if math.isclose(value, threshold):
                return probability
        raise KeyError(threshold)


def describe_method(
    method: BootstrapMethod, n: int, seed: int | None, confidence: float, clusters: str = ""
) -> str:
    """One sentence saying how an interval was obtained, for reports.

    ``clusters`` names what was drawn when whole clusters of units were (e.g. "statements").
    """
    level = f"{confidence:.0%}"
    seeded = "" if seed is None else f", seed {seed}"
    if method == "pairs":
        return (
            f"{level} percentile interval from Krippendorff's bootstrap of value pairs (as in "
            f"KALPHA; Hayes & Krippendorff 2007), {n:,} resamples{seeded}. Its coverage falls "
            "short of the nominal level; see the README."
        )
    drawn = (
        f"the {clusters} compared, each drawn with all its units"
        if clusters
        else "the compared units"
    )
    return (
        f"{level} bias-corrected and accelerated (BCa) bootstrap interval (Efron 1987) from "
        f"{n:,} resamples of {drawn}{seeded}; p_below is the share of resamples below the "
        "threshold."
    )


def _checked(n: int, confidence: float, pairs: int | None, method: str) -> None:
    if n < 1 or not 0.0 < confidence < 1.0 or (pairs is not None and pairs < 1):
        raise AgreementInputError(
            "Bootstrap needs n >= 1, pairs >= 1 and a confidence between 0 and 1."
        )
    if method not in BOOTSTRAP_METHODS:
        raise AgreementInputError(
            f"Unknown bootstrap method {method!r}; use one of {', '.join(BOOTSTRAP_METHODS)}."
        )
    if pairs is not None and method != "pairs":
        raise AgreementInputError("pairs= sets Krippendorff's M; it applies to method='pairs'.")


@dataclass(frozen=True, eq=False)
class _Prepared:
    """One variable ready to resample: its alpha, and what the units method draws."""

    coded: Coded
    parts: AlphaParts
    alpha: float
    fixed: FloatArray | None
    groups: Groups | None
    shared: FloatArray | None
    n_draws: int
    unit: str

    @property
    def settled(self) -> bool:
        """Whether the result needs no resample (alpha undefined, or no disagreement)."""
        return math.isnan(self.alpha) or self.parts.observed == 0.0


def _prepare(
    data: ReliabilityData,
    level: Level,
    categories: Sequence[Hashable] | None,
    method: BootstrapMethod,
    *,
    clusters: Clusters | None,
    draws: FloatArray | None,
    n: int,
    pairs: int | None = None,
) -> _Prepared:
    coded = encode(data, categories=categories, level=level)
    parts = alpha_parts(coded, level)
    alpha = alpha_outcome(coded, level).value
    fixed = None if level == "ordinal" else parts.delta2
    if method == "pairs":
        n_draws = pairs or krippendorff_draws(parts, coded.n_coders)
        return _Prepared(coded, parts, alpha, fixed, None, None, n_draws, "value pairs")
    groups, shared = _plan(coded, fixed, clusters, draws, n)
    unit = "clusters of units" if clusters is not None else "units"
    return _Prepared(coded, parts, alpha, fixed, groups, shared, groups.n_draws, unit)


def _settled(
    prep: _Prepared, thresholds: tuple[float, ...], confidence: float, method: BootstrapMethod
) -> AlphaBootstrap:
    alpha = prep.alpha
    if math.isnan(alpha):
        below = tuple((float(t), math.nan) for t in thresholds)
        return AlphaBootstrap(alpha, alpha, alpha, confidence, below, 0, prep.n_draws, method)
    # No disagreement anywhere: no resample can hold one, so drawing them is pointless.
    below = tuple((float(t), 0.0 if alpha >= t else 1.0) for t in thresholds)
    note = NO_DISAGREEMENT.format(n=_units(prep.coded))
    return AlphaBootstrap(alpha, alpha, alpha, confidence, below, 0, prep.n_draws, method, 0, note)


def _finish(
    prep: _Prepared,
    samples: FloatArray,
    thresholds: tuple[float, ...],
    confidence: float,
    method: BootstrapMethod,
) -> AlphaBootstrap:
    n = samples.size
    defined = samples[~np.isnan(samples)]
    if defined.size == 0:
        nan = math.nan
        below = tuple((float(t), nan) for t in thresholds)
        note = UNDEFINED_RESAMPLES.format(k=n, n=n)
        return AlphaBootstrap(
            prep.alpha, nan, nan, confidence, below, n, prep.n_draws, method, n, note
        )
    if prep.groups is None:
        low, high = percentile(defined, confidence)
    else:
        jack = jackknife(prep.groups, prep.fixed)
        low, high = bca(defined, prep.alpha, jack, prep.groups.freq, confidence)
    below = tuple((float(t), float(np.mean(defined < t))) for t in thresholds)
    undefined = n - defined.size
    notes = [UNDEFINED_RESAMPLES.format(k=undefined, n=n)] if undefined else []
    if prep.groups is not None and prep.n_draws < COVERAGE_CHECKED_FROM:
        notes.append(FEW_UNITS.format(n=prep.n_draws, unit=prep.unit))
    return AlphaBootstrap(
        prep.alpha,
        low,
        high,
        confidence,
        below,
        n,
        prep.n_draws,
        method,
        undefined,
        " ".join(notes),
    )


def _thresholds(threshold: float | Sequence[float]) -> tuple[float, ...]:
    return (threshold,) if isinstance(threshold, int | float) else tuple(threshold)


def bootstrap_alpha(
    data: ReliabilityData,
    level: Level = "nominal",
    *,
    n: int = 1000,
    seed: int | None = None,
    threshold: float | Sequence[float] = 0.667,
    confidence: float = 0.95,
    categories: Sequence[Hashable] | None = None,
    method: BootstrapMethod = "units",
    pairs: int | None = None,
    clusters: Clusters | None = None,
    draws: FloatArray | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> AlphaBootstrap:
    """Bootstrap the distribution of Krippendorff's alpha (see the module docstring).

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing.
        level: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
        n: number of resamples (BCa wants 1,000 or more).
        seed: seed of the random generator, for reproducible figures.
        threshold: smallest acceptable alpha, or several; the result gives, for each, the
            share of resamples below it.
        confidence: level of the interval, in (0, 1).
        categories: the category set (see :func:`krippendorff_alpha`).
        method: ``"units"`` (BCa over units, the default) or ``"pairs"`` (Krippendorff's).
        pairs: with ``method="pairs"``, value pairs per resample instead of Krippendorff's M.
        clusters: the cluster (``0 .. C - 1``) of each unit, e.g. its statement: whole
            clusters are then drawn, with all their units (``method="units"`` only).
        draws: resamples to use instead of drawing them: an ``n x C`` matrix of how often each
            cluster is drawn (see :func:`~r2pcoder.agreement.resample.draw_clusters`); needs
            ``clusters``. :func:`bootstrap_alphas` shares them among several variables.
        progress: receives the fraction of resamples done.
        cancelled: polled between batches of resamples.

    Returns:
        The bootstrap summary. When alpha is undefined everything is NaN; when the data show
        no disagreement at all the interval is [1, 1] and ``note`` says why that is not
        informative.

    Raises:
        AgreementInputError: malformed data or options.
        Cancelled: ``cancelled`` returned True.
    """
    _checked(n, confidence, pairs, method)
    thresholds = _thresholds(threshold)
    prep = _prepare(
        data, level, categories, method, clusters=clusters, draws=draws, n=n, pairs=pairs
    )
    if prep.settled:
        return _settled(prep, thresholds, confidence, method)
    rng = np.random.default_rng(seed)
    if prep.groups is None:
        samples = pair_resamples(prep.parts, n, prep.n_draws, rng, progress, cancelled)
    elif prep.shared is None:
        samples = unit_resamples(prep.groups, prep.fixed, n, rng, progress, cancelled)
    else:
        samples = alphas_of(prep.groups, prep.shared, prep.fixed)
    return _finish(prep, samples, thresholds, confidence, method)


@dataclass(frozen=True)
class BootstrapRequest:
    """One variable for :func:`bootstrap_alphas`: its data, level, categories and clusters."""

    data: ReliabilityData
    level: Level
    categories: Sequence[Hashable] | None
    clusters: Clusters


def bootstrap_alphas(
    requests: Sequence[BootstrapRequest],
    draws: FloatArray,
    *,
    threshold: float | Sequence[float] = 0.667,
    confidence: float = 0.95,
) -> list[AlphaBootstrap]:
    """Several alphas bootstrapped with the same resamples of the same clusters, at once.

    The same as calling :func:`bootstrap_alpha` with ``clusters`` and ``draws`` for each
    request, but the sums of every request are taken in one matrix product, which is what
    makes a report of sixty themes fast.

    Raises:
        AgreementInputError: malformed data, clusters or draws.
    """
    n = int(np.asarray(draws).shape[0]) if np.asarray(draws).ndim == 2 else 0  # noqa: PLR2004
    _checked(max(n, 1), confidence, None, "units")
    thresholds = _thresholds(threshold)
    prepared = [
        _prepare(r.data, r.level, r.categories, "units", clusters=r.clusters, draws=draws, n=n)
        for r in requests
    ]
    busy = [p for p in prepared if not p.settled]
    samples = dict(
        zip(
            map(id, busy),
            shared_alphas(
                [p.groups for p in busy if p.groups],
                [p.fixed for p in busy],
                np.asarray(draws, dtype=np.float64),
            ),
            strict=True,
        )
    )
    return [
        _settled(p, thresholds, confidence, "units")
        if p.settled
        else _finish(p, samples[id(p)], thresholds, confidence, "units")
        for p in prepared
    ]


def _plan(
    coded: Coded,
    fixed: FloatArray | None,
    clusters: Clusters | None,
    draws: FloatArray | None,
    n: int,
) -> tuple[Groups, FloatArray | None]:
    """What the units method draws (units or clusters) and the shared draws, if any."""
    if clusters is None:
        if draws is not None:
            raise AgreementInputError("draws= needs clusters= saying which unit is where.")
        return groups_of(coded, fixed), None
    index = np.asarray(clusters, dtype=np.int64)
    if index.shape != (coded.n_units,) or (index.size and index.min() < 0):
        raise AgreementInputError(
            f"clusters= needs one cluster number (0 or more) per unit; the data have "
            f"{coded.n_units} units."
        )
    if draws is None:
        return groups_of(coded, fixed, index), None
    shared = np.asarray(draws, dtype=np.float64)
    if shared.ndim != 2 or shared.shape[0] != n or shared.shape[1] <= index.max(initial=-1):  # noqa: PLR2004
        raise AgreementInputError(
            f"draws= must be {n} resamples x one count per cluster; got shape {shared.shape}."
        )
    return groups_of(coded, fixed, index, shared.shape[1]), shared


def _units(coded: Coded) -> int:
    return int((coded.unit_sizes() >= 2).sum())  # noqa: PLR2004 - pairable units
