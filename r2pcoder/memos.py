"""Memos on documents and themes: one per target and coder (``None``: the project's own note).

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.errors import UnknownEntity
from r2pcoder.schema import DocumentRow, MemoRow, ThemeRow, new_uuid, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["MemoService"]


def _find(
    s: Session, document_id: int | None, theme_id: int | None, coder_id: int | None
) -> MemoRow | None:
    return s.scalars(
        select(MemoRow).where(
            MemoRow.document_id.is_(None)
            if document_id is None
            else MemoRow.document_id == document_id,
            MemoRow.theme_id.is_(None) if theme_id is None else MemoRow.theme_id == theme_id,
            MemoRow.coder_id.is_(None) if coder_id is None else MemoRow.coder_id == coder_id,
        )
    ).one_or_none()


class MemoService:
    """Read and write memos; writing an empty text deletes the memo."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def set_document_memo(self, document_id: int, text: str, coder_id: int | None = None) -> None:
        """Write (or, with empty text, delete) the memo on a statement."""
        with self._project.unit_of_work() as s:
            if s.get(DocumentRow, document_id) is None:
                raise UnknownEntity(f"There is no document with id {document_id}.")
            self._write(s, text, document_id=document_id, theme_id=None, coder_id=coder_id)

    def set_theme_memo(self, theme_id: int, text: str, coder_id: int | None = None) -> None:
        """Write (or, with empty text, delete) the memo on a theme."""
        with self._project.unit_of_work() as s:
            if s.get(ThemeRow, theme_id) is None:
                raise UnknownEntity(f"There is no theme with id {theme_id}.")
            self._write(s, text, document_id=None, theme_id=theme_id, coder_id=coder_id)

    def document_memo(self, document_id: int, coder_id: int | None = None) -> str:
        """The memo on a statement, or an empty string."""
        with self._project.unit_of_work() as s:
            row = _find(s, document_id, None, coder_id)
            return "" if row is None else row.text

    def theme_memo(self, theme_id: int, coder_id: int | None = None) -> str:
        """The memo on a theme, or an empty string."""
        with self._project.unit_of_work() as s:
            row = _find(s, None, theme_id, coder_id)
            return "" if row is None else row.text

    @staticmethod
    def _write(
        s: Session,
        text: str,
        *,
        document_id: int | None,
        theme_id: int | None,
        coder_id: int | None,
    ) -> None:
        row = _find(s, document_id, theme_id, coder_id)
        if not text.strip():
            if row is not None:
                s.delete(row)
            return
        if row is None:
            row = MemoRow(
                uuid=new_uuid(), document_id=document_id, theme_id=theme_id, coder_id=coder_id
            )
            s.add(row)
        row.text, row.modified_at = text, utcnow()
