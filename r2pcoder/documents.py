"""Documents: adding statements, listing them, their metadata and each coder's "done" marks.

A document's text is normalized once, hashed, and never changed afterwards: codings point into it.
File reading lives in :mod:`r2pcoder.readers`, folder and CSV handling in :mod:`r2pcoder.importer`.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from r2pcoder.coders import coder_row
from r2pcoder.errors import R2pError, UnknownEntity
from r2pcoder.layer_guard import check_layer_editable
from r2pcoder.metadata import DocumentMeta, validate_meta
from r2pcoder.models import Document, DocumentSummary, Status
from r2pcoder.schema import CodingRow, DocumentRow, DocumentStatusRow, new_uuid, utcnow
from r2pcoder.textnorm import content_hash, normalize_text

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["Document", "DocumentService", "DocumentSummary", "Status", "document_row"]


# A statement without its text: lists never load the texts (1,500 statements hold megabytes).
_SUMMARY = select(
    DocumentRow.id,
    DocumentRow.uuid,
    DocumentRow.sha256,
    DocumentRow.length,
    DocumentRow.title,
    DocumentRow.speaker,
    DocumentRow.on_behalf_of,
    DocumentRow.regional_group,
    DocumentRow.date,
    DocumentRow.event,
    DocumentRow.doc_type,
    DocumentRow.attributes,
    DocumentRow.source_file,
).order_by(DocumentRow.position, DocumentRow.id)


def _meta(row: Any) -> DocumentMeta:
    """``row``: a DocumentRow, or a Core row with the columns of :data:`_SUMMARY`."""
    return DocumentMeta(
        title=row.title,
        speaker=row.speaker,
        on_behalf_of=row.on_behalf_of,
        regional_group=row.regional_group,
        date=row.date,
        event=row.event,
        doc_type=row.doc_type,
        attributes=dict(row.attributes),
    )


def _summary(row: Any) -> DocumentSummary:
    return DocumentSummary(row.id, row.uuid, row.sha256, row.length, _meta(row), row.source_file)


def document_row(session: Session, document_id: int) -> DocumentRow:
    """The document row with ``document_id``, or :class:`UnknownEntity`."""
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise UnknownEntity(f"There is no document with id {document_id} in this project.")
    return row


def find_by_hash(session: Session, sha256: str) -> DocumentRow | None:
    """The document whose normalized text hashes to ``sha256``, if any."""
    return session.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha256)).one_or_none()


def last_position(session: Session) -> int:
    """The highest corpus position so far (0 in an empty project)."""
    return session.scalar(select(func.coalesce(func.max(DocumentRow.position), 0))) or 0


def insert_document(
    session: Session,
    text: str,
    meta: DocumentMeta,
    *,
    source_file: str = "",
    uuid: str = "",
    after: int | None = None,
) -> DocumentRow:
    """Add a document row (text already normalized and checked for duplicates). Never commits.

    ``after`` is the position it follows; a batch passes it to avoid one scan per document.
    """
    position = last_position(session) if after is None else after
    row = DocumentRow(
        uuid=uuid or new_uuid(),
        title=meta.title or source_file or "Untitled statement",
        text=text,
        sha256=content_hash(text),
        length=len(text),
        speaker=meta.speaker,
        on_behalf_of=meta.on_behalf_of,
        regional_group=meta.regional_group,
        date=meta.date,
        event=meta.event,
        doc_type=meta.doc_type,
        source_file=source_file,
        attributes=dict(meta.attributes),
        position=position + 1,
        imported_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


class DocumentService:
    """Statements of a project: add, list, read, describe, remove, and mark done."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def add_text(self, raw_text: str, meta: DocumentMeta, *, source_file: str = "") -> Document:
        """Add one statement from its text; refuses empty text, bad metadata and duplicates."""
        text = normalize_text(raw_text)
        if not text.strip():
            raise R2pError("The statement is empty; nothing was added.")
        problems = validate_meta(meta)
        if problems:
            raise R2pError("Metadata problem: " + "; ".join(problems))
        with self._project.unit_of_work() as s:
            existing = find_by_hash(s, content_hash(text))
            if existing is not None:
                raise R2pError(
                    f"This text is already in the project as {existing.title!r}; not added twice."
                )
            row = insert_document(s, text, meta, source_file=source_file)
            return Document(**vars(_summary(row)), text=row.text)

    def list(self) -> list[DocumentSummary]:
        """Every statement in corpus order, without texts."""
        with self._project.reading() as s:
            return [_summary(r) for r in s.connection().execute(_SUMMARY)]

    def get(self, document_id: int) -> Document:
        """One statement with its text."""
        with self._project.reading() as s:
            row = document_row(s, document_id)
            return Document(**vars(_summary(row)), text=row.text)

    def by_uuid(self, uuid: str) -> Document:
        """One statement by its UUID."""
        with self._project.reading() as s:
            row = s.scalars(select(DocumentRow).where(DocumentRow.uuid == uuid)).one_or_none()
            if row is None:
                raise UnknownEntity(f"There is no document {uuid} in this project.")
            return Document(**vars(_summary(row)), text=row.text)

    def set_meta(self, document_id: int, meta: DocumentMeta) -> DocumentSummary:
        """Replace a statement's metadata (its text never changes)."""
        problems = validate_meta(meta)
        if problems:
            raise R2pError("Metadata problem: " + "; ".join(problems))
        with self._project.unit_of_work() as s:
            row = document_row(s, document_id)
            title = meta.title or row.title
            for name, value in vars(replace(meta, title=title)).items():
                setattr(row, name, dict(value) if name == "attributes" else value)
            return _summary(row)

    def remove(self, document_id: int) -> int:
        """Remove a statement with all its codings; returns how many codings went with it."""
        with self._project.unit_of_work() as s:
            row = document_row(s, document_id)
            count = s.scalar(select(func.count()).where(CodingRow.document_id == document_id)) or 0
            s.execute(delete(DocumentStatusRow).where(DocumentStatusRow.document_id == row.id))
            s.delete(row)
            return count

    def set_done(self, document_id: int, coder_id: int, done: bool = True) -> None:
        """Mark (or unmark) a statement as done by a coder."""
        with self._project.unit_of_work() as s:
            document_row(s, document_id)
            coder_row(s, coder_id)
            check_layer_editable(s, coder_id)
            mark = s.get(DocumentStatusRow, (coder_id, document_id))
            if done and mark is None:
                s.add(
                    DocumentStatusRow(coder_id=coder_id, document_id=document_id, done_at=utcnow())
                )
            elif not done and mark is not None:
                s.delete(mark)

    def statuses(self, coder_id: int) -> dict[int, tuple[Status, int]]:
        """Per statement: this coder's status and number of codings."""
        with self._project.reading() as s:
            # Not dict(result): a Result has .keys(), so dict() would take it for a mapping.
            counts: dict[int, int] = {  # noqa: C416
                doc_id: n
                for doc_id, n in s.execute(
                    select(CodingRow.document_id, func.count())
                    .where(CodingRow.coder_id == coder_id)
                    .group_by(CodingRow.document_id)
                )
            }
            done = set(
                s.scalars(
                    select(DocumentStatusRow.document_id).where(
                        DocumentStatusRow.coder_id == coder_id
                    )
                )
            )
            ids = s.scalars(select(DocumentRow.id))
            result: dict[int, tuple[Status, int]] = {}
            for doc_id in ids:
                n = counts.get(doc_id, 0)
                status: Status = "done" if doc_id in done else "in progress" if n else "not started"
                result[doc_id] = (status, n)
            return result
