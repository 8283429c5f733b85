"""Review benchmarks: the queue, one statement in review, the unanimous rule, the final export.

* the review queue (every cell awaiting a decision, with each coder's value and the kinds of
  difference) of 1,500 statements x 3 coders x 50 codings (225,000 codings): <= 1 s;
* one statement in review (the core query behind the review view: lanes with differences
  marked, cells, gold), the statement with the most codings of that master: <= 150 ms;
* ``r2pcoder review auto MASTER --rule unanimous`` (the whole command: open, read, decide,
  write, print) on 1,000 statements x 5 coders x 100 codings (500,000 codings): <= 15 s;
* the export of the ``final`` layer of that master after the rule: within the export targets
  (CSV <= 10 s, XLSX <= 60 s, HTML <= 15 s; see ``bench_export``).

Run: uv run python -m bench --only review
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.bench_export import measure_export
from bench.common import Result, median_time, peak_rss_mb
from bench.synth import SynthInfo, build_corpus

from r2pcoder.cli import main
from r2pcoder.db import Project


def _queue(info: SynthInfo, repeats: int) -> list[Result]:
    with Project(info.path) as project:
        cells: list[int] = []
        cpu = time.process_time()
        median = median_time(lambda: cells.append(len(project.review.queue())), repeats)
        # CPU seconds per run too: on a shared machine the wall time also counts waiting.
        cpu = (time.process_time() - cpu) / repeats
        status = project.review.status()
        busiest = max(info.document_ids, key=lambda d: len(project.codings.for_document(d)))
        codings = len(project.codings.for_document(busiest))
        lanes: list[int] = []
        one_cpu = time.process_time()
        one = median_time(
            lambda: lanes.append(len(project.review.statement(busiest).lanes)), repeats * 4
        )
        one_cpu = (time.process_time() - one_cpu) / (repeats * 4)
    shape = f"{len(info.document_ids):,} statements x {len(info.coder_ids)} coders"
    return [
        Result(
            f"review queue, {shape}, {info.n_codings:,} codings",
            median,
            "<= 1 s",
            median <= 1.0,
            repeats,
            {
                "cells_listed": cells[-1],
                "cells": status.cells,
                "agreed": status.agreed,
                "single": status.single,
                "cpu_s_per_run": round(cpu, 3),
            },
        ),
        Result(
            f"open one statement in review ({codings} codings, {lanes[-1]} lanes)",
            one,
            "<= 0.150 s",
            one <= 0.150,
            repeats * 4,
            {"cpu_s_per_run": round(one_cpu, 3)},
        ),
    ]


def _auto(info: SynthInfo, work: Path, repeats: int) -> tuple[Result, Path]:
    copy = work / "auto.r2p"
    summary: list[str] = []

    def fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(info.path, copy)

    def run() -> None:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["review", "auto", str(copy), "--rule", "unanimous", "--by", "bench"])
        assert code == 0, out.getvalue()
        summary.append(out.getvalue().splitlines()[0])

    cpu = time.process_time()
    median = median_time(run, repeats, setup=fresh)
    cpu = (time.process_time() - cpu) / repeats  # includes the untimed copies, a small part
    return Result(
        f"review auto --rule unanimous, {info.n_codings:,} codings",
        median,
        "<= 15 s",
        median <= 15.0,
        repeats,
        {
            "result": summary[-1],
            "cpu_s_per_run": round(cpu, 2),
            "peak_rss_mb": round(peak_rss_mb()),
        },
    ), copy


def run(quick: bool = False) -> list[Result]:
    """The review figures; ``quick`` uses small masters for a smoke test."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if quick:
            queue = build_corpus(root / "q.r2p", n_docs=60, n_coders=3, codings_per_doc=10)
            big = build_corpus(root / "b.r2p", n_docs=40, n_coders=5, codings_per_doc=10)
        else:
            queue = build_corpus(root / "q.r2p", n_docs=1500, n_coders=3, codings_per_doc=50)
            big = build_corpus(root / "b.r2p", n_docs=1000, n_coders=5, codings_per_doc=100)
        results += _queue(queue, 1 if quick else 5)
        auto, decided = _auto(big, root, 1 if quick else 3)
        results.append(auto)
        for fmt in ("csv", "xlsx", "html"):
            repeats = 1 if quick or fmt == "xlsx" else 3
            results.append(measure_export(replace(big, path=decided), "final", fmt, root, repeats))
    return results
