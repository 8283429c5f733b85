"""Shared benchmark helpers: medians over repeats, peak memory, and the machine description."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    """One benchmark figure, compared with its target (and with a reference where one is named)."""

    name: str
    median_s: float
    target: str
    passed: bool
    repeats: int
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """A single human-readable line for the console and the README table."""
        verdict = "ok" if self.passed else "MISSED"
        extras = ", ".join(f"{k}={v}" for k, v in self.extra.items())
        return (
            f"{self.name}: median {self.median_s:.3f} s over {self.repeats} runs "
            f"(target {self.target}: {verdict}){'; ' + extras if extras else ''}"
        )


def median_time(
    fn: Callable[[], Any], repeats: int = 5, setup: Callable[[], Any] | None = None
) -> float:
    """Median wall time of ``fn`` over ``repeats`` runs; ``setup`` runs untimed before each run."""
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
