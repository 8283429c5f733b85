"""Small helpers for messages a researcher reads: counted nouns and whole sentences.

"1 coding", "2 codings" rather than "1 codings" or "coding(s)"; a reason that already ends
with a full stop is not given a second one. Must not import Qt or ``ui``.
"""

from __future__ import annotations

__all__ = ["counted", "sentence"]

_ENDINGS = (".", "!", "?", "…")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the right number: ``counted(1, "coding") == "1 coding"``.

    The plural is ``noun + "s"`` unless given (``counted(2, "entry", "entries")``).
    """
    word = noun if n == 1 else plural or f"{noun}s"
    return f"{n:,} {word}"


def sentence(text: str) -> str:
    """``text`` ending with exactly one full stop (or its own ``!``, ``?`` or ellipsis)."""
    stripped = text.rstrip()
    while stripped.endswith(".."):
        stripped = stripped[:-1]
    return stripped if stripped.endswith(_ENDINGS) else f"{stripped}."
