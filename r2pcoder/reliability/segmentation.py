"""Deterministic sentence and paragraph segmentation, stored once per document in ``segments``.

Sentence and paragraph reliability units must not move between two measurements of the same
master, so the segments of a document are computed the first time they are needed and stored as
:class:`~r2pcoder.schema.SegmentRow` rows; later measurements read the stored rows, even if this
module's rules change in a later release. Offsets are code points into the stored text, end
exclusive. Must not import Qt or ``ui``.

The rules, in plain words:

* A **paragraph** is a run of text between line breaks; blank lines only separate paragraphs.
  Both conventions seen in UN statements (a blank line between paragraphs, or one paragraph per
  line) give the same paragraphs.
* A **sentence** ends, inside a paragraph, after ``.``, ``!``, ``?`` or ``…`` (with any closing
  quotes or brackets) followed by white space and then an upper-case letter, a digit, an opening
  quote or bracket. An abbreviation (``Mr.``, ``H.E.``, ``e.g.``, ``No.``, a single letter)
  does not end a sentence, nor does a stop before which the sentence has no letter yet (the
  "2." of a numbered paragraph). A sentence never runs across paragraphs.
* Leading and trailing white space is left out of every segment; empty segments are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from r2pcoder.schema import DocumentRow, SegmentRow

__all__ = [
    "SEGMENT_KINDS",
    "SegmentKind",
    "SegmentSpan",
    "ensure_segments",
    "paragraphs",
    "segment",
    "sentences",
]

SegmentKind = Literal["sentence", "paragraph"]
SEGMENT_KINDS: tuple[SegmentKind, ...] = ("sentence", "paragraph")

# Words that end in a full stop without ending a sentence (compared lower-case, stop removed).
_ABBREVIATIONS = frozenset(
    (
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "h.e",
        "e.g",
        "i.e",
        "etc",
        "no",
        "nos",
        "art",
        "arts",
        "para",
        "paras",
        "op",
        "cf",
        "vs",
        "st",
        "sr",
        "jr",
        "amb",
        "rev",
        "gen",
        "col",
        "lt",
        "sec",
        "dept",
        "approx",
        "fig",
        "vol",
        "ch",
        "pp",
        "p",
        "res",
        "doc",
        "un",
        "u.n",
        "u.s",
        "u.k",
    )
)
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[\d\w])")
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class SegmentSpan:
    """One segment of a document: ``text[start:end]``, numbered from 0 in reading order."""

    ordinal: int
    start: int
    end: int


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The paragraphs of ``text`` as (start, end) code point spans."""
    spans = (_trimmed(text, m.start(), m.end()) for m in _LINE.finditer(text))
    return [span for span in spans if span is not None]


def _is_abbreviation(text: str, stop: int) -> bool:
    word_start = stop
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop].strip("\"'(\u201c\u2018[").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _next_starts_sentence(text: str, end: int) -> bool:
    after = end
    while after < len(text) and text[after].isspace():
        after += 1
    if after >= len(text):
        return False
    first = text[after]
    return not first.isalpha() or first.isupper()


def _has_letter(text: str, start: int, end: int) -> bool:
    return any(ch.isalpha() for ch in text[start:end])


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` as (start, end) code point spans, paragraph by paragraph."""
    result: list[tuple[int, int]] = []
    for para_start, para_end in paragraphs(text):
        start = para_start
        for match in _SENTENCE_END.finditer(text, para_start, para_end):
            end = match.end()
            if text[match.start()] == "." and _is_abbreviation(text, match.start()):
                continue
            if not _next_starts_sentence(text, end) or not _has_letter(text, start, end):
                continue
            span = _trimmed(text, start, end)
            if span is not None:
                result.append(span)
            start = end
        span = _trimmed(text, start, para_end)
        if span is not None:
            result.append(span)
    return result


def segment(text: str, kind: SegmentKind) -> list[SegmentSpan]:
    """Segment ``text`` into sentences or paragraphs, numbered in reading order."""
    spans = sentences(text) if kind == "sentence" else paragraphs(text)
    return [SegmentSpan(i, start, end) for i, (start, end) in enumerate(spans)]


def ensure_segments(
    session: Session, kind: SegmentKind, document_ids: Iterable[int]
) -> dict[int, list[SegmentSpan]]:
    """The stored segments of each document, segmenting (and storing) those not yet segmented.

    Takes a session and never commits: the caller's unit of work decides.
    """
    wanted = sorted(set(document_ids))
    stored = _stored(session, kind, wanted)
    missing = [doc for doc in wanted if doc not in stored]
    for chunk_start in range(0, len(missing), 500):
        chunk = missing[chunk_start : chunk_start + 500]
        rows = session.execute(
            select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(chunk))
        ).all()
        new_rows: list[dict[str, object]] = []
        for doc_id, text in rows:
            spans = segment(text, kind)
            stored[doc_id] = spans
            new_rows.extend(
                {
                    "document_id": doc_id,
                    "kind": kind,
                    "ordinal": s.ordinal,
                    "start": s.start,
                    "end": s.end,
                }
                for s in spans
            )
        if new_rows:
            session.execute(insert(SegmentRow), new_rows)
    return stored


def _stored(
    session: Session, kind: SegmentKind, wanted: Sequence[int]
) -> dict[int, list[SegmentSpan]]:
    result: dict[int, list[SegmentSpan]] = {}
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start : chunk_start + 500]
        query = (
            select(SegmentRow.document_id, SegmentRow.ordinal, SegmentRow.start, SegmentRow.end)
            .where(SegmentRow.kind == kind, SegmentRow.document_id.in_(chunk))
            .order_by(SegmentRow.document_id, SegmentRow.ordinal)
        )
        for doc_id, ordinal, start, end in session.execute(query):
            result.setdefault(doc_id, []).append(SegmentSpan(ordinal, start, end))
    return result
