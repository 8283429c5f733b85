"""Scale rows for reading the 1M master: ``code list`` and the window's start.

On the master of :mod:`bench.scale_corpus` with 999,600 codings merged (each coder holds 99,960):

- ``r2pcoder code list MASTER --coder "Coder 01"`` (whole process, output to ``/dev/null``;
  target <= 1 s), against a reference in the same run: a plain ``sqlite3`` script that runs one
  joined query for the same coder and prints the same fields with a quote;
- ``r2pcoder code list MASTER``, every coding as one stream (target <= 30 s);
- the window's start to a usable main window (:func:`bench.bench_workbench.startup_times`) on
  the 1M master as "Coder 01" against the sample project in the same run (targets: <= 1.5 s,
  and <= 1.2x the sample).

Every time is a whole process, a median over the repeats. Run: uv run python -m bench --only scale
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Result
from bench.scale_corpus import ROOT, workspace

CODER = "Coder 01"

REFERENCE = """
import sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
SQL = ('SELECT c.uuid, k.name, d.id, d.title, c.start, c."end", t.key, s.key, '
       'substr(d.text, c.start + 1, min(c."end" - c.start, 60)) FROM codings c '
       'JOIN coders k ON k.id = c.coder_id JOIN documents d ON d.id = c.document_id '
       'JOIN themes t ON t.id = c.theme_id LEFT JOIN stances s ON s.id = c.stance_id '
       'WHERE k.name = ? ORDER BY d.position, d.id, c.start')
out = sys.stdout
for u, coder, doc, title, start, end, theme, stance, quote in conn.execute(SQL, (sys.argv[2],)):
    out.write(f"{u}  {coder}  doc {doc} {title[:40]!r}  {start}-{end}  {theme}/{stance or '-'}"
              f"  {quote!r}\\n")
"""


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "r2pcoder"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from r2pcoder.cli import main; main()"]


def _listing(label: str, master: Path, repeats: int) -> list[Result]:
    one, ref = [], []
    for _ in range(repeats):
        one.append(_seconds([*_cli(), "code", "list", str(master), "--coder", CODER]))
        ref.append(_seconds([sys.executable, "-c", REFERENCE, str(master), CODER]))
    whole = _seconds([*_cli(), "code", "list", str(master)])  # once: it is the long one
    one_s, ref_s = statistics.median(one), statistics.median(ref)
    return [
        Result(
            f"{label}: code list --coder, one coder's layer (whole process)",
            one_s,
            "<= 1 s",
            one_s <= 1.0,
            repeats,
            {"reference_s": round(ref_s, 2), "ratio": round(one_s / ref_s, 2)},
        ),
        Result(
            f"{label}: reference, one joined sqlite3 query for one coder, printed",
            ref_s,
            "reference",
            True,
            repeats,
        ),
        Result(
            f"{label}: code list, every coding as one stream (whole process)",
            whole,
            "<= 30 s",
            whole <= 30,
            1,
        ),
    ]


def _window(label: str, master: Path, repeats: int) -> list[Result]:
    from bench.bench_workbench import startup_times  # noqa: PLC0415 - loads Qt, only here

    from r2pcoder.sample import build_sample_project  # noqa: PLC0415

    root = workspace().folder("window")
    sample = root / "sample.r2p"
    if not sample.exists():
        build_sample_project(sample).close()
    big, small = [], []
    for _ in range(repeats):  # alternated, so both see the same load on the machine
        big += startup_times(master, root, 1, CODER)[0]
        small += startup_times(sample, root, 1, "Coder 1")[0]
    big_s, small_s = statistics.median(big), statistics.median(small)
    ratio = big_s / small_s
    return [
        Result(
            f"{label}: window start to a usable main window (fresh interpreter)",
            big_s,
            "<= 1.5 s and <= 1.2x the sample",
            big_s <= 1.5 and ratio <= 1.2,
            repeats,
            {"sample_s": round(small_s, 3), "ratio": round(ratio, 2)},
        ),
    ]


def run(quick: bool = False) -> list[Result]:
    """The reading rows on the largest master (the quick run's small one when ``quick``)."""
    label, per_statement = ("quick", 6) if quick else ("1M", 238)
    master = workspace().merged_master(per_statement)
    repeats = 1 if quick else 5
    return _listing(label, master, repeats) + _window(label, master, repeats)
