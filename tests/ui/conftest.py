"""GUI test fixtures: offscreen Qt, a job-leak check, and a main window on a copied project."""

from __future__ import annotations

import gc
import os
from pathlib import Path

# Offscreen, on a 1366x768 laptop screen: the smallest screen the window must fit.
os.environ["QT_QPA_PLATFORM"] = (
    f"offscreen:configfile={Path(__file__).with_name('screen_1366x768.json')}"
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen"
    else os.environ["QT_QPA_PLATFORM"]
)

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject, QSettings

from ui.main_window import MainWindow
from ui.workers import JobRunner

_RUNNERS: list[JobRunner] = []


def _stop(runners: list[JobRunner]) -> int:
    leaked = sum(r.running() for r in runners)
    for job_runner in runners:
        job_runner.shutdown(5)
    return leaked


@pytest.fixture
def runner(qtbot) -> Iterator[JobRunner]:
    job_runner = JobRunner()
    _RUNNERS.append(job_runner)
    yield job_runner
    job_runner.close(5)


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
def settings(tmp_path: Path) -> Iterator[QSettings]:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    store.setValue("coder/name", "Ana")
    yield store
    # Deleted here, on the GUI thread: the windows that used it may sit in reference cycles.
    shiboken6.delete(store)


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


@pytest.fixture
def review_master(project_path: Path):
    """The project coded by Ana, Ben and Cy for review (see tests/ui/review_setup.py)."""
    from tests.ui.review_setup import coded_master  # noqa: PLC0415 - it imports this module

    return coded_master(project_path)


@pytest.fixture
def review_win(qtbot, settings: QSettings, project_path: Path, tmp_path: Path):
    """A window on the project for Lena, the lead (ask for the coded master before it)."""
    from tests.ui.review_setup import review_window  # noqa: PLC0415 - it imports this module

    win = review_window(qtbot, settings, project_path, tmp_path / "data")
    yield win
    win.close()


@pytest.fixture(autouse=True)
def _no_qt_object_left_in_cyclic_garbage(request: pytest.FixtureRequest) -> Iterator[None]:
    # The lifetime rule of ui/workers.py, checked: a live QObject that only Python owns must
    # never end up in a reference cycle, because Python may collect cycles on any thread, and
    # a QObject deleted off the GUI thread crashes Qt. Collected here, on the GUI thread.
    yield
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        stranded = _stranded_qt_objects(gc.garbage)
    finally:
        gc.garbage.clear()
        gc.set_debug(0)
        gc.collect()
    if stranded:
        pytest.fail(f"{request.node.name} left Qt objects in cyclic garbage: {stranded}")


def _stranded_qt_objects(garbage: list[object]) -> list[str]:
    """Live, Python-owned QObjects in ``garbage``, each with what held it ("Type via key")."""
    found = []
    for obj in garbage:
        if isinstance(obj, QObject) and shiboken6.isValid(obj) and shiboken6.ownedByPython(obj):
            holders = [
                f"{type(owner).__name__}.{key}"
                for ref in gc.get_referrers(obj)
                if isinstance(ref, dict)
                for key, value in ref.items()
                if value is obj
                for owner in gc.get_referrers(ref)
                if hasattr(owner, "__dict__") and owner.__dict__ is ref
            ]
            found.append(f"{type(obj).__name__} (held by {', '.join(holders) or 'a cycle'})")
    return sorted(found)
