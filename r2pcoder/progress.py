"""Progress and cancellation for long operations (import, merge, agreement, export).

Long operations are plain functions that take an optional ``progress`` callback (a fraction in
[0, 1]) and an optional ``cancelled`` check, and raise :class:`~r2pcoder.errors.Cancelled` when
asked to stop. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable

from r2pcoder.errors import Cancelled

__all__ = ["CancelCheck", "ProgressFn", "Throttled", "check_cancelled", "wrap_progress"]

ProgressFn = Callable[[float], None]
CancelCheck = Callable[[], bool]


def wrap_progress(progress: ProgressFn | None, start: float, end: float) -> ProgressFn:
    """Map a sub-step's [0, 1] progress onto the slice [start, end] of its caller's range."""

    def report(fraction: float) -> None:
        if progress is not None:
            clamped = min(max(fraction, 0.0), 1.0)
            progress(start + (end - start) * clamped)

    return report


def check_cancelled(cancelled: CancelCheck | None) -> None:
    """Raise :class:`Cancelled` if the caller asked to stop."""
    if cancelled is not None and cancelled():
        raise Cancelled


class Throttled:
    """A progress callback that forwards at most one report per 1 % change (and always 0 and 1)."""

    def __init__(self, progress: ProgressFn | None, step: float = 0.01) -> None:
        """Wrap ``progress``; reports closer than ``step`` to the last one are dropped."""
        self._progress = progress
        self._step = step
        self._last = -1.0

    def __call__(self, fraction: float) -> None:
        """Report ``fraction`` if it moved far enough since the last report."""
        if self._progress is None:
            return
        if fraction >= 1.0 or fraction <= 0.0 or fraction - self._last >= self._step:
            self._last = fraction
            self._progress(fraction)
