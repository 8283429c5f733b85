"""Packing what r2pcoder knows about a theme or stance into the one ``<Description>`` REFI has.

A REFI-QDA code has a name, a colour, codability and one description; an r2pcoder theme also has
inclusion and exclusion criteria, an example, a stable codebook id and a shortcut, and the stance
scale has an order and an ordinal flag. An export writes the prose fields as labelled paragraphs
that any program shows as they are, and ends the description with one line ``r2pcoder: {...}``
holding the rest as JSON (id, shortcut, which labelled paragraphs follow the description, and
for the stance group the codebook's header). Reading a description that ends with such a line
restores every field exactly; any other description is a plain description. The schema offers
no other place: ``CodeType`` allows only ``Description``, ``NoteRef`` and child codes, and no
foreign attributes. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LABELS", "Described", "pack", "unpack"]

_MARK = "r2pcoder: "
LABELS = {"include": "Include", "exclude": "Exclude", "example": "Example"}
"""The labelled paragraphs, in the order they are written."""


@dataclass(frozen=True)
class Described:
    """A description taken apart: prose, labelled paragraphs and the machine-readable extras."""

    text: str
    sections: dict[str, str] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def ours(self) -> bool:
        """True if the description carried an ``r2pcoder:`` line."""
        return bool(self.extras)


def pack(text: str, sections: dict[str, str], extras: dict[str, Any]) -> str:
    """The description: ``text``, the non-empty labelled ``sections``, then the extras line.

    The extras line records the length of every part, so that unpacking is exact whatever the
    parts contain.
    """
    parts = [("text", text)] if text else []
    parts += [(key, sections[key]) for key in LABELS if sections.get(key)]
    shown = [value if key == "text" else f"{LABELS[key]}: {value}" for key, value in parts]
    meta = {**extras, "parts": [[key, len(value)] for key, value in parts]}
    shown.append(_MARK + json.dumps(meta, ensure_ascii=False, separators=(",", ":")))
    return "\n\n".join(shown)


def _parts(head: str, layout: object) -> dict[str, str] | None:
    if not isinstance(layout, list):
        return None
    found: dict[str, str] = {}
    at = 0
    for n, entry in enumerate(layout):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], int)):  # noqa: PLR2004
            return None
        key, length = entry
        if key != "text" and key not in LABELS:
            return None
        if n:
            if head[at : at + 2] != "\n\n":
                return None
            at += 2
        if key != "text":
            label = f"{LABELS[key]}: "
            if head[at : at + len(label)] != label:
                return None
            at += len(label)
        found[key] = head[at : at + length]
        at += length
    return found if at == len(head) else None


def unpack(description: str) -> Described:
    """Take a description apart; a description without a valid extras line is all ``text``."""
    head, sep, line = description.rpartition("\n\n")
    if not sep:
        head, line = "", description
    if not line.startswith(_MARK):
        return Described(description)
    try:
        meta = json.loads(line[len(_MARK) :])
    except json.JSONDecodeError:
        return Described(description)
    parts = _parts(head, meta.get("parts")) if isinstance(meta, dict) else None
    if parts is None:
        return Described(description)
    extras = {k: v for k, v in meta.items() if k != "parts"}
    sections = {k: parts[k] for k in LABELS if k in parts}
    return Described(parts.get("text", ""), sections, extras)
