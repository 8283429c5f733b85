"""Scale rows for merging: the 1M master built from 10 packets, re-merges, growth 250k-1M.

Per size (see :mod:`bench.scale_corpus`; 252,000, 499,800 and 999,600 codings):

- **first merge** of the 10 packets into the uncoded master (``r2pcoder merge``, a whole
  process), against a plain ``sqlite3`` ``executemany`` of the same rows into the same master
  with the same indexes (the floor; target: the merge within 3x of it, issue 15);
- **re-merge, nothing changed**: the same 10 files again (target <= 3 s at 1M);
- **re-merge, one packet changed**: one coder recoded, removed and added codings on 10
  statements in the workbench's way (one transaction each), then all 10 files are merged;
- the **reference** for both re-merges, in the same run: a plain ``sqlite3`` script that reads
  every packet's codings and the master's, with their statement, theme and stance UUIDs, and
  diffs them by coding UUID (target: the one-changed re-merge <= 1.5x it).

Every time is the wall time of a whole process (as a researcher waits for it), a median over
the repeats, with the process's peak memory. Run: uv run python -m bench --only scale
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import Result
from bench.scale_corpus import ScaleCorpus, child, scratch, with_change, workspace

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project

MERGE = """
import contextlib, io, json, sys, time
t0 = time.perf_counter()
from r2pcoder.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["merge", *sys.argv[1:]])
lines = out.getvalue().splitlines()
print(json.dumps({"inside": time.perf_counter() - t0, "peak_mb": _peak_mib(), "code": code,
                  "said": lines[0] if lines else ""}))
"""

PLAIN = """
import json, shutil, sqlite3, sys, time
master, *packets = sys.argv[1:]
rows = []
for p in packets:
    c = sqlite3.connect(p)
    rows += c.execute('SELECT uuid, document_id, coder_id, theme_id, stance_id, start, "end", '
                      'memo, created_at, modified_at FROM codings').fetchall()
    c.close()
conn = sqlite3.connect(master)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=NORMAL")
t0 = time.perf_counter()
with conn:
    conn.executemany('INSERT INTO codings (uuid, document_id, coder_id, theme_id, stance_id, '
                     'start, "end", memo, created_at, modified_at) VALUES (?,?,?,?,?,?,?,?,?,?)',
                     rows)
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": len(rows), "peak_mb": _peak_mib()}))
"""

DIFF = """
import json, sqlite3, sys
master, *packets = sys.argv[1:]
SQL = ('SELECT c.uuid, d.uuid, t.uuid, s.uuid, c.start, c."end", c.memo, c.created_at, '
       'c.modified_at, k.uuid FROM codings c JOIN documents d ON d.id = c.document_id '
       'JOIN themes t ON t.id = c.theme_id LEFT JOIN stances s ON s.id = c.stance_id '
       'JOIN coders k ON k.id = c.coder_id')
