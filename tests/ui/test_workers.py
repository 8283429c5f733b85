from __future__ import annotations

import gc
import random
import threading
import weakref
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QObject

from r2pcoder.errors import Cancelled, R2pError

from ui.workers import Job, JobRunner


def finish(qtbot, runner: JobRunner, job: Job[Any], timeout: int = 10_000) -> tuple[object, object]:
    if not job.done():
        with qtbot.waitSignal(
            runner.job_done, timeout=timeout, check_params_cb=lambda done: done is job
        ):
            pass
    assert job.outcome is not None
    return job.outcome


def test_job_runs_off_the_gui_thread_and_delivers_its_result(qtbot, runner: JobRunner) -> None:
    seen: dict[str, object] = {}
    delivered: list[object] = []

    def work(progress, cancelled):
        seen["thread"] = threading.current_thread()
        progress(0.5)
        return 42

    job = runner.start(work, name="answer", writes=False)
    job.observe(success=lambda result: delivered.append((result, threading.current_thread())))
    assert finish(qtbot, runner, job) == (42, None)
    assert seen["thread"] is not threading.main_thread()
    assert delivered == [(42, threading.main_thread())]
    assert runner.pending() == 0


def test_job_failure_reaches_the_gui_thread_as_the_exception(qtbot, runner: JobRunner) -> None:
    failures: list[BaseException] = []

    def work(progress, cancelled):
        raise R2pError("The file is damaged.")

    job = runner.start(work, name="damaged", writes=True)
    job.observe(failure=failures.append, success=lambda _r: pytest.fail("not a success"))
    finish(qtbot, runner, job)
    assert [str(f) for f in failures] == ["The file is damaged."]


def test_observers_get_progress_then_one_outcome_then_finished(qtbot, runner: JobRunner) -> None:
    events: list[object] = []
    gate = threading.Event()

    def work(progress, cancelled):
        gate.wait(5)
        for step in range(1, 5):
            progress(step / 4)
        return "done"

    job = runner.start(work, name="steps", writes=False)
    job.observe(
        progress=events.append, success=events.append, finished=lambda: events.append("finished")
    )
    gate.set()
    finish(qtbot, runner, job)
    assert events == [0.25, 0.5, 0.75, 1.0, "done", "finished"]


def test_cancel_stops_a_job_that_checks_the_flag(qtbot, runner: JobRunner) -> None:
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        while not cancelled():
            threading.Event().wait(0.001)
        raise Cancelled

    job = runner.start(work, name="long", writes=True)
    assert runner.busy_writing()
    assert started.wait(5)
    job.cancel()
    _result, error = finish(qtbot, runner, job)
    assert isinstance(error, Cancelled)
    assert not runner.busy_writing()


def test_busy_changed_reports_start_and_end_of_writing(qtbot, runner: JobRunner) -> None:
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    first = runner.start(lambda p, c: None, name="one", writes=True)
    second = runner.start(lambda p, c: None, name="two", writes=True)
    finish(qtbot, runner, first)
    finish(qtbot, runner, second)
    assert states == [True, False]


def test_callbacks_of_a_deleted_owner_are_skipped(qtbot, runner: JobRunner) -> None:
    owner = QObject()
    calls: list[object] = []
    gate = threading.Event()
    job = runner.start(lambda p, c: gate.wait(5), name="orphan", writes=False)
    job.observe(owner, success=calls.append, finished=lambda: calls.append("finished"))
    shiboken6.delete(owner)
    gate.set()
    finish(qtbot, runner, job)
    assert calls == []


def test_shutdown_cancels_waits_and_forgets(qtbot, runner: JobRunner) -> None:
    def work(progress, cancelled):
        while not cancelled():
            threading.Event().wait(0.001)
        raise Cancelled

    job = runner.start(work, name="endless", writes=False)
    assert runner.running() == 1
    assert runner.shutdown(5)
    assert runner.running() == 0
    assert runner.pending() == 0
    assert job.cancelled()


def test_a_closed_runner_takes_no_more_jobs(runner: JobRunner) -> None:
    runner.close(5)
    with pytest.raises(RuntimeError):
        runner.start(lambda p, c: None, name="late", writes=False)


def test_the_worker_never_holds_the_job_or_its_observers(qtbot, runner: JobRunner) -> None:
    # Observers hold windows; if a worker thread dropped the last reference to them, Qt
    # objects would be destroyed off the GUI thread.
    class Target:
        def on_success(self, _result: object) -> None:
            pass

    target = Target()
    gate = threading.Event()
    job = runner.start(lambda p, c: gate.wait(5), name="hold", writes=False)
    job.observe(success=target.on_success)
    ref = weakref.ref(target)
    del target
    gate.set()
    finish(qtbot, runner, job)
    del job
    assert ref() is None


def racing_work(kind: str, spin: int):
    def work(progress, cancelled):
        for step in range(spin):
            progress(step / spin)
            if cancelled():
                raise Cancelled
        while kind == "cancel":  # the GUI thread cancels it, maybe before it even starts
            if cancelled():
                raise Cancelled
            threading.Event().wait(0.0005)
        if kind == "fail":
            raise R2pError("planned failure")
        return kind

    return work


EXPECTED = {
    "ok": ["ok:ok", "finished"],
    "fail": ["failed:R2pError", "finished"],
    "cancel": ["failed:Cancelled", "finished"],
}


def record_outcomes(job: Job[object], record: list[str]) -> None:
    job.observe(
        success=lambda r: record.append(f"ok:{r}"),
        failure=lambda e: record.append(f"failed:{type(e).__name__}"),
        finished=lambda: record.append("finished"),
    )


@pytest.mark.slow
def test_five_hundred_racing_jobs_deliver_exactly_once_each(qtbot, runner: JobRunner) -> None:
    # Progress, results, failures and cancels race between pool threads and the GUI thread.
    rng = random.Random(7)
    jobs: list[tuple[Job[object], str, list[str]]] = []
    for n in range(500):
        kind = rng.choice(sorted(EXPECTED))
        job = runner.start(racing_work(kind, rng.randint(1, 200)), name=f"j{n}", writes=n % 3 == 0)
        record: list[str] = []
        record_outcomes(job, record)
        if kind == "cancel":
            job.cancel()
        jobs.append((job, kind, record))
    qtbot.waitUntil(lambda: runner.pending() == 0, timeout=120_000)
    assert runner.running() == 0
    assert not runner.busy_writing()
    assert [(job.name, record) for job, kind, record in jobs if record != EXPECTED[kind]] == []
    refs = [weakref.ref(job) for job, _kind, _record in jobs]
    del jobs, job
    gc.collect()
    assert [r for r in refs if r() is not None] == []
