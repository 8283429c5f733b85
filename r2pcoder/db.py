"""The project file: engine set-up (pragmas) and :class:`Project`, the single owner of the database.

``Project`` owns the engine and the sessionmaker, hands out units of work (one transaction per
user intent, committed at once: there is no Save) and hangs the services off itself:
``project.documents``, ``project.codings``, ``project.codebook``, ``project.coders``,
``project.memos``. There is no module-level engine or session. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event, insert, select
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

from r2pcoder.errors import ProjectCorrupt, ProjectError, ReadOnly
from r2pcoder.failures import diagnose, explain, write_problem
from r2pcoder.migrations import (
    SCHEMA_VERSION,
    MigrationResult,
    check_file,
    create_schema,
    migrate,
    readonly_uri,
)
from r2pcoder.schema import ProjectRow, new_uuid, utcnow

if TYPE_CHECKING:
    from r2pcoder.codebook.store import CodebookService
    from r2pcoder.coders import CoderService
    from r2pcoder.coding import CodingService
    from r2pcoder.documents import DocumentService
    from r2pcoder.memos import MemoService
    from r2pcoder.review.service import ReviewService

__all__ = ["Project", "ProjectInfo", "Role", "make_engine", "make_readonly_engine"]

log = logging.getLogger(__name__)

Role = Literal["master", "packet"]

_BUSY_TIMEOUT_MS = 10_000
_READ = "r2p_read"
"""Execution option marking a read-only intent: its transactions never take the write lock."""


def make_engine(path: Path, *, read_only: str | None = None) -> Engine:
    """An engine on ``path`` with foreign keys on, WAL, NORMAL sync and real transactions.

    A transaction takes SQLite's write lock when it begins (``BEGIN IMMEDIATE``), unless the
    connection carries the read-only option (:meth:`Project.reading`). A deferred transaction
    that reads first and then writes cannot wait for another writer: SQLite refuses it at once
    ("database is locked", https://www.sqlite.org/lang_transaction.html), so the busy timeout
    would never apply. SQLite errors are turned into plain-words errors as they happen
    (:func:`r2pcoder.failures.explain`).

    Args:
        path: the project file.
        read_only: why the file cannot be written (e.g. "the folder is read-only"), to open it
            read-only without creating journal files beside it; None to open it for writing.
    """
    if read_only is None:
        engine = create_engine(f"sqlite:///{path}")
    else:
        uri = readonly_uri(path)
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
            poolclass=QueuePool,
        )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Turn off the driver's implicit transactions so that SQLAlchemy's BEGIN is the only
        # one: DDL, migrations and savepoints then are truly transactional.
        dbapi_conn.isolation_level = None
        pragmas = ["foreign_keys=ON", f"busy_timeout={_BUSY_TIMEOUT_MS}"]
        if read_only is None:
            pragmas += ["journal_mode=WAL", "synchronous=NORMAL"]
        for pragma in pragmas:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        reading = read_only is not None or conn.get_execution_options().get(_READ, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "handle_error")
    def _explain(context: ExceptionContext) -> None:
        error = explain(context.original_exception, path)
        if error is not None:
            raise error from context.original_exception

    return engine


def make_readonly_engine(path: Path) -> Engine:
    """An engine that can only read ``path`` (used for packets being merged or previewed).

    No journal files are created beside a packet that has none (see
    :func:`r2pcoder.migrations.readonly_uri`).
    """
    uri = readonly_uri(path)
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")

    return engine


@dataclass(frozen=True)
class ProjectInfo:
    """Identity and header of a project file."""

    uuid: str
    role: Role
    name: str
    created_at: datetime
    packet_coder_uuid: str | None
    blind: bool
    codebook_id: str
    codebook_name: str
    codebook_version: str
    stances_ordinal: bool
    settings: dict[str, Any]


class Project:
    """One open project file; sole owner of its engine. Use as a context manager or ``close()``.

    Opening checks the file without writing to it (see :func:`r2pcoder.migrations.check_file`),
    then upgrades it if it is older, after a backup.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        check = check_file(self.path)
        # Why the project can only be read ("the folder is read-only"...), or None.
        self.read_only: str | None = write_problem(self.path)
        if self.read_only is not None and check.user_version < SCHEMA_VERSION:
            raise ReadOnly(
                f"{self.path.name}: it must be upgraded to schema {SCHEMA_VERSION} before use, "
                f"but {self.read_only}; make it writable, or copy it to a folder you can write to."
            )
        self._engine = make_engine(self.path, read_only=self.read_only)
        try:
            self.migration: MigrationResult = migrate(self._engine, self.path)
            self._sessions = sessionmaker(self._engine, expire_on_commit=False)
            self._read_sessions = sessionmaker(
                self._engine.execution_options(**{_READ: True}), expire_on_commit=False
            )
            self.info = self._read_info()
        except DatabaseError as exc:
            self._engine.dispose()
            raise ProjectCorrupt(f"{self.path.name} is damaged ({exc.orig}).") from exc
        except BaseException:
            self._engine.dispose()
            raise

    # The services are made on first use, each importing its module then: a command that only
    # merges or reads the project header loads none of them.
    @cached_property
    def coders(self) -> CoderService:
        """Coders: add, rename, list, find."""
        from r2pcoder.coders import CoderService  # noqa: PLC0415 - see above

        return CoderService(self)

    @cached_property
    def documents(self) -> DocumentService:
        """Statements: add, list, read, describe, remove, mark done."""
        from r2pcoder.documents import DocumentService  # noqa: PLC0415 - see above

        return DocumentService(self)

    @cached_property
    def codebook(self) -> CodebookService:
        """The project's codebook: load, revise, list themes and stances."""
        from r2pcoder.codebook.store import CodebookService  # noqa: PLC0415 - see above

        return CodebookService(self)

    @cached_property
    def codings(self) -> CodingService:
        """Codings: apply, discard, restore, recode, list, count."""
        from r2pcoder.coding import CodingService  # noqa: PLC0415 - see above

        return CodingService(self)

    @cached_property
    def memos(self) -> MemoService:
        """Memos on statements and themes."""
        from r2pcoder.memos import MemoService  # noqa: PLC0415 - see above

        return MemoService(self)

    @cached_property
    def review(self) -> ReviewService:
        """Review and adjudication (the gold layer); loaded on first use, not at start-up."""
        from r2pcoder.review.service import ReviewService  # noqa: PLC0415 - see above

        return ReviewService(self)

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        name: str = "",
        role: Role = "master",
        project_uuid: str | None = None,
        packet_coder_uuid: str | None = None,
    ) -> Project:
        """Create a new, empty project file at ``path`` (which must not exist) and open it."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path.name} already exists; choose another name.")
        problem = write_problem(path)
        if problem is not None:
            raise ReadOnly(
                f"Cannot create {path.name}: {problem}; choose a folder you can write to."
            )
        engine = make_engine(path)
        try:
            with engine.begin() as conn:
                create_schema(conn)
                conn.execute(
                    insert(ProjectRow).values(
                        id=1,
                        uuid=project_uuid or new_uuid(),
                        role=role,
                        name=name or path.stem,
                        created_at=utcnow(),
                        packet_coder_uuid=packet_coder_uuid,
                        blind=False,
                        settings={},
                    )
                )
        except BaseException:
            engine.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
        engine.dispose()
        return cls(path)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        It takes the project's write lock at once, waiting up to the busy timeout for another
        writer to finish (:func:`make_engine`); use :meth:`reading` for long reads.
        """
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One consistent snapshot for reading only; it never takes or waits for the write lock.

        Long reads (exports, agreement) use it so that coders' writes do not wait for them.
        """
        with self._read_sessions.begin() as session:
            yield session

    @property
    def engine(self) -> Engine:
        """The engine, for core modules that need bulk SQL (merge, benchmarks)."""
        return self._engine

    def _read_info(self) -> ProjectInfo:
        with self.reading() as s:
            row = s.scalars(select(ProjectRow)).one_or_none()
            if row is None:
                raise ProjectCorrupt(f"{self.path.name} is damaged: its project record is missing.")
            return ProjectInfo(
                uuid=row.uuid,
                role="packet" if row.role == "packet" else "master",
                name=row.name,
                created_at=row.created_at,
                packet_coder_uuid=row.packet_coder_uuid,
                blind=row.blind,
                codebook_id=row.codebook_id,
                codebook_name=row.codebook_name,
                codebook_version=row.codebook_version,
                stances_ordinal=row.stances_ordinal,
                settings=dict(row.settings),
            )

    def refresh_info(self) -> ProjectInfo:
        """Re-read the project header after a change (codebook load, packet settings)."""
        self.info = self._read_info()
        return self.info

    def backup(self, destination: Path, *, label: str | None = None) -> None:
        """Copy the whole project, consistently, to ``destination`` with the SQLite backup API.

        On failure (a full disk, a read-only folder) nothing is left at ``destination`` and the
        error says why in plain words, calling the backup ``label`` (by default its file name;
        a caller that writes under a temporary name gives the final one).
        """
        destination = Path(destination)
        raw = self._engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            try:
                dst = sqlite3.connect(destination)
                try:
                    source.backup(dst)
                finally:
                    dst.close()
            except (sqlite3.Error, OSError) as exc:
                for suffix in ("", "-journal", "-wal", "-shm"):
                    Path(f"{destination}{suffix}").unlink(missing_ok=True)
                subject = f"Cannot write the backup {label or destination.name}"
                error = explain(exc, destination, subject=subject)
                if error is None:
                    raise
                raise error from exc
        finally:
            raw.close()

    def integrity_ok(self) -> bool:
        """True when ``PRAGMA integrity_check`` finds nothing wrong."""
        with self._engine.execution_options(**{_READ: True}).connect() as conn:
            return bool(conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok")

    def close(self) -> None:
        """Release the file: checkpoint the WAL into it and dispose of the engine.

        A checkpoint that fails (a full disk, another reader) leaves the committed work in the
        WAL, where SQLite finds it on the next opening.
        """
        if self.read_only is None:
            try:
                raw = self._engine.raw_connection()
                try:
                    conn = raw.driver_connection
                    assert isinstance(conn, sqlite3.Connection)
                    # Outside any transaction: a checkpoint cannot run inside one.
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    raw.close()
            except (sqlite3.Error, OSError) as exc:
                failure = diagnose(exc, self.path)
                log.warning(
                    "%s: the write-ahead log could not be copied into the file (%s); it stays "
                    "beside it, and SQLite reads it at the next opening",
                    self.path.name,
                    failure.reason if failure else exc,
                )
                log.debug("Checkpoint of %s failed", self.path.name, exc_info=True)
        self._engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
