"""Alpha's bootstrap intervals for the rows of a report, drawn together once the rows are built.

With the units method the statements are what is drawn: each resample draws statements with
replacement, each with all its units (a statement's units are not independent of each other:
drawing them together is the cluster bootstrap), and every slice over the same statements (each
theme, all themes) gets the same resamples, drawn once and applied to all of them in one matrix
product (:func:`r2pcoder.agreement.bootstrap_alphas`), which keeps a report of sixty themes
fast. Krippendorff's pair method draws per slice, as it always did. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from r2pcoder import agreement
from r2pcoder.errors import AgreementInputError
from r2pcoder.reliability.report import MeasureValue
from r2pcoder.reliability.settings import LevelName

__all__ = ["Bootstrap", "Intervals"]

Docs = npt.NDArray[np.int64] | None
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Bootstrap:
    """How to bootstrap alpha's interval: resamples, seed, threshold for ``p_below``, method."""

    n: int
    seed: int
    threshold: float
    method: agreement.BootstrapMethod = "units"
    _draws: dict[bytes, FloatArray] = field(default_factory=dict, compare=False, repr=False)

    def draws_for(self, statements: npt.NDArray[np.int64]) -> FloatArray:
        """The resamples of these statements (drawn once, then shared)."""
        key = statements.tobytes()
        if key not in self._draws:
            rng = np.random.default_rng(self.seed)
            self._draws[key] = agreement.draw_clusters(statements.size, self.n, rng)
        return self._draws[key]


@dataclass
class _Asked:
    values: dict[str, MeasureValue]
    name: str
    data: FloatArray
    level: LevelName
    k: int
    clusters: npt.NDArray[np.int64] | None = None
    key: bytes = b""


@dataclass
class Intervals:
    """Collects the intervals a slice's rows ask for; :meth:`run` draws and fills them in."""

    boot: Bootstrap
    _asked: list[_Asked] = field(default_factory=list)

    def ask(
        self,
        values: dict[str, MeasureValue],
        name: str,
        codes: npt.NDArray[np.int64],
        level: LevelName,
        k: int,
        docs: Docs,
    ) -> None:
        """Ask for the interval of ``values[name]`` (alpha of ``codes``: -1 missing, 0..k-1).

        ``docs``, the statement of each unit, makes the statements what is drawn.
        """
        # Categories are numbered from 1, so a ratio level sees positive values.
        data = codes.astype(np.float64) + 1.0
        data[codes < 0] = np.nan
        asked = _Asked(values, name, data, level, k)
        if docs is not None and self.boot.method == "units":
            pairable = (codes >= 0).sum(axis=0) >= 2  # noqa: PLR2004
            drawn = np.unique(docs[pairable])
            if drawn.size:
                asked.clusters = np.minimum(np.searchsorted(drawn, docs), drawn.size - 1)
                asked.key = drawn.tobytes()
                self.boot.draws_for(drawn)
        self._asked.append(asked)

    def run(self) -> None:
        """Draw every interval asked for and put it beside its value."""
        shared: dict[bytes, list[_Asked]] = defaultdict(list)
        for asked in self._asked:
            if asked.clusters is not None:
                shared[asked.key].append(asked)
            else:
                self._fill(asked, self._alone(asked))
        for key, members in shared.items():
            requests = [
                agreement.BootstrapRequest(a.data, a.level, _categories(a.k), a.clusters)
                for a in members
                if a.clusters is not None
            ]
            draws = self.boot.draws_for(np.frombuffer(key, dtype=np.int64))
            try:
                results: list[agreement.AlphaBootstrap | None] = list(
                    agreement.bootstrap_alphas(requests, draws, threshold=self.boot.threshold)
                )
            except AgreementInputError:
                results = [self._alone(a) for a in members]
            for asked, result in zip(members, results, strict=True):
                self._fill(asked, result)
        self._asked.clear()

    def _alone(self, asked: _Asked) -> agreement.AlphaBootstrap | None:
        boot = self.boot
        try:
            return agreement.bootstrap_alpha(
                asked.data,
                asked.level,
                n=boot.n,
                seed=boot.seed,
                threshold=boot.threshold,
                categories=_categories(asked.k),
                method=boot.method,
            )
        except AgreementInputError:
            return None

    def _fill(self, asked: _Asked, result: agreement.AlphaBootstrap | None) -> None:
        value = asked.values[asked.name]
        if result is None or math.isnan(result.ci_low) or math.isnan(result.ci_high):
            return
        below = float(result.probability_below(self.boot.threshold))
        # Why an interval says little (perfect agreement, few units) belongs beside it.
        note = "; ".join(n for n in (value.note, result.note) if n)
        asked.values[asked.name] = MeasureValue(
            value.value,
            note,
            float(result.ci_low),
            float(result.ci_high),
            None if math.isnan(below) else below,
            value.band,
        )


def _categories(k: int) -> list[float]:
    return [float(c) for c in range(1, k + 1)]
