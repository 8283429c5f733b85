import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection

from r2pcoder.db import Project, make_engine
from r2pcoder.errors import SchemaTooOld
from r2pcoder.migrations import SCHEMA_VERSION, STEPS, check_file, migrate

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


def test_upgrade_backs_up_then_applies_steps_in_one_transaction(v1_path: Path) -> None:
    project_path = v1_path
    engine = make_engine(project_path)
    result = migrate(engine, project_path, steps={2: _add_column}, target=2)
    assert (result.from_version, result.to_version) == (1, 2)
    assert result.backup is not None
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == 2
        conn.exec_driver_sql("SELECT email FROM coders").fetchall()
    engine.dispose()
    backup = sqlite3.connect(result.backup)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    backup.close()


def test_failed_upgrade_leaves_the_file_at_its_old_version(v1_path: Path) -> None:
    project_path = v1_path
    engine = make_engine(project_path)
    with pytest.raises(RuntimeError):
        migrate(engine, project_path, steps={2: _broken}, target=2)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == 1
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    engine.dispose()
    assert "half_done" not in tables


def test_missing_step_is_refused(project_path: Path) -> None:
    engine = make_engine(project_path)
    with pytest.raises(SchemaTooOld):
        migrate(engine, project_path, steps={}, target=3)
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


def _normalized(sql: str) -> str:
    # The step writes its DDL by hand; compare it with SQLAlchemy's modulo layout.
    return re.sub(r"\s*([(),])\s*", r"\1", " ".join(sql.split()))


def test_v1_project_gets_an_empty_gold_layer_shaped_like_a_new_one(v1_path: Path) -> None:
    with sqlite3.connect(v1_path) as conn:
        before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "codings", "coders", "memos")}  # fmt: skip
    with Project(v1_path) as project:
        assert project.migration.from_version == 1
        assert project.migration.to_version == 2
        assert project.migration.backup is not None
        status = project.review.status()
        assert (status.decided, status.cells, status.single) == (0, 3, 3)
    with sqlite3.connect(v1_path) as conn:
        after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("documents", "codings", "coders", "memos")}  # fmt: skip
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


def test_schema_v2_fixture_keeps_its_decisions_and_provenance(tmp_path: Path) -> None:
    path = tmp_path / "v2.r2p"
    shutil.copyfile(DATA / "schema_v2.r2p", path)
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
