from __future__ import annotations

import threading

from r2pcoder.errors import Cancelled, R2pError

from ui.workers import Job, JobRunner


def test_job_runs_off_the_gui_thread_and_delivers_its_result(qtbot, runner: JobRunner) -> None:
    seen: dict[str, object] = {}

    def work(progress, cancelled):
        seen["thread"] = threading.current_thread()
        progress(0.5)
        return 42

    job = Job(work, name="answer")
    with qtbot.waitSignal(job.signals.succeeded, timeout=5000) as blocker:
        runner.start(job, writes=False)
    assert blocker.args == [42]
    assert seen["thread"] is not threading.main_thread()
    qtbot.waitUntil(lambda: runner.pending() == 0)


def test_job_failure_reaches_the_gui_thread_as_the_exception(qtbot, runner: JobRunner) -> None:
    def work(progress, cancelled):
        raise R2pError("The file is damaged.")

    job = Job(work)
    with qtbot.waitSignal(job.signals.failed, timeout=5000) as blocker:
        runner.start(job, writes=True)
    assert str(blocker.args[0]) == "The file is damaged."
    qtbot.waitUntil(lambda: runner.pending() == 0)


def test_cancel_stops_a_job_that_checks_the_flag(qtbot, runner: JobRunner) -> None:
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        while not cancelled():
            threading.Event().wait(0.001)
        raise Cancelled

    job = Job(work)
    runner.start(job, writes=True)
    assert runner.busy_writing()
    started.wait(5)
    with qtbot.waitSignal(job.signals.failed, timeout=5000) as blocker:
        job.cancel()
    assert isinstance(blocker.args[0], Cancelled)
    qtbot.waitUntil(lambda: not runner.busy_writing())


def test_busy_changed_reports_start_and_end_of_writing(qtbot, runner: JobRunner) -> None:
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    job = Job(lambda progress, cancelled: None)
    with qtbot.waitSignal(job.signals.finished, timeout=5000):
        runner.start(job, writes=True)
    qtbot.waitUntil(lambda: runner.pending() == 0)
    assert states == [True, False]


def test_shutdown_cancels_and_waits(qtbot, runner: JobRunner) -> None:
    def work(progress, cancelled):
        while not cancelled():
            threading.Event().wait(0.001)
        raise Cancelled

    runner.start(Job(work), writes=False)
    assert runner.running() == 1
    runner.shutdown(5000)
    assert runner.running() == 0
    assert runner.pending() == 0
