"""Code frequencies: how often a coder used each theme, in one statement and in the project.

Two counts per theme, as coding tools report them (MAXQDA's and QualCoder's code frequencies):
*codings* (coded passages) and *statements* (statements with at least one such passage). Counts
are of the theme itself; a parent theme's counts do not include its sub-themes.

:func:`load_frequencies` reads the coder's counts per statement and theme once (one grouped
query); :meth:`ThemeFrequencies.replace_document` then takes one statement's fresh counts after a
coding action (:func:`document_counts`, an indexed query), so the project totals follow every
action without counting the whole project again. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from r2pcoder.schema import CodingRow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["ThemeCount", "ThemeFrequencies", "document_counts", "load_frequencies"]


@dataclass(frozen=True)
class ThemeCount:
    """Codings of a theme and the number of statements they are in."""

    codings: int = 0
    statements: int = 0


class ThemeFrequencies:
    """A coder's counts per (statement, theme), with project totals kept in step."""

    def __init__(self, cells: Mapping[tuple[int, int], int] | None = None) -> None:
        """Start from ``{(document_id, theme_id): codings}`` (zero counts are ignored)."""
        self._by_doc: dict[int, dict[int, int]] = {}
        self._codings: Counter[int] = Counter()
        self._statements: Counter[int] = Counter()
        for (doc, theme), n in (cells or {}).items():
            if n > 0:
                self._by_doc.setdefault(doc, {})[theme] = n
                self._codings[theme] += n
                self._statements[theme] += 1

    def replace_document(self, document_id: int, counts: Mapping[int, int]) -> None:
        """Take one statement's new counts per theme (``{theme_id: codings}``)."""
        for theme, n in self._by_doc.pop(document_id, {}).items():
            self._codings[theme] -= n
            self._statements[theme] -= 1
        fresh = {theme: n for theme, n in counts.items() if n > 0}
        if fresh:
            self._by_doc[document_id] = fresh
        for theme, n in fresh.items():
            self._codings[theme] += n
            self._statements[theme] += 1

    def in_document(self, document_id: int, theme_id: int) -> int:
        """Codings of the theme in one statement."""
        return self._by_doc.get(document_id, {}).get(theme_id, 0)

    def in_project(self, theme_id: int) -> ThemeCount:
        """Codings of the theme in the project, and how many statements hold them."""
        return ThemeCount(self._codings[theme_id], self._statements[theme_id])

    def total(self) -> ThemeCount:
        """All of the coder's codings, and the statements they coded anything in."""
        return ThemeCount(sum(self._codings.values()), len(self._by_doc))


def load_frequencies(project: Project, coder_id: int) -> ThemeFrequencies:
    """A coder's counts over the whole project (one grouped query)."""
    stmt = (
        select(CodingRow.document_id, CodingRow.theme_id, func.count())
        .where(CodingRow.coder_id == coder_id)
        .group_by(CodingRow.document_id, CodingRow.theme_id)
    )
    with project.reading() as s:
        return ThemeFrequencies({(int(d), int(t)): int(n) for d, t, n in s.execute(stmt)})


def document_counts(project: Project, document_id: int, coder_id: int) -> dict[int, int]:
    """A coder's codings per theme in one statement (``{theme_id: codings}``)."""
    stmt = (
        select(CodingRow.theme_id, func.count())
        .where(CodingRow.document_id == document_id, CodingRow.coder_id == coder_id)
        .group_by(CodingRow.theme_id)
    )
    with project.reading() as s:
        return {int(t): int(n) for t, n in s.execute(stmt)}
