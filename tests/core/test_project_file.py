import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from r2pcoder.db import Project
from r2pcoder.errors import NotAProject, ProjectCorrupt, ProjectError, SchemaTooNew
from r2pcoder.migrations import SCHEMA_VERSION
from r2pcoder.schema import CodingRow, utcnow


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_create_then_reopen_keeps_identity(tmp_path: Path) -> None:
    path = tmp_path / "p.r2p"
    with Project.create(path, name="Lead master") as created:
        uuid = created.info.uuid
    with Project(path) as opened:
        assert opened.info.uuid == uuid
        assert opened.info.name == "Lead master"
        assert opened.info.role == "master"
        assert opened.integrity_ok()


def test_pragmas_are_on(project: Project) -> None:
    with project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION


def test_create_refuses_existing_file(project_path: Path) -> None:
    before = _bytes(project_path)
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(project_path)
    assert _bytes(project_path) == before


def test_text_file_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "notes.r2p"
    path.write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(NotAProject, match="not a SQLite database"):
        Project(path)
    assert path.read_text(encoding="utf-8") == "just some notes\n"


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.r2p"
    empty.write_bytes(b"")
    with pytest.raises(NotAProject, match="empty"):
        Project(empty)
    with pytest.raises(NotAProject, match="does not exist"):
        Project(tmp_path / "missing.r2p")


def test_other_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = _bytes(path)
    with pytest.raises(NotAProject, match="not an r2pcoder project"):
        Project(path)
    assert _bytes(path) == before
    assert not (tmp_path / "other.sqlite-wal").exists()


def test_truncated_project_is_refused(project_path: Path, tmp_path: Path) -> None:
    data = _bytes(project_path)
    cut = tmp_path / "cut.r2p"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ProjectCorrupt, match=r"truncated|damaged"):
        Project(cut)
    assert _bytes(cut) == data[: len(data) // 2]


def test_garbage_after_header_is_refused(project_path: Path, tmp_path: Path) -> None:
    data = bytearray(_bytes(project_path))
    data[100:] = bytes(len(data) - 100)  # schema pages wiped, header intact
    broken = tmp_path / "broken.r2p"
    broken.write_bytes(bytes(data))
    with pytest.raises(ProjectCorrupt):
        Project(broken)


def test_newer_project_is_refused_untouched(project_path: Path) -> None:
    conn = sqlite3.connect(project_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = _bytes(project_path)
    with pytest.raises(SchemaTooNew, match="newer r2pcoder"):
        Project(project_path)
    assert _bytes(project_path) == before


def test_foreign_keys_are_enforced(project: Project) -> None:
    with pytest.raises(IntegrityError), project.unit_of_work() as s:
        s.add(
            CodingRow(
                uuid="x",
                document_id=999,
                coder_id=1,
                theme_id=1,
                start=0,
                end=1,
                memo="",
                created_at=utcnow(),
                modified_at=utcnow(),
            )
        )


def test_backup_is_a_consistent_copy(project: Project, tmp_path: Path) -> None:
    dst = tmp_path / "copy.r2p"
    project.backup(dst)
    with Project(dst) as copy:
        assert copy.info.uuid == project.info.uuid
        assert len(copy.documents.list()) == len(project.documents.list())
