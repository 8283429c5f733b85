"""Background jobs: one Job type for import, merge, agreement and export, and their runner.

A job wraps a Qt-free core function ``fn(progress, cancelled)``. It runs on a pool thread, touches
no widgets and hands its result or exception to the GUI thread through queued signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from r2pcoder.progress import CancelCheck, ProgressFn, Throttled

from ui.preload import preload_modules

__all__ = ["Job", "JobRunner", "JobSignals"]

_log = logging.getLogger(__name__)


class JobSignals(QObject):
    """Signals of a Job (a QRunnable is not a QObject, so they live here).

    ``progressed(fraction)``, then exactly one of ``succeeded(result)`` or ``failed(exception)``,
    then ``finished()``. Created on the GUI thread, so receivers there get queued calls.
    """

    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class Job(QRunnable):
    """One cancellable call of a core function on a pool thread.

    Args:
        fn: called as ``fn(progress, cancelled)``; must return plain values, never ORM objects.
        name: shown in logs.
    """

    def __init__(self, fn: Callable[[ProgressFn, CancelCheck], object], *, name: str = "") -> None:
        super().__init__()
        # The runner keeps a reference until ``finished``; Qt must not delete the wrapper.
        self.setAutoDelete(False)
        self._fn = fn
        self.name = name or getattr(fn, "__name__", "job")
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self._returned = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def returned(self) -> bool:
        """True once ``fn`` has returned or raised (its signals may still be on their way)."""
        return self._returned.is_set()

    def run(self) -> None:
        progress = Throttled(self.signals.progressed.emit)
        failure: Exception | None = None
        result: object = None
        try:
            result = self._fn(progress, self.cancelled)
        except Exception as exc:  # handed to the GUI thread, which shows and logs it
            _log.info("job %s failed: %r", self.name, exc)
            failure = exc
        # Marked before the outcome is signalled, so whoever reacts to it sees the job as done.
        self._returned.set()
        if failure is not None:
            self.signals.failed.emit(failure)
        else:
            self.signals.succeeded.emit(result)
        self.signals.finished.emit()


class JobRunner(QObject):
    """Owns two private thread pools and keeps every running job alive until it finishes.

    Writes (import, merge) go to a single-thread writer pool so they never contend for SQLite's
    write lock with each other; reads (agreement, export) go to a reader pool.
    ``busy_changed(bool)`` is emitted whenever :meth:`busy_writing` changes, so the window can
    disable mutating actions while a writer runs.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._reader = QThreadPool(self)
        self._reader.setMaxThreadCount(
            max(2, min(4, QThreadPool.globalInstance().maxThreadCount()))
        )
        self._jobs: dict[Job, bool] = {}

    def start(self, job: Job, *, writes: bool) -> Job:
        preload_modules()  # a worker's first-time import would race the GUI thread's events
        was_writing = self.busy_writing()
        self._jobs[job] = writes
        # The runner (a GUI-thread object) owns the signals, so the worker thread dropping the
        # last reference to the job never destroys them, nor PySide's hidden receivers of their
        # lambda connections, while the GUI thread is still delivering a queued emission.
        job.signals.setParent(self)
        job.signals.finished.connect(lambda: self._forget(job))
        (self._writer if writes else self._reader).start(job)
        if self.busy_writing() != was_writing:
            self.busy_changed.emit(True)
        return job

    def running(self) -> int:
        """Jobs started whose function has not returned yet."""
        return sum(not job.returned() for job in self._jobs)

    def pending(self) -> int:
        """Jobs whose ``finished`` signal the GUI thread has not handled yet."""
        return len(self._jobs)

    def busy_writing(self) -> bool:
        return any(self._jobs.values())

    def cancel_all(self) -> None:
        for job in list(self._jobs):
            job.cancel()

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Cancel every job and wait for the pools to drain (call before closing the project)."""
        was_writing = self.busy_writing()
        self.cancel_all()
        done = self._writer.waitForDone(timeout_ms) and self._reader.waitForDone(timeout_ms)
        if not done:
            _log.warning("background jobs still running after %d ms", timeout_ms)
            return
        for job in self._jobs:
            job.signals.deleteLater()
        self._jobs.clear()
        if was_writing:
            self.busy_changed.emit(False)

    def _forget(self, job: Job) -> None:
        was_writing = self.busy_writing()
        if self._jobs.pop(job, None) is None:
            return
        job.signals.deleteLater()  # after the queued emissions already posted are delivered
        if was_writing and not self.busy_writing():
            self.busy_changed.emit(False)
