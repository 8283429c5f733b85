"""The scale corpus: a master of 1,500 statements cut into 10 coded packets, and child runs.

The shape is that of a long R2P project (issue "a ten-year corpus on a laptop"): 1,500
statements, 10 coders, an overlap sample of 300 statements that every coder codes, the other
1,200 split between the coders, so each packet holds 420 statements. Each coder codes
``per_statement`` passages in each statement of their packet: 238 gives 999,600 codings, 119
gives 499,800 and 60 gives 252,000 (the growth steps). Codings are written into the packets
through SQL, so each packet's change-history triggers record every one, as they would record a
coder's work. Everything is drawn from fixed seeds (coding UUIDs included), so two builds hold
the same rows; only the packets' own UUIDs differ.

Timings run in child processes (:func:`child`) so that each reports its own peak memory
(``VmHWM``) and starts as a user's command would.
"""

from __future__ import annotations

import atexit
import json
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.synth import synthetic_codebook, synthetic_texts

from r2pcoder.db import Project
from r2pcoder.packets import PacketOptions, create_packets
from r2pcoder.schema import CodingRow, DocumentRow, DocumentStatusRow
from r2pcoder.textnorm import content_hash

ROOT = Path(__file__).resolve().parents[1]
STATEMENTS = 1_500
CODERS = 10
OVERLAP = 300
STAMP = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

PEAK = """
def _peak_mib():
    import pathlib, resource
    try:
        status = pathlib.Path("/proc/self/status").read_text()
        line = next(l for l in status.splitlines() if l.startswith("VmHWM"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
"""Source of ``_peak_mib()`` for child scripts: this process's own peak (ru_maxrss survives
exec on Linux and would report the parent's)."""


@dataclass(frozen=True)
class ScaleCorpus:
    """An uncoded master with its packets issued, and the coded packets."""

    master: Path
    packets: tuple[Path, ...]
    codings: int
    per_statement: int


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _master(path: Path, seed: int) -> None:
    with Project.create(path, name="scale") as project:
        project.codebook.load(synthetic_codebook(seed=seed))
        rows = [
            dict(
                uuid=_uuid(random.Random(seed * 100_000 + i)),
                title=m.title,
                text=t,
                sha256=content_hash(t),
                length=len(t),
                speaker=m.speaker,
                on_behalf_of="",
                regional_group=m.regional_group,
                date=m.date,
                event=m.event,
                doc_type=m.doc_type,
                source_file="",
                attributes={},
                position=i + 1,
                imported_at=STAMP,
            )
            for i, (t, m) in enumerate(synthetic_texts(STATEMENTS, seed=seed))
        ]
        with project.unit_of_work() as s:
            s.execute(insert(DocumentRow), rows)


def code_packet(path: Path, per_statement: int, seed: int) -> int:
    """Code every statement of a packet ``per_statement`` times as its coder; returns the count."""
    rng = random.Random(seed)
    with Project(path) as packet:
        coder = packet.coders.find(str(packet.info.packet_coder_uuid)).id
        themes = [t.id for t in packet.codebook.themes()]
        stances = [s.id for s in packet.codebook.stances()]
        rows = []
        for doc in packet.documents.list():
            for _ in range(per_statement):
                size = rng.randint(20, min(400, max(21, doc.length // 4)))
                start = rng.randrange(0, max(1, doc.length - size))
                rows.append(
                    dict(
                        uuid=_uuid(rng),
                        document_id=doc.id,
                        coder_id=coder,
                        theme_id=rng.choice(themes),
                        stance_id=rng.choice(stances),
                        start=start,
                        end=min(doc.length, start + size),
                        memo="",
                        created_at=STAMP,
                        modified_at=STAMP,
                    )
                )
        # Every seventh statement is marked done, so done marks travel too.
        marks = [
            dict(coder_id=coder, document_id=d.id, done_at=STAMP)
            for d in packet.documents.list()[::7]
        ]
        with packet.unit_of_work() as s:
            s.execute(insert(CodingRow), rows)
            s.execute(insert(DocumentStatusRow), marks)
    return len(rows)


def build(root: Path, per_statement: int, *, seed: int = 16) -> ScaleCorpus:
    """Make the master, issue the packets and code them (a minute or two at 1M codings)."""
    root.mkdir(parents=True, exist_ok=True)
    master = root / "master.r2p"
    _master(master, seed)
    with Project(master) as project:
        coders = tuple(f"Coder {i + 1:02d}" for i in range(CODERS))
        report = create_packets(
            project,
            PacketOptions(
                coders,
                root / "packets",
                overlap=OVERLAP / STATEMENTS,
                seed=seed,
                split=True,
                blind=True,
            ),
        )
    packets = tuple(p.path for p in report.packets)
    total = sum(code_packet(p, per_statement, seed * 1000 + i) for i, p in enumerate(packets))
    return ScaleCorpus(master, packets, total, per_statement)


def child(script: str, *args: object, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``script`` (with :data:`PEAK` defined) in a fresh interpreter; its last line is JSON."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK + script, *map(str, args)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def scratch(source: Path, target: Path) -> Path:
    """``target`` as a fresh copy of ``source`` (side files of an earlier copy removed)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    for backup in target.parent.glob(f"{target.name}.*.bak"):
        backup.unlink()
    return Path(shutil.copy(source, target))


def with_change(corpus: ScaleCorpus, folder: Path, change: Callable[[Path], object]) -> ScaleCorpus:
    """The corpus's packets copied into ``folder``, the first one changed by ``change``."""
    folder.mkdir(parents=True, exist_ok=True)
    packets = tuple(scratch(p, folder / p.name) for p in corpus.packets)
    change(packets[0])
    return replace(corpus, packets=packets)


@dataclass
class Workspace:
    """Corpora and merged masters built once per benchmark process, in one temporary folder."""

    root: Path
    corpora: dict[int, ScaleCorpus] = field(default_factory=dict)
    merged: dict[int, Path] = field(default_factory=dict)

    def folder(self, name: str) -> Path:
        """A folder of this workspace."""
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def corpus(self, per_statement: int) -> ScaleCorpus:
        """The uncoded master and its coded packets at this size (built on first use)."""
        if per_statement not in self.corpora:
            self.corpora[per_statement] = build(
                self.folder(f"corpus-{per_statement}"), per_statement
            )
        return self.corpora[per_statement]

    def keep_merged(self, per_statement: int, master: Path) -> None:
        """Remember a master into which this size's packets were merged."""
        self.merged[per_statement] = master

    def merged_master(self, per_statement: int) -> Path:
        """A master holding this size's packets, merged (merged here on first use)."""
        if per_statement not in self.merged:
            corpus = self.corpus(per_statement)
            master = scratch(corpus.master, self.folder("merged") / f"{per_statement}.r2p")
            with Project(master) as project:
                from r2pcoder.merge import merge_packets  # noqa: PLC0415 - only when needed

                merge_packets(project, corpus.packets)
            self.merged[per_statement] = master
        return self.merged[per_statement]


_WORKSPACE: list[Workspace] = []


def workspace() -> Workspace:
    """This process's workspace (removed when the process ends)."""
    if not _WORKSPACE:
        root = Path(tempfile.mkdtemp(prefix="r2pcoder-scale-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _WORKSPACE.append(Workspace(root))
    return _WORKSPACE[0]
