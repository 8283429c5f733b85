"""Background jobs (import, codebook, merge, packets, agreement, export) and their one rule.

**The lifetime rule.** A worker thread touches exactly one Qt object: its runner's bridge.
The bridge is created with the runner on the GUI thread and outlives every job, because the
runner is only destroyed after :meth:`JobRunner.close` has waited for every worker to return.
Everything else about a job is plain Python: :class:`Job` holds its name, cancel flag and the
GUI-thread callbacks; the worker gets only the job's id, its Qt-free core function and the
cancel flag, and hands plain values (progress fractions, a result or an exception) to the bridge's
queued signals. No Qt object is created, parented or deleted per job, so no Qt object's lifetime
can cross a thread.

Two more rules follow from it. A job's function must not capture widgets (it runs on a pool
thread), and a callback that belongs to a window is registered with that window as ``owner``:
once the window is gone, its callbacks are skipped instead of called on a deleted object.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal

from r2pcoder.progress import CancelCheck, ProgressFn, Throttled
from r2pcoder.wording import counted

__all__ = ["Job", "JobFn", "JobRunner"]

_log = logging.getLogger(__name__)

T = TypeVar("T")

JobFn = Callable[[ProgressFn, CancelCheck], T]
"""A Qt-free core call: ``fn(progress, cancelled)`` returning plain values, never ORM rows."""


@dataclass(frozen=True)
class _Observer(Generic[T]):
    owner: QObject | None
    progress: Callable[[float], object] | None
    success: Callable[[T], object] | None
    failure: Callable[[BaseException], object] | None
    finished: Callable[[], object] | None

    def alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)


@dataclass(eq=False)
class Job(Generic[T]):
    """One background call, as the GUI thread sees it (plain Python; no Qt object).

    Observers registered with :meth:`observe` are called on the GUI thread: ``progress(f)`` as
    the work advances, then exactly one of ``success(result)`` or ``failure(exception)``, then
    ``finished()``. Registering right after :meth:`JobRunner.start` is safe: outcomes reach the
    GUI thread through its event loop, never while the caller is still running.
    """

    name: str
    writes: bool
    id: int = field(default=0)
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _returned: threading.Event = field(default_factory=threading.Event, repr=False)
    _observers: list[_Observer[T]] = field(default_factory=list, repr=False)
    outcome: tuple[T | None, BaseException | None] | None = field(default=None, repr=False)

    def observe(
        self,
        owner: QObject | None = None,
        *,
        progress: Callable[[float], object] | None = None,
        success: Callable[[T], object] | None = None,
        failure: Callable[[BaseException], object] | None = None,
        finished: Callable[[], object] | None = None,
    ) -> Job[T]:
        """Call these on the GUI thread as the job advances; skipped once ``owner`` is gone."""
        self._observers.append(_Observer(owner, progress, success, failure, finished))
        return self

    def cancel(self) -> None:
        """Ask the job to stop; the core function raises ``Cancelled`` at its next check."""
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def returned(self) -> bool:
        """True once the function has returned or raised (its outcome may still be queued)."""
        return self._returned.is_set()

    def done(self) -> bool:
        """True once the GUI thread has delivered the outcome to every observer."""
        return self.outcome is not None

    def _deliver_progress(self, fraction: float) -> None:
        for observer in list(self._observers):
            if observer.progress is not None and observer.alive():
                observer.progress(fraction)

    def _deliver_outcome(self, result: T, error: BaseException | None) -> None:
        self.outcome = (result, error)
        observers, self._observers = self._observers, []
        for observer in observers:
            if not observer.alive():
                continue
            if error is None and observer.success is not None:
                observer.success(result)
            elif error is not None and observer.failure is not None:
                observer.failure(error)
            if observer.finished is not None:
                observer.finished()


class _Bridge(QObject):
    """The only Qt object worker threads touch; lives on the GUI thread as long as the runner."""

    progressed = Signal(int, float)  # job id, fraction done
    returned = Signal(int, object, object)  # job id, result, exception (one of them None)


class JobRunner(QObject):
    """Runs jobs on two private executors and delivers their outcomes on the GUI thread.

    Writes (import, codebook, merge, packets, snapshots) go to a one-thread writer, so they never
    contend for SQLite's write lock with each other; reads (agreement, export, previews) go to a
    small reader pool. ``busy_changed(bool)`` tells the window when writing starts and ends, so
    it can disable mutating actions; ``job_done(job)`` follows every delivered outcome.
    """

    busy_changed = Signal(bool)
    job_done = Signal(object)

    def __init__(self, parent: QObject | None = None, *, readers: int = 3) -> None:
        super().__init__(parent)
        self._bridge = _Bridge(self)
        # Queued: the bridge's signals are emitted on worker threads, received here.
        self._bridge.progressed.connect(self._on_bridge_progressed)
        self._bridge.returned.connect(self._on_bridge_returned)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="r2p-writer")
        self._reader = ThreadPoolExecutor(readers, thread_name_prefix="r2p-reader")
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job[Any]] = {}
        self._futures: dict[int, Future[None]] = {}
        self._closed = False

    def start(self, fn: JobFn[T], *, name: str, writes: bool) -> Job[T]:
        """Run ``fn(progress, cancelled)`` on a pool thread; returns its GUI-side handle."""
        if self._closed:
            raise RuntimeError("the job runner is closed")
        job: Job[T] = Job(name=name, writes=writes, id=next(self._ids))
        was_writing = self.busy_writing()
        self._jobs[job.id] = job
        executor = self._writer if writes else self._reader
        # The worker gets plain values only: never the Job (its observers hold windows).
        future = executor.submit(
            self._bridge_run, self._bridge, job.id, fn, job._cancel, job._returned
        )
        self._futures[job.id] = future
        if writes and not was_writing:
            self.busy_changed.emit(True)
        return job

    @staticmethod
    def _bridge_run(
        bridge: _Bridge,
        job_id: int,
        fn: JobFn[Any],
        cancel: threading.Event,
        returned: threading.Event,
    ) -> None:
        # Runs on a pool thread: no widgets, no ORM rows, no Qt object but the bridge.
        progress = Throttled(lambda fraction: bridge.progressed.emit(job_id, fraction))
        result: object = None
        error: BaseException | None = None
        try:
            result = fn(progress, cancel.is_set)
        except Exception as exc:  # handed to the GUI thread, which shows and logs it
            _log.info("job %d failed: %r", job_id, exc)
            error = exc
        returned.set()
        bridge.returned.emit(job_id, result, error)

    def _on_bridge_progressed(self, job_id: int, fraction: float) -> None:
        job = self._jobs.get(job_id)
        if job is not None:
            job._deliver_progress(fraction)

    def _on_bridge_returned(self, job_id: int, result: object, error: object) -> None:
        self._futures.pop(job_id, None)
        job = self._jobs.pop(job_id, None)
        if job is None:
            return  # the runner was shut down and has forgotten the job
        failure = error if isinstance(error, BaseException) else None
        try:
            job._deliver_outcome(result, failure)
        finally:
            if job.writes and not self.busy_writing():
                self.busy_changed.emit(False)
            self.job_done.emit(job)

    def running(self) -> int:
        """Jobs started whose function has not returned yet (forgotten ones included)."""
        return sum(not future.done() for future in self._futures.values())

    def pending(self) -> int:
        """Jobs whose outcome the GUI thread has not delivered yet."""
        return len(self._jobs)

    def busy_writing(self) -> bool:
        return any(job.writes for job in self._jobs.values())

    def cancel_all(self) -> None:
        for job in list(self._jobs.values()):
            job.cancel()

    def shutdown(self, timeout_s: float = 30.0) -> bool:
        """Cancel every job and wait for their functions to return (before closing a project).

        Outcomes not yet delivered are dropped: whoever waited for them is going away. Returns
        False if a job did not return in time (it is logged; its outcome will be dropped too).
        """
        was_writing = self.busy_writing()
        self.cancel_all()
        _done, not_done = wait_futures(list(self._futures.values()), timeout=timeout_s)
        if not_done:
            _log.warning(
                "%s still running after %.0f s", counted(len(not_done), "background job"), timeout_s
            )
        self._jobs.clear()
        self._futures = {i: f for i, f in self._futures.items() if not f.done()}
        if was_writing:
            self.busy_changed.emit(False)
        return not not_done

    def close(self, timeout_s: float = 30.0) -> None:
        """Shut down and stop the executors' threads; the runner takes no more jobs."""
        self.shutdown(timeout_s)
        self._closed = True
        self._writer.shutdown(wait=True, cancel_futures=True)
        self._reader.shutdown(wait=True, cancel_futures=True)
