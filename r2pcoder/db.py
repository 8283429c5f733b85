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
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from r2pcoder.errors import ProjectCorrupt, ProjectError
from r2pcoder.migrations import MigrationResult, check_file, create_schema, migrate
from r2pcoder.schema import ProjectRow, new_uuid, utcnow

if TYPE_CHECKING:
    from r2pcoder.review.service import ReviewService

__all__ = ["Project", "ProjectInfo", "Role", "make_engine", "make_readonly_engine"]

log = logging.getLogger(__name__)

Role = Literal["master", "packet"]

_BUSY_TIMEOUT_MS = 10_000


def make_engine(path: Path) -> Engine:
    """An engine on ``path`` with foreign keys on, WAL, NORMAL sync and real transactions."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Turn off the driver's implicit transactions so that SQLAlchemy's BEGIN is the only
        # one: DDL, migrations and savepoints then are truly transactional.
        dbapi_conn.isolation_level = None
        for pragma in (
            "foreign_keys=ON",
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"busy_timeout={_BUSY_TIMEOUT_MS}",
        ):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def make_readonly_engine(path: Path) -> Engine:
    """An engine that can only read ``path`` (used for packets being merged or previewed)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
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
        check_file(self.path)
        self._engine = make_engine(self.path)
        try:
            self.migration: MigrationResult = migrate(self._engine, self.path)
        except DatabaseError as exc:
            self._engine.dispose()
            raise ProjectCorrupt(f"{self.path.name} is damaged ({exc.orig}).") from exc
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._attach_services()
        self.info = self._read_info()

    def _attach_services(self) -> None:
        # Imported here: the services import Project for typing only, and keeping the imports
        # local avoids an import cycle at module load.
        from r2pcoder.codebook_store import CodebookService  # noqa: PLC0415
        from r2pcoder.coders import CoderService  # noqa: PLC0415
        from r2pcoder.coding import CodingService  # noqa: PLC0415
        from r2pcoder.documents import DocumentService  # noqa: PLC0415
        from r2pcoder.memos import MemoService  # noqa: PLC0415

        self.coders = CoderService(self)
        self.documents = DocumentService(self)
        self.codebook = CodebookService(self)
        self.codings = CodingService(self)
        self.memos = MemoService(self)

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
        except Exception:
            engine.dispose()
            path.unlink(missing_ok=True)
            raise
        engine.dispose()
        return cls(path)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    @property
    def engine(self) -> Engine:
        """The engine, for core modules that need bulk SQL (merge, benchmarks)."""
        return self._engine

    def _read_info(self) -> ProjectInfo:
        with self.unit_of_work() as s:
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

    def backup(self, destination: Path) -> None:
        """Copy the whole project, consistently, to ``destination`` with the SQLite backup API."""
        raw = self._engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            dst = sqlite3.connect(destination)
            try:
                source.backup(dst)
            finally:
                dst.close()
        finally:
            raw.close()

    def integrity_ok(self) -> bool:
        """True when ``PRAGMA integrity_check`` finds nothing wrong."""
        with self._engine.connect() as conn:
            return bool(conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok")

    def close(self) -> None:
        """Release the file: checkpoint the WAL into it and dispose of the engine."""
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except DatabaseError:
            log.warning("Could not checkpoint %s on close", self.path.name, exc_info=True)
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
