"""Spans of text and the overlap rules, with :class:`SpanIndex` for fast lookup by offset.

All offsets are Unicode code points into a document's stored text, end exclusive. The document
view asks a ``SpanIndex`` which codings intersect a block and draws them; every overlap rule lives
here so that it is tested without Qt. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

__all__ = ["Piece", "Span", "SpanIndex"]

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, order=True)
class Span:
    """A non-empty half-open range ``[start, end)`` of code points."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"a span needs 0 <= start < end, got [{self.start}, {self.end})")

    @property
    def length(self) -> int:
        """Number of code points covered."""
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one code point (touching is not overlapping)."""
        return self.start < other.end and other.start < self.end

    def overlap_length(self, other: Span) -> int:
        """Number of code points the two spans share."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def contains(self, offset: int) -> bool:
        """True when the code point at ``offset`` is inside the span."""
        return self.start <= offset < self.end


@dataclass(frozen=True)
class Piece(Generic[K]):
    """A stretch of text over which the set of covering spans does not change."""

    start: int
    end: int
    keys: frozenset[K]


class SpanIndex(Generic[K]):
    """Spans with keys (e.g. coding ids), sorted by start for lookups by offset or range.

    Lookups bisect on start and bound the scan by the longest span, so a query touches only
    spans that can reach it.
    """

    def __init__(self, items: Iterable[tuple[Span, K]]) -> None:
        self._items = sorted(items, key=lambda item: (item[0].start, item[0].end))
        self._starts = [span.start for span, _ in self._items]
        self._longest = max((span.length for span, _ in self._items), default=0)

    def __len__(self) -> int:
        return len(self._items)

    def overlapping(self, start: int, end: int) -> list[tuple[Span, K]]:
        """Spans sharing at least one code point with ``[start, end)``, in start order."""
        if end <= start:
            return []
        lo = bisect_right(self._starts, start - self._longest)
        hi = bisect_left(self._starts, end)
        return [(s, k) for s, k in self._items[lo:hi] if s.end > start]

    def at(self, offset: int) -> list[tuple[Span, K]]:
        """Spans covering the code point at ``offset``."""
        return self.overlapping(offset, offset + 1)

    def pieces(self, start: int, end: int) -> list[Piece[K]]:
        """Cut ``[start, end)`` into maximal pieces covered by a constant, non-empty set of spans.

        Pieces with two or more keys are where codings overlap; the view draws those distinctly.
        """
        hits = self.overlapping(start, end)
        cuts = {start, end}
        for span, _ in hits:
            cuts.add(max(span.start, start))
            cuts.add(min(span.end, end))
        edges = sorted(cuts)
        result: list[Piece[K]] = []
        for a, b in pairwise(edges):
            keys = frozenset(k for s, k in hits if s.start < b and s.end > a)
            if keys:
                result.append(Piece(a, b, keys))
        return result
