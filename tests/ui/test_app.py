from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from ui import app as app_module
from ui.main_window import MainWindow


def test_main_opens_the_given_project_and_returns_when_the_window_closes(
    qtbot, monkeypatch, tmp_path: Path, project_path: Path
) -> None:
    monkeypatch.setattr(app_module, "data_dir", lambda: tmp_path / "data")
    monkeypatch.setattr(app_module, "log_dir", lambda: tmp_path / "logs")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "cfg"))
    settings = QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "r2pcoder", "r2pcoder"
    )
    settings.setValue("coder/name", "Ana")
    settings.sync()
    seen: dict[str, object] = {}

    def look_and_close() -> None:
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen["title"] = window.windowTitle()
        seen["coder"] = window.coder_button.text()
        seen["documents"] = window.docs.model.rowCount()
        window.close()

    QTimer.singleShot(0, look_and_close)
    root_handlers = list(logging.getLogger().handlers)
    try:
        assert app_module.main(["r2pcoder-gui", str(project_path)]) == 0
    finally:
        for handler in logging.getLogger().handlers:
            if handler not in root_handlers:
                logging.getLogger().removeHandler(handler)
                handler.close()
    assert seen == {"title": "Template - Ana - r2pcoder", "coder": "Ana", "documents": 3}
    assert (tmp_path / "logs" / "r2pcoder.log").is_file()
    assert QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "r2pcoder", "r2pcoder"
    ).value("project/last") == str(project_path.resolve())
