"""Schema versions of a project file: the ``PRAGMA user_version`` ladder and its safety checks.

A project file records its schema version in ``PRAGMA user_version`` and its kind in
``PRAGMA application_id``. Opening a file runs :func:`check_file` (read-only: the file is never
touched when it is refused) and then :func:`migrate`, which backs the file up with the SQLite
backup API and applies every step plus the new version number in one transaction. Must not import
Qt or ``ui``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from r2pcoder.errors import NotAProject, ProjectCorrupt, SchemaTooNew, SchemaTooOld
from r2pcoder.schema import Base

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "STEPS",
    "FileCheck",
    "MigrationResult",
    "add_gold_layer",
    "check_file",
    "create_schema",
    "migrate",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""The schema this version of r2pcoder writes. Bump it with every schema change, add a step."""

APPLICATION_ID = 0x52325043
"""``PRAGMA application_id`` of every r2pcoder project ("R2PC"): tells our files from others."""

Step = Callable[[Connection], None]

# The tables exactly as schema 2 creates them, frozen here: a later change to the ORM models
# must come with a step of its own, never alter what this step did.
_GOLD_DECISIONS = """
CREATE TABLE gold_decisions (
    id INTEGER NOT NULL,
    uuid VARCHAR(36) NOT NULL,
    document_id INTEGER NOT NULL,
    theme_id INTEGER NOT NULL,
    kind VARCHAR(10) NOT NULL,
    source_coders JSON NOT NULL,
    auto_rule VARCHAR(20),
    decided_by VARCHAR(200) NOT NULL,
    decided_by_uuid VARCHAR(36),
    decided_at DATETIME NOT NULL,
    note TEXT NOT NULL,
    reopened_at DATETIME,
    reopened_reason TEXT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (document_id, theme_id),
    CONSTRAINT known_decision CHECK (kind IN ('coded', 'absent', 'resolved')),
    UNIQUE (uuid),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(theme_id) REFERENCES themes (id)
)
"""
_GOLD_CODINGS = """
CREATE TABLE gold_codings (
    id INTEGER NOT NULL,
    uuid VARCHAR(36) NOT NULL,
    document_id INTEGER NOT NULL,
    theme_id INTEGER NOT NULL,
    stance_id INTEGER,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    origin VARCHAR(10) NOT NULL,
    sources JSON NOT NULL,
    source_coders JSON NOT NULL,
    auto_rule VARCHAR(20),
    decided_by VARCHAR(200) NOT NULL,
    decided_by_uuid VARCHAR(36),
    decided_at DATETIME NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT gold_non_empty_span CHECK (start >= 0 AND start < "end"),
    CONSTRAINT known_origin CHECK (origin IN ('accepted', 'edited', 'added')),
    UNIQUE (uuid),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(theme_id) REFERENCES themes (id),
    FOREIGN KEY(stance_id) REFERENCES stances (id)
)
"""


def add_gold_layer(conn: Connection) -> None:
    """Schema 1 -> 2: the gold layer of review and adjudication (decisions and gold codings).

    Self-contained: it only creates the two new tables and their index, so it can take another
    number when branches that also add steps are combined.
    """
    conn.exec_driver_sql(_GOLD_DECISIONS)
    conn.exec_driver_sql(_GOLD_CODINGS)
    conn.exec_driver_sql(
        "CREATE INDEX ix_gold_codings_cell ON gold_codings (document_id, theme_id)"
    )


STEPS: Mapping[int, Step] = {2: add_gold_layer}
"""``STEPS[k]`` upgrades a file from version k-1 to k. Version 1 is the first released schema."""

OLDEST_UPGRADABLE = 1

_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100


@dataclass(frozen=True)
class FileCheck:
    """What :func:`check_file` found: the file's schema version."""

    user_version: int


@dataclass(frozen=True)
class MigrationResult:
    """What :func:`migrate` did: versions before and after, and the backup taken (if any)."""

    from_version: int
    to_version: int
    backup: Path | None


