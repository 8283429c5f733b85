"""Export at scale: the majority layer as CSV and HTML against plain references; one coder's peak.

Rows (each the median of whole-process runs, see :mod:`bench.scale_common`):

* **CSV, majority layer** of the 1M master (the whole export: nine tables, about 1 GB) against a
  plain ``sqlite3`` + ``csv`` script writing the same rows of the two big tables (segments and
  evidence, over 99 % of the bytes) to files, given the kept codings' ids: one joined query per
  table, quotes sliced from the statements' texts, ``csv.writer``. Its segments file must be
  byte for byte the export's (``same_bytes``). Target: at most 1.3 times the reference.
* **HTML, majority layer**: the whole report against a plain script that reads the kept codings
  (ids given) and the statements with ``sqlite3``, counts statements per theme and stance
  (overall, by regional group, by event) in dictionaries, keeps five quotes per theme and stance
  and writes them as HTML tables. Target: at most 1.3 times the reference.
* **Peak memory of one coder's CSV export** (1,000 statements x 500 codings, every table): at
  most 600 MiB for the whole process.
* **Growth**: CSV and HTML of the majority layer at 250k, 500k and 1M codings.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from bench.common import Result
from bench.scale_common import GROWTH_LIMIT, in_child, interleaved, mark_growth, repeated
from bench.scale_master import ScaleMaster
from bench.scale_master import masters as built_masters
from bench.synth import build_corpus

TARGET_RATIO = 1.3
PEAK_LIMIT_MB = 600.0

_EXPORT = """
import json, sys, time
from pathlib import Path
from r2pcoder.db import Project
from r2pcoder.export import TableOptions, export_project, parse_layer
master, layer, fmt, out = sys.argv[1:5]
with Project(Path(master)) as project:
    start = time.perf_counter()
    report = export_project(project, parse_layer(layer), fmt, Path(out), TableOptions())
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "rows": report.rows}))
"""

_KEPT = """
import json, sys
from pathlib import Path
import numpy as np
from r2pcoder.db import Project
from r2pcoder.export.data import load_export_data
from r2pcoder.export.layers import parse_layer
master, layer, out = sys.argv[1:4]
with Project(Path(master)) as project:
    data = load_export_data(project, parse_layer(layer))
np.save(out, np.array([c.id for c in data.selection.codings], dtype=np.int64))
print(json.dumps({"seconds": 0, "peak_mb": _peak_mb(), "label": data.layer.label()}))
"""

_READ = """
import csv, json, sqlite3, sys, time
from itertools import groupby
import numpy as np
master, kept_path, out, label = sys.argv[1:5]
kept = np.load(kept_path).tolist()
con = sqlite3.connect(master)
con.execute("CREATE TEMP TABLE kept (id INTEGER PRIMARY KEY)")
con.executemany("INSERT INTO kept VALUES (?)", ((i,) for i in kept))
start = time.perf_counter()

def known(value):
    return (value or "").strip() or "unknown"

docs, texts = {}, {}
for row in con.execute("SELECT id, title, uuid, speaker, on_behalf_of, regional_group, date, "
                       "event, doc_type, text, position FROM documents"):
    i, title, uuid, speaker, obo, group, date, event, kind, text, position = row
    docs[i] = (position, (known(title), uuid, known(speaker), (obo or "").strip(), known(group),
                          known(date), known(event), known(kind)))
    texts[i] = text
rows = con.execute("SELECT id, key, name, parent_id FROM themes ORDER BY position, id").fetchall()
names = {i: (n, p) for i, _, n, p in rows}

def path(i):
    parts = []
    while i is not None:
        parts.append(names[i][0])
        i = names[i][1]
    return " > ".join(reversed(parts))

themes = {i: (rank, key, path(i)) for rank, (i, key, _, _) in enumerate(rows)}
stances = {i: (rank, name) for rank, (i, name) in enumerate(
    con.execute("SELECT id, name FROM stances ORDER BY position, id").fetchall())}
stances[None] = (len(stances) + 1, "no stance given")
coders = dict(con.execute("SELECT id, name FROM coders").fetchall())
codings = con.execute('SELECT c.id, c.document_id, c.coder_id, c.theme_id, c.stance_id, c.start, '
                      'c."end", c.memo FROM kept k JOIN codings c ON c.id = k.id').fetchall()
codings.sort(key=lambda c: (docs[c[1]][0], c[1], c[5], c[6], c[2], c[0]))
"""

_CSV = (
    _READ
    + """
with open(f"{out}/segments.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\\n")
    w.writerow(["layer", "document", "document_uuid", "speaker", "on_behalf_of", "regional_group",
                "date", "event", "doc_type", "coder", "theme_key", "theme", "stance", "start",
                "end", "quote", "memo"])
    w.writerows((label, *docs[d][1], coders[c], themes[t][1], themes[t][2], stances[s][1], b, e,
                 texts[d][b:e], m) for _, d, c, t, s, b, e, m in codings)
