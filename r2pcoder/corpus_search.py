"""Search the whole corpus: a phrase or a regular expression over every statement's text.

Hits are code-point spans of the stored text (end exclusive) with a little context on each
side, in corpus order, ready to be read, opened or coded (:mod:`r2pcoder.autocode`).

A phrase matches case-insensitively; white space in it matches any run of white space, so a
phrase broken across lines in the source is still found; *whole words* keeps only matches not
glued to a letter or digit on either side. A regular expression uses Python's syntax through the
``regex`` package, which can stop a match that runs too long: a pattern such as ``(a+)+$``
backtracks exponentially on some texts, so the whole search gets a time budget
(:data:`DEFAULT_TIMEOUT_S`) and a pattern that exceeds it is refused with that reason, never
left to freeze the program. Hits beyond :data:`MAX_HITS` are counted but not listed, and the
result says so. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from r2pcoder.errors import R2pError
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.schema import DocumentRow

if TYPE_CHECKING:
    import regex

    from r2pcoder.db import Project

__all__ = [
    "CONTEXT_CHARS",
    "DEFAULT_TIMEOUT_S",
    "MAX_HITS",
    "SearchHit",
    "SearchQuery",
    "SearchRefused",
    "SearchResult",
    "compile_query",
    "search_corpus",
]

CONTEXT_CHARS = 60
"""Characters of context kept on each side of a hit."""
MAX_HITS = 10_000
"""Hits listed at most; the rest are counted (a theme is not applied to unseen hits)."""
DEFAULT_TIMEOUT_S = 5.0
"""Time budget of a whole search; a pattern that needs more is refused."""


class SearchRefused(R2pError):
    """The pattern is not a valid regular expression, or it took too long to run."""


@dataclass(frozen=True)
class SearchQuery:
    """What to look for.

    Attributes:
        text: the phrase or the pattern.
        mode: ``phrase`` (literal, case-insensitive) or ``regex`` (Python syntax).
        whole_words: keep only matches that start and end at a word boundary.
        case_sensitive: match case exactly (phrases and patterns alike).
        timeout_s: the search's time budget.
    """

    text: str
    mode: Literal["phrase", "regex"] = "phrase"
    whole_words: bool = False
    case_sensitive: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S


@dataclass(frozen=True)
class SearchHit:
    """One match: where it is and what surrounds it."""

    document_id: int
    title: str
    speaker: str
    start: int
    end: int
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class SearchResult:
    """The hits listed (at most :data:`MAX_HITS`), how many there were, and where."""

    hits: list[SearchHit]
    total: int
    statements: int
    searched: int

    @property
    def truncated(self) -> bool:
        """True when some hits are counted but not listed."""
        return self.total > len(self.hits)

    def summary(self) -> str:
        """The result in one line."""
        text = (
            f"{self.total} hit{'s' * (self.total != 1)} in {self.statements} of "
            f"{self.searched} statements"
        )
        if self.truncated:
            text += f"; the first {len(self.hits)} are listed, refine the search to see the rest"
        return text


def compile_query(query: SearchQuery) -> regex.Pattern[str]:
    """The pattern a query runs (refused with a one-line reason if it is not valid)."""
    import regex  # noqa: PLC0415 - loaded with the first search, not with the window

    text = query.text
    if not text.strip():
        raise SearchRefused("Type a word, a phrase or a pattern to search for.")
    if query.mode == "phrase":
        body = r"\s+".join(regex.escape(part) for part in text.split())
    elif query.mode == "regex":
        body = text
    else:
        raise SearchRefused(f"Unknown search mode {query.mode!r}; use 'phrase' or 'regex'.")
    if query.whole_words:
        body = rf"(?<![\w])(?:{body})(?![\w])"
    flags = regex.VERSION0 | (0 if query.case_sensitive else regex.IGNORECASE)
    try:
        pattern = regex.compile(body, flags)
    except regex.error as exc:
        raise SearchRefused(f"The pattern is not a valid regular expression: {exc}.") from exc
    if pattern.search("") is not None and query.mode == "regex":
        raise SearchRefused("The pattern matches empty text; make it match at least one letter.")
    return pattern


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    return before.replace("\n", " "), after.replace("\n", " ")


def search_corpus(
    project: Project,
    query: SearchQuery,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> SearchResult:
    """Find every match of ``query`` in every statement, in corpus order.

    Raises:
        SearchRefused: an empty or invalid pattern, one that matches empty text, or one that
            ran past the time budget.
        Cancelled: when ``cancelled()`` turns true (checked between statements).
    """
    pattern = compile_query(query)
    deadline = time.monotonic() + query.timeout_s
    with project.reading() as s:
        driver = s.connection().connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        rows = driver.execute(
            f"SELECT id, title, speaker, text FROM {DocumentRow.__tablename__} "
            "ORDER BY position, id"
        ).fetchall()
    hits: list[SearchHit] = []
    total = 0
    statements = 0
    for n, (doc_id, title, speaker, text) in enumerate(rows):
        check_cancelled(cancelled)
        found = _matches(pattern, text, deadline, query.timeout_s)
        if found:
            statements += 1
            total += len(found)
            for start, end in found[: max(0, MAX_HITS - len(hits))]:
                before, after = _context(text, start, end)
                hits.append(
                    SearchHit(doc_id, title, speaker, start, end, before, text[start:end], after)
                )
        if progress is not None and n % 50 == 0:
            progress(n / max(1, len(rows)))
    if progress is not None:
        progress(1.0)
    return SearchResult(hits, total, statements, len(rows))


def _matches(
    pattern: regex.Pattern[str], text: str, deadline: float, budget: float
) -> list[tuple[int, int]]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _too_slow(budget)
    try:
        return [m.span() for m in pattern.finditer(text, timeout=remaining) if m.end() > m.start()]
    except TimeoutError as exc:
        raise _too_slow(budget) from exc


def _too_slow(budget: float) -> SearchRefused:
    return SearchRefused(
        f"The search took longer than {budget:g} s and was stopped; the pattern probably "
        "backtracks (nested repeats such as (a+)+). Simplify it or search for a phrase."
    )
