"""Workbench benchmarks (offscreen): start-up, opening a big statement, applying one coding.

On a 30 KB statement with 500 codings: open it <= 100 ms; apply one coding, from the key press
to stored and repainted, median <= 16 ms. Start-up to a usable main window (a fresh interpreter:
imports, QApplication, project, first statement shown) <= 1.5 s.

Run: uv run python -m bench --only workbench
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bench.common import Result, median_time
from bench.synth import build_corpus, synthetic_codebook

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project

from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
BIG_CODINGS = 500
KEY = "q"

STARTUP = """
import os, sys, time
t0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from ui.app import build_window
app = QApplication([])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
settings.setValue("coder/name", sys.argv[4])
window = build_window(Path(sys.argv[1]), settings, Path(sys.argv[3]))
window.show()
app.processEvents()
assert window.document_id is not None
print(time.perf_counter() - t0, flush=True)
window.close()  # closes the project; leaving it to interpreter teardown can crash Qt
"""


def _corpus(root: Path, n_docs: int) -> tuple[Path, int, int]:
    """A project whose 50th statement is ~30 KB; that statement gets 500 codings of Coder 1."""
    base = synthetic_codebook(seed=0)
    first = replace(base.themes[0], shortcut=KEY)
    codebook = replace(base, themes=(first, *base.themes[1:]))
    info = build_corpus(root / "workbench.r2p", n_docs=n_docs, n_coders=1,
                        codings_per_doc=10, codebook=codebook)  # fmt: skip
    with Project(info.path) as project:
        docs = project.documents.list()
        big = max(docs, key=lambda d: d.length)
        small = min(docs, key=lambda d: d.length)
        coder = info.coder_ids[0]
        have = len(project.codings.for_document(big.id, coder))
        themes = [t.id for t in project.codebook.themes()]
        _add_codings(project, big.id, coder, themes, BIG_CODINGS - have, big.length)
    return info.path, big.id, small.id


def _add_codings(
    project: Project, doc_id: int, coder: int, themes: list[int], n: int, length: int
) -> None:
    step = max(1, (length - 200) // max(1, n))
    for i in range(n):
        start = (i * step) % (length - 200)
        request = CodingRequest(doc_id, coder, themes[i % len(themes)], start, start + 40 + i % 90)
        project.codings.apply(request)


def _window(path: Path, root: Path) -> MainWindow:
    settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("coder/name", "Coder 1")
    window = MainWindow(settings, root / "data")
    window.start(path)
    window.show()
    window.activateWindow()
    QApplication.processEvents()
    return window


def _open(window: MainWindow, big: int, small: int, repeats: int) -> Result:
    def run() -> None:
        window.open_document(big)
        window.pane.editor.viewport().repaint()

    median = median_time(run, repeats, setup=lambda: window.open_document(small))
    doc = window.pane.document
    assert doc is not None
    extra = {"chars": doc.length, "codings": window.codings.model.rowCount()}
    return Result("open a 30 KB statement with 500 codings", median, "<= 0.100 s",
                  median <= 0.100, repeats, extra)  # fmt: skip


def _apply(window: MainWindow, big: int, repeats: int) -> Result:
    window.open_document(big)
    editor = window.pane.editor
    editor.setFocus()
    doc = window.pane.document
    assert doc is not None
    before = window.codings.model.rowCount()
    times = []
    for i in range(repeats):
        start = 97 + i * 311
        window.pane.select(start, start + 25)
        QApplication.processEvents()
        t0 = time.perf_counter()
        QTest.keyClick(editor, Qt.Key.Key_Q)
        editor.viewport().repaint()
        times.append(time.perf_counter() - t0)
    made = window.codings.model.rowCount() - before
    if made != repeats:
        raise RuntimeError(f"the theme key made {made} codings instead of {repeats}")
    median = statistics.median(times)
    extra = {"codings_after": window.codings.model.rowCount(), "max_ms": round(max(times) * 1e3, 1)}
    return Result("apply one coding (key press to stored and repainted)", median, "<= 0.016 s",
                  median <= 0.016, repeats, extra)  # fmt: skip


def startup_times(
    path: Path, root: Path, repeats: int, coder: str = "Coder 1"
) -> tuple[list[float], list[float]]:
    """Seconds to a usable main window on ``path`` as ``coder``, each in a fresh interpreter:
    (whole process, inside the interpreter), one pair per repeat."""
    times: list[float] = []
    inside: list[float] = []
    for n in range(repeats):
        command = [sys.executable, "-c", STARTUP, str(path), str(root / f"s{n}.ini"),
                   str(root / "data"), coder]  # fmt: skip
        t0 = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        inside.append(float(done.stdout.split()[0]))
    return times, inside


def _startup(path: Path, root: Path, repeats: int) -> Result:
    times, inside = startup_times(path, root, repeats)
    median = statistics.median(times)
    # "inside" starts at the first line of the script, i.e. without the interpreter's own start.
    extra = {"inside_interpreter_s": round(statistics.median(inside), 3)}
    return Result("start-up to a usable main window (fresh interpreter)", median, "<= 1.5 s",
                  median <= 1.5, repeats, extra)  # fmt: skip


def run(quick: bool = False) -> list[Result]:
    app = QApplication.instance() or QApplication([])
    assert app is not None
    repeats = 3 if quick else 15
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path, big, small = _corpus(root, 50)
        window = _window(path, root)
        try:
            results = [_open(window, big, small, repeats), _apply(window, big, repeats * 2)]
        finally:
            window.close()
        results.append(_startup(path, root, 2 if quick else 5))
    return results
