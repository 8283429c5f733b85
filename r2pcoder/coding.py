"""CodingService: apply, discard, restore and recode codings, one transaction per call.

Each method is one user intent and commits at once. ``apply``/``discard`` and
``discard``/``restore`` are inverse pairs (the undo stack relies on that): a restored coding keeps
its UUID and timestamps. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from r2pcoder.errors import CodingRefused, UnknownEntity
from r2pcoder.layer_guard import LOCKED, check_layer_editable, refuse_locked
from r2pcoder.schema import CoderRow, CodingRow, DocumentRow, StanceRow, ThemeRow, new_uuid, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["Coding", "CodingRequest", "CodingService"]

_UNSET = object()


@dataclass(frozen=True)
class CodingRequest:
    """What a coder asks for: this span of this document, with this theme and stance."""

    document_id: int
    coder_id: int
    theme_id: int
    start: int
    end: int
    stance_id: int | None = None
    memo: str = ""


@dataclass(frozen=True)
class Coding:
    """A stored coding; also the snapshot that :meth:`CodingService.restore` takes back."""

    id: int
    uuid: str
    document_id: int
    coder_id: int
    theme_id: int
    stance_id: int | None
    start: int
    end: int
    memo: str
    created_at: datetime
    modified_at: datetime


def to_coding(row: CodingRow) -> Coding:
    """The frozen view of a coding row (rows never leave a session)."""
    return Coding(
        id=row.id,
        uuid=row.uuid,
        document_id=row.document_id,
        coder_id=row.coder_id,
        theme_id=row.theme_id,
        stance_id=row.stance_id,
        start=row.start,
        end=row.end,
        memo=row.memo,
        created_at=row.created_at,
        modified_at=row.modified_at,
    )


def _scalar(column: Any, key: Any, param: str) -> Any:
    return select(column).where(key == bindparam(param)).scalar_subquery()


# Built once: constructing statements per call cost as much as running them. One round trip
# checks every reference a coding makes (never loading the document's text just for a span).
_LOOKUP = select(
    _scalar(DocumentRow.length, DocumentRow.id, "document").label("length"),
    _scalar(DocumentRow.title, DocumentRow.id, "document").label("title"),
    _scalar(ThemeRow.name, ThemeRow.id, "theme").label("theme"),
    _scalar(ThemeRow.retired, ThemeRow.id, "theme").label("theme_retired"),
    _scalar(StanceRow.name, StanceRow.id, "stance").label("stance"),
    _scalar(StanceRow.retired, StanceRow.id, "stance").label("stance_retired"),
    _scalar(CoderRow.id, CoderRow.id, "coder").label("coder"),
    # Whether the coder's layer belongs to their packets (see layer_guard), in the same trip.
    LOCKED.scalar_subquery().label("locked"),
)
_INSERT = insert(CodingRow).returning(CodingRow.id)


def _lookup(session: Session, document_id: int, theme_id: int | None, stance_id: int | None,
            coder_id: int | None) -> Any:  # fmt: skip
    params = {"document": document_id, "theme": theme_id, "stance": stance_id, "coder": coder_id}
    return session.execute(_LOOKUP, params).one()


def _check(
    session: Session,
    document_id: int,
    span: tuple[int, int] | None = None,
    *,
    theme_id: int | None = None,
    stance_id: int | None = None,
    coder_id: int | None = None,
) -> None:
    """Refuse a coding whose span or references are wrong, with the reason in plain words."""
    found = _lookup(session, document_id, theme_id, stance_id, coder_id)
    if found.length is None:
        raise UnknownEntity(f"There is no document with id {document_id} in this project.")
    if coder_id is not None and found.coder is None:
        raise UnknownEntity(f"There is no coder with id {coder_id} in this project.")
    if coder_id is not None and found.locked is not None:
        refuse_locked(found.locked)
    if theme_id is not None and found.theme is None:
        raise UnknownEntity(f"There is no theme with id {theme_id} in this project's codebook.")
    if found.theme_retired:
        raise CodingRefused(f"Theme {found.theme!r} is no longer in the codebook; pick another.")
    if stance_id is not None and found.stance is None:
        raise UnknownEntity(f"There is no stance with id {stance_id} in this project's codebook.")
    if found.stance_retired:
        raise CodingRefused(f"Stance {found.stance!r} is no longer in the codebook; pick another.")
    if span is not None:
        _check_span(span, found.length, found.title)


def _check_span(span: tuple[int, int], length: int, title: str) -> None:
    start, end = span
    if start >= end:
        raise CodingRefused(
            f"A coding must cover at least one character (start {start}, end {end})."
        )
    if start < 0 or end > length:
        raise CodingRefused(
            f"The span {start}-{end} lies outside the statement {title!r} (0-{length})."
        )


def _row_by_uuid(session: Session, uuid: str) -> CodingRow:
    row = session.scalars(select(CodingRow).where(CodingRow.uuid == uuid)).one_or_none()
    if row is None:
        raise UnknownEntity(f"There is no coding {uuid} in this project (was it deleted?).")
    return row


class CodingService:
    """Every change to codings goes through here; each call is one committed transaction."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def apply(self, request: CodingRequest) -> Coding:
        """Store a new coding, after checking the span, theme, stance, coder and document."""
        with self._project.unit_of_work() as s:
            _check(s, request.document_id, (request.start, request.end),
                   theme_id=request.theme_id, stance_id=request.stance_id,
                   coder_id=request.coder_id)  # fmt: skip
            now = utcnow()
            coding = Coding(
                id=0, uuid=new_uuid(), document_id=request.document_id,
                coder_id=request.coder_id, theme_id=request.theme_id,
                stance_id=request.stance_id, start=request.start, end=request.end,
                memo=request.memo, created_at=now, modified_at=now,
            )  # fmt: skip
            values = {k: v for k, v in vars(coding).items() if k != "id"}
            # A Core insert: the ORM unit-of-work machinery would double the cost of a coding.
            return replace(coding, id=s.execute(_INSERT, values).scalar_one())

    def discard(self, uuid: str) -> Coding:
        """Delete a coding; returns the snapshot that :meth:`restore` brings back."""
        with self._project.unit_of_work() as s:
            row = _row_by_uuid(s, uuid)
            check_layer_editable(s, row.coder_id)
            snapshot = to_coding(row)
            s.delete(row)
            return snapshot

    def restore(self, snapshot: Coding) -> Coding:
        """Bring back a discarded coding exactly as it was (same UUID, span, times)."""
        with self._project.unit_of_work() as s:
            if s.scalars(select(CodingRow.id).where(CodingRow.uuid == snapshot.uuid)).first():
                raise CodingRefused("That coding still exists; there is nothing to restore.")
            _check(s, snapshot.document_id, (snapshot.start, snapshot.end),
                   coder_id=snapshot.coder_id)  # fmt: skip
            if s.get(ThemeRow, snapshot.theme_id) is None:
                raise UnknownEntity("The coding's theme is gone from the codebook.")
            row = CodingRow(**{k: v for k, v in vars(snapshot).items() if k != "id"})
            s.add(row)
            s.flush()
            return to_coding(row)

    def recode(
        self,
        uuid: str,
        *,
        theme_id: int | None = None,
        stance_id: int | object | None = _UNSET,
        memo: str | None = None,
        span: tuple[int, int] | None = None,
    ) -> tuple[Coding, Coding]:
        """Change a coding's theme, stance (``None`` clears it), memo or span.

        Returns ``(before, after)``; recoding with ``before``'s values undoes the change.
        """
        with self._project.unit_of_work() as s:
            row = _row_by_uuid(s, uuid)
            check_layer_editable(s, row.coder_id)
            before = to_coding(row)
            new_theme = theme_id if theme_id not in (None, row.theme_id) else None
            new_stance = stance_id if isinstance(stance_id, int) else None
            _check(s, row.document_id, span, theme_id=new_theme, stance_id=new_stance)
            if new_theme is not None:
                row.theme_id = new_theme
            if stance_id is not _UNSET:
                row.stance_id = new_stance
            if memo is not None:
                row.memo = memo
            if span is not None:
                row.start, row.end = span
            if to_coding(row) != before:
                row.modified_at = utcnow()
            return before, to_coding(row)

    def revert(self, before: Coding) -> Coding:
        """Put a recoded coding back to ``before`` (the inverse of :meth:`recode`)."""
        with self._project.unit_of_work() as s:
            row = _row_by_uuid(s, before.uuid)
            check_layer_editable(s, row.coder_id)
            _check(s, before.document_id, (before.start, before.end))
            for name, value in vars(before).items():
                if name not in ("id", "uuid", "created_at"):
                    setattr(row, name, value)
            return to_coding(row)

    def get(self, uuid: str) -> Coding:
        """One coding by UUID."""
        with self._project.unit_of_work() as s:
            return to_coding(_row_by_uuid(s, uuid))

    def for_document(self, document_id: int, coder_id: int | None = None) -> list[Coding]:
        """A statement's codings (of one coder, or all), ordered by position."""
        stmt = select(CodingRow).where(CodingRow.document_id == document_id)
        if coder_id is not None:
            stmt = stmt.where(CodingRow.coder_id == coder_id)
        stmt = stmt.order_by(CodingRow.start, CodingRow.end, CodingRow.id)
        with self._project.unit_of_work() as s:
            return [to_coding(r) for r in s.scalars(stmt)]

    def count(self, coder_id: int | None = None) -> int:
        """How many codings the project holds (of one coder, or all)."""
        stmt = select(func.count()).select_from(CodingRow)
        if coder_id is not None:
            stmt = stmt.where(CodingRow.coder_id == coder_id)
        with self._project.unit_of_work() as s:
            return int(s.scalar(stmt) or 0)
