import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection

from tests.core.hostile import small_disk

import r2pcoder.db
from r2pcoder.db import Project, make_engine
from r2pcoder.errors import DiskFull, ReadOnly, SchemaTooOld
from r2pcoder.migrations import BACKUPS_KEPT, SCHEMA_VERSION, STEPS, check_file, migrate

DATA = Path(__file__).resolve().parent.parent / "data"


def test_every_version_has_a_step_and_a_fixture() -> None:
    assert sorted(STEPS) == list(range(2, SCHEMA_VERSION + 1))
    for version in range(1, SCHEMA_VERSION + 1):
        assert (DATA / f"schema_v{version}.r2p").is_file(), f"fixture for schema {version}"


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_fixture_of_every_past_version_opens(version: int, tmp_path: Path) -> None:
    path = tmp_path / "old.r2p"
    shutil.copyfile(DATA / f"schema_v{version}.r2p", path)
    with Project(path) as project:
        assert project.documents.list()
        assert project.codings.count() > 0
        assert project.integrity_ok()
    assert check_file(path).user_version == SCHEMA_VERSION


def _add_column(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE coders ADD COLUMN email TEXT DEFAULT ''")


def _broken(conn: Connection) -> None:
    conn.exec_driver_sql("CREATE TABLE half_done (x)")
    raise RuntimeError("step failed")


@pytest.fixture
def v1_path(tmp_path: Path) -> Path:
    path = tmp_path / "v1.r2p"
    shutil.copyfile(DATA / "schema_v1.r2p", path)
    return path


def test_upgrade_backs_up_then_applies_steps_in_one_transaction(project_path: Path) -> None:
    engine = make_engine(project_path)
    now, after = SCHEMA_VERSION, SCHEMA_VERSION + 1
    result = migrate(engine, project_path, steps={after: _add_column}, target=after)
    assert (result.from_version, result.to_version) == (now, after)
    assert result.backup is not None
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == after
        conn.exec_driver_sql("SELECT email FROM coders").fetchall()
    engine.dispose()
    backup = sqlite3.connect(result.backup)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == now
    assert backup.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    backup.close()


def test_failed_upgrade_leaves_the_file_at_its_old_version(project_path: Path) -> None:
    engine = make_engine(project_path)
    after = SCHEMA_VERSION + 1
    with pytest.raises(RuntimeError):
        migrate(engine, project_path, steps={after: _broken}, target=after)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    engine.dispose()
    assert "half_done" not in tables


def test_missing_step_is_refused(project_path: Path) -> None:
    engine = make_engine(project_path)
    with pytest.raises(SchemaTooOld):
        migrate(engine, project_path, steps={}, target=SCHEMA_VERSION + 2)
    engine.dispose()


def _tables(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    conn.close()
    return dict(rows)


def test_current_fixture_matches_the_current_schema(tmp_path: Path) -> None:
    # A schema change without a version bump would make old files silently differ.
    with Project.create(tmp_path / "fresh.r2p"):
        pass
    assert _tables(DATA / f"schema_v{SCHEMA_VERSION}.r2p") == _tables(tmp_path / "fresh.r2p")


def test_upgrade_backups_are_bounded_and_killed_ones_removed(project_path: Path) -> None:
    folder = project_path.parent
    now, after = SCHEMA_VERSION, SCHEMA_VERSION + 1
    old = [folder / f"project.r2p.schema{now}-2020010{i}-120000.bak" for i in range(1, 5)]
    for age, path in enumerate(old):
        shutil.copyfile(project_path, path)
        os.utime(path, (1_600_000_000 + age, 1_600_000_000 + age))
    orphan = folder / f".project.r2p.schema{now}-20200105-120000.bak.0123abcd.part"
    orphan.write_bytes(b"half a backup")
    unrelated = folder / f"other.r2p.schema{now}-20200101-120000.bak"
    unrelated.write_bytes(b"another project's backup")
    engine = make_engine(project_path)
    result = migrate(engine, project_path, steps={after: _add_column}, target=after)
    engine.dispose()
    assert result.backup is not None
    kept = sorted(p.name for p in folder.glob("project.r2p.schema*.bak"))
    assert len(kept) == BACKUPS_KEPT == 3
    assert result.backup.name in kept
    assert old[3].name in kept  # the newest of the old ones
    assert old[2].name in kept
    assert not orphan.exists()
    assert unrelated.exists()
    assert not list(folder.glob("*.part"))


def test_a_backup_that_cannot_be_written_stops_the_upgrade_cleanly(
    project_path: Path, tmp_path: Path
) -> None:
    disks = small_disk(tmp_path, "1m")
    disk = next(disks)
    try:
        if not disk.tmpfs:
            pytest.skip("needs a real full disk (a tmpfs, mounted as root)")
        path = disk.path / "p.r2p"
        shutil.copyfile(project_path, path)
        engine = make_engine(path)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM documents").fetchall()
        disk.fill(leave=64 * 1024)
        before = path.read_bytes()
        after = SCHEMA_VERSION + 1
        with pytest.raises(DiskFull, match=r"^Cannot back up p\.r2p before upgrading it: the disk"):
            migrate(engine, path, steps={after: _add_column}, target=after)
        engine.dispose()
        assert path.read_bytes() == before
        assert sorted(p.name for p in disk.path.iterdir()) == ["filler.bin", "p.r2p"]
    finally:
        disks.close()


def test_an_old_project_that_cannot_be_written_is_refused_before_any_work(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(r2pcoder.db, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(r2pcoder.db, "write_problem", lambda _path: "the folder is read-only")
    names = sorted(p.name for p in project_path.parent.iterdir())
    before = project_path.read_bytes()
    with pytest.raises(ReadOnly, match=r"must be upgraded .* but the folder is read-only"):
        Project(project_path)
    assert project_path.read_bytes() == before
    assert sorted(p.name for p in project_path.parent.iterdir()) == names


def _normalized(sql: str) -> str:
    # The step writes its DDL by hand; compare it with SQLAlchemy's modulo layout.
    return re.sub(r"\s*([(),])\s*", r"\1", " ".join(sql.split()))


def test_v1_project_gets_an_empty_gold_layer_shaped_like_a_new_one(v1_path: Path) -> None:
    with sqlite3.connect(v1_path) as conn:
        before = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "codings", "coders", "memos")
        }
    with Project(v1_path) as project:
        assert project.migration.from_version == 1
        assert project.migration.to_version == SCHEMA_VERSION
        assert project.migration.backup is not None
        status = project.review.status()
        assert (status.decided, status.cells, status.single) == (0, 3, 3)
    with sqlite3.connect(v1_path) as conn:
        after = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "codings", "coders", "memos")
        }
        assert conn.execute("SELECT count(*) FROM gold_decisions").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM gold_codings").fetchone()[0] == 0
    assert after == before == {"documents": 3, "codings": 3, "coders": 1, "memos": 1}
    fresh = v1_path.with_name("fresh.r2p")
    with Project.create(fresh):
        pass
    migrated, new = _tables(v1_path), _tables(fresh)
    assert migrated.keys() == new.keys()
    for name in ("gold_decisions", "gold_codings", "ix_gold_codings_cell"):
        assert _normalized(migrated[name]) == _normalized(new[name]), name


