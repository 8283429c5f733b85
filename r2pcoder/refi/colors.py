"""Code colours as vendors write them, read into r2pcoder's ``#rrggbb``.

The schema's ``RGBType`` is ``#`` followed by three or six hexadecimal digits (REFI-QDA 1.5,
``Project.xsd`` and ``Codebook.xsd``). Real files also carry ``rgb(r, g, b)`` and colours with an
alpha channel (reported by the Requal project for codebooks from other programs, issue #176):
eight digits, read as ``#AARRGGBB`` (the .NET order the Windows programs use) unless only the
last pair is ``ff`` (opaque, so ``#RRGGBBAA``), four digits as ``#RGBA``, or ``rgba(...)``.
Alpha is dropped, since r2pcoder highlights are opaque. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["ParsedColor", "parse_color"]

_HEX = re.compile(r"#?([0-9a-fA-F]+)\Z")
_RGB = re.compile(r"rgba?\(\s*([^)]*)\)\Z", re.IGNORECASE)
_OPAQUE = "ff"


class ParsedColor(NamedTuple):
    """A colour read from a file: ``#rrggbb`` (or None if unreadable) and a note if bent."""

    color: str | None
    note: str


def _from_hex(digits: str) -> ParsedColor:
    digits = digits.lower()
    if len(digits) == 6:  # noqa: PLR2004
        return ParsedColor(f"#{digits}", "")
    if len(digits) == 3:  # noqa: PLR2004
        return ParsedColor("#" + "".join(d * 2 for d in digits), "")
    if len(digits) == 4:  # noqa: PLR2004
        return ParsedColor("#" + "".join(d * 2 for d in digits[:3]), "read as #RGBA; alpha dropped")
    if len(digits) == 8:  # noqa: PLR2004
        if digits[:2] != _OPAQUE and digits[6:] == _OPAQUE:
            return ParsedColor(f"#{digits[:6]}", "read as #RRGGBBAA; alpha dropped")
        return ParsedColor(f"#{digits[2:]}", "read as #AARRGGBB; alpha dropped")
    return ParsedColor(None, "is not a colour")


def _from_rgb(inner: str) -> ParsedColor:
    parts = [p.strip() for p in inner.split(",")]
    if len(parts) not in (3, 4):
        return ParsedColor(None, "is not a colour")
    try:
        channels = [
            round(float(p.rstrip("%")) * (2.55 if p.endswith("%") else 1)) for p in parts[:3]
        ]
    except ValueError:
        return ParsedColor(None, "is not a colour")
    if any(not 0 <= c <= 255 for c in channels):  # noqa: PLR2004
        return ParsedColor(None, "has a channel outside 0-255")
    note = "read from rgb(...)" if len(parts) == 3 else "read from rgba(...); alpha dropped"  # noqa: PLR2004
    return ParsedColor("#" + "".join(f"{c:02x}" for c in channels), note)


def parse_color(raw: str | None) -> ParsedColor:
    """Read a colour attribute; ``color`` is None when it is missing or cannot be read.

    ``note`` is empty for a colour in the standard's own forms and otherwise says how the value
    was read (or why it was not).
    """
    if raw is None or not raw.strip():
        return ParsedColor(None, "")
    text = raw.strip()
    rgb = _RGB.match(text)
    if rgb:
        return _from_rgb(rgb.group(1))
    match = _HEX.match(text)
    if match is None:
        return ParsedColor(None, "is not a colour")
    parsed = _from_hex(match.group(1))
    if parsed.color is not None and not text.startswith("#"):
        return ParsedColor(parsed.color, parsed.note or "has no leading #")
    return parsed
