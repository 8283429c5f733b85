"""The ``scale`` suite: a ten-year corpus of a million codings, every lead operation measured.

Each part is a module with ``run(quick) -> list[Result]``; :data:`PARTS` names them, in the order
they run, and a part is added by naming its module. The agreement and export parts share the
masters of :mod:`bench.scale_master` (1,500 statements, ten coders, ten blind packets with an
overlap sample of 300 statements, 999,600 codings; and 250k and 500k for the growth curve),
built once per run by its first part, which reports the build as set-up rows.

Run: ``uv run python -m bench --only scale`` (about 16 minutes on 2 shared cores; ``--quick``:
one run each on masters of 27k to 107k codings, a smoke test of about a minute).
``SCALE_CACHE=folder`` keeps the built masters between runs while working on the code.
"""

from __future__ import annotations

import importlib

from bench.common import Result

PARTS = [
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
