"""Application start-up: QApplication, logging, error hook, settings and the main window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import platformdirs
import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui.errors import ErrorReporter, setup_logging
from ui.main_window import MainWindow

__all__ = ["APP_NAME", "build_window", "data_dir", "main"]

APP_NAME = "r2pcoder"
_log = logging.getLogger(__name__)


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def install_excepthook(reporter: ErrorReporter) -> None:
    """Unexpected exceptions in slots become an error dialog plus a log entry, not a crash."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        reporter.show("r2pcoder", exc, tb)

    sys.excepthook = hook


def build_window(
    argv_path: Path | None, settings: QSettings, data: Path, log_path: Path | None = None
) -> MainWindow:
    """The main window with its project open (given, last or sample)."""
    window = MainWindow(settings, data, log_path)
    window.start(argv_path)
    return window


def main(argv: Sequence[str] | None = None) -> int:
    """Run the workbench; ``argv[1]``, if given, is a project file to open."""
    args = list(sys.argv if argv is None else argv)
    app = QApplication.instance() or QApplication(args)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    log_path = setup_logging(log_dir())
    settings = QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME, app
    )
    argv_path = Path(args[1]).expanduser() if len(args) > 1 else None
    window = build_window(argv_path, settings, data_dir(), log_path)
    install_excepthook(window.errors)
    window.show()
    if window.controller.needs_name():
        window.ask_coder()
    _log.info("r2pcoder started")
    code = int(app.exec())
    # Destroyed here, on the GUI thread, not whenever Python's cycle collector reaches it.
    shiboken6.delete(window)
    return code
