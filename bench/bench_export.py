"""Export benchmarks: 500,000 codings to CSV, XLSX and the HTML report.

Two masters of 500,000 codings each: 1,000 statements x 5 coders x 100 codings exported under
the majority rule (all 500,000 codings are read and compared; about 370,000 are kept), and
1,000 statements x 1 coder x 500 codings exported as that coder's layer (all 500,000 kept,
the largest tables). Each figure is the whole export: reading the master, building every table
and writing the files. The synthetic masters hold no reliability snapshot, so the check that a
snapshot is still current (one more read of the codings, about a second) is not included.

Run: uv run python -m bench --only export
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import Result, median_time, peak_rss_mb
from bench.synth import SynthInfo, build_corpus

from r2pcoder.db import Project
from r2pcoder.export import ExportFormat, TableOptions, export_project, parse_layer

_TARGETS: dict[ExportFormat, float] = {"csv": 10.0, "xlsx": 60.0, "html": 15.0}
_OUT = {"csv": "csv", "xlsx": "export.xlsx", "html": "report.html"}


def measure_export(
    info: SynthInfo, layer: str, fmt: ExportFormat, root: Path, repeats: int
) -> Result:
    """The median time of a whole export of ``info``'s master under ``layer`` to ``fmt``."""
    out = root / _OUT[fmt]
    rows: dict[str, int] = {}

    def run() -> None:
        with Project(info.path) as project:
            report = export_project(project, parse_layer(layer), fmt, out, TableOptions())
            rows.update(report.rows)

    median = median_time(run, repeats)
    target = _TARGETS[fmt]
    size = sum(f.stat().st_size for f in out.rglob("*")) if out.is_dir() else out.stat().st_size
    return Result(
        f"export {fmt} of {info.n_codings:,} codings, layer {layer}",
        median,
        f"<= {target:g} s",
        median <= target,
        repeats,
        {
            "segments": rows.get("segments", 0),
            "evidence": rows.get("evidence", 0),
            "size_mb": round(size / 2**20, 1),
            "peak_rss_mb": round(peak_rss_mb()),
        },
    )


def run(quick: bool = False) -> list[Result]:
    """The export figures; ``quick`` uses 5,000 codings for a smoke test."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if quick:
            masters = [
                (
                    build_corpus(root / "q.r2p", n_docs=50, n_coders=5, codings_per_doc=20),
                    "majority",
                )
            ]
        else:
            masters = [
                (
                    build_corpus(root / "five.r2p", n_docs=1000, n_coders=5, codings_per_doc=100),
                    "majority",
                ),
                (
                    build_corpus(root / "one.r2p", n_docs=1000, n_coders=1, codings_per_doc=500),
                    "Coder 1",
                ),
            ]
        for info, layer in masters:
            for fmt in ("csv", "xlsx", "html"):
                repeats = 1 if quick or fmt == "xlsx" else 3
                results.append(measure_export(info, layer, fmt, root, repeats))
    return results
