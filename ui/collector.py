"""Python's cyclic garbage collector, run on the GUI thread only.

Dialogs connect lambdas to job signals, and such cycles hold Qt objects. Left to itself, the
collector runs in whichever thread happens to allocate, often a worker importing pandas or
building a table, and then destroys GUI objects off the GUI thread, which crashes Qt. With
automatic collection off, a timer on the GUI thread collects as often as the thresholds ask.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GuiThreadCollector"]

_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Turns automatic collection off and collects on the GUI thread, generation by generation."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = _INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(interval_ms)

    def _on_timer_timeout(self) -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 2 if counts[2] > thresholds[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        """Collect once more and give collection back to the interpreter."""
        self._timer.stop()
        gc.collect()
        gc.enable()
