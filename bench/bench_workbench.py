"""Workbench benchmarks (offscreen): start-up, a big statement, one coding, stripes, retrieval.

On a 43,000-character statement with 500 codings: open it <= 100 ms, its coding stripes
painted within the same 100 ms; apply one coding, from the key press to stored and repainted,
median <= 16 ms. Start-up to a usable main window (a fresh interpreter: imports, QApplication,
project, first statement shown) <= 1.5 s. Over 1,500 statements (about 10 MB of text) and
500,000 codings: retrieving one theme's passages (core call) <= 300 ms; searching every
statement for a phrase (core call) <= 500 ms; in review mode, opening the statement with the
most codings (its text, every coder's lanes and gold, its cells) <= 150 ms.

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
from r2pcoder.corpus_search import SearchQuery, search_corpus
from r2pcoder.db import Project
from r2pcoder.retrieval import RetrievalQuery, retrieve

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
    info = build_corpus(
        root / "workbench.r2p", n_docs=n_docs, n_coders=1, codings_per_doc=10, codebook=codebook
    )
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
    return Result(
        "open a 43,000-character statement with 500 codings",
        median,
        "<= 0.100 s",
        median <= 0.100,
        repeats,
        extra,
    )


def _stripes(window: MainWindow, big: int, small: int, repeats: int) -> list[Result]:
    window.open_document(big)
    stripes = window.pane.editor.stripes
    paint = median_time(stripes.repaint, repeats)
    count = window.codings.model.rowCount()
    extra = {"codings": count, "lanes": stripes.lane_count, "margin_px": stripes.width()}

    def run() -> None:
        window.open_document(big)
        window.pane.editor.viewport().repaint()
        stripes.repaint()

    both = median_time(run, repeats, setup=lambda: window.open_document(small))
    painted = Result(
        "paint the coding stripes of that statement",
        paint,
        "<= 0.100 s",
        paint <= 0.100,
        repeats,
        extra,
    )
    opened = Result(
        "open that statement with its text and stripes painted",
        both,
        "<= 0.100 s",
        both <= 0.100,
        repeats,
        {"codings": count},
    )
    return [painted, opened]


def _large(root: Path, quick: bool) -> Path:
    """1,500 statements (about 10 MB) and about 500,000 codings of 5 coders."""
    n_docs, per_doc = (150, 67) if quick else (1500, 67)
    return build_corpus(root / "large.r2p", n_docs=n_docs, n_coders=5, codings_per_doc=per_doc).path


def _retrieval(path: Path, repeats: int) -> list[Result]:
    with Project(path) as project:
        theme = project.codebook.themes()[7].id
        query = RetrievalQuery(themes=(theme,))
        found = retrieve(project, query)
        total = project.codings.count()
        median = median_time(lambda: retrieve(project, query), repeats)
        extra: dict[str, float] = {"codings_in_project": total, "statements": found.statements}
        extra["passages"] = len(found.passages)
        layered = RetrievalQuery((theme,), layer="majority")
        majority = median_time(lambda: retrieve(project, layered), max(3, repeats // 3))
        extra["majority_layer_s"] = round(majority, 3)
    return [
        Result(
            "retrieve one theme's passages over the corpus (core call)",
            median,
            "<= 0.300 s",
            median <= 0.300,
            repeats,
            extra,
        )
    ]


def _search(path: Path, repeats: int) -> list[Result]:
    with Project(path) as project:
        size = sum(d.length for d in project.documents.list())
        phrase = SearchQuery("early warning")
        found = search_corpus(project, phrase)
        median = median_time(lambda: search_corpus(project, phrase), repeats)
        pattern = SearchQuery(r"\bveto\w*\s+\w+", mode="regex")
        regex_median = median_time(lambda: search_corpus(project, pattern), max(3, repeats // 3))
        extra = {
            "statements": found.searched,
            "characters": size,
            "hits": found.total,
            "regex_s": round(regex_median, 3),
        }
    return [
        Result(
            "search every statement for a phrase (core call)",
            median,
            "<= 0.500 s",
            median <= 0.500,
            repeats,
            extra,
        )
    ]


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
    return Result(
        "apply one coding (key press to stored and repainted)",
        median,
        "<= 0.016 s",
        median <= 0.016,
        repeats,
        extra,
    )


def startup_times(
    path: Path, root: Path, repeats: int, coder: str = "Coder 1"
) -> tuple[list[float], list[float]]:
    """Seconds to a usable main window on ``path`` as ``coder``, each in a fresh interpreter:
    (whole process, inside the interpreter), one pair per repeat."""
    times: list[float] = []
    inside: list[float] = []
    for n in range(repeats):
        command = [
            sys.executable,
            "-c",
            STARTUP,
            str(path),
            str(root / f"s{n}.ini"),
            str(root / "data"),
            coder,
        ]
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
    return Result(
        "start-up to a usable main window (fresh interpreter)",
        median,
        "<= 1.5 s",
        median <= 1.5,
        repeats,
        extra,
    )


def _review(path: Path, root: Path, repeats: int) -> Result:
    """Review mode on the large master: a queue row to its statement painted with every lane."""
    window = _window(path, root)  # Coder 1 of the master as the lead: it writes nothing here
    try:
        assert window.toggle_review()
        mode = window.review_mode()
        while mode.loading is not None or mode.status is None:  # the queue, in the background
            QApplication.processEvents()
        review = window.controller.review.service()
        docs = sorted(window.controller.documents(), key=lambda d: d.length)
        big, small = (review.statement(docs[-1].id), review.statement(docs[0].id))
        cell = (big.cells[0].document_id, big.cells[0].theme_id)
        other = (small.cells[0].document_id, small.cells[0].theme_id)

        def run() -> None:
            mode.show_cell(*cell)
            mode.page.text.viewport().repaint()
            mode.page.text.lanes.repaint()
            mode.page.cells.viewport().repaint()

        median = median_time(run, repeats, setup=lambda: mode.show_cell(*other))
        codings = sum(len(lane.codings) for lane in big.lanes)
        extra = {
            "codings": codings,
            "coder_lanes": len(big.lanes) - 1,
            "cells": len(big.cells),
            "chars": len(big.text),
        }
    finally:
        window.close()
    return Result(
        f"review mode: open the statement with {codings} codings ({len(big.lanes) - 1} "
        "coder lanes and gold, text, lanes and cells painted)",
        median,
        "<= 0.150 s",
        median <= 0.150,
        repeats,
        extra,
    )


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
            results += _stripes(window, big, small, repeats)
        finally:
            window.close()
        results.append(_startup(path, root, 2 if quick else 5))
        large = _large(root, quick)
        results += _retrieval(large, repeats)
        results += _search(large, repeats)
        results.append(_review(large, root, repeats))
    return results
