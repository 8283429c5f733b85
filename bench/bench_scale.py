"""The scale suite: a ten-year corpus (1,500 statements, 10 coders, about a million codings).

Each part is a module with ``run(quick) -> list[Result]``; the list below is the suite, in the
order it runs, and a part is added by naming its module. Merge, reading and start-up share the
corpora and merged masters of :func:`bench.scale_corpus.workspace`; agreement and export share
the masters of :mod:`bench.scale_master` (ten blind packets with an overlap sample of 300
statements, 999,600 codings, and 250k and 500k for the growth curve), built once per run by
its part, which reports the build as set-up rows. Child runs of the agreement and export rows
go through :mod:`bench.scale_common`.

Run: uv run python -m bench --only scale (about half an hour on 2 shared cores: ten minutes for
merge, reading and start-up, sixteen for agreement and export; ``--quick``, a smoke run, about
two minutes). ``SCALE_CACHE=folder`` keeps the masters of :mod:`bench.scale_master` between
runs while working on the code.
"""

from __future__ import annotations

import importlib

from bench.common import Result

PARTS = [
    "bench.scale_merge",
    "bench.scale_reading",
    "bench.scale_startup",
    "bench.scale_master",
    "bench.scale_agreement",
    "bench.scale_export",
]


def run(quick: bool = False) -> list[Result]:
    """Every part's rows, in the order of :data:`PARTS`."""
    results: list[Result] = []
    for name in PARTS:
        results += importlib.import_module(name).run(quick=quick)
    return results
