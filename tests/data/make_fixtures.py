"""Writes tests/data/schema_v<N>.r2p for the current schema version (run once per version).

Usage: uv run python tests/data/make_fixtures.py
"""

import tempfile
from pathlib import Path

from tests.conftest import TEXTS, TINY_CODEBOOK

from r2pcoder.codebook import parse_codebook
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.merge import merge_packets
from r2pcoder.metadata import DocumentMeta
from r2pcoder.migrations import SCHEMA_VERSION
from r2pcoder.packets import PacketOptions, create_packets
from r2pcoder.review import Decider


def main() -> None:
    path = Path(__file__).parent / f"schema_v{SCHEMA_VERSION}.r2p"
    path.unlink(missing_ok=True)
    with Project.create(path, name=f"Fixture for schema {SCHEMA_VERSION}") as project:
        project.codebook.load(parse_codebook(TINY_CODEBOOK))
        coder = project.coders.add("Fixture coder")
        theme = project.codebook.themes()[0]
        stance = project.codebook.stances()[0]
        for text, meta in TEXTS:
            doc = project.documents.add_text(text, meta or DocumentMeta())
            project.codings.apply(CodingRequest(doc.id, coder.id, theme.id, 0, 5, stance.id, "m"))
        project.memos.set_document_memo(doc.id, "fixture memo")
        # Schema 2 added the gold layer: one accepted decision and one decided absent.
        first = project.documents.list()[0].id
        lead = Decider("Fixture lead")
        project.review.accept(first, theme.id, coder.id, by=lead, note="fixture decision")
        project.review.mark_absent(first, project.codebook.themes()[1].id, by=lead)
        # Schema 4 records the packet files a merge read: one coded packet, merged.
        with tempfile.TemporaryDirectory() as folder:
            made = create_packets(project, PacketOptions(("Packet coder",), Path(folder)))
            packet_path = made.packets[0].path
            with Project(packet_path) as packet:
                coder_id = packet.coders.find("Packet coder").id
                doc_id = packet.documents.list()[1].id
                packet.codings.apply(CodingRequest(doc_id, coder_id, theme.id, 2, 9, stance.id))
            merge_packets(project, [packet_path])
    for backup in path.parent.glob(f"{path.name}.pre-merge-*.bak"):
        backup.unlink()  # the merge's own backup is no fixture


if __name__ == "__main__":
    main()
