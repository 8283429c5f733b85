"""Writes tests/data/schema_v1_round_trip/: a team round-trip made by r2pcoder at schema 1.

Run it with the schema 1 code (for example a checkout of commit dcc0dad on PYTHONPATH); it uses
only calls that existed then. It writes a master that issued packets to Ana and Ben and merged
Ana's packet once, the packet as merged (``ana-merged.r2p``), the same packet coded further
(``ana-later.r2p``) and Ben's packet, never merged (``ben.r2p``).
"""

import shutil
import tempfile
from pathlib import Path

from tests.conftest import TEXTS, TINY_CODEBOOK

from r2pcoder.codebook import parse_codebook
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.merge import merge_packets
from r2pcoder.migrations import SCHEMA_VERSION
from r2pcoder.packets import PacketOptions, create_packets


def _code(packet: Path, *spans: tuple[int, int, int]) -> None:
    with Project(packet) as p:
        coder = p.coders.find(p.info.packet_coder_uuid or "")
        docs = sorted(p.documents.list(), key=lambda d: d.title)
        theme = p.codebook.themes()[0].id
        for doc, start, end in spans:
            p.codings.apply(CodingRequest(docs[doc].id, coder.id, theme, start, end))


def main() -> None:
    assert SCHEMA_VERSION == 1, "run with r2pcoder at schema 1"
    out = Path(__file__).parent / "schema_v1_round_trip"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        master = work / "master.r2p"
        with Project.create(master, name="Schema 1 round trip") as project:
            project.codebook.load(parse_codebook(TINY_CODEBOOK))
            for text, meta in TEXTS:
                project.documents.add_text(text, meta)
            report = create_packets(project, PacketOptions(("Ana", "Ben"), work, split=False))
        ana, ben = (p.path for p in report.packets)
        _code(ana, (0, 0, 5), (1, 0, 5))
        _code(ben, (2, 0, 5))
        shutil.copy(ana, out / "ana-merged.r2p")
        with Project(master) as project:
            merge_packets(project, [ana])
        _code(ana, (2, 1, 6))
        shutil.copy(ana, out / "ana-later.r2p")
        shutil.copy(ben, out / "ben.r2p")
        shutil.copy(master, out / "master.r2p")


if __name__ == "__main__":
    main()
