"""GUI responsiveness while background jobs run: the longest event-loop stall per job type.

Each job is started the way a user starts it (the dialog's own button handler or the window's
import flow) in a fresh process, so modules a job loads for the first time load as they would on
a real first use. A 1 ms timer on the GUI thread records the gaps between its ticks from the
moment the job is started until its result is shown; the longest gap is the stall a user would
feel (typing, scrolling and repainting wait that long). Target: <= 100 ms for every job type.

The project: 300 synthetic statements coded by three coders (20 codings each per statement),
and, for the merge, the same work as three returned packets.

Run: uv run python -m bench --only stalls
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import Result
from bench.synth import build_corpus, synthetic_texts

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0
JOBS = (
    "import",
    "codebook",
    "packets",
    "merge preview",
    "merge",
    "agreement",
    "agreement (sentences)",
    "disagreements",
    "snapshot",
    "export preview",
    "export xlsx",
    "export html",
)


def _prepare(root: Path, n_docs: int) -> None:
    """The coded master, packets of its work, an empty master to merge into, files to import."""
    from r2pcoder.db import Project  # noqa: PLC0415 - the parent process only
    from r2pcoder.packets import PacketOptions, create_packets  # noqa: PLC0415

    info = build_corpus(root / "coded.r2p", n_docs=n_docs, n_coders=3, codings_per_doc=20, seed=5)
    with Project(info.path) as coded:
        coders = tuple(c.uuid for c in coded.coders.list())
        create_packets(coded, PacketOptions(coders, root / "packets", split=False, blind=True))
        coded.backup(root / "empty.r2p")
    with Project(root / "empty.r2p") as empty, empty.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM codings")
    folder = root / "import"
    folder.mkdir()
    lines = ["file,title,speaker,regional_group"]
    for n, (text, meta) in enumerate(synthetic_texts(100, seed=11)):
        (folder / f"s{n:03}.txt").write_text(f"New statement {n}. {text}", encoding="utf-8")
        lines.append(f"s{n:03}.txt,New {n},{meta.speaker},{meta.regional_group}")
    (folder / "meta.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _child(job: str, work: Path) -> dict[str, Any]:  # noqa: C901, PLR0915 - one flat job table
    """Run one job in this (fresh) process and measure the GUI thread's longest stall."""
    import os  # noqa: PLC0415 - the child process only

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from r2pcoder.resources import bundled  # noqa: PLC0415

    from ui.app import build_window  # noqa: PLC0415
    from ui.dialogs.agreement_dialog import AgreementDialog  # noqa: PLC0415
    from ui.dialogs.export_dialog import ExportDialog  # noqa: PLC0415
    from ui.dialogs.merge_dialog import MergeDialog  # noqa: PLC0415
    from ui.dialogs.packets_dialog import PacketsDialog  # noqa: PLC0415

    app = QApplication([])
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat, app)
    settings.setValue("coder/name", "Coder 1")
    merging = job.startswith("merge")
    window = build_window(work / ("empty.r2p" if merging else "coded.r2p"), settings, work / "d")
    window.show()
    app.processEvents()
    flows, c = window.flows, window.controller
    loop = QEventLoop()
    failures: list[str] = []

    def on_job_done(job: Any) -> None:
        if job.outcome is not None and job.outcome[1] is not None:
            failures.append(f"{job.name}: {job.outcome[1]!r}")
            loop.quit()

    c.runner.job_done.connect(on_job_done)

    def dialog(name: str, kind: type[Any]) -> Any:
        flows.open_dialog(name)
        app.processEvents()
        found = window.findChild(kind)
        assert found is not None
        return found

    start: Callable[[], object]
    if job == "import":
        folder = work / "import"
        files = sorted(folder.glob("*.txt"))
        c.import_finished.connect(loop.quit)
        start = lambda: flows.start_import(files, folder / "meta.csv")  # noqa: E731
    elif job == "codebook":
        c.codebook_loaded.connect(loop.quit)
        start = lambda: flows.start_codebook(bundled("codebook") / "r2p.yaml")  # noqa: E731
    elif job == "packets":
        d = dialog("packets", PacketsDialog)
        d.out_dir.setText(str(work / "out"))
        d.discard_unmerged.setChecked(True)  # the master's packets of the setup are still out
        d.created.connect(loop.quit)
        start = d.make_packets
    elif merging:
        d = dialog("merge", MergeDialog)
        d.add_files(sorted((work / "packets").glob("*.r2p")))
        (d.previewed if job == "merge preview" else d.merged).connect(loop.quit)
        start = d.preview if job == "merge preview" else d.merge
    elif job.startswith("agreement") or job in ("disagreements", "snapshot"):
        d = dialog("agreement", AgreementDialog)
        d.bootstrap.setValue(1000)
        if job == "agreement (sentences)":
            d.unit.setCurrentText("sentence")
        if job in ("disagreements", "snapshot"):
            d.computed.connect(loop.quit)
            d.compute()
            loop.exec()
        key = d.report.rows[0].key if d.report is not None else ""
        signal = {"disagreements": d.disagreements_shown, "snapshot": d.saved}.get(job, d.computed)
        signal.connect(loop.quit)
        start = {
            "disagreements": lambda: d.show_disagreements(key),
            "snapshot": lambda: d.save("bench"),
        }.get(job, d.compute)
    else:
        d = dialog("export", ExportDialog)
        (d.previewed if job == "export preview" else d.exported).connect(loop.quit)
        if job != "export preview":
            fmt = job.rsplit(maxsplit=1)[-1]
            d.format.setCurrentIndex(d.format.findData(fmt))
            d.out.setText(str(work / f"report.{fmt}"))
        start = d.preview if job == "export preview" else d.export

    clock = QElapsedTimer()
    gaps: list[int] = []
    last = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(tick)
    QTimer.singleShot(300_000, loop.quit)
    timer.start()
    clock.start()
    start()
    tick()  # the handler that started the job counts as a stall too
    loop.exec()
    tick()
    timer.stop()
    total = clock.elapsed() / 1000
    window.close()
    return {"stall_ms": max(gaps) / 1e6, "total_s": total, "failures": failures}


