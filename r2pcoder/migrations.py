"""Schema versions of a project file: the ``PRAGMA user_version`` ladder and its safety checks.

A project file records its schema version in ``PRAGMA user_version`` and its kind in
``PRAGMA application_id``. Opening a file runs :func:`check_file` (read-only: the file is never
touched when it is refused, and no journal file is created beside it) and then :func:`migrate`,
which backs the file up with the SQLite backup API and applies every step plus the new version
number in one transaction. The newest :data:`BACKUPS_KEPT` upgrade backups of a project are kept.
Importing this module loads no SQLAlchemy (the checks use ``sqlite3``; the steps receive their
connection), so a command can refuse a file that is not a project before loading it. Must not
import Qt or ``ui``.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from r2pcoder.errors import NotAProject, ProjectCorrupt, SchemaTooNew, SchemaTooOld
from r2pcoder.failures import explain
from r2pcoder.migration_v2 import upgrade_to_packet_histories
from r2pcoder.migration_v3 import add_gold_layer
from r2pcoder.migration_v4 import index_layers_and_record_packet_copies
from r2pcoder.tempfiles import PartFile, remove_orphans

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "APPLICATION_ID",
    "BACKUPS_KEPT",
    "SCHEMA_VERSION",
    "STEPS",
    "FileCheck",
    "MigrationResult",
    "add_gold_layer",
    "check_file",
    "check_header",
    "create_schema",
    "migrate",
    "readonly_uri",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
"""The schema this version of r2pcoder writes. Bump it with every schema change, add a step."""

APPLICATION_ID = 0x52325043
"""``PRAGMA application_id`` of every r2pcoder project ("R2PC"): tells our files from others."""

Step = Callable[["Connection"], None]

STEPS: Mapping[int, Step] = {
    2: upgrade_to_packet_histories,
    3: add_gold_layer,
    4: index_layers_and_record_packet_copies,
}
"""``STEPS[k]`` upgrades a file from version k-1 to k. Version 1 is the first released schema."""

OLDEST_UPGRADABLE = 1

BACKUPS_KEPT = 3
"""How many upgrade backups (``NAME.schema<N>-<time>.bak``) of one project are kept: the newest."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_WAL_HEADER_SIZE = 32
_CHECK_TIMEOUT_MS = 5_000


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
    found = check_header(path, current=current)
    _check_readable(path, quick_check=_wal_pending(path))
    return found