def read(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found = {}
    for uuid, *rest, coder in conn.execute(SQL):
        found.setdefault(coder, {})[uuid] = tuple(rest)
    conn.close()
    return found
have = read(master)
added = changed = removed = 0
for p in packets:
    for coder, want in read(p).items():
        mine = have.get(coder, {})
        added += sum(1 for u in want if u not in mine)
        changed += sum(1 for u, r in want.items() if u in mine and mine[u] != r)
        removed += sum(1 for u in mine if u not in want)
print(json.dumps({"added": added, "changed": changed, "removed": removed, "peak_mb": _peak_mib()}))
"""


def _timed(script: str, *args: object) -> dict[str, Any]:
    start = time.perf_counter()
    found = child(script, *args)
    found["seconds_whole"] = time.perf_counter() - start
    return found


def _merge(master: Path, corpus: ScaleCorpus) -> dict[str, Any]:
    return _timed(MERGE, master, *corpus.packets)


def change_one_packet(packet: Path) -> tuple[int, int, int]:
    """On 10 statements of ``packet``: 5 codings get another stance, 2 go, 3 come (in its coder's
    way: one call, one transaction, each). Returns (recoded, removed, added)."""
    recoded = removed = added = 0
    with Project(packet) as project:
        coder = project.coders.find(str(project.info.packet_coder_uuid)).id
        stances = [s.id for s in project.codebook.stances()]
        themes = [t.id for t in project.codebook.themes()]
        for n, doc in enumerate(project.documents.list()[:10]):
            codings = project.codings.for_document(doc.id, coder)
            for c in codings[:5]:
                now = stances.index(c.stance_id) if c.stance_id in stances else 0
                new = stances[(now + 1) % len(stances)]
                project.codings.recode(c.uuid, stance_id=new)
                recoded += 1
            project.codings.discard_many([c.uuid for c in codings[5:7]])
            removed += 2
            for k in range(3):
                start = 11 * n + 7 * k
                project.codings.apply(
                    CodingRequest(doc.id, coder, themes[k], start, start + 31, stances[k])
                )
                added += 1
    return recoded, removed, added


def _size_rows(label: str, corpus: ScaleCorpus, root: Path, repeats: int) -> list[Result]:
    """Every merge row of one size; leaves ``root / 'merged.r2p'``, the merged master."""
    firsts, plains = [], []
    for n in range(repeats):
        target = scratch(corpus.master, root / f"first{n}.r2p")
        firsts.append(_merge(target, corpus))
        if n == repeats - 1:
            merged = Path(shutil.copy(target, root / "merged.r2p"))
        target.unlink()
        plains.append(child(PLAIN, scratch(corpus.master, root / "plain.r2p"), *corpus.packets))
    first = statistics.median(f["seconds_whole"] for f in firsts)
    plain = statistics.median(p["seconds"] for p in plains)
    peak = max(f["peak_mb"] for f in firsts)
    rows = [
        Result(
            f"{label}: first merge of 10 packets, {corpus.codings:,} codings (whole process)",
            first,
            "<= 3x plain executemany",
            first <= 3 * plain,
            repeats,
            {
                "plain_executemany_s": round(plain, 2),
                "ratio": round(first / plain, 2),
                "peak_mb": round(peak),
                "merge_inside_s": round(statistics.median(f["inside"] for f in firsts), 2),
            },
        ),
    ]
    rows += _remerges(label, corpus, merged, root, repeats)
    return rows


def _remerges(
    label: str, corpus: ScaleCorpus, merged: Path, root: Path, repeats: int
) -> list[Result]:
    same = [_merge(scratch(merged, root / "same.r2p"), corpus) for _ in range(repeats)]
    reference = [_timed(DIFF, merged, *corpus.packets) for _ in range(repeats)]
    changed_corpus = with_change(corpus, root / "changed", change_one_packet)
    changed = [
        _merge(scratch(merged, root / "changed.r2p"), changed_corpus) for _ in range(repeats)
    ]
    ref = statistics.median(r["seconds_whole"] for r in reference)
    same_s = statistics.median(r["seconds_whole"] for r in same)
    changed_s = statistics.median(r["seconds_whole"] for r in changed)
    assert all(r["said"].startswith("Nothing changed") for r in same), same
    assert all(r["code"] == 0 and r["said"].startswith("Merged") for r in changed), changed
    target_same = "<= 3 s" if label == "1M" else "(growth)"
    return [
        Result(
            f"{label}: re-merge, nothing changed (whole process)",
            same_s,
            target_same,
            same_s <= 3 or label != "1M",
            repeats,
            {
                "reference_s": round(ref, 2),
                "ratio": round(same_s / ref, 2),
                "peak_mb": round(max(r["peak_mb"] for r in same)),
            },
        ),
        Result(
            f"{label}: re-merge, one packet changed (whole process)",
            changed_s,
            "<= 1.5x reference",
            changed_s <= 1.5 * ref,
            repeats,
            {
                "reference_s": round(ref, 2),
                "ratio": round(changed_s / ref, 2),
                "peak_mb": round(max(r["peak_mb"] for r in changed)),
            },
        ),
        Result(
            f"{label}: reference, read every packet and the master, diff by UUID (sqlite3)",
            ref,
            "reference",
            True,
            repeats,
            {"peak_mb": round(max(r["peak_mb"] for r in reference))},
        ),
    ]


def run(quick: bool = False) -> list[Result]:
    """The merge rows at each size, smallest first."""
    sizes = {"quick": 6} if quick else {"250k": 60, "500k": 119, "1M": 238}
    repeats = 1 if quick else 3
    results: list[Result] = []
    for label, per_statement in sizes.items():
        corpus = workspace().corpus(per_statement)
        root = workspace().folder(f"merge-{label}")
        results += _size_rows(label, corpus, root, repeats)
        workspace().keep_merged(per_statement, root / "merged.r2p")
        print(f"[scale] merge rows at {label} done", file=sys.stderr, flush=True)
    return results
