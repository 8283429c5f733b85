"""Agreement at scale: the unitized and character units against references, and their growth.

Rows (each the median of whole-process runs, see :mod:`bench.scale_common`):

* **unitized unit** on the 1M master, with the pairwise matrix, against the same computation
  without it (``load_corpus``, the units and every row, but no coder pairs). Target: 10 s.
* **character unit** on the 1M master (every row of both variants, per-stance rows, pairwise
  matrices) against a plain numpy computation of less: for every theme, each coder's presence
  vector over the statements laid end to end (a cumulative sum of +1/-1 marks), combined into
  one pattern number per character and counted with ``bincount``, then alpha and percent
  agreement of each theme and of all themes. Target: no slower than that reference.
* **Growth** of the statement, character and unitized units at 250k, 500k and 1M codings.
"""

from __future__ import annotations

from bench.common import Result
from bench.scale_common import GROWTH_LIMIT, interleaved, mark_growth, repeated
from bench.scale_master import ScaleMaster
from bench.scale_master import masters as built_masters

UNITIZED_LIMIT_S = 10.0

_OURS = """
import json, sys, time
from pathlib import Path
from r2pcoder.db import Project
from r2pcoder.reliability import AgreementSettings, compute_agreement
master, unit = sys.argv[1:3]
with Project(Path(master)) as project:
    start = time.perf_counter()
    report = compute_agreement(project, AgreementSettings(unit=unit))
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "rows": len(report.rows)}))
"""

_UNITIZED_ROWS = """
import json, sys, time
from pathlib import Path
from r2pcoder.db import Project
from r2pcoder.reliability import AgreementSettings
from r2pcoder.reliability.corpus import load_corpus
from r2pcoder.reliability.unitized import Unitized, unitized_rows
master = sys.argv[1]
with Project(Path(master)) as project:
    start = time.perf_counter()
    corpus = load_corpus(project, AgreementSettings(unit="unitized"))
    rows = unitized_rows(Unitized.of(corpus), range(len(corpus.documents)))
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "rows": len(rows)}))
"""

_PRESENCE = """
import json, sqlite3, sys, time
from itertools import chain
import numpy as np
from r2pcoder.agreement import from_counts, outcome
master = sys.argv[1]
start = time.perf_counter()
con = sqlite3.connect(master)
docs = np.array(con.execute("SELECT id, length FROM documents ORDER BY position, id").fetchall())
coders = np.array([c for (c,) in con.execute("SELECT id FROM coders ORDER BY id")])
rows = np.fromiter(chain.from_iterable(con.execute(
    'SELECT document_id, coder_id, theme_id, start, "end" FROM codings')), dtype=np.int64)
rows = rows.reshape(-1, 5)
done = np.array(con.execute("SELECT document_id, coder_id FROM document_status").fetchall(),
                dtype=np.int64).reshape(-1, 2)
doc_of = np.full(docs[:, 0].max() + 1, -1)
doc_of[docs[:, 0]] = np.arange(len(docs))
coder_of = np.full(coders.max() + 1, -1)
coder_of[coders] = np.arange(len(coders))
n = len(coders)
worked = np.zeros((n, len(docs)), dtype=bool)
both = np.concatenate([rows[:, :2], done])
worked[coder_of[both[:, 1]], doc_of[both[:, 0]]] = True
chosen = worked.sum(axis=0) >= 2
lengths = np.where(chosen, docs[:, 1], 0)
offsets = np.concatenate([[0], np.cumsum(lengths)])
base = np.repeat((worked.T * 3 ** np.arange(n)).sum(axis=1), lengths).astype(np.uint16)
keep = chosen[doc_of[rows[:, 0]]]
rows = rows[keep]
pooled = np.zeros(3**n)
for theme in np.unique(rows[:, 2]):
    mine = rows[rows[:, 2] == theme]
    pattern = base.copy()
    for c in range(n):
        own = mine[coder_of[mine[:, 1]] == c]
        marks = np.zeros(offsets[-1] + 1, dtype=np.int32)
        where = offsets[doc_of[own[:, 0]]]
        np.add.at(marks, where + own[:, 3], 1)
        np.add.at(marks, where + own[:, 4], -1)
        pattern += (np.cumsum(marks[:-1]) > 0).astype(np.uint16) * np.uint16(3**c)
    counts = np.bincount(pattern, minlength=3**n)
    pooled += counts
    patterns = from_counts(counts, n, 2)
    values = [outcome(patterns, m).value for m in ("percent_agreement", "krippendorff_alpha")]
patterns = from_counts(pooled.astype(np.int64), n, 2)
overall = [outcome(patterns, m).value for m in ("percent_agreement", "krippendorff_alpha")]
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))
"""


def _unitized(master: ScaleMaster, repeats: int) -> Result:
    ours, rows_only = interleaved(
        (_OURS, (str(master.master), "unitized")), (_UNITIZED_ROWS, (str(master.master),)), repeats
    )
    return Result(
        f"agreement, unitized unit with the pairwise matrix, {master.n_codings:,} codings",
        ours.median,
        f"<= {UNITIZED_LIMIT_S:g} s",
        ours.median <= UNITIZED_LIMIT_S,
        repeats,
        {
            "without_pairwise_s": round(rows_only.median, 2),
            "ratio": round(ours.median / rows_only.median, 2),
            "peak_mb": round(ours.peak),
        },
    )


def _character(master: ScaleMaster, repeats: int) -> Result:
    ours, vectors = interleaved(
        (_OURS, (str(master.master), "character")), (_PRESENCE, (str(master.master),)), repeats
    )
    ratio = ours.median / vectors.median
    return Result(
        f"agreement, character unit, {master.n_codings:,} codings",
        ours.median,
        "<= 1x numpy presence vectors",
        ratio <= 1.0,
        repeats,
        {
            "presence_vectors_s": round(vectors.median, 2),
            "ratio": round(ratio, 2),
            "peak_mb": round(ours.peak),
            "reference_peak_mb": round(vectors.peak),
        },
    )


def _growth(masters: dict[str, ScaleMaster], repeats: int) -> list[Result]:
    results = []
    for unit in ("statement", "character", "unitized"):
        rows = []
        for size, master in masters.items():
            runs = repeated(_OURS, (str(master.master), unit), repeats)
            rows.append(
                Result(
                    f"growth: agreement, {unit} unit, {size} ({master.n_codings:,} codings)",
                    runs.median,
                    f"growth <= {GROWTH_LIMIT}x per doubling",
                    True,
                    repeats,
                    {"peak_mb": round(runs.peak)},
                )
            )
        mark_growth(rows)
        results += rows
    return results


def run(quick: bool = False) -> list[Result]:
    """The agreement rows of the ``scale`` suite on the masters of the growth curve."""
    repeats = 1 if quick else 3
    masters = built_masters(quick)
    largest = list(masters.values())[-1]
    return [_unitized(largest, repeats), _character(largest, repeats), *_growth(masters, repeats)]
