"""Merge benchmark: 10 returned packets of 1,000 statements x 50 codings each (500,000 codings).

The merge runs in a child process so its peak memory (``VmHWM`` of that process) is its own;
in the same run a plain ``sqlite3`` ``executemany`` insert of the same rows into the same empty
master gives the floor the merge is compared with (target: at most 3 times that).

Run: uv run python -m bench --only merge
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result
from bench.synth import build_corpus

from r2pcoder.db import Project
from r2pcoder.packets import PacketOptions, create_packets

_CHILD = """
import json, pathlib, resource, sys, time
from r2pcoder.db import Project
from r2pcoder.merge import merge_packets

master, *packets = (pathlib.Path(a) for a in sys.argv[1:])
with Project(master) as project:
    start = time.perf_counter()
    report = merge_packets(project, packets)
    elapsed = time.perf_counter() - start
added = sum(layer.counts.added for layer in report.layers)
# ru_maxrss survives exec on Linux (it would report the parent's peak); VmHWM is this process's.
try:
    status = pathlib.Path("/proc/self/status").read_text()
    peak = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "added": added}))
"""

_SELECT = (
    'SELECT uuid, document_id, coder_id, theme_id, stance_id, start, "end", memo, created_at, '
    "modified_at FROM codings"
)
_INSERT = (
    'INSERT INTO codings (uuid, document_id, coder_id, theme_id, stance_id, start, "end", memo, '
    "created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _prepare(root: Path, n_docs: int, n_coders: int, per_doc: int) -> tuple[Path, list[Path]]:
    """A coded corpus cut into blind packets, and its master emptied of codings."""
    info = build_corpus(
        root / "coded.r2p", n_docs=n_docs, n_coders=n_coders, codings_per_doc=per_doc, seed=3
    )
    with Project(info.path) as coded:
        coders = tuple(c.uuid for c in coded.coders.list())
        report = create_packets(
            coded, PacketOptions(coders, root / "packets", split=False, blind=True)
        )
        with coded.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM codings")
    empty = root / "empty.r2p"
    with Project(info.path) as coded:
        coded.backup(empty)
    return empty, [p.path for p in report.packets]


def _rows(packets: list[Path]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for packet in packets:
        conn = sqlite3.connect(packet)
        rows.extend(conn.execute(_SELECT))
        conn.close()
    return rows


def _plain_insert(empty: Path, work: Path, rows: list[tuple[object, ...]]) -> float:
    target = Path(shutil.copy(empty, work))
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    with conn:
        conn.executemany(_INSERT, rows)
    elapsed = time.perf_counter() - start
    conn.close()
    target.unlink()
    return elapsed


def _merge_in_child(empty: Path, work: Path, packets: list[Path]) -> dict[str, float]:
    target = Path(shutil.copy(empty, work))
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(target), *map(str, packets)],
        check=True,
        capture_output=True,
        text=True,
    )
    for stale in target.parent.glob(f"{target.name}*"):
        stale.unlink()
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> list[Result]:
    """Time the merge of 10 packets against a plain executemany of the same rows."""
    n_docs, per_doc, repeats = (100, 10, 1) if quick else (1000, 50, 3)
    n_coders = 10
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        empty, packets = _prepare(root, n_docs, n_coders, per_doc)
        rows = _rows(packets)
        merges = [_merge_in_child(empty, root / "merge.r2p", packets) for _ in range(repeats)]
        plain = [_plain_insert(empty, root / "plain.r2p", rows) for _ in range(repeats)]
    assert all(m["added"] == len(rows) for m in merges), (merges, len(rows))
    merge_s = statistics.median(m["seconds"] for m in merges)
    plain_s = statistics.median(plain)
    peak = max(m["peak_mb"] for m in merges)
    ratio = merge_s / plain_s
    name = f"merge {n_coders} packets x {n_docs} statements x {per_doc} codings ({len(rows):,})"
    return [
        Result(
            name,
            merge_s,
            "<= 15 s and <= 1 GB peak",
            merge_s <= 15 and peak <= 1024,
            repeats,
            {"peak_mb": round(peak), "codings_per_s": round(len(rows) / merge_s)},
        ),
        Result(
            f"plain sqlite3 executemany of the same {len(rows):,} rows",
            plain_s,
            "merge <= 3x this",
            ratio <= 3,
            repeats,
            {"merge_ratio": round(ratio, 2)},
        ),
    ]
