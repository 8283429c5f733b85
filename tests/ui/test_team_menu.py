from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow

DIALOGS = {
    "packets": "PacketsDialog",
    "merge": "MergeDialog",
    "agreement": "AgreementDialog",
    "export": "ExportDialog",
}


@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_team_menu_opens_each_dialog_on_the_project(qtbot, window: MainWindow, name: str) -> None:
    label = {"packets": "make coder packets", "merge": "merge packets"}.get(name, name)
    action = next(
        a for a in window.actions_.all if a.text().replace("&", "").rstrip("…").lower() == label
    )
    assert not action.shortcut().isEmpty()
    action.trigger()
    opened = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == DIALOGS[name]]
    assert len(opened) == 1
    assert opened[0].isVisible()
    qtbot.waitUntil(lambda: window.controller.runner.running() == 0, timeout=10_000)
    opened[0].close()
