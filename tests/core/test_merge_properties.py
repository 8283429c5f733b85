import shutil
import sqlite3
import tempfile
import uuid as uuid_mod
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEXTS, TINY_CODEBOOK

from r2pcoder.codebook import parse_codebook
from r2pcoder.db import Project
from r2pcoder.merge import merge_packets
from r2pcoder.packets import PacketOptions, create_packets

CODERS = ("Ana", "Ben")
Version = dict[int, tuple[int, int, int, int, int | None]]

coding = st.tuples(
    st.integers(0, 2),  # document
    st.integers(0, 2),  # theme
    st.integers(0, 20),  # start
    st.integers(1, 8),  # length
    st.one_of(st.none(), st.integers(0, 2)),  # stance
)
version = st.dictionaries(st.integers(0, 7), coding, max_size=6)
history = st.lists(version, min_size=1, max_size=3)
histories = st.fixed_dictionaries(dict.fromkeys(CODERS, history))

STAMP = "2026-01-01 00:00:00.000000"
INSERT = (
    'INSERT INTO codings (uuid, document_id, coder_id, theme_id, stance_id, start, "end", memo, '
    f"created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', '{STAMP}', '{STAMP}')"
)

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("round-trip")
    with Project.create(folder / "master.r2p") as master:
        master.codebook.load(parse_codebook(TINY_CODEBOOK))
        for text, meta in TEXTS:
            master.documents.add_text(text, meta)
        create_packets(master, PacketOptions(CODERS, folder, split=False))
    return folder


def _ids(conn: sqlite3.Connection, sql: str) -> list[Any]:
    return [r[0] for r in conn.execute(sql)]


def _write(packet: Path, coder: str, state: Version) -> None:
    """Make the packet's layer equal ``state`` (through SQL, so the revision triggers count)."""
    conn = sqlite3.connect(packet)
    coder_id, coder_uuid = conn.execute(
        "SELECT id, uuid FROM coders WHERE name = ?", (coder,)
    ).fetchone()
    docs = _ids(conn, "SELECT id FROM documents ORDER BY title")
    themes = _ids(conn, "SELECT id FROM themes ORDER BY key")
    stances = _ids(conn, "SELECT id FROM stances ORDER BY key")
    wanted = {}
    for slot, (doc, theme, start, length, stance) in state.items():
        uuid = str(uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, f"{coder_uuid}/{slot}"))
        stance_id = None if stance is None else stances[stance]
        wanted[uuid] = (docs[doc], coder_id, themes[theme], stance_id, start, start + length)
    current = {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            'SELECT uuid, document_id, coder_id, theme_id, stance_id, start, "end" FROM codings '
            "WHERE coder_id = ?",
            (coder_id,),
        )
    }
    for uuid in current.keys() - wanted.keys():
        conn.execute("DELETE FROM codings WHERE uuid = ?", (uuid,))
    for uuid, row in wanted.items():
        if current.get(uuid) != row:
            conn.execute("DELETE FROM codings WHERE uuid = ?", (uuid,))
            conn.execute(INSERT, (uuid, *row))
    conn.commit()
    conn.close()


def _setup(
    originals: Path, work: Path, stories: dict[str, list[Version]]
) -> tuple[Path, list[Path], dict[str, Version]]:
    master = Path(shutil.copy(originals / "master.r2p", work / "master.r2p"))
    copies = []
    for coder, versions in stories.items():
        packet = Path(shutil.copy(originals / f"master-{coder.lower()}.r2p", work / f"{coder}.r2p"))
        for i, state in enumerate(versions):
            _write(packet, coder, state)
            copies.append(Path(shutil.copy(packet, work / f"{coder}-v{i}.r2p")))
    return master, copies, {coder: versions[-1] for coder, versions in stories.items()}


def _codings(master: Path) -> set[tuple[Any, ...]]:
    conn = sqlite3.connect(master)
    rows = set(conn.execute(
        'SELECT c.uuid, d.uuid, k.uuid, t.uuid, s.uuid, c.start, c."end", c.memo, c.modified_at '
        "FROM codings c JOIN documents d ON d.id = c.document_id "
        "JOIN coders k ON k.id = c.coder_id JOIN themes t ON t.id = c.theme_id "
        "LEFT JOIN stances s ON s.id = c.stance_id"
    ))  # fmt: skip
    conn.close()
    return rows


def _layer_as_in(path: Path, coder: str) -> set[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    (coder_uuid,) = conn.execute("SELECT uuid FROM coders WHERE name = ?", (coder,)).fetchone()
    conn.close()
    return {row for row in _codings(path) if row[2] == coder_uuid}


def _merge(master: Path, packets: list[Path]) -> None:
    with Project(master) as project:
        merge_packets(project, packets)


@SETTINGS
@given(stories=histories)
def test_a_coders_layer_after_merge_equals_the_packets_state(
    originals: Path, stories: dict[str, list[Version]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        master, copies, _ = _setup(originals, Path(tmp), stories)
        _merge(master, copies)
        for coder in CODERS:
            newest = Path(tmp) / f"{coder}.r2p"
            assert _layer_as_in(master, coder) == _layer_as_in(newest, coder)


@SETTINGS
@given(stories=histories)
def test_merging_again_changes_nothing(originals: Path, stories: dict[str, list[Version]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        master, copies, _ = _setup(originals, Path(tmp), stories)
        _merge(master, copies)
        once = (_codings(master), _log_rows(master))
        _merge(master, copies)
        assert (_codings(master), _log_rows(master)) == once


def _log_rows(master: Path) -> list[Any]:
    conn = sqlite3.connect(master)
    rows = conn.execute(
        "SELECT file_name, coder_uuid, counts FROM merge_log ORDER BY id"
    ).fetchall()
    conn.close()
    return rows


@SETTINGS
@given(stories=histories, data=st.data())
def test_order_of_merges_never_changes_the_result(
    originals: Path, stories: dict[str, list[Version]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        master, copies, _ = _setup(originals, Path(tmp), stories)
        reference = Path(shutil.copy(master, Path(tmp) / "reference.r2p"))
        _merge(reference, copies)
        order = data.draw(st.permutations(copies))
        cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=3)))
        runs = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
        for run in runs:
            if run:
                _merge(master, run)
        assert _codings(master) == _codings(reference)
