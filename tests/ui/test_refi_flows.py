from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from ui.main_window import MainWindow


def _finish(qtbot, window: MainWindow, job) -> None:
    assert job is not None
    runner = window.controller.runner
    if not job.done():
        with qtbot.waitSignal(runner.job_done, timeout=30_000, check_params_cb=lambda j: j is job):
            pass
    assert job.outcome is not None
    assert job.outcome[1] is None, job.outcome[1]


def test_a_project_exported_as_qdpx_comes_back_into_an_empty_project(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    c = window.controller
    doc = c.documents()[0]
    theme = c.themes()[0]
    c.apply_coding(doc.id, theme.id, 0, 12, c.stances()[0].id)
    before = [(d.title, d.length) for d in c.documents()]
    themes = sorted(t.key for t in c.themes())
    out = tmp_path / "exchange.qdpx"
    _finish(qtbot, window, window.flows.start_refi_export(out))
    assert out.is_file()
    window.controller.new_project(tmp_path / "empty.r2p")
    assert window.docs.model.rowCount() == 0
    job = window.flows.start_refi_import(out)
    _finish(qtbot, window, job)
    assert sorted((d.title, d.length) for d in window.controller.documents()) == sorted(before)
    assert sorted(t.key for t in window.controller.themes()) == themes
    assert window.docs.model.rowCount() == len(before)
    imported = next(d for d in c.documents() if d.title == doc.title)
    (coding,) = c.require().codings.for_document(imported.id)
    assert (coding.start, coding.end, coding.stance_id) == (0, 12, c.stances()[0].id)
    texts = [box.text() for box in window.findChildren(QMessageBox, "info-box")]
    assert any(t.startswith("Imported exchange.qdpx") for t in texts), texts


def test_a_file_that_is_not_refi_is_refused_in_plain_words(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.qdpx"
    bogus.write_text("not a zip", encoding="utf-8")
    count = len(window.controller.documents())
    job = window.flows.start_refi_import(bogus)
    assert job is not None
    qtbot.waitUntil(job.done, timeout=30_000)
    assert job.outcome is not None
    assert job.outcome[1] is not None
    assert "zip" in window.errors.last_message
    assert len(window.controller.documents()) == count


def test_the_window_loads_neither_numpy_nor_pandas_at_start() -> None:
    # Start-up time: the statistics and table libraries load with the first job that needs
    # them, on its worker thread.
    code = (
        "import sys, ui.main_window, ui.app;"
        "print(sorted(m for m in ('numpy', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )
    assert done.stdout.strip() == "[]"
