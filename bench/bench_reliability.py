"""Reliability benchmarks: a coded master turned into agreement figures, from the project file.

Statement unit: 1,500 statements x 60 themes x 5 coders, every theme, default settings (percent
agreement, alpha with a 1,000-sample bootstrap interval, Fleiss' kappa; per theme, per stance,
overall, pairwise): target <= 1 s. Character unit: about 1,000,000 characters x 60 themes x 2
coders, both variants: target <= 5 s. Times include reading the master.

Run: uv run python -m bench --only reliability
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import Result, median_time, peak_rss_mb
from bench.synth import build_corpus, synthetic_codebook

from r2pcoder.db import Project
from r2pcoder.reliability import AgreementReport, AgreementSettings, compute_agreement


def _statement(root: Path, n_docs: int, repeats: int) -> Result:
    info = build_corpus(
        root / "statement.r2p",
        n_docs=n_docs,
        n_coders=5,
        codings_per_doc=20,
        codebook=synthetic_codebook(60),
    )
    reports: list[AgreementReport] = []
    with Project(info.path) as project:

        def run() -> None:
            reports.append(compute_agreement(project, AgreementSettings(unit="statement")))

        median = median_time(run, repeats)
    report = reports[-1]
    overall = report.overall()
    alpha = overall.values["krippendorff_alpha"].value if overall else None
    extra = {
        "codings": info.n_codings,
        "themes": len(report.themes),
        "rows": len(report.rows),
        "overall_alpha": round(alpha, 3) if alpha is not None else None,
        "peak_rss_mb": round(peak_rss_mb()),
    }
    name = f"statement unit, {n_docs} statements x {len(report.themes)} themes x 5 coders"
    return Result(name, median, "<= 1 s", median <= 1.0, repeats, extra)


def _character(root: Path, n_docs: int, repeats: int) -> Result:
    info = build_corpus(
        root / "character.r2p",
        n_docs=n_docs,
        n_coders=2,
        codings_per_doc=60,
        codebook=synthetic_codebook(60),
    )
    reports: list[AgreementReport] = []
    with Project(info.path) as project:
        chars = sum(d.length for d in project.documents.list())

        def run() -> None:
            reports.append(compute_agreement(project, AgreementSettings(unit="character")))

        median = median_time(run, repeats)
    overall = reports[-1].overall()
    kappa = overall.values["cohen_kappa"].value if overall else None
    extra = {
        "characters": chars,
        "codings": info.n_codings,
        "overall_kappa": round(kappa, 3) if kappa is not None else None,
        "peak_rss_mb": round(peak_rss_mb()),
    }
    name = f"character unit, {chars:,} characters x 60 themes x 2 coders"
    return Result(name, median, "<= 5 s", median <= 5.0, repeats, extra)


def run(quick: bool = False) -> list[Result]:
    """Measure both figures (small corpora when ``quick``)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if quick:
            return [_statement(root, 60, 1), _character(root, 10, 1)]
        # About 7,100 characters per synthetic statement (every 50th is long): 141 pass 1,000,000.
        return [_statement(root, 1500, 5), _character(root, 141, 3)]
