"""Running one measurement of the ``scale`` suite in a fresh process, and comparing it.

Each run is a child Python process, so its peak memory (``VmHWM``) is its own and no cache of
an earlier run helps it. The child times the operation itself (after its imports) and prints
one JSON line; a row of the suite is the median over its runs, against a reference measured in
the same run, interleaved with it (ours, reference, ours, ...) so that the load of the shared
machine falls on both alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from bench.common import Result

GROWTH_LIMIT = 2.2
"""Most a figure may grow when the data double (linear growth is 2)."""

PEAK = """
def _peak_mb():
    import pathlib
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
"""Code a child script includes to report its peak resident memory in MiB."""


@dataclass(frozen=True)
class Runs:
    """The runs of one measurement: seconds and peak MiB of each, and what the child said."""

    seconds: tuple[float, ...]
    peaks: tuple[float, ...]
    said: dict[str, object]

    @property
    def median(self) -> float:
        """Median seconds."""
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        """Highest peak memory of the runs, in MiB."""
        return max(self.peaks)


def in_child(code: str, *args: str) -> dict[str, object]:
    """Run ``code`` (which prints one JSON object last) in a fresh interpreter; its JSON."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run(
        [sys.executable, "-c", PEAK + code, *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def interleaved(
    ours: tuple[str, Sequence[str]], reference: tuple[str, Sequence[str]], repeats: int
) -> tuple[Runs, Runs]:
    """``repeats`` runs of each of two child scripts, alternating; each prints seconds, peak."""
    got: tuple[list[dict[str, object]], list[dict[str, object]]] = ([], [])
    for _ in range(repeats):
        for (code, args), into in zip((ours, reference), got, strict=True):
            into.append(in_child(code, *args))
    ours_runs, reference_runs = (_runs(found) for found in got)
    return ours_runs, reference_runs


def repeated(code: str, args: Sequence[str], repeats: int) -> Runs:
    """``repeats`` runs of one child script."""
    return _runs([in_child(code, *args) for _ in range(repeats)])


def _runs(found: list[dict[str, object]]) -> Runs:
    seconds = tuple(float(str(f["seconds"])) for f in found)
    peaks = tuple(float(str(f["peak_mb"])) for f in found)
    return Runs(seconds, peaks, found[-1])


def mark_growth(rows: Sequence[Result]) -> None:
    """Mark each row of a growth curve with how much it grew from the one of half its size.

    A row missed its target when it took more than :data:`GROWTH_LIMIT` times the row before.
    """
    for smaller, larger in pairwise(rows):
        factor = larger.median_s / smaller.median_s
        larger.extra["vs_half"] = round(factor, 2)
        larger.passed = factor <= GROWTH_LIMIT
