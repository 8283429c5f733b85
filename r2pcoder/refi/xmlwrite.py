"""A small streaming XML writer that keeps every character a REFI file needs to carry.

Text is escaped so that a parser gives back exactly what was written: ``&``, ``<`` and ``>``,
and CR as ``&#13;`` (a parser turns a raw CR into a line feed, XML 1.0, section 2.11); attribute
values also escape quotes, tabs and line breaks, which attribute-value normalisation would turn
into spaces (section 3.3.3). Characters XML 1.0 cannot hold at all (most C0 controls, lone
surrogates, U+FFFE and U+FFFF) are written as U+FFFD and counted, so the export can report them.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import re
from typing import IO

__all__ = ["XmlWriter"]

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Anything an attribute value must escape or clean; most values (GUIDs, numbers) have none.
_SPECIAL = re.compile('[&<>"\x00-\x1f\ud800-\udfff\ufffe\uffff]')
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)


class XmlWriter:
    """Writes elements in order to a binary stream as UTF-8; counts replaced characters."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._parts: list[str] = []
        self.replaced = 0
        self._parts.append('<?xml version="1.0" encoding="utf-8"?>\n')

    def _clean(self, text: str) -> str:
        cleaned, n = _ILLEGAL.subn("\ufffd", text)
        self.replaced += n
        return cleaned

    def attr(self, value: str) -> str:
        """``value`` escaped for use inside a double-quoted attribute."""
        if _SPECIAL.search(value) is None:
            return value
        return self._clean(value).translate(_ATTR)

    def _attrs(self, attrs: dict[str, str | None]) -> str:
        return "".join(f' {k}="{self.attr(v)}"' for k, v in attrs.items() if v is not None)

    def raw(self, fragment: str) -> None:
        """Write ``fragment`` as it is (markup built with :meth:`attr` and :meth:`text`)."""
        self._parts.append(fragment)
        if len(self._parts) > 4096:  # noqa: PLR2004 - flush in blocks, not per element
            self.flush()

    def text(self, value: str) -> str:
        """``value`` escaped for use as element content."""
        return self._clean(value).translate(_TEXT)

    def start(self, name: str, attrs: dict[str, str | None] | None = None) -> None:
        """Open ``<name ...>``."""
        self._parts.append(f"<{name}{self._attrs(attrs or {})}>")

    def end(self, name: str) -> None:
        """Close ``</name>``."""
        self._parts.append(f"</{name}>\n")
        if len(self._parts) > 4096:  # noqa: PLR2004 - flush in blocks, not per element
            self.flush()

    def empty(self, name: str, attrs: dict[str, str | None] | None = None) -> None:
        """Write ``<name .../>``."""
        self._parts.append(f"<{name}{self._attrs(attrs or {})}/>\n")

    def element(self, name: str, text: str) -> None:
        """Write ``<name>text</name>``."""
        self._parts.append(f"<{name}>{self.text(text)}</{name}>\n")

    def flush(self) -> None:
        """Hand what is buffered to the stream."""
        self._out.write("".join(self._parts).encode("utf-8"))
        self._parts.clear()
