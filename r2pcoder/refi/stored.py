r"""Positions in a source's raw text carried into the text r2pcoder stores for it.

The stored text is what :func:`r2pcoder.textnorm.normalize_text` makes of the raw text: leading
byte-order marks dropped, every line break as ``\n``, Unicode NFC. A position that falls inside
what normalisation merged (between CR and LF, between a letter and its combining accent) is
moved outward, so that every character the other program selected is kept, and the span says it
was adjusted. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from itertools import pairwise
from typing import NamedTuple

from r2pcoder.textnorm import normalize_text

__all__ = ["StoredMap", "StoredSpan"]

_BOM = "\ufeff"


class StoredSpan(NamedTuple):
    """A selection in the stored text; ``adjusted`` if an end was moved outward."""

    start: int
    end: int
    adjusted: bool


class StoredMap:
    """Raw positions (code points of the decoded file text) to positions in the stored text."""

    def __init__(self, raw: str) -> None:
        self.stored = normalize_text(raw)
        self._lead = len(raw) - len(raw.lstrip(_BOM))
        body = raw[self._lead :]
        self._crs: list[int] = []
        at = body.find("\r\n")
        while at >= 0:
            self._crs.append(at)
            at = body.find("\r\n", at + 2)
        lines = body.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
        lines = lines.replace("\u2029", "\n")
        self._chunks: list[tuple[int, int, int, bool]] = []
        if not unicodedata.is_normalized("NFC", lines):
            self._chunks = _nfc_chunks(lines)

    def _line_index(self, index: int, side: str) -> tuple[int, bool]:
        index = max(index - self._lead, 0)
        before = bisect_left(self._crs, index)
        moved = before > 0 and self._crs[before - 1] == index - 1
        stored = index - before
        # Between CR and LF: a start moves past the line break, an end stays before it.
        return (stored + 1 if moved and side == "start" else stored), moved

    def _nfc_index(self, index: int, side: str) -> tuple[int, bool]:
        if not self._chunks:
            return index, False
        at = bisect_right(self._chunks, (index, 1 << 62)) - 1
        raw_start, stored_start, _, same = self._chunks[at]
        if same or index == raw_start:
            return stored_start + (index - raw_start), False
        if side == "start":
            return stored_start, True
        nxt = self._chunks[at + 1][1] if at + 1 < len(self._chunks) else len(self.stored)
        return nxt, True

    def span(self, start: int, end: int) -> StoredSpan:
        """The stored span of raw ``[start, end)``, moved outward where it splits a merge."""
        a, moved_a = self._line_index(start, "start")
        b, moved_b = self._line_index(end, "end")
        a, nfc_a = self._nfc_index(a, "start")
        b, nfc_b = self._nfc_index(b, "end")
        return StoredSpan(a, b, moved_a or moved_b or nfc_a or nfc_b)


def _nfc_chunks(text: str) -> list[tuple[int, int, int, bool]]:
    """``(raw start, stored start, raw end, unchanged)`` of spans NFC treats independently."""
    cuts = [i for i, ch in enumerate(text) if i == 0 or unicodedata.combining(ch) == 0]
    cuts.append(len(text))
    pieces: list[tuple[int, int]] = []
    for a, b in pairwise(cuts):
        if pieces:
            pa, pb = pieces[-1]
            merged = text[pa:b]
            if unicodedata.normalize("NFC", merged) != unicodedata.normalize(
                "NFC", text[pa:pb]
            ) + unicodedata.normalize("NFC", text[a:b]):
                pieces[-1] = (pa, b)
                continue
        pieces.append((a, b))
    chunks = []
    stored = 0
    for a, b in pieces:
        piece = text[a:b]
        normal = unicodedata.normalize("NFC", piece)
        chunks.append((a, stored, b, normal == piece))
        stored += len(normal)
    return chunks
