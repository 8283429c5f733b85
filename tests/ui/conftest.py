"""GUI test fixtures: offscreen Qt, a job-leak check, and a main window on a copied project."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from ui.collector import GuiThreadCollector
from ui.main_window import MainWindow
from ui.workers import JobRunner

_RUNNERS: list[JobRunner] = []


def _stop(runners: list[JobRunner]) -> int:
    leaked = sum(r.running() for r in runners)
    for job_runner in runners:
        job_runner.shutdown(5000)
    return leaked


@pytest.fixture(scope="session", autouse=True)
def _gui_thread_collector(qapp) -> Iterator[None]:
    # As in the app: garbage holding Qt objects must never be collected by a worker thread.
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()


@pytest.fixture
def runner(qtbot) -> Iterator[JobRunner]:
    job_runner = JobRunner()
    _RUNNERS.append(job_runner)
    yield job_runner
    job_runner.shutdown(5000)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # Checked right after the test body: pytest-qt closes the test's windows before fixtures
    # are torn down, and closing a window shuts its runner down, which would hide the leak.
    result = yield
    leaked = sum(r.running() for r in _RUNNERS)
    if leaked:
        _stop(list(_RUNNERS))
        pytest.fail(f"{item.name} left {leaked} job(s) running", pytrace=False)
    return result


@pytest.fixture(autouse=True)
def _forget_runners() -> Iterator[None]:
    # Windows shut their runners down when closed, the runner fixture its own.
    yield
    _RUNNERS.clear()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    store.setValue("coder/name", "Ana")
    return store


def make_window(qtbot, settings: QSettings, data_dir: Path, project: Path | None) -> MainWindow:
    window = MainWindow(settings, data_dir)
    qtbot.addWidget(window)
    _RUNNERS.append(window.controller.runner)
    window.start(project)
    window.show()
    return window


@pytest.fixture
def window(qtbot, settings: QSettings, project_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    win = make_window(qtbot, settings, tmp_path / "data", project_path)
    yield win
    win.close()