def test_schema_v3_fixture_keeps_its_decisions_and_provenance(tmp_path: Path) -> None:
    path = tmp_path / "v3.r2p"
    shutil.copyfile(DATA / "schema_v3.r2p", path)
    with Project(path) as project:
        status = project.review.status()
        first = project.documents.list()[0].id
        theme = project.codebook.themes()[0].id
        state = project.review.cell(first, theme)
    assert status.decided == 2
    assert state.decision is not None
    assert (state.decision.kind, state.decision.decided_by) == ("coded", "Fixture lead")
    assert [(c.origin, c.start, c.end, len(c.sources)) for c in state.codings] == [
        ("accepted", 0, 5, 1)
    ]


def test_v3_project_gets_the_layer_index_and_an_empty_record_of_packet_files(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v3.r2p"
    shutil.copyfile(DATA / "schema_v3.r2p", path)
    with Project(path) as project:
        assert (project.migration.from_version, project.migration.to_version) == (3, 4)
        assert project.review.status().decided == 2  # what schema 3 held is kept
    fresh = tmp_path / "fresh.r2p"
    with Project.create(fresh):
        pass
    migrated, new = _tables(path), _tables(fresh)
    assert migrated.keys() == new.keys()
    for name in ("ix_codings_coder", "packet_copies"):
        assert _normalized(migrated[name]) == _normalized(new[name]), name
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM packet_copies").fetchone()[0] == 0
    conn.close()


def test_schema_v4_fixture_keeps_its_record_of_a_merged_packet(tmp_path: Path) -> None:
    path = tmp_path / "v4.r2p"
    shutil.copyfile(DATA / "schema_v4.r2p", path)
    with Project(path) as project:
        assert project.codings.count(project.coders.find("Packet coder").id) == 1
    with sqlite3.connect(path) as conn:
        ((clean, history),) = conn.execute("SELECT clean, history FROM packet_copies").fetchall()
    conn.close()
    assert clean == 1
    assert '"format": 1' in history
