"""A master coded by Ana, Ben and Cy for the review GUI tests, and a window on it.

Plan (tests/core/test_review_queue.py): D1 Ghana (African) Ana, Ben, Cy; D2 Mexico Ana, Ben;
D3 Nordic (Denmark) Ben alone.
  D1 prevention  Ana, Cy "Prevention is the best protection." supports; Ben "Prevention is the
                 best" supports                                   agreed (span differs)
  D1 veto        Ana supports, Ben neutral on "We support the ACT Code of Conduct."; Cy did not
                 code it                                          awaiting (theme missing, stance)
  D2 veto        Ana, Ben supports "The veto must not block action."       agreed
  D3 prevention  Ben opposes "mediation and good offices"                  single coder
The user is Lena, who is not a coder of the master.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from tests.core.review_setup import Built, build
from tests.core.test_review_queue import PLAN
from tests.ui.conftest import make_window

from r2pcoder.db import Project

from ui.main_window import MainWindow
from ui.review.mode import ReviewMode

ACT = "We support the ACT Code of Conduct."


def coded_master(path: Path) -> Built:
    with Project(path) as project:
        return build(project, PLAN)


def review_window(qtbot, settings: QSettings, path: Path, data: Path) -> MainWindow:
    settings.setValue("coder/name", "Lena")
    settings.setValue("ui/guide_dismissed", True)
    return make_window(qtbot, settings, data, path)


def enter(qtbot, window: MainWindow) -> ReviewMode:
    assert window.toggle_review()
    mode = window.review_mode()
    qtbot.waitUntil(lambda: mode.loading is None and mode.status is not None, timeout=10_000)
    return mode
