"""Coders: the people whose codings a project holds, each identified by a UUID.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.errors import R2pError, UnknownEntity
from r2pcoder.models import CoderRef
from r2pcoder.schema import CoderRow, new_uuid, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "Coder",
    "CoderRef",
    "CoderService",
    "clean_coder_name",
    "coder_row",
    "insert_coder",
]

_MAX_NAME = 200


Coder = CoderRef
"""The coder read model under the name the window knows it by (the same type)."""


def _coder(row: CoderRow) -> CoderRef:
    return CoderRef(id=row.id, uuid=row.uuid, name=row.name)


def clean_coder_name(name: str) -> str:
    """A coder's name with its white space tidied, or :class:`R2pError` if it is unusable."""
    clean = " ".join(name.split())
    if not clean:
        raise R2pError("A coder needs a name.")
    if len(clean) > _MAX_NAME:
        raise R2pError(f"A coder's name can have at most {_MAX_NAME} characters.")
    return clean


def coder_row(session: Session, coder_id: int) -> CoderRow:
    """The coder row with ``coder_id``, or :class:`UnknownEntity`."""
    row = session.get(CoderRow, coder_id)
    if row is None:
        raise UnknownEntity(f"There is no coder with id {coder_id} in this project.")
    return row


def insert_coder(session: Session, name: str, *, uuid: str | None = None) -> CoderRow:
    """Add a coder row inside ``session`` (never commits); the name is checked and tidied."""
    row = CoderRow(uuid=uuid or new_uuid(), name=clean_coder_name(name), created_at=utcnow())
    session.add(row)
    session.flush()
    return row


class CoderService:
    """Add, rename and look up coders."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def add(self, name: str, *, uuid: str | None = None) -> CoderRef:
        """Add a coder called ``name`` (names need not be unique; identity is the UUID)."""
        with self._project.unit_of_work() as s:
            return _coder(insert_coder(s, name, uuid=uuid))

    def rename(self, coder_id: int, name: str) -> CoderRef:
        """Give a coder a new display name."""
        clean = clean_coder_name(name)
        with self._project.unit_of_work() as s:
            row = coder_row(s, coder_id)
            row.name = clean
            return _coder(row)

    def list(self) -> list[CoderRef]:
        """Every coder, in the order they were added."""
        with self._project.reading() as s:
            return [_coder(r) for r in s.scalars(select(CoderRow).order_by(CoderRow.id))]

    def get(self, coder_id: int) -> CoderRef:
        """The coder with ``coder_id``."""
        with self._project.reading() as s:
            return _coder(coder_row(s, coder_id))

    def find(self, name_or_uuid: str) -> CoderRef:
        """The coder with this UUID, or the only coder with this name (case-insensitive)."""
        wanted = name_or_uuid.strip()
        with self._project.reading() as s:
            rows = list(s.scalars(select(CoderRow)))
        by_uuid = [r for r in rows if r.uuid == wanted]
        by_name = [r for r in rows if r.name.casefold() == wanted.casefold()]
        match = by_uuid or by_name
        if not match:
            raise UnknownEntity(f"There is no coder called {wanted!r} in this project.")
        if len(match) > 1:
            raise UnknownEntity(f"Several coders are called {wanted!r}; use their UUID instead.")
        return _coder(match[0])
