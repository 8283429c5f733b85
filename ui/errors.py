"""Errors as dialogs in plain words; the technical details go to the log file."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from r2pcoder.errors import Cancelled
from r2pcoder.failures import explain

__all__ = ["ErrorReporter", "setup_logging"]

_log = logging.getLogger("r2pcoder.ui")
LOG_NAME = "r2pcoder.log"


def setup_logging(log_dir: Path) -> Path:
    """Log to a rotating file in ``log_dir``; returns the file's path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


class ErrorReporter:
    """Shows one non-blocking message box per error and logs the traceback.

    Problems a researcher can meet (``R2pError``, and the busy, read-only, full or damaged files
    that :func:`r2pcoder.failures.explain` recognises, worded as on the command line) show their
    own one-line message; anything else is a defect, shown as a plain apology that points at the
    log file.
    """

    def __init__(self, parent: QWidget | None, log_path: Path | None = None) -> None:
        self._parent = parent
        self.log_path = log_path
        self.last_message = ""
        self.box: QMessageBox | None = None

    def message_for(self, exc: BaseException) -> str:
        explained = explain(exc)
        if explained is not None:
            return str(explained)
        where = f"\n\nThe details were written to {self.log_path}." if self.log_path else ""
        return f"Something unexpected went wrong ({type(exc).__name__}).{where}"

    def show(self, title: str, exc: BaseException, tb: TracebackType | None = None) -> None:
        if isinstance(exc, Cancelled):
            _log.info("%s cancelled", title)
            return
        level = logging.WARNING if explain(exc) is not None else logging.ERROR
        _log.log(level, "%s: %s", title, exc, exc_info=(type(exc), exc, tb or exc.__traceback__))
        self.last_message = self.message_for(exc)
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        box.setText(self.last_message)
        box.setObjectName("error-box")
        box.open()  # non-blocking: the window keeps running and tests are not stuck
        self.box = box
