import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEXTS, TINY_CODEBOOK
from tests.core.test_merge import code

from r2pcoder.cli import main
from r2pcoder.codebook import parse_codebook
from r2pcoder.db import Project
from r2pcoder.errors import MergeRefused
from r2pcoder.merge import merge_packets
from r2pcoder.packets import PacketOptions, create_packets

COLUMNS = {
    "codings": (
        "uuid",
        "document_id",
        "coder_id",
        "theme_id",
        "stance_id",
        "start",
        '"end"',
        "memo",
        "created_at",
        "modified_at",
    ),
    "memos": ("uuid", "document_id", "theme_id", "coder_id", "text", "modified_at"),
    "document_status": ("coder_id", "document_id", "done_at"),
    "themes": (
        "id",
        "uuid",
        "key",
        "parent_id",
        "name",
        "description",
        "color",
        "position",
        "retired",
    ),
    "stances": ("id", "uuid", "key", "name", "retired"),
    "documents": ("id", "uuid", "sha256", "title"),
    "coders": ("id", "uuid", "name"),
    "packet_state": ("issue", "revision", "packet_uuid", "root", "base_revision"),
    "packet_history": ("seq", "tbl", "unit", "coder", '"row"'),
    "project": ("uuid", "role", "packet_coder_uuid"),
}
PLACES = [(table, column) for table, columns in COLUMNS.items() for column in columns]
VALUES = st.one_of(
    st.none(),
    st.integers(-3, 12),
    st.sampled_from([2**63 - 1, -(2**63), 10_000_000, 0.5, float("inf")]),
    st.text(max_size=6),
    st.binary(max_size=3),
    st.sampled_from(
        [
            "zzz",
            "2026-02-31 00:00:00.000000",
            "2026-01-01 00:00:00.000000",
            "00000000-0000-4000-8000-000000000000",
            "#zzzzzz",
            "packet",
            "master",
        ]
    ),
)
MUTATION = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(PLACES), VALUES, st.integers(0, 4)),
    st.tuples(st.just("delete"), st.sampled_from(sorted(COLUMNS)), st.integers(0, 4)),
    st.tuples(st.just("copy"), st.sampled_from(["codings", "memos", "themes"]), st.integers(0, 4)),
    st.tuples(
        st.just("loosen"),
        st.sampled_from(
            ["codings", "themes", "documents", "coders", "stances", "memos", "document_status"]
        ),
    ),
)
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A master with Ben's work merged, and Ana's coded packet with a memo and a done mark."""
    folder = tmp_path_factory.mktemp("fuzz")
    master = folder / "master.r2p"
    with Project.create(master) as project:
        project.codebook.load(parse_codebook(TINY_CODEBOOK))
        for text, meta in TEXTS:
            project.documents.add_text(text, meta)
        made = create_packets(project, PacketOptions(("Ana", "Ben"), folder, split=False))
    ana, ben = (p.path for p in made.packets)
    code(ben, (0, 1, 6), (1, 2, 7))
    code(ana, (0, 0, 5), (1, 0, 5), (2, 3, 9), theme=1, stance="opposes")
    with Project(ana) as packet:
        coder = packet.coders.find("Ana").id
        doc = packet.documents.list()[0].id
        packet.memos.set_document_memo(doc, "Hedged.", coder)
        packet.documents.set_done(doc, coder)
    with Project(master) as project:
        merge_packets(project, [ben])
    return master, ana


def _mutate(packet: Path, mutations: list[tuple[Any, ...]]) -> None:
    conn = sqlite3.connect(packet)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for mutation in mutations:
        try:
            _apply(conn, mutation)
            conn.commit()
        except sqlite3.Error:
            conn.rollback()  # the file's own constraints or triggers refused it: as in real life
    conn.close()


def _apply(conn: sqlite3.Connection, mutation: tuple[Any, ...]) -> None:
    kind, *rest = mutation
    if kind == "set":
        (table, column), value, row = rest
        conn.execute(
            f"UPDATE {table} SET {column} = ? WHERE rowid = (SELECT rowid FROM {table} "
            "LIMIT 1 OFFSET ?)",
            (value, row),
        )
    elif kind == "delete":
        table, row = rest
        conn.execute(
            f"DELETE FROM {table} WHERE rowid = (SELECT rowid FROM {table} LIMIT 1 OFFSET ?)",
            (row,),
        )
    elif kind == "copy":
        table, row = rest
        conn.execute(f"INSERT INTO {table} SELECT * FROM {table} LIMIT 1 OFFSET ?", (row,))
    else:  # rebuild the table without its constraints, as a SQLite browser's "copy" would
        (table,) = rest
        conn.executescript(
            f"CREATE TABLE loose AS SELECT * FROM {table}; DROP TABLE {table}; "
            f"ALTER TABLE loose RENAME TO {table};"
        )


def _master_still_works(master: Path, folder: Path) -> None:
    with Project(master) as project:
        assert project.integrity_ok()
        for theme in project.codebook.themes(include_retired=True):
            assert len(theme.path) <= 10  # a finite tree
    assert main(["code", "list", str(master), "--json"]) == 0
    out = str(folder / "out")
    assert main(["export", str(master), "--format", "csv", "--out", out, "--layer", "Ben"]) == 0


@pytest.mark.slow
@FUZZ
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_a_mutated_packet_is_merged_or_refused_with_a_reason_and_the_master_still_works(
    originals: tuple[Path, Path], mutations: list[tuple[Any, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        master = Path(shutil.copy(originals[0], folder / "master.r2p"))
        packet = Path(shutil.copy(originals[1], folder / "ana.r2p"))
        _mutate(packet, mutations)
        before = master.read_bytes()
        refusal = ""
        try:
            with Project(master) as project:
                report = merge_packets(project, [packet])
        except MergeRefused as exc:
            refusal = str(exc)
        if refusal:
            assert refusal.startswith("ana.r2p: ")
            assert refusal.endswith("Nothing was merged; the master is unchanged.")
            assert master.read_bytes() == before
        else:
            for layer in report.layers:
                assert all(row.reason and row.identity for row in layer.rows)
                assert layer.counts.not_merged >= sum(row.count for row in layer.rows)
        _master_still_works(master, folder)
