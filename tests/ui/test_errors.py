from __future__ import annotations

import errno
import logging
import sqlite3
import sys
from pathlib import Path

from r2pcoder.db import Project
from r2pcoder.errors import Cancelled, R2pError

from ui.app import install_excepthook
from ui.errors import ErrorReporter, setup_logging
from ui.main_window import MainWindow


def test_a_researchers_error_is_shown_in_its_own_words(window: MainWindow) -> None:
    window.errors.show("Import", R2pError("The file is damaged."))
    assert window.errors.last_message == "The file is damaged."
    assert window.errors.box is not None
    assert window.errors.box.text() == "The file is damaged."


def test_a_defect_is_shown_plainly_and_its_traceback_logged(qtbot, tmp_path: Path) -> None:
    log = setup_logging(tmp_path / "logs")
    try:
        reporter = ErrorReporter(None, log)
        table: dict[str, int] = {}
        try:
            table["missing"]
        except KeyError as exc:
            reporter.show("Coding", exc)
        assert reporter.last_message.startswith("Something unexpected went wrong (KeyError).")
        assert str(log) in reporter.last_message
        assert reporter.box is not None
        qtbot.addWidget(reporter.box)
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = log.read_text("utf-8")
        assert "Traceback" in text
        assert "KeyError: 'missing'" in text
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "baseFilename", "") == str(log):
                root.removeHandler(handler)
                handler.close()


def test_cancelling_is_not_reported_as_an_error(window: MainWindow) -> None:
    window.errors.show("Import", Cancelled())
    assert window.errors.box is None


def test_unhandled_exceptions_go_to_the_error_dialog(window: MainWindow) -> None:
    saved = sys.excepthook
    try:
        install_excepthook(window.errors)
        try:
            raise ValueError("boom")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
        assert window.errors.last_message == "Something unexpected went wrong (ValueError)."
    finally:
        sys.excepthook = saved


def test_a_busy_or_full_project_is_worded_as_on_the_command_line(window: MainWindow) -> None:
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
    window.errors.show("Merge", busy)
    assert window.errors.last_message == (
        "The project is busy; another window or command is writing to it; try again when it "
        "has finished."
    )
    full = OSError(errno.ENOSPC, "No space left on device", "/data/out/counts.csv")
    window.errors.show("Export", full)
    assert window.errors.last_message == (
        "counts.csv: the disk is full; free some space and try again (nothing was changed)."
    )


def test_a_damaged_project_opened_in_the_window_gets_the_same_line(
    window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "damaged.r2p"
    data = bytearray(128 * 1024)
    data[:16] = b"SQLite format 3\x00"
    data[16:18] = (4096).to_bytes(2, "big")
    data[68:72] = (0x52325043).to_bytes(4, "big")  # r2pcoder's application id
    path.write_bytes(bytes(data))
    try:
        Project(path)
    except R2pError as exc:
        window.errors.show("Open project", exc)
    assert window.errors.last_message.startswith("damaged.r2p")
    assert "damaged" in window.errors.last_message
    assert "Something unexpected" not in window.errors.last_message
