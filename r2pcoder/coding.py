"""CodingService: apply, discard, restore and recode codings, one transaction per call.

Each method is one user intent and commits at once. ``apply``/``discard`` and
``discard``/``restore`` are inverse pairs (the undo stack relies on that): a restored coding keeps
its UUID and timestamps. The values it takes and returns (:class:`CodingRequest`,
:class:`Coding`) are the read models of :mod:`r2pcoder.models`. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from r2pcoder.errors import CodingRefused, UnknownEntity
from r2pcoder.layer_guard import LOCKED, check_layer_editable, refuse_locked
from r2pcoder.models import Coding, CodingRequest, ListedCoding
from r2pcoder.progress import CancelCheck, ProgressFn, Throttled, check_cancelled
from r2pcoder.schema import CoderRow, CodingRow, DocumentRow, StanceRow, ThemeRow, new_uuid, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "BatchResult",
    "Coding",
    "CodingRequest",
    "CodingService",
    "ListedCoding",
    "refuse_duplicate",
]

_UNSET = object()


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
    _scalar(CoderRow.uuid, CoderRow.id, "coder").label("coder"),
    # Whether the coder's layer belongs to their packets (see layer_guard), in the same trip.
    LOCKED.scalar_subquery().label("locked"),
)
_INSERT = insert(CodingRow).returning(CodingRow.id)
# An identical coding: same statement, coder, theme, stance (NULL-safe: SQLite's IS) and span.
# The (document, coder, start) index finds it at once.
_TWIN = (
    select(CodingRow.uuid, CoderRow.name, ThemeRow.name, StanceRow.name, DocumentRow.title)
    .join(CoderRow, CoderRow.id == CodingRow.coder_id)
    .join(ThemeRow, ThemeRow.id == CodingRow.theme_id)
    .join(DocumentRow, DocumentRow.id == CodingRow.document_id)
    .outerjoin(StanceRow, StanceRow.id == CodingRow.stance_id)
    .where(
        CodingRow.document_id == bindparam("document"),
        CodingRow.coder_id == bindparam("coder"),
        CodingRow.start == bindparam("start"),
        CodingRow.end == bindparam("end"),
        CodingRow.theme_id == bindparam("theme"),
        CodingRow.stance_id.is_not_distinct_from(bindparam("stance")),
        CodingRow.uuid != bindparam("self"),
    )
    .limit(1)
)


# Everything a list shows of a coding, in one joined query: corpus order, then position.
_LISTING = (
    select(
        CodingRow.uuid,
        CodingRow.document_id,
        DocumentRow.uuid,
        DocumentRow.title,
        CodingRow.coder_id,
        CoderRow.name,
        CoderRow.uuid,
        ThemeRow.key,
        StanceRow.key,
        CodingRow.start,
        CodingRow.end,
        CodingRow.memo,
    )
    .join(DocumentRow, DocumentRow.id == CodingRow.document_id)
    .join(CoderRow, CoderRow.id == CodingRow.coder_id)
    .join(ThemeRow, ThemeRow.id == CodingRow.theme_id)
    .outerjoin(StanceRow, StanceRow.id == CodingRow.stance_id)
    .order_by(DocumentRow.position, DocumentRow.id, CodingRow.start, CodingRow.end, CodingRow.id)
)
_TEXT = select(DocumentRow.text).where(DocumentRow.id == bindparam("document"))
_STREAMED = 2_000


def _lookup(
    session: Session,
    document_id: int,
    theme_id: int | None,
    stance_id: int | None,
    coder_id: int | None,
) -> Any:
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
    packet_coder: str | None = None,
) -> None:
    """Refuse a coding whose span or references are wrong, with the reason in plain words."""
    found = _lookup(session, document_id, theme_id, stance_id, coder_id)
    if found.length is None:
        raise UnknownEntity(f"There is no document with id {document_id} in this project.")
    if coder_id is not None and found.coder is None:
        raise UnknownEntity(f"There is no coder with id {coder_id} in this project.")
    if packet_coder is not None and coder_id is not None and found.coder != packet_coder:
        _refuse_other_coder(session, packet_coder)
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


def refuse_duplicate(session: Session, coding: CodingRequest | Coding, uuid: str = "") -> None:
    """Refuse a coding identical to a stored one of the same coder (other than ``uuid``).

    Identical means the same statement, coder, theme, stance and span: a second copy adds
    nothing but would be counted twice wherever codings are counted.
    """
    params = {
        "document": coding.document_id,
        "coder": coding.coder_id,
        "theme": coding.theme_id,
        "stance": coding.stance_id,
        "start": coding.start,
        "end": coding.end,
        "self": uuid,
    }
    twin = session.execute(_TWIN, params).first()
    if twin is None:
        return
    existing, coder, theme, stance, title = twin
    with_stance = f" ({stance})" if stance else " (no stance)"
    raise CodingRefused(
        f"{coder} already coded {coding.start}-{coding.end} of {title!r} as {theme}"
        f"{with_stance} (coding {existing}); an identical coding is not stored twice."
    )


def _insert_checked(
    session: Session, request: CodingRequest, packet_coder: str | None = None
) -> Coding:
    """Insert one new coding after every check a new coding must pass. Never commits.

    ``packet_coder``: in a packet, the UUID of its coder, the only one who may code there.
    """
    _check(
        session,
        request.document_id,
        (request.start, request.end),
        theme_id=request.theme_id,
        stance_id=request.stance_id,
        coder_id=request.coder_id,
        packet_coder=packet_coder,
    )
    refuse_duplicate(session, request)
    now = utcnow()
    coding = Coding(
        id=0,
        uuid=new_uuid(),
        document_id=request.document_id,
        coder_id=request.coder_id,
        theme_id=request.theme_id,
        stance_id=request.stance_id,
        start=request.start,
        end=request.end,
        memo=request.memo,
        created_at=now,
        modified_at=now,
    )
    values = {k: v for k, v in vars(coding).items() if k != "id"}
    # A Core insert: the ORM unit-of-work machinery would double the cost of a coding.
    return replace(coding, id=session.execute(_INSERT, values).scalar_one())


@dataclass(frozen=True)
class BatchResult:
    """What :meth:`CodingService.apply_many` did, by index of the request.

    Attributes:
        applied: (index, stored coding) of every request that passed its checks.
        refused: (index, reason) of every other request.
        dry_run: True when nothing was kept.
    """

    applied: tuple[tuple[int, Coding], ...]
    refused: tuple[tuple[int, str], ...]
    dry_run: bool = False


def _refuse_other_coder(session: Session, packet_coder: str) -> None:
    name = session.scalar(select(CoderRow.name).where(CoderRow.uuid == packet_coder))
    raise CodingRefused(
        f"This is {name}'s packet: only {name} codes in it (work under another coder's name "
        "would not be merged)."
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

    @property
    def _packet_coder(self) -> str | None:
        """In a packet, the UUID of its coder: nobody else may code in it."""
        info = self._project.info
        return info.packet_coder_uuid if info.role == "packet" else None

    def _may_change(self, session: Session, coder_id: int) -> None:
        """Refuse to touch another coder's coding in a packet, or a packets-owned layer in a master.

        Raises:
            CodingRefused: in a packet, the coding is not the packet coder's.
            LayerLocked: in a master, the coder's layer comes from their packets (see review).
        """
        packet_coder = self._packet_coder
        if packet_coder is not None:
            uuid = session.scalar(select(CoderRow.uuid).where(CoderRow.id == coder_id))
            if uuid != packet_coder:
                _refuse_other_coder(session, packet_coder)
        check_layer_editable(session, coder_id)

    def apply(self, request: CodingRequest) -> Coding:
        """Store a new coding, after checking the span, theme, stance, coder and document.

        In a packet, only the packet's coder may code (:class:`CodingRefused` otherwise).
        """
        with self._project.unit_of_work() as s:
            return _insert_checked(s, request, self._packet_coder)

    def apply_many(
        self,
        requests: Sequence[CodingRequest],
        *,
        dry_run: bool = False,
        progress: ProgressFn | None = None,
        cancelled: CancelCheck | None = None,
    ) -> BatchResult:
        """Store many codings in one transaction, each checked exactly as :meth:`apply` checks.

        A refused request does not stop the others: it is listed with its reason, and a
        request identical to an earlier one of the batch is refused as a duplicate. With
        ``dry_run`` every request is checked and nothing is kept.

        Raises:
            Cancelled: ``cancelled`` returned True; nothing was kept.
        """
        applied: list[tuple[int, Coding]] = []
        refused: list[tuple[int, str]] = []
        report = Throttled(progress)
        with self._project.unit_of_work() as s:
            point = s.begin_nested()
            for i, request in enumerate(requests):
                check_cancelled(cancelled)
                try:
                    applied.append((i, _insert_checked(s, request, self._packet_coder)))
                except (CodingRefused, UnknownEntity) as exc:
                    refused.append((i, str(exc)))
                report((i + 1) / len(requests))
            if dry_run:
                point.rollback()
            else:
                point.commit()
        return BatchResult(tuple(applied), tuple(refused), dry_run)

    def discard(self, uuid: str) -> Coding:
        """Delete a coding; returns the snapshot that :meth:`restore` brings back."""
        return self.discard_many([uuid])[0]

    def discard_many(self, uuids: Sequence[str]) -> list[Coding]:
        """Delete several codings in one transaction; all or none (an unknown UUID stops it)."""
        with self._project.unit_of_work() as s:
            snapshots = []
            for uuid in uuids:
                row = _row_by_uuid(s, uuid)
                self._may_change(s, row.coder_id)
                snapshots.append(to_coding(row))
                s.delete(row)
            return snapshots

    def restore(self, snapshot: Coding) -> Coding:
        """Bring back a discarded coding exactly as it was (same UUID, span, times)."""
        return self.restore_many([snapshot])[0]

    def restore_many(self, snapshots: Sequence[Coding]) -> list[Coding]:
        """Bring back discarded codings exactly, in one transaction; all or none.

        The inverse of :meth:`discard_many`; each is checked as :meth:`apply` checks a new one.
        """
        with self._project.unit_of_work() as s:
            return [self._restore_one(s, snapshot) for snapshot in snapshots]

    def _restore_one(self, s: Session, snapshot: Coding) -> Coding:
        if s.scalars(select(CodingRow.id).where(CodingRow.uuid == snapshot.uuid)).first():
            raise CodingRefused("That coding still exists; there is nothing to restore.")
        _check(
            s,
            snapshot.document_id,
            (snapshot.start, snapshot.end),
            coder_id=snapshot.coder_id,
            packet_coder=self._packet_coder,
        )
        if s.get(ThemeRow, snapshot.theme_id) is None:
            raise UnknownEntity("The coding's theme is gone from the codebook.")
        refuse_duplicate(s, snapshot)
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
            self._may_change(s, row.coder_id)
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
            after = to_coding(row)
            if after != before:
                refuse_duplicate(s, after, after.uuid)
                row.modified_at = utcnow()
            return before, to_coding(row)

    def revert(self, before: Coding) -> Coding:
        """Put a recoded coding back to ``before`` (the inverse of :meth:`recode`)."""
        with self._project.unit_of_work() as s:
            row = _row_by_uuid(s, before.uuid)
            self._may_change(s, row.coder_id)
            _check(s, before.document_id, (before.start, before.end))
            refuse_duplicate(s, before, before.uuid)
            for name, value in vars(before).items():
                if name not in ("id", "uuid", "created_at"):
                    setattr(row, name, value)
            return to_coding(row)

    def get(self, uuid: str) -> Coding:
        """One coding by UUID."""
        with self._project.reading() as s:
            return to_coding(_row_by_uuid(s, uuid))

    def for_document(self, document_id: int, coder_id: int | None = None) -> list[Coding]:
        """A statement's codings (of one coder, or all), ordered by position."""
        stmt = select(CodingRow).where(CodingRow.document_id == document_id)
        if coder_id is not None:
            stmt = stmt.where(CodingRow.coder_id == coder_id)
        stmt = stmt.order_by(CodingRow.start, CodingRow.end, CodingRow.id)
        with self._project.reading() as s:
            return [to_coding(r) for r in s.scalars(stmt)]

    def listing(
        self,
        *,
        coder_id: int | None = None,
        document_id: int | None = None,
        uuid: str | None = None,
    ) -> Iterator[ListedCoding]:
        """Codings with all a list shows, in corpus order and by position, as a stream.

        One joined query, read as it is consumed; each statement's text is read once, for the
        quotes of its codings. Filters: one coder, one statement, one coding. The read snapshot
        stays open until the iteration ends (or the iterator is closed).
        """
        stmt = _LISTING
        if coder_id is not None:
            stmt = stmt.where(CodingRow.coder_id == coder_id)
        if document_id is not None:
            stmt = stmt.where(CodingRow.document_id == document_id)
        if uuid is not None:
            stmt = stmt.where(CodingRow.uuid == uuid)
        with self._project.reading() as s:
            conn = s.connection()  # Core rows: no ORM loading for plain columns
            document, text = None, ""
            for row in conn.execute(stmt).yield_per(_STREAMED):
                uuid_, doc, doc_uuid, title, coder, name, coder_uuid, theme, stance = row[:9]
                start, end, memo = row[9:]
                if doc != document:
                    document, text = doc, conn.execute(_TEXT, {"document": doc}).scalar() or ""
                yield ListedCoding(
                    uuid_,
                    doc,
                    doc_uuid,
                    title,
                    coder,
                    name,
                    coder_uuid,
                    theme,
                    stance,
                    start,
                    end,
                    text[start:end],
                    memo,
                )

    def count(self, coder_id: int | None = None) -> int:
        """How many codings the project holds (of one coder, or all)."""
        stmt = select(func.count()).select_from(CodingRow)
        if coder_id is not None:
            stmt = stmt.where(CodingRow.coder_id == coder_id)
        with self._project.reading() as s:
            return int(s.scalar(stmt) or 0)
