"""GUI test fixtures: offscreen Qt, a job-leak check, and a main window on a copied project."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest

from ui.workers import JobRunner

_RUNNERS: list[JobRunner] = []


@pytest.fixture
def runner(qtbot) -> Iterator[JobRunner]:
    job_runner = JobRunner()
    _RUNNERS.append(job_runner)
    yield job_runner
    job_runner.shutdown(5000)


@pytest.fixture(autouse=True)
def _no_jobs_left_running(request) -> Iterator[None]:
    yield
    leaked = [r for r in _RUNNERS if r.running()]
    _RUNNERS.clear()
    if leaked:
        for job_runner in leaked:
            job_runner.shutdown(5000)
        pytest.fail(
            f"{request.node.name} left {sum(r.running() for r in leaked) or 'some'} job(s) running"
        )
