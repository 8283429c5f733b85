"""REFI-QDA benchmark: export and import of 1,000 statements with 100,000 codings.

A synthetic coded project (1,000 statements of about 700 words, some with emoji; one coder, 100
codings per statement) is exported as a ``.qdpx``, which is timed. The file is then rewritten the
way NVivo writes one (source files with a UTF-8 byte-order mark and CRLF line breaks, positions
in UTF-16 code units counting the CR), so that the import has to tell the readings apart on every
statement, and imported into an empty project, which is timed; every imported coding must sit
exactly where it was exported from. Each run happens in a child process so its peak memory
(``VmHWM``) is its own; its CPU time is printed too, since on a shared machine the wall time
also counts the other processes.

Run: uv run python -m bench --only refi
"""

from __future__ import annotations

import json
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import zipfile
from bisect import bisect_left
from pathlib import Path

from bench.common import Result
from bench.synth import build_corpus

_CHILD = """
import json, pathlib, resource, sys, time
from r2pcoder.db import Project
from r2pcoder.refi import export_refi, import_refi

mode, project, target = sys.argv[1:4]
if mode == "import":
    with Project.create(pathlib.Path(project)) as opened:
        start, cpu = time.perf_counter(), time.process_time()
        report = import_refi(opened, pathlib.Path(target))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    info = {"codings": report.counts.codings_added, "complete": report.complete,
            "offsets": report.offsets.split(":")[0]}
else:
    with Project(pathlib.Path(project)) as opened:
        start, cpu = time.perf_counter(), time.process_time()
        report = export_refi(opened, pathlib.Path(target))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    info = {"codings": report.counts["codings"], "complete": report.complete, "offsets": ""}
try:
    status = pathlib.Path("/proc/self/status").read_text()
    peak = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": peak, **info}))
"""

_SOURCE = re.compile(r'<TextSource guid="([^"]+)"')
_POSITION = re.compile(r'(startPosition|endPosition)="(\d+)"')


def _child(mode: str, project: Path, target: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(project), str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _nvivo_style(source: Path, target: Path) -> None:
    """Rewrite an r2pcoder export the way NVivo writes: BOM, CRLF, UTF-16 units counting CR."""
    with zipfile.ZipFile(source) as zin:
        qde = zin.read("project.qde").decode("utf-8")
        texts = {n: zin.read(n).decode("utf-8") for n in zin.namelist() if n != "project.qde"}
    parts = _SOURCE.split(qde)
    out = [parts[0]]
    for guid, chunk in zip(parts[1::2], parts[2::2], strict=True):
        text = texts[f"sources/{guid}.txt"]
        extra = sorted([i for i, ch in enumerate(text) if ch > "\uffff" or ch == "\n"])

        def shift(match: re.Match[str], extra: list[int] = extra) -> str:
            cp = int(match.group(2))
            return f'{match.group(1)}="{cp + bisect_left(extra, cp)}"'

        head, sep, tail = chunk.partition("</TextSource>")
        out.append(f'<TextSource guid="{guid}"' + _POSITION.sub(shift, head) + sep + tail)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        zout.writestr("project.qde", "".join(out).replace('origin="r2pcoder', 'origin="NVivo-like'))
        for name, text in texts.items():
            zout.writestr(name, ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))


def _spans(path: Path) -> dict[str, tuple[str, int, int]]:
    """Coding UUID -> (statement UUID, start, end): the import must put every coding back."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        'SELECT c.uuid, d.uuid, c.start, c."end" FROM codings c JOIN documents d '
        "ON d.id = c.document_id"
    ).fetchall()
    conn.close()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def run(quick: bool = False) -> list[Result]:
    """Time the export and the import of a large project (small sizes when ``quick``)."""
    n_docs, per_doc, repeats = (50, 20, 1) if quick else (1000, 100, 3)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        info = build_corpus(
            root / "coded.r2p", n_docs=n_docs, n_coders=1, codings_per_doc=per_doc, seed=5
        )
        exports = [_child("export", info.path, root / f"out{n}.qdpx") for n in range(repeats)]
        _nvivo_style(root / "out0.qdpx", root / "nvivo.qdpx")
        size_mb = (root / "nvivo.qdpx").stat().st_size / 2**20
        imports = [
            _child("import", root / f"in{n}.r2p", root / "nvivo.qdpx") for n in range(repeats)
        ]
        same = _spans(info.path) == _spans(root / "in0.r2p")
    assert all(r["codings"] == info.n_codings for r in exports + imports), (exports, imports)
    assert all(r["complete"] for r in imports), imports
    assert same, "the imported codings do not sit where the exported ones did"
    export_s = statistics.median(float(str(r["seconds"])) for r in exports)
    import_s = statistics.median(float(str(r["seconds"])) for r in imports)
    export_mb = max(float(str(r["peak_mb"])) for r in exports)
    import_mb = max(float(str(r["peak_mb"])) for r in imports)
    export_cpu = statistics.median(float(str(r["cpu"])) for r in exports)
    import_cpu = statistics.median(float(str(r["cpu"])) for r in imports)
    what = f"{n_docs:,} statements, {info.n_codings:,} codings"
    return [
        Result(
            f"REFI export as .qdpx: {what}",
            export_s,
            "<= 10 s and <= 1 GB peak",
            export_s <= 10 and export_mb <= 1024,
            repeats,
            {"peak_mb": round(export_mb), "cpu_s": round(export_cpu, 2)},
        ),
        Result(
            f"REFI import of an NVivo-style .qdpx ({size_mb:.0f} MB): {what}",
            import_s,
            "<= 20 s and <= 1 GB peak",
            import_s <= 20 and import_mb <= 1024,
            repeats,
            {
                "peak_mb": round(import_mb),
                "cpu_s": round(import_cpu, 2),
                "reading": imports[0]["offsets"],
            },
        ),
    ]
