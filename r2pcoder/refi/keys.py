"""Codebook ids for themes that arrive from REFI codes, which carry names but no ids.

A key is the code's name folded to ASCII letters, digits and underscores (``[a-z0-9_]+``, the
codebook format's rule), at most 60 characters; a name with nothing left (a name in a script
without Latin letters) uses ``code_`` and the start of the code's GUID. A key already taken in
the project, or earlier in the same file, gets ``_2``, ``_3``... The same file imported into
the same project therefore always gives the same keys. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["KeyMaker"]

_NON_KEY = re.compile(r"[^a-z0-9]+")
_MAX = 60


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _NON_KEY.sub("_", ascii_name.lower()).strip("_")[:_MAX].strip("_")


class KeyMaker:
    """Hands out unused keys; ``taken`` are the keys the project already uses."""

    def __init__(self, taken: Iterable[str]) -> None:
        self._taken = set(taken)

    def claim(self, key: str) -> bool:
        """Reserve ``key`` as given (an r2pcoder id from the file); False if already taken."""
        if key in self._taken:
            return False
        self._taken.add(key)
        return True

    def make(self, name: str, guid: str) -> str:
        """A new key for a code called ``name`` with this GUID."""
        base = _slug(name) or "code_" + re.sub(r"[^0-9a-f]", "", guid.lower())[:8]
        key, n = base, 1
        while key in self._taken:
            n += 1
            key = f"{base[: _MAX - len(str(n)) - 1]}_{n}"
        self._taken.add(key)
        return key