def check_header(path: Path, *, current: int = SCHEMA_VERSION) -> FileCheck:
    """The checks of :func:`check_file` that read the file's first bytes only, never open it.

    Used for files from elsewhere (returned packets), which are then opened by their reader's own
    hardened connection rather than by :func:`check_file`'s.
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
    # A pending write-ahead log may hold pages the file has not grown to yet (a checkpoint
    # interrupted by a crash or a full disk): then SQLite itself checks the pages instead.
    if not _wal_pending(path):
        _check_size(path, header)
    if version > current:
        raise SchemaTooNew(
            f"{name} was written by a newer r2pcoder (schema {version}; this one reads up to "
            f"{current}). Update r2pcoder to open it; the file was not changed."
        )
    if version < OLDEST_UPGRADABLE:
        raise SchemaTooOld(f"{name} is from schema {version}, older than this r2pcoder can read.")
    return FileCheck(user_version=version)


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _wal_pending(path: Path) -> bool:
    # A write-ahead log with more than its header holds commits (or the remains of a crash)
    # that are not yet in the database file, whose own header may then be ahead of its size.
    try:
        return _side(path, "-wal").stat().st_size > _WAL_HEADER_SIZE
    except OSError:
        return False


def readonly_uri(path: Path) -> str:
    """A URI opening ``path`` read-only, creating no ``-wal``/``-shm`` file beside it.

    A read-only connection to a database in WAL mode creates the ``-wal`` and ``-shm`` files
    when they are missing, and cannot delete them afterwards. When neither a ``-wal`` nor a
    ``-journal`` file exists, nothing is pending and no writer has the file open (SQLite keeps the
    ``-wal`` for as long as a connection is open), so the file is opened ``immutable``, which
    reads it alone (https://www.sqlite.org/uri.html#uriimmutable).
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not (_side(path, "-wal").exists() or _side(path, "-journal").exists()):
        uri += "&immutable=1"
    return uri


def _check_size(path: Path, header: bytes) -> None:
    # The header records the page size and (while its change counter is current) the page count;
    # a file shorter than that lost its tail, e.g. to an interrupted copy. Only valid when no
    # write-ahead log is pending: a checkpoint interrupted by a crash or a full disk writes the
    # new first page before the file has grown, and the log still holds every page.
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_ok = header[24:28] == header[92:96]
    if counter_ok and pages and path.stat().st_size < pages * page_size:
        raise ProjectCorrupt(f"{path.name} is damaged: the file is truncated.")


def _damaged(exc: sqlite3.Error, path: Path) -> Exception:
    return explain(exc, path) or ProjectCorrupt(f"{path.name} is damaged ({exc}).")


def _check_readable(path: Path, *, quick_check: bool) -> None:
    """Open read-only and read the schema; with ``quick_check``, let SQLite check every page."""
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise _damaged(exc, path) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout={_CHECK_TIMEOUT_MS}")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not {"project", "documents", "codings"} <= tables:
            raise ProjectCorrupt(f"{path.name} is damaged: project tables are missing.")
        conn.execute("SELECT count(*) FROM project").fetchone()
        if quick_check:
            # The header cannot be trusted while a log is pending; SQLite reads each page from
            # the log or the file, whichever is current, and finds any that is missing.
            found = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if found != "ok":
                raise ProjectCorrupt(f"{path.name} is damaged ({found}).")
    except sqlite3.Error as exc:
        raise _damaged(exc, path) from exc
    finally:
        conn.close()


def create_schema(conn: Connection) -> None:
    """Create every table of the current schema and stamp the file as an r2pcoder project."""
    # The models are loaded here, not with this module: checking a file before opening it
    # (check_file, check_header) needs nothing of SQLAlchemy.
    from r2pcoder import schema_merge  # noqa: F401, PLC0415 - registers the round-trip tables
    from r2pcoder.schema import Base  # noqa: PLC0415

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
    raw = engine.raw_connection()
    try:  # read outside a transaction, so that opening never waits for a writer
        current = int(raw.cursor().execute("PRAGMA user_version").fetchone()[0])
    finally:
        raw.close()
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
    remove_orphans(path.parent, _BACKUP_NAME.format(re.escape(path.name)))
    subject = f"Cannot back up {path.name} before upgrading it"
    try:
        part = PartFile(path.parent, dst_path.name)
    except OSError as exc:
        _raise_explained(exc, dst_path, subject)
        raise
    raw = engine.raw_connection()
    try:
        # The backup API copies committed pages including those still in the -wal file,
        # which a plain file copy of a WAL database can miss.
        dst = sqlite3.connect(part.path)
        try:
            dst.execute("PRAGMA journal_mode=OFF")  # a failed copy is deleted whole
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            source.backup(dst)
        finally:
            dst.close()
        os.replace(part.path, dst_path)
    except (sqlite3.Error, OSError) as exc:
        part.discard()
        _raise_explained(exc, dst_path, subject)
        raise
    except BaseException:
        part.discard()
        raise
    finally:
        part.close()
        raw.close()
    log.info("Backed up %s to %s before upgrading", path.name, dst_path.name)
    _prune_backups(path)
    return dst_path


def _raise_explained(exc: Exception, path: Path, subject: str) -> None:
    """Raise ``exc`` in plain words if it is a failure we recognise; else return."""
    error = explain(exc, path, subject=subject)
    if error is not None:
        raise error from exc


_BACKUP_NAME = r"{}\.schema\d+-\d{{8}}-\d{{6}}\.bak"


def _prune_backups(path: Path) -> None:
    """Keep the newest :data:`BACKUPS_KEPT` upgrade backups of ``path``; delete older ones."""
    pattern = re.compile(_BACKUP_NAME.format(re.escape(path.name)))
    try:
        found = sorted(
            (p for p in path.parent.iterdir() if pattern.fullmatch(p.name)),
            key=lambda p: (p.stat().st_mtime, p.name),
            reverse=True,
        )
        for old in found[BACKUPS_KEPT:]:
            old.unlink(missing_ok=True)
            log.info(
                "Deleted the old upgrade backup %s (the newest %d are kept)", old.name, BACKUPS_KEPT
            )
    except OSError:
        log.warning("Could not remove old upgrade backups of %s", path.name, exc_info=True)
