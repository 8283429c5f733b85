"""Listing memos: every memo on statements, themes and codings, of one coder or all, searchable.

The Memos panel's list. Memos on statements and themes live in the ``memos`` table (written by
:class:`r2pcoder.memos.MemoService`); a coding's memo lives on the coding. Must not import Qt or
``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from r2pcoder.schema import CoderRow, CodingRow, DocumentRow, MemoRow, ThemeRow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["MemoInfo", "list_memos"]

MemoKind = Literal["statement", "theme", "coding"]
_EXCERPT = 80


@dataclass(frozen=True)
class MemoInfo:
    """A memo as a list shows it.

    Attributes:
        kind: on a ``statement``, a ``theme`` or a ``coding``.
        target_id: the statement's or theme's id; for a coding, its statement's id.
        target: the statement's title or the theme's name; for a coding, its theme's name.
        coding_uuid: the coding's UUID (coding memos only).
        excerpt: for a coding, the start of its quote.
        coder: the writer's name (empty for the project's own notes).
    """

    kind: MemoKind
    target_id: int
    target: str
    coding_uuid: str
    excerpt: str
    coder_id: int | None
    coder: str
    text: str
    modified_at: datetime


def list_memos(
    project: Project, coder_id: int | None, *, every_coder: bool = False, search: str = ""
) -> list[MemoInfo]:
    """Memos on statements, themes and codings, of one coder (or ``every_coder``).

    ``search`` keeps memos whose text, target or excerpt contains it (case-insensitive).
    Statements come in corpus order, then themes in codebook order, then coding memos in
    corpus and text order.
    """
    with project.reading() as s:
        found = _target_memos(s, coder_id, every_coder) + _coding_memos(s, coder_id, every_coder)
    needle = search.strip().casefold()
    if not needle:
        return found
    return [m for m in found if needle in f"{m.text} {m.target} {m.excerpt}".casefold()]


def _target_memos(s: Session, coder_id: int | None, every_coder: bool) -> list[MemoInfo]:
    stmt = (
        select(
            MemoRow,
            DocumentRow.title,
            DocumentRow.position,
            ThemeRow.name,
            ThemeRow.position,
            CoderRow.name,
        )
        .outerjoin(DocumentRow, MemoRow.document_id == DocumentRow.id)
        .outerjoin(ThemeRow, MemoRow.theme_id == ThemeRow.id)
        .outerjoin(CoderRow, MemoRow.coder_id == CoderRow.id)
    )
    if not every_coder:
        stmt = stmt.where(
            MemoRow.coder_id.is_(None) if coder_id is None else MemoRow.coder_id == coder_id
        )
    rows = []
    for memo, title, doc_pos, theme, theme_pos, coder in s.execute(stmt):
        on_doc = memo.document_id is not None
        info = MemoInfo(
            kind="statement" if on_doc else "theme",
            target_id=(memo.document_id if on_doc else memo.theme_id) or 0,
            target=(title if on_doc else theme) or "",
            coding_uuid="",
            excerpt="",
            coder_id=memo.coder_id,
            coder=coder or "",
            text=memo.text,
            modified_at=memo.modified_at,
        )
        rows.append(((0 if on_doc else 1, doc_pos if on_doc else theme_pos, memo.id), info))
    return [info for _, info in sorted(rows, key=lambda r: r[0])]


def _coding_memos(s: Session, coder_id: int | None, every_coder: bool) -> list[MemoInfo]:
    stmt = (
        select(
            CodingRow.uuid,
            CodingRow.document_id,
            CodingRow.start,
            CodingRow.end,
            CodingRow.memo,
            CodingRow.coder_id,
            CodingRow.modified_at,
            ThemeRow.name,
            CoderRow.name,
            func.substr(DocumentRow.text, CodingRow.start + 1, _EXCERPT * 2),
        )
        .join(ThemeRow, CodingRow.theme_id == ThemeRow.id)
        .join(CoderRow, CodingRow.coder_id == CoderRow.id)
        .join(DocumentRow, CodingRow.document_id == DocumentRow.id)
        .where(CodingRow.memo != "")
        .order_by(DocumentRow.position, CodingRow.start, CodingRow.end, CodingRow.id)
    )
    if not every_coder:
        if coder_id is None:
            return []
        stmt = stmt.where(CodingRow.coder_id == coder_id)
    found = []
    for uuid, doc, start, end, memo, coder, modified, theme, name, text in s.execute(stmt):
        quote = " ".join(text[: end - start].split())
        excerpt = (
            quote if len(quote) <= _EXCERPT else quote[: _EXCERPT - 1] + "\N{HORIZONTAL ELLIPSIS}"
        )
        found.append(MemoInfo("coding", doc, theme, uuid, excerpt, coder, name, memo, modified))
    return found
