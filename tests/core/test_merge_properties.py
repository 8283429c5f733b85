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

# Property tests: each example builds and merges real packet files.
pytestmark = pytest.mark.slow

CODERS = ("Ana", "Ben")
TITLES = sorted(meta.title for _, meta in TEXTS)
Version = dict[int, tuple[int, int, int, int, int | None]]

coding = st.tuples(
    st.integers(0, 2),  # document
    st.integers(0, 2),  # theme
    st.integers(0, 20),  # start
    st.integers(1, 8),  # length
    st.one_of(st.none(), st.integers(0, 2)),  # stance
)
version = st.dictionaries(st.integers(0, 7), coding, max_size=6)
# Per coder: copies of a first packet, then maybe copies of a re-issued packet (issue 2) that
# holds only some of the statements.
story = st.fixed_dictionaries(
    {
        "first": st.lists(version, min_size=1, max_size=3),
        "second": st.lists(version, max_size=2),
        "dropped": st.sets(st.integers(0, 2), max_size=2),
    }
)
histories = st.fixed_dictionaries(dict.fromkeys(CODERS, story))
Story = dict[str, Any]

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
        for issue in (1, 2):
            options = PacketOptions(CODERS, folder / str(issue), split=False, discard_unmerged=True)
            create_packets(master, options)
    return folder


def _ids(conn: sqlite3.Connection, sql: str) -> list[Any]:
    return [r[0] for r in conn.execute(sql)]


def _write(packet: Path, coder: str, state: Version, issue: int) -> None:
    """Make the packet's layer equal ``state`` (through SQL, so the revision triggers count)."""
    conn = sqlite3.connect(packet)
    coder_id, coder_uuid = conn.execute(
        "SELECT id, uuid FROM coders WHERE name = ?", (coder,)
    ).fetchone()
    held = dict(conn.execute("SELECT title, id FROM documents").fetchall())
    docs = [held.get(title) for title in TITLES]
    themes = _ids(conn, "SELECT id FROM themes ORDER BY key")
    stances = _ids(conn, "SELECT id FROM stances ORDER BY key")
    wanted = {}
    for slot, (doc, theme, start, length, stance) in state.items():
        if docs[doc] is None:
            continue  # the packet does not hold this statement
        uuid = str(uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, f"{coder_uuid}/{issue}/{slot}"))
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


def _drop(packet: Path, dropped: set[int]) -> None:
    conn = sqlite3.connect(packet)
    conn.execute("PRAGMA foreign_keys = ON")
    for doc in dropped:
        conn.execute("DELETE FROM documents WHERE title = ?", (TITLES[doc],))
    conn.commit()
    conn.close()


def _setup(originals: Path, work: Path, stories: dict[str, Story]) -> tuple[Path, list[Path]]:
    master = Path(shutil.copy(originals / "master.r2p", work / "master.r2p"))
    copies = []
    for coder, told in stories.items():
        for issue, versions in ((1, told["first"]), (2, told["second"])):
            source = originals / str(issue) / f"master-{coder.lower()}.r2p"
            packet = Path(shutil.copy(source, work / f"{coder}-{issue}.r2p"))
            if issue == 2:
                _drop(packet, told["dropped"])
            for i, state in enumerate(versions):
                _write(packet, coder, state, issue)
                copies.append(Path(shutil.copy(packet, work / f"{coder}-{issue}-v{i}.r2p")))
    return master, copies


def _expected(work: Path, stories: dict[str, Story], coder: str) -> set[tuple[Any, ...]]:
    """Per statement, the newest packet holding it decides: issue 2 if it came back at all."""
    first = _layer_as_in(work / f"{coder}-1.r2p", coder)
    if not stories[coder]["second"]:
        return first
    second_file = work / f"{coder}-2.r2p"
    conn = sqlite3.connect(second_file)
    held = {row[0] for row in conn.execute("SELECT uuid FROM documents")}
    conn.close()
    return _layer_as_in(second_file, coder) | {row for row in first if row[1] not in held}


def _codings(master: Path) -> set[tuple[Any, ...]]:
    conn = sqlite3.connect(master)
    rows = set(
        conn.execute(
            'SELECT c.uuid, d.uuid, k.uuid, t.uuid, s.uuid, c.start, c."end", c.memo, '
            "c.modified_at FROM codings c JOIN documents d ON d.id = c.document_id "
            "JOIN coders k ON k.id = c.coder_id JOIN themes t ON t.id = c.theme_id "
            "LEFT JOIN stances s ON s.id = c.stance_id"
        )
    )
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
    originals: Path, stories: dict[str, Story]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        master, copies = _setup(originals, Path(tmp), stories)
        _merge(master, copies)
        for coder in CODERS:
            assert _layer_as_in(master, coder) == _expected(Path(tmp), stories, coder)


@SETTINGS
@given(stories=histories)
def test_merging_again_changes_nothing(originals: Path, stories: dict[str, Story]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        master, copies = _setup(originals, Path(tmp), stories)
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
    originals: Path, stories: dict[str, Story], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        master, copies = _setup(originals, Path(tmp), stories)
        reference = Path(shutil.copy(master, Path(tmp) / "reference.r2p"))
        _merge(reference, copies)
        order = data.draw(st.permutations(copies))
        cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=3)))
        runs = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
        for run in runs:
            if run:
                _merge(master, run)
        assert _codings(master) == _codings(reference)
