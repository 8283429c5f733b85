"""The master of the ``scale`` suite: a ten-year corpus coded by ten coders, merged from packets.

:func:`build_master` makes what a long project reaches: 1,500 statements (about 700 words each,
every 50th about 5,000 words; :mod:`bench.synth`), ten coders, one blind packet per coder holding
an overlap sample of 300 statements that everybody codes plus an equal share of the other 1,200,
238 codings per coder and statement (999,600 codings in all), and the master those ten packets
merge into. Smaller masters for the growth curve keep the shape (a fifth of the statements in the
overlap sample, 238 codings per coder and statement) with fewer statements.

Every coder codes a statement from the same "true" codings of it (:func:`bench.synth` style: most
kept with jittered boundaries, some with another stance, plus codings of their own), so the
overlap sample shows realistic agreement. The same arguments always give the same master.

``SCALE_CACHE`` (a folder) keeps built masters between runs while working on the code; the
figures of the README come from fresh builds.
"""

from __future__ import annotations

import atexit
import functools
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select

from bench.common import Result
from bench.synth import _coder_codings, _true_codings, build_corpus

from r2pcoder.db import Project
from r2pcoder.merge import merge_packets
from r2pcoder.packets import PacketOptions, create_packets
from r2pcoder.schema import CoderRow, CodingRow, DocumentRow, new_uuid, utcnow

PER_DOC = 238
"""Codings per coder and statement (the issue's 999,600 = 10 coders x 420 statements x 238)."""
N_CODERS = 10
SIZES = {"250k": 375, "500k": 750, "1M": 1500}
"""Statements per master of the growth curve (249,900, 499,800 and 999,600 codings)."""
QUICK_SIZES = {"27k": 40, "53k": 80, "107k": 160}
"""The same shape, small, for ``--quick``."""


@dataclass(frozen=True)
class ScaleMaster:
    """A built master and the packets it was merged from.

    Attributes:
        master: the merged master.
        packets: the returned packets, one per coder.
        n_docs: statements.
        n_overlap: statements in the overlap sample.
        n_codings: codings in the master.
        build_s: seconds to build (packets, coding, merge).
        merge_s: seconds of the first merge of the ten packets.
    """

    master: Path
    packets: tuple[Path, ...]
    n_docs: int
    n_overlap: int
    n_codings: int
    build_s: float
    merge_s: float


def _code_packet(path: Path, seed: int) -> int:
    """Fill one packet with its coder's codings; returns how many."""
    now = utcnow()
    with Project(path) as packet, packet.unit_of_work() as s:
        coder_uuid = packet.info.packet_coder_uuid
        coder_id = s.execute(select(CoderRow.id).where(CoderRow.uuid == coder_uuid)).scalar_one()
        themes = [t.id for t in packet.codebook.themes()]
        stances = [st.id for st in packet.codebook.stances()]
        docs = s.execute(select(DocumentRow.id, DocumentRow.uuid, DocumentRow.length)).all()
        rows = []
        for doc_id, doc_uuid, length in docs:
            # The truth of a statement is the same in every packet: seeded by the statement.
            truth = _true_codings(
                random.Random(f"{seed}|{doc_uuid}"), length, PER_DOC, len(themes), len(stances)
            )
            rng = random.Random(f"{seed}|{doc_uuid}|{coder_uuid}")
            for start, end, theme, stance in _coder_codings(
                rng, truth, length, len(themes), len(stances)
            ):
                rows.append(
                    dict(
                        uuid=new_uuid(),
                        document_id=doc_id,
                        coder_id=coder_id,
                        theme_id=themes[theme],
                        stance_id=stances[stance],
                        start=start,
                        end=end,
                        memo="",
                        created_at=now,
                        modified_at=now,
                    )
                )
        if rows:
            s.execute(insert(CodingRow), rows)
    return len(rows)


def build_master(root: Path, n_docs: int = 1500, *, seed: int = 0) -> ScaleMaster:
    """Build the master of ``n_docs`` statements in ``root`` (see the module docstring)."""
    cache = os.environ.get("SCALE_CACHE")
    if cache:
        kept = Path(cache) / f"scale-{n_docs}-{seed}"
        if (kept / "done").exists():
            return _copy_from(kept, root, n_docs)
    start = time.perf_counter()
    folder = root / f"scale-{n_docs}"
    folder.mkdir(parents=True, exist_ok=True)
    info = build_corpus(
        folder / "master.r2p", n_docs=n_docs, n_coders=N_CODERS, codings_per_doc=0, seed=seed
    )
    n_overlap = n_docs // 5
    with Project(info.path) as master:
        coders = tuple(c.uuid for c in master.coders.list())
        made = create_packets(
            master,
            PacketOptions(
                coders,
                folder / "packets",
                overlap=n_overlap / n_docs,
                seed=seed,
                split=True,
                blind=True,
            ),
        )
    packets = tuple(p.path for p in made.packets)
    total = sum(_code_packet(p, seed) for p in packets)
    with Project(info.path) as master:
        merge_start = time.perf_counter()
        merge_packets(master, packets)
        merge_s = time.perf_counter() - merge_start
    built = ScaleMaster(
        info.path, packets, n_docs, n_overlap, total, time.perf_counter() - start, merge_s
    )
    if cache:
        _keep(built, Path(cache) / f"scale-{n_docs}-{seed}")
    return built


def _keep(built: ScaleMaster, kept: Path) -> None:
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(built.master.parent, kept)
    (kept / "done").write_text(
        f"{built.n_overlap} {built.n_codings} {built.build_s} {built.merge_s}\n", encoding="utf-8"
    )


def _copy_from(kept: Path, root: Path, n_docs: int) -> ScaleMaster:
    folder = root / f"scale-{n_docs}"
    shutil.copytree(kept, folder, dirs_exist_ok=True)
    n_overlap, n_codings, build_s, merge_s = (kept / "done").read_text(encoding="utf-8").split()
    packets = tuple(sorted((folder / "packets").glob("*.r2p")))
    return ScaleMaster(
        folder / "master.r2p",
        packets,
        n_docs,
        int(n_overlap),
        int(n_codings),
        float(build_s),
        float(merge_s),
    )


@functools.cache
def masters(quick: bool = False) -> dict[str, ScaleMaster]:
    """The masters of the growth curve, smallest first, built once per process.

    They live in a temporary folder removed when the process ends.
    """
    root = Path(tempfile.mkdtemp(prefix="r2p-scale-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    sizes = QUICK_SIZES if quick else SIZES
    return {label: build_master(root, n) for label, n in sizes.items()}


def run(quick: bool = False) -> list[Result]:
    """Build the masters (a part of the suite whose rows are set-up, not targets)."""
    return [
        Result(
            f"built master {label}: {m.n_docs:,} statements, {m.n_codings:,} codings",
            m.build_s,
            "(set-up, not a target)",
            True,
            1,
            {"first_merge_s": round(m.merge_s, 1)},
        )
        for label, m in masters(quick).items()
    ]
