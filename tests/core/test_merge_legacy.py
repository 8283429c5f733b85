import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.core.test_merge import layer, merge, packet_layer

from r2pcoder.db import Project
from r2pcoder.migrations import SCHEMA_VERSION

ROUND_TRIP = Path(__file__).resolve().parent.parent / "data" / "schema_v1_round_trip"


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """A schema 1 master that issued packets to Ana and Ben and merged Ana's once."""
    for source in ROUND_TRIP.glob("*.r2p"):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_upgrading_a_schema_1_master_records_its_packets_and_what_it_merged(legacy: Path) -> None:
    master = legacy / "master.r2p"
    with Project(master) as project:
        ana, ben = (project.coders.find(n).uuid for n in ("Ana", "Ben"))
        statements = {d.uuid for d in project.documents.list()}
    issued = _rows(master, "SELECT packet_uuid, coder_uuid, issue FROM packet_issues ORDER BY id")
    assert sorted(issued, key=repr) == sorted([(None, ana, 1), (None, ben, 1)], key=repr)
    merged = _rows(
        master, "SELECT coder_uuid, unit, packet_key, position, state FROM merge_versions"
    )
    assert {(row[0], row[1]) for row in merged} == {(ana, u) for u in statements | {"*"}}
    assert {row[2:] for row in merged} == {(f"legacy:{ana}:1", 2, "merged")}


def test_the_copy_a_schema_1_master_merged_is_still_recognised(legacy: Path) -> None:
    report = merge(legacy / "master.r2p", legacy / "ana-merged.r2p")
    assert [r.status for r in report.layers] == ["unchanged"]
    assert not report.changed


def test_a_schema_1_packet_upgraded_by_its_coder_stays_on_the_merged_line(legacy: Path) -> None:
    with Project(legacy / "ana-merged.r2p") as packet:
        assert packet.migration.to_version == SCHEMA_VERSION
    state = _rows(legacy / "ana-merged.r2p", "SELECT revision, base_revision FROM packet_state")
    assert state == [(2, 2)]
    report = merge(legacy / "master.r2p", legacy / "ana-merged.r2p")
    assert [r.status for r in report.layers] == ["unchanged"]


def test_a_never_merged_schema_1_packet_merges(legacy: Path) -> None:
    report = merge(legacy / "master.r2p", legacy / "ben.r2p")
    assert [(r.coder_name, r.status, r.counts.added) for r in report.layers] == [
        ("Ben", "merge", 1)
    ]
    assert layer(legacy / "master.r2p", "Ben") == packet_layer(legacy / "ben.r2p")


def test_a_later_schema_1_copy_cannot_be_ordered_and_waits_for_the_lead(legacy: Path) -> None:
    master = legacy / "master.r2p"
    before = layer(master, "Ana")
    report = merge(master, legacy / "ana-later.r2p")
    assert [r.status for r in report.layers] == ["conflict"]
    (conflict,) = report.layers[0].conflicts
    assert conflict.title == "Statement of the Nordic countries"
    assert "cannot be ordered by it" in conflict.resolution
    assert layer(master, "Ana") == before
    chosen = merge(master, legacy / "ana-later.r2p", prefer=["ana-later.r2p"])
    assert [r.status for r in chosen.layers] == ["merge"]
    assert layer(master, "Ana") == packet_layer(legacy / "ana-later.r2p")


def _columns(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: [r[1:3] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    finally:
        conn.close()


def test_an_upgraded_file_has_the_tables_and_columns_of_a_new_one(
    legacy: Path, tmp_path: Path
) -> None:
    with Project(legacy / "master.r2p"), Project(legacy / "ben.r2p"):
        pass
    with Project.create(tmp_path / "fresh.r2p"):
        pass
    fresh = _columns(tmp_path / "fresh.r2p")
    assert _columns(legacy / "master.r2p") == fresh
    assert _columns(legacy / "ben.r2p") == fresh


def test_an_upgraded_packet_records_every_later_write(legacy: Path) -> None:
    packet = legacy / "ben.r2p"
    with Project(packet) as opened:
        ben = opened.coders.find("Ben")
        opened.documents.set_done(opened.documents.list()[0].id, ben.id)
    assert _rows(packet, "SELECT revision, base_revision FROM packet_state") == [(2, 1)]
    assert _rows(packet, "SELECT seq, tbl, op FROM packet_history") == [
        (2, "document_status", "insert")
    ]
    triggers = _rows(packet, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    assert not any(str(name).startswith("packet_revision_") for (name,) in triggers)
    report = merge(legacy / "master.r2p", packet)
    assert [(r.status, r.counts.marks) for r in report.layers] == [("merge", 1)]
