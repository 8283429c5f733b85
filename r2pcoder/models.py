"""Read models: the frozen values the core hands out for coders, statements and codings.

One type per entity, as every caller sees it. Services return these, never their ORM rows, which
stay inside the storage modules (:mod:`r2pcoder.schema` and the services that query it). This
module imports nothing of the database layer, so that light code (the command line's parsers and
error paths, reports) can name these types without loading SQLAlchemy. Must not import Qt or
``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

from r2pcoder.metadata import DocumentMeta

__all__ = [
    "CoderRef",
    "Coding",
    "CodingRequest",
    "CodingTuple",
    "Document",
    "DocumentSummary",
    "ListedCoding",
    "Status",
]

Status = Literal["not started", "in progress", "done"]
"""A coder's progress on a statement: a "done" mark, or codings without one, or neither."""


@dataclass(frozen=True)
class CoderRef:
    """A coder: the row id (for lookups in one project), the UUID (across files) and the name."""

    id: int
    uuid: str
    name: str


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
    """A stored coding; also the snapshot that ``CodingService.restore`` takes back."""

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


class CodingTuple(NamedTuple):
    """A coding as the layers, exports, review and retrieval read it in bulk: no UUID, no times.

    A named tuple rather than :class:`Coding`: these are built a million at a time.
    """

    id: int
    document_id: int
    coder_id: int
    theme_id: int
    stance_id: int | None
    start: int
    end: int
    memo: str


@dataclass(frozen=True)
class ListedCoding:
    """A coding as a list shows it: its statement, coder, theme and stance named, and its quote.

    ``theme`` and ``stance`` are codebook ids (keys); ``quote`` is ``text[start:end]`` of the
    statement. The fields are in the order ``code list --json`` writes them.
    """

    uuid: str
    document_id: int
    document_uuid: str
    document_title: str
    coder_id: int
    coder: str
    coder_uuid: str
    theme: str
    stance: str | None
    start: int
    end: int
    quote: str
    memo: str


@dataclass(frozen=True)
class DocumentSummary:
    """A statement without its text: what lists and filters need."""

    id: int
    uuid: str
    sha256: str
    length: int
    meta: DocumentMeta
    source_file: str

    @property
    def title(self) -> str:
        """The statement's title."""
        return self.meta.title


@dataclass(frozen=True)
class Document(DocumentSummary):
    """A statement with its normalized text."""

    text: str
