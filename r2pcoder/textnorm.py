"""Text normalisation, content hashes and offset conversion between code points and UTF-16.

Every document is stored as the output of :func:`normalize_text`, and every offset in the
project is a Unicode code point index into that stored text (end exclusive). Qt counts in UTF-16
code units instead, so the editor converts through :class:`OffsetMap` at the boundary; the two
counts differ only after characters outside the Basic Multilingual Plane (emoji, some CJK), which
take two UTF-16 units but one code point.

Normalisation does the minimum that makes the same statement hash the same way whatever editor
saved it:

* every leading byte-order mark (U+FEFF) is removed; a BOM later in the text is kept, since it is
  content there (a zero-width no-break space);
* CRLF, lone CR, U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR each become one line
  feed (U+000A). Qt turns the two Unicode separators into block breaks on display, so keeping
  them would make the stored text and the shown text disagree about where lines end. Form feed,
  vertical tab and U+0085 are left alone: Qt does not break lines on them;
* Unicode NFC, so that "é" typed as one character or as "e" plus a combining accent is stored
  (and hashed) the same way.

Nothing else changes: no stripping, no collapsing of spaces, no removal of control characters.
The function is idempotent. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from bisect import bisect_left

__all__ = ["OffsetMap", "content_hash", "cp_to_utf16", "normalize_text", "utf16_to_cp"]

_BOM = "\ufeff"
_LAST_BMP = "\uffff"


def normalize_text(raw: str) -> str:
    """Return ``raw`` in the form every document is stored and hashed in.

    Args:
        raw: Decoded text as read from a file or pasted.

    Returns:
        The text without leading BOMs, with every line break as a line feed, in Unicode NFC.
    """
    text = raw.lstrip(_BOM)
    # CRLF first, so that it becomes one "\n" and not two.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Two replaces, not str.translate with a mapping: that costs a millisecond per statement.
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return unicodedata.normalize("NFC", text)


def content_hash(text: str) -> str:
    """Return the SHA-256 hex digest of ``text`` encoded as UTF-8.

    Args:
        text: Text already passed through :func:`normalize_text`; the hash is not normalised
            again, so callers must hash exactly what they store.

    Returns:
        64 lowercase hexadecimal characters.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cp_to_utf16(text: str, cp: int) -> int:
    """Convert a code point offset into ``text`` to a UTF-16 code unit offset.

    For many conversions on the same text build an :class:`OffsetMap` once instead.

    Args:
        text: The stored text.
        cp: A code point offset, ``0 <= cp <= len(text)``.

    Returns:
        The UTF-16 offset of the same position.

    Raises:
        ValueError: If ``cp`` is outside the text.
    """
    return OffsetMap(text).to_utf16(cp)


def utf16_to_cp(text: str, u16: int) -> int:
    """Convert a UTF-16 code unit offset into ``text`` to a code point offset.

    An offset that falls between the two halves of a surrogate pair is rounded down to the start
    of that character, so a selection can never split an emoji.

    Args:
        text: The stored text.
        u16: A UTF-16 offset, ``0 <= u16 <=`` the UTF-16 length of ``text``.

    Returns:
        The code point offset of the same position (or of the character it falls inside).

    Raises:
        ValueError: If ``u16`` is outside the text.
    """
    return OffsetMap(text).to_cp(u16)


class OffsetMap:
    """Offset conversion for one text, both ways, in O(log k) for k astral characters.

    Building the map scans the text once. A text with no character beyond U+FFFF (most UN
    statements) keeps no table and converts as the identity.

    Args:
        text: The text the offsets refer to; the map does not follow later changes to it.
    """

    def __init__(self, text: str) -> None:
        self._cp_len = len(text)
        if not text or max(text) <= _LAST_BMP:
            self._astral_cp: list[int] = []
            self._astral_u16: list[int] = []
        else:
            self._astral_cp = [i for i, ch in enumerate(text) if ch > _LAST_BMP]
            # Each astral character before this one has pushed it one unit further right.
            self._astral_u16 = [cp + n for n, cp in enumerate(self._astral_cp)]
        self._u16_len = self._cp_len + len(self._astral_cp)

    @property
    def cp_length(self) -> int:
        """Length of the text in code points."""
        return self._cp_len

    @property
    def utf16_length(self) -> int:
        """Length of the text in UTF-16 code units."""
        return self._u16_len

    def to_utf16(self, cp: int) -> int:
        """Convert a code point offset to a UTF-16 offset.

        Args:
            cp: ``0 <= cp <= cp_length``.

        Returns:
            The UTF-16 offset of the same position.

        Raises:
            ValueError: If ``cp`` is outside the text.
        """
        if not 0 <= cp <= self._cp_len:
            raise ValueError(f"offset {cp} is outside a text of {self._cp_len} characters")
        if not self._astral_cp:
            return cp
        return cp + bisect_left(self._astral_cp, cp)

    def to_cp(self, u16: int) -> int:
        """Convert a UTF-16 offset to a code point offset, rounding down inside a surrogate pair.

        Args:
            u16: ``0 <= u16 <= utf16_length``.

        Returns:
            The code point offset of the same position, or of the start of the astral character
            whose two halves ``u16`` falls between.

        Raises:
            ValueError: If ``u16`` is outside the text.
        """
        if not 0 <= u16 <= self._u16_len:
            raise ValueError(f"UTF-16 offset {u16} is outside a text of {self._u16_len} units")
        if not self._astral_u16:
            return u16
        # Astral characters starting strictly before u16 each add one unit. If u16 is the low
        # half of a pair, that pair is among them and the subtraction lands on its start.
        return u16 - bisect_left(self._astral_u16, u16)
