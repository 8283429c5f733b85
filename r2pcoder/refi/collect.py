"""Reading what an export writes, in one transaction, as plain values.

Statements, the codebook (retired themes only where exported codings still use them), coders,
memos and codings: every coding of every coder, or those of a layer chosen as for the other
exports (:mod:`r2pcoder.export.layers`: a coder, agreed by all, or a majority). Must not import
Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select

from r2pcoder.codebook.store import StanceInfo, ThemeInfo
from r2pcoder.export.layers import CoderRef, CodingTuple, LayerChoice, resolve_layer, select_codings
from r2pcoder.metadata import STATEMENT_FIELDS
from r2pcoder.refi.codes import NOT_CODABLE
from r2pcoder.schema import (
    CoderRow,
    CodingRow,
    DocumentRow,
    DocumentStatusRow,
    MemoRow,
    ProjectRow,
)

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["CodingOut", "DocumentOut", "ExportSet", "MemoOut", "collect", "iso_utc"]


class CodingOut(NamedTuple):
    """One coding as a REFI-QDA file writes it.

    The fields of :class:`~r2pcoder.models.Coding`, with the times already as ``xsd:dateTime``
    text, sliced from the stored text (see :func:`_stamp`) instead of parsed into datetimes and
    formatted again for every coding.
    """

    id: int
    uuid: str
    document_id: int
    coder_id: int
    theme_id: int
    stance_id: int | None
    start: int
    end: int
    memo: str
    created: str
    modified: str


class DocumentOut(NamedTuple):
    """One statement as written."""

    id: int
    uuid: str
    title: str
    text: str
    meta: dict[str, str]
    attributes: dict[str, str]
    imported_at: datetime


class MemoOut(NamedTuple):
    """A memo on a statement or a theme."""

    uuid: str
    document_id: int | None
    theme_id: int | None
    coder_id: int | None
    text: str
    modified_at: datetime


@dataclass(frozen=True)
class ExportSet:
    """Everything one export writes."""

    name: str
    codebook: dict[str, str]
    ordinal: bool
    coders: tuple[CoderRef, ...]
    themes: tuple[ThemeInfo, ...]
    stances: tuple[StanceInfo, ...]
    not_codable: frozenset[str]
    documents: tuple[DocumentOut, ...]
    codings: tuple[CodingOut, ...]
    memos: tuple[MemoOut, ...]
    layer: str
    done_marks: int


def iso_utc(value: datetime) -> str:
    """An ``xsd:dateTime`` in UTC, to the second: ``2026-11-23T10:04:05Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(value: object) -> str:
    # Read straight from the driver: UtcDateTime stores naive UTC as "YYYY-MM-DD HH:MM:SS.ffffff",
    # so the xsd:dateTime is a matter of slicing (half a second saved per 100,000 codings).
    text = str(value)
    if len(text) >= 19 and text[10] in " T":  # noqa: PLR2004
        return f"{text[:10]}T{text[11:19]}Z"
    return iso_utc(datetime.fromisoformat(text).replace(tzinfo=UTC))


def _codings(driver: sqlite3.Connection) -> list[CodingOut]:
    sql = (
        'SELECT id, uuid, document_id, coder_id, theme_id, stance_id, start, "end", memo, '
        f"created_at, modified_at FROM {CodingRow.__tablename__}"
    )
    return [
        CodingOut(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], _stamp(r[9]), _stamp(r[10]))
        for r in driver.execute(sql).fetchall()
    ]


def collect(project: Project, layer: LayerChoice | None) -> ExportSet:
    """Read everything the export writes (every coding, or those of ``layer``)."""
    themes = tuple(project.codebook.themes(include_retired=True))
    stances = tuple(project.codebook.stances())
    info = project.info
    with project.reading() as s:
        coders = [
            CoderRef(*r)
            for r in s.execute(
                select(CoderRow.id, CoderRow.uuid, CoderRow.name).order_by(CoderRow.id)
            )
        ]
        driver = s.connection().connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        codings = _codings(driver)
        docs = [
            DocumentOut(
                r.id,
                r.uuid,
                r.title,
                r.text,
                {k: getattr(r, k) for k in STATEMENT_FIELDS},
                {str(k): str(v) for k, v in dict(r.attributes).items()},
                r.imported_at,
            )
            for r in s.scalars(select(DocumentRow).order_by(DocumentRow.position, DocumentRow.id))
        ]
        memos = [
            MemoOut(r.uuid, r.document_id, r.theme_id, r.coder_id, r.text, r.modified_at)
            for r in s.scalars(select(MemoRow).order_by(MemoRow.id))
        ]
        header = s.get(ProjectRow, 1)
        assert header is not None
        codebook = {
            "id": header.codebook_id,
            "name": header.codebook_name,
            "version": header.codebook_version,
            "description": header.codebook_description,
        }
        done = [
            tuple(r)
            for r in s.execute(select(DocumentStatusRow.coder_id, DocumentStatusRow.document_id))
        ]
    label = "every coding of every coder"
    if layer is not None:
        resolved = resolve_layer(layer, coders)
        tuples = [
            CodingTuple(
                c.id, c.document_id, c.coder_id, c.theme_id, c.stance_id, c.start, c.end, c.memo
            )
            for c in codings
        ]
        kept = {
            c.id
            for c in select_codings(resolved, tuples, [(int(a), int(b)) for a, b in done]).codings
        }
        codings = [c for c in codings if c.id in kept]
        coders = list(resolved.coders)
        label = resolved.label()
    used = {c.theme_id for c in codings}
    by_id = {t.id: t for t in themes}
    keep = {t.id for t in themes if not t.retired or t.id in used}
    for theme_id in list(keep):  # a kept theme keeps its ancestors
        parent = by_id[theme_id].parent_id
        while parent is not None:
            keep.add(parent)
            parent = by_id[parent].parent_id
    chosen = {c.id for c in coders}
    return ExportSet(
        name=info.name,
        codebook=codebook,
        ordinal=info.stances_ordinal,
        coders=tuple(coders),
        themes=tuple(t for t in themes if t.id in keep),
        stances=stances,
        not_codable=frozenset(str(u) for u in info.settings.get(NOT_CODABLE, [])),
        documents=tuple(docs),
        codings=tuple(codings),
        memos=tuple(m for m in memos if m.coder_id is None or m.coder_id in chosen),
        layer=label,
        done_marks=sum(1 for coder, _ in done if coder in chosen),
    )
