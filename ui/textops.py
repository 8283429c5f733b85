"""Small pure text helpers for the document view (no Qt): word snapping and find."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["find_all", "snap_to_words"]

_JOINERS = frozenset("'\N{RIGHT SINGLE QUOTATION MARK}-\N{HYPHEN}_")


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch in _JOINERS or unicodedata.category(ch).startswith("M")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words and drop surrounding white space (code points)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    while start > 0 and _wordish(text[start - 1]) and _wordish(text[start]):
        start -= 1
    while end < len(text) and _wordish(text[end]) and _wordish(text[end - 1]):
        end += 1
    return start, end


def find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of ``needle`` as code-point spans."""
    if not needle:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text, re.IGNORECASE)]