def _run_child(job: str, root: Path, n: int, env: dict[str, str]) -> dict[str, Any]:
    work = root / f"run-{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    for name in ("coded.r2p", "empty.r2p"):
        shutil.copy(root / name, work / name)
    shutil.copytree(root / "packets", work / "packets")
    shutil.copytree(root / "import", work / "import")
    command = [sys.executable, "-m", "bench.bench_stalls", "--child", job, str(work)]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, env=env)
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if data["failures"]:
        raise RuntimeError(f"{job}: {data['failures']}")
    return data


def _environment(root: Path, *, cached: bool) -> dict[str, str]:
    """Python without bytecode (compiled at every start) or with it (cached after a first run).

    Both keep their bytecode under ``root``, never in the environment's own folders.
    """
    env = dict(os.environ)
    env["PYTHONPYCACHEPREFIX"] = str(root / ("pycache" if cached else "no-pycache"))
    if cached:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _measure(job: str, root: Path, repeats: int, *, cached: bool) -> Result:
    env = _environment(root, cached=cached)
    if cached:
        _run_child(job, root, 0, env)  # the first run writes the bytecode
    runs = [_run_child(job, root, n, env) for n in range(repeats)]
    stalls = [r["stall_ms"] for r in runs]
    median = statistics.median(stalls)
    extra = {
        "worst_ms": round(max(stalls), 1),
        "job_s": round(statistics.median(r["total_s"] for r in runs), 2),
    }
    kind = "bytecode cached" if cached else "no bytecode cache"
    return Result(
        f"longest GUI stall during {job} ({kind})",
        median / 1000,
        f"<= {TARGET_MS:.0f} ms",
        median <= TARGET_MS,
        repeats,
        extra,
    )


def run(quick: bool = False) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _prepare(root, 60 if quick else 300)
        repeats = 1 if quick else 3
        return [
            _measure(job, root, repeats, cached=cached) for cached in (True, False) for job in JOBS
        ]


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    print(json.dumps(_child(sys.argv[2], Path(sys.argv[3]))), flush=True)
