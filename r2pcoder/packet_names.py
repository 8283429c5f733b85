"""File names of coder packets: ``<master>-<coder>.r2p``, keeping the letters of every script.

A coder called "Зоя" gets ``master-зоя.r2p``, "李" ``master-李.r2p``, "Ana Lima"
``master-ana-lima.r2p``: letters and digits of any script are kept (after Unicode NFC
normalisation, which is also the form macOS shows), everything else (spaces, punctuation,
characters Windows forbids in names) becomes a hyphen. Two coders whose names give the same file
name (compared case-insensitively, as Windows and macOS compare file names), or a name without
letters, get the first eight characters of the coder's UUID added, so every packet of one run has
its own file. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

__all__ = ["packet_file_names"]

_MAX_SLUG = 60
_NOT_WORD = re.compile(r"[\W_]+")


def _slug(name: str) -> str:
    text = _NOT_WORD.sub("-", unicodedata.normalize("NFC", name)).strip("-").lower()
    return unicodedata.normalize("NFC", text)[:_MAX_SLUG].strip("-")


def packet_file_names(stem: str, coders: Sequence[tuple[str, str]]) -> list[str]:
    """One distinct file name per ``(coder uuid, coder name)``, in the same order."""
    slugs = [_slug(name) for _, name in coders]
    counts = Counter(s.casefold() for s in slugs)
    names = []
    for (uuid, _), slug in zip(coders, slugs, strict=True):
        unique = slug if slug and counts[slug.casefold()] == 1 else f"{slug or 'coder'}-{uuid[:8]}"
        names.append(f"{stem}-{unique}.r2p")
    return names
