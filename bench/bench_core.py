"""Foundation benchmarks: import, coding throughput, and opening a large project.

Run: uv run python -m bench --only core
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import delete

from bench.common import Result, median_time
from bench.synth import build_corpus, synthetic_codebook, synthetic_texts

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.importer import import_files
from r2pcoder.schema import CodingRow


def _import(root: Path, n: int, repeats: int) -> Result:
    folder = root / "statements"
    folder.mkdir()
    for i, (text, _) in enumerate(synthetic_texts(n, seed=1)):
        (folder / f"statement_{i:04d}.txt").write_text(text, encoding="utf-8")
    counter = iter(range(1000))

    def run() -> None:
        with Project.create(root / f"import{next(counter)}.r2p") as project:
            report = import_files(project, [folder])
            assert len(report.imported) == n, report.summary()[:3]

    median = median_time(run, repeats)
    return Result(
        f"import {n} statements (.txt files)",
        median,
        "<= 10 s",
        median <= 10,
        repeats,
        {"per_statement_ms": round(1000 * median / n, 2)},
    )


def _apply(root: Path, n: int, repeats: int) -> Result:
    info = build_corpus(root / "apply.r2p", n_docs=20, n_coders=1, codings_per_doc=0)
    with Project(info.path) as project:
        theme_ids = [t.id for t in project.codebook.themes()]
        stance_ids = [s.id for s in project.codebook.stances()]
        docs = project.documents.list()
        # Every request differs in its span (an identical coding would be refused).
        requests = [
            CodingRequest(
                docs[i % len(docs)].id,
                info.coder_ids[0],
                theme_ids[i % len(theme_ids)],
                i % 500,
                i % 500 + 40 + i // 500,
                stance_ids[i % len(stance_ids)],
            )
            for i in range(n)
        ]

        def run() -> None:
            for request in requests:
                project.codings.apply(request)

        def empty() -> None:
            with project.unit_of_work() as s:
                s.execute(delete(CodingRow))

        median = median_time(run, repeats, setup=empty)
    rate = n / median
    return Result(
        f"apply {n} codings, one transaction each",
        median,
        ">= 1,000 codings/s",
        rate >= 1000,
        repeats,
        {"codings_per_s": round(rate)},
    )


def _open_large(root: Path, repeats: int) -> Result:
    info = build_corpus(
        root / "large.r2p",
        n_docs=1000,
        n_coders=1,
        codings_per_doc=100,
        codebook=synthetic_codebook(60),
    )
    assert info.n_codings == 100_000
    target = info.document_ids[len(info.document_ids) // 2]
    found: list[int] = []

    def run() -> None:
        with Project(info.path) as project:
            found.append(len(project.codings.for_document(target)))

    median = median_time(run, repeats)
    name = "open 1,000 statements / 100,000 codings and list one statement's codings"
    extra = {"codings_listed": found[-1]}
    return Result(name, median, "<= 0.5 s", median <= 0.5, repeats, extra)


def run(quick: bool = False) -> list[Result]:
    """Measure the three foundation figures (small sizes when ``quick``)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if quick:
            return [_import(root, 20, 1), _apply(root, 200, 1)]
        return [_import(root, 1000, 3), _apply(root, 10_000, 3), _open_large(root, 5)]
