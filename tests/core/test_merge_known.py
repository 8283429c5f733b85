import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_merge import code, layer, make_packets, merge, packet_layer
from tests.core.test_merge_hostile import spoil

import r2pcoder.merge.run
import r2pcoder.merge.source
from r2pcoder.db import Project
from r2pcoder.merge.known import load_known
from r2pcoder.merge.lines import Line, read_history
from r2pcoder.merge.source import SourceHeader, read_header
from r2pcoder.merge.untrusted import Guard


def _records(master: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(master)
    try:
        return conn.execute("SELECT file_sha256, coder_uuid, clean FROM packet_copies").fetchall()
    finally:
        conn.close()


def _forbid_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(r2pcoder.merge.source, "read_history", fail)
    monkeypatch.setattr(r2pcoder.merge.run, "read_layer", fail)


def test_a_file_merged_before_is_known_by_its_hash_and_not_read_again(
    project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5), (1, 2, 9))
    first = merge(project_path, packet)
    ((sha, _coder, clean),) = _records(project_path)
    assert (sha, clean) == (first.layers[0].file_sha256, 1)
    _forbid_reading(monkeypatch)
    again = merge(project_path, packet)
    assert [(r.status, r.counts.not_merged, r.rows, r.notes) for r in again.layers] == [
        ("unchanged", 0, (), ())
    ]
    assert again.summary()[0].startswith("Nothing changed")


def test_a_file_that_changed_is_read_and_merged(
    project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5))
    merge(project_path, packet)
    code(packet, (2, 1, 4))
    report = merge(project_path, packet)
    assert report.layers[0].counts.added == 1
    assert layer(project_path, "Ana") == packet_layer(packet)
    assert len(_records(project_path)) == 2  # both files are known now
    _forbid_reading(monkeypatch)
    assert merge(project_path, packet).layers[0].status == "unchanged"


def test_rows_not_merged_are_named_again_at_every_merge_of_the_same_file(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5), (1, 0, 4))
    spoil(packet, 'UPDATE codings SET start = 7, "end" = 2 WHERE start = 0 AND "end" = 4')
    for _ in range(2):
        report = merge(project_path, packet)
        rows = report.layers[0].rows
        assert [r.reason for r in rows] == ["its span is empty or runs backwards"]
        assert report.layers[0].counts.not_merged == 1
    assert [clean for *_, clean in _records(project_path)] == [0]


def test_a_file_edited_behind_its_history_is_read_and_the_difference_named(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5))
    merge(project_path, packet)
    spoil(packet, "DROP TRIGGER packet_history_codings_update; UPDATE codings SET memo = 'x'")
    report = merge(project_path, packet)
    assert report.layers[0].status == "unchanged"
    assert report.layers[0].notes == (
        "on 1 statement this copy holds other work than the master although its change "
        "history says the master has it (changed outside r2pcoder, or in the master since): "
        "the master's work there is kept",
    )


def test_a_merge_that_changes_nothing_records_no_file_and_leaves_the_master_as_it_was(
    project_path: Path, tmp_path: Path
) -> None:
    # A master upgraded from schema 3 has no record of the files it merged.
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5))
    merge(project_path, packet)
    with sqlite3.connect(project_path) as conn:
        conn.execute("DELETE FROM packet_copies")
    conn.close()
    with Project(project_path):
        pass  # folds the write-ahead log into the file
    before = project_path.read_bytes()
    assert merge(project_path, packet).layers[0].status == "unchanged"
    assert project_path.read_bytes() == before
    code(packet, (1, 0, 3))
    merge(project_path, packet)
    assert len(_records(project_path)) == 1  # only the file of the merge that changed something


def test_a_history_taken_from_the_record_is_the_one_read_from_the_file(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    uuids = code(packet, (0, 0, 5), (1, 2, 9), (2, 0, 3))
    with Project(packet) as p:
        p.codings.discard(uuids[1])
    merge(project_path, packet)
    with Project(project_path) as master:
        with master.engine.connect() as conn:
            known = load_known(conn)
        info = master.info
    fresh = read_header(packet, info, foreign=False, guard=Guard())
    recorded = read_header(packet, info, foreign=False, guard=Guard(), recorded=known.history)
    assert isinstance(fresh, SourceHeader)
    assert fresh == recorded
    assert fresh.coders[0].history.line.length == 4  # three codings added, one removed


def test_a_record_whose_line_the_master_lost_falls_back_to_reading(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5))
    merge(project_path, packet)
    with Project(project_path) as master:
        with master.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM packet_lines")
            known = load_known(conn)
        info = master.info
    header = read_header(packet, info, foreign=False, guard=Guard(), recorded=known.history)
    assert isinstance(header, SourceHeader)
    assert header == read_header(packet, info, foreign=False, guard=Guard())


def test_lines_keep_every_digest_and_their_beginnings() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE packet_history (seq INTEGER PRIMARY KEY, tbl, op, unit, unit2, "
        'coder, coder2, "row")'
    )
    rows = [
        (i, "codings", "insert", f"doc{i % 2}", None, "ana", None, f'["c{i}"]') for i in range(1, 6)
    ]
    conn.executemany("INSERT INTO packet_history VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    history = read_history(conn, "k", "ana", (5, "packet:k", 0))
    line = history.line
    assert (line.base, line.length, len(line.digests)) == (0, 5, 6)
    assert history.touches == {"doc1": 5, "doc0": 4}
    start = line.until(3)
    assert (start.length, start.tip, start.digests) == (3, line.at(3), line.digests[:4])
    assert line.extends(start)
    assert not start.extends(line)
    assert Line.stored("k", 0, line.root.hex(), line.chain) == line