def check_file(path: Path, *, current: int = SCHEMA_VERSION) -> FileCheck:
    """Decide, without writing a byte, whether ``path`` is a project this r2pcoder can open.

    Raises:
        NotAProject: missing, empty, not SQLite, or SQLite without r2pcoder's mark.
        ProjectCorrupt: an r2pcoder file that is truncated or damaged.
        SchemaTooNew: written by a newer r2pcoder.
        SchemaTooOld: older than any version this r2pcoder can upgrade.
    """
    name = path.name
    if not path.is_file():
        raise NotAProject(f"{name} does not exist or is not a file.")
    with path.open("rb") as f:
        header = f.read(_HEADER_SIZE)
    if not header:
        raise NotAProject(f"{name} is empty, not an r2pcoder project.")
    if not header.startswith(_SQLITE_MAGIC):
        raise NotAProject(f"{name} is not an r2pcoder project (it is not a SQLite database).")
    if len(header) < _HEADER_SIZE:
        raise ProjectCorrupt(f"{name} is damaged: the file is truncated.")
    app_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big")
    if app_id != APPLICATION_ID:
        raise NotAProject(f"{name} is a SQLite database but not an r2pcoder project.")
    _check_size(path, header)
    _check_readable(path)
    if version > current:
        raise SchemaTooNew(
            f"{name} was written by a newer r2pcoder (schema {version}; this one reads up to "
            f"{current}). Update r2pcoder to open it; the file was not changed."
        )
    if version < OLDEST_UPGRADABLE:
        raise SchemaTooOld(f"{name} is from schema {version}, older than this r2pcoder can read.")
    return FileCheck(user_version=version)


def _check_size(path: Path, header: bytes) -> None:
    # The header records the page size and (while its change counter is current) the page count;
    # a file shorter than that lost its tail, e.g. to an interrupted copy.
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_ok = header[24:28] == header[92:96]
    if counter_ok and pages and path.stat().st_size < pages * page_size:
        raise ProjectCorrupt(f"{path.name} is damaged: the file is truncated.")


def _check_readable(path: Path) -> None:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ProjectCorrupt(f"{path.name} cannot be read: {exc}.") from exc
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not {"project", "documents", "codings"} <= tables:
            raise ProjectCorrupt(f"{path.name} is damaged: project tables are missing.")
        conn.execute("SELECT count(*) FROM project").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ProjectCorrupt(f"{path.name} is damaged ({exc}).") from exc
    finally:
        conn.close()


def create_schema(conn: Connection) -> None:
    """Create every table of the current schema and stamp the file as an r2pcoder project."""
    Base.metadata.create_all(conn)
    conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


def migrate(
    engine: Engine,
    path: Path,
    *,
    steps: Mapping[int, Step] = STEPS,
    target: int = SCHEMA_VERSION,
) -> MigrationResult:
    """Upgrade an opened project to ``target``, after backing it up; a no-op when current.

    All steps and the final ``user_version`` run in one transaction: a failure (or a crash)
    leaves the file at its old version, and the backup stays beside it.
    """
    with engine.connect() as conn:
        current = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
    if current == target:
        return MigrationResult(current, current, None)
    missing = [k for k in range(current + 1, target + 1) if k not in steps]
    if missing:
        raise SchemaTooOld(f"{path.name}: no upgrade from schema {current} to {target}.")
    backup = _backup(engine, path, current)
    with engine.begin() as conn:
        for k in range(current + 1, target + 1):
            log.info("Upgrading %s to schema %d", path.name, k)
            steps[k](conn)
        conn.exec_driver_sql(f"PRAGMA user_version = {target}")
    return MigrationResult(current, target, backup)


def _backup(engine: Engine, path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    dst_path = path.with_name(f"{path.name}.schema{version}-{stamp}.bak")
    raw = engine.raw_connection()
    try:
        # The backup API copies committed pages including those still in the -wal file,
        # which a plain file copy of a WAL database can miss.
        dst = sqlite3.connect(dst_path)
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            source.backup(dst)
        finally:
            dst.close()
    finally:
        raw.close()
    log.info("Backed up %s to %s before upgrading", path.name, dst_path.name)
    return dst_path