codings.sort(key=lambda c: (themes[c[3]][0], stances[c[4]][0]))
with open(f"{out}/evidence.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\\n")
    w.writerow(["layer", "theme_key", "theme", "stance", "speaker", "on_behalf_of",
                "regional_group", "date", "document", "quote", "coders", "start", "end"])
    for (t, s, d, b, e), group in groupby(codings, key=lambda c: (c[3], c[4], c[1], c[5], c[6])):
        meta = docs[d][1]
        w.writerow((label, themes[t][1], themes[t][2], stances[s][1], meta[2], meta[3], meta[4],
                    meta[5], meta[0], texts[d][b:e], "; ".join(coders[c[2]] for c in group), b, e))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))
"""
)

_HTML = (
    _READ
    + """
from collections import defaultdict
from html import escape
cells = defaultdict(list)
for _, d, c, t, s, b, e, m in codings:
    cells[(d, t)].append(s)
counts = defaultdict(int)
for (d, t), given in cells.items():
    most = max(given.count(g) for g in set(given))
    tops = [g for g in set(given) if given.count(g) == most]
    stance = tops[0] if len(tops) == 1 else "mixed"
    meta = docs[d][1]
    for group in ("all", "regional_group:" + meta[4], "event:" + meta[6]):
        counts[(group, t, stance)] += 1
        counts[(group, t, "any")] += 1
quotes = defaultdict(list)
for _, d, c, t, s, b, e, m in codings:
    if len(quotes[(t, s)]) < 5:
        quotes[(t, s)].append(texts[d][b:e])
with open(out + "/report.html", "w", encoding="utf-8") as f:
    f.write("<table>" + "".join(
        f"<tr><td>{escape(str(k[0]))}</td><td>{escape(themes[k[1]][2])}</td><td>{k[2]}</td>"
        f"<td>{n}</td></tr>" for k, n in counts.items()) + "</table>")
    f.write("".join(f"<blockquote>{escape(q)}</blockquote>" for qs in quotes.values() for q in qs))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))
"""
)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _against_reference(master: ScaleMaster, fmt: str, root: Path, repeats: int) -> Result:
    """The majority layer as ``fmt`` against its plain reference, interleaved."""
    kept = root / "kept.npy"
    label = str(in_child(_KEPT, str(master.master), "majority", str(kept))["label"])
    ours_out, ref_out = root / "ours", root / "reference"
    target = ours_out / "report.html" if fmt == "html" else ours_out / "csv"
    _fresh(ours_out)
    _fresh(ref_out)
    ours, reference = interleaved(
        (_EXPORT, (str(master.master), "majority", fmt, str(target))),
        (_HTML if fmt == "html" else _CSV, (str(master.master), str(kept), str(ref_out), label)),
        repeats,
    )
    extra: dict[str, object] = {
        "reference_s": round(reference.median, 2),
        "ratio": round(ours.median / reference.median, 2),
        "peak_mb": round(ours.peak),
        "reference_peak_mb": round(reference.peak),
    }
    if fmt == "csv":
        extra["same_bytes"] = _digest(target / "segments.csv") == _digest(ref_out / "segments.csv")
        extra["segments"] = dict(ours.said["rows"])["segments"]  # type: ignore[call-overload]
    ratio = ours.median / reference.median
    return Result(
        f"export {fmt.upper()}, majority layer, {master.n_codings:,} codings",
        ours.median,
        f"<= {TARGET_RATIO}x the plain sqlite3 reference",
        ratio <= TARGET_RATIO,
        repeats,
        extra,
    )


def _one_coder_peak(root: Path, repeats: int, quick: bool) -> Result:
    docs, per_doc = (50, 100) if quick else (1000, 500)
    info = build_corpus(root / "one.r2p", n_docs=docs, n_coders=1, codings_per_doc=per_doc)
    out = root / "one-csv"
    runs = repeated(_EXPORT, (str(info.path), "Coder 1", "csv", str(out)), repeats)
    shutil.rmtree(out, ignore_errors=True)
    return Result(
        f"export CSV, one coder's {info.n_codings:,} codings: peak memory",
        runs.median,
        f"<= {PEAK_LIMIT_MB:.0f} MiB peak (whole process)",
        runs.peak <= PEAK_LIMIT_MB,
        repeats,
        {"peak_mb": round(runs.peak)},
    )


def _growth(masters: dict[str, ScaleMaster], root: Path, repeats: int) -> list[Result]:
    results = []
    for fmt in ("csv", "html"):
        for size, master in masters.items():
            out = _fresh(root / "growth") / ("report.html" if fmt == "html" else "csv")
            runs = repeated(_EXPORT, (str(master.master), "majority", fmt, str(out)), repeats)
            results.append(
                Result(
                    f"growth: export {fmt.upper()} majority, {size} ({master.n_codings:,} codings)",
                    runs.median,
                    f"growth <= {GROWTH_LIMIT}x per doubling",
                    True,
                    repeats,
                    {"peak_mb": round(runs.peak)},
                )
            )
        mark_growth(results[-len(masters) :])
    return results


def run(quick: bool = False) -> list[Result]:
    """The export rows of the ``scale`` suite on the masters of the growth curve."""
    repeats = 1 if quick else 3
    masters = built_masters(quick)
    largest = list(masters.values())[-1]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        results = [_against_reference(largest, fmt, root, repeats) for fmt in ("csv", "html")]
        results.append(_one_coder_peak(root, repeats, quick))
        results += _growth(masters, root, repeats)
    return results
