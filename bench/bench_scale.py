"""The scale suite: a ten-year corpus (1,500 statements, 10 coders, about a million codings).

Each part is a module with ``run(quick) -> list[Result]``; parts share the corpora and merged
masters of :func:`bench.scale_corpus.workspace`, built once per run. The list below is the
suite: a part is added by naming its module.

Run: uv run python -m bench --only scale (about ten minutes on 2 shared cores; ``--quick``, a
smoke run, under a minute).
"""

from __future__ import annotations

import importlib

from bench.common import Result

PARTS = [
    "bench.scale_merge",
    "bench.scale_reading",
    "bench.scale_startup",
]


def run(quick: bool = False) -> list[Result]:
    """Every part's rows, in the order of :data:`PARTS`."""
    results: list[Result] = []
    for name in PARTS:
        results += importlib.import_module(name).run(quick=quick)
    return results
