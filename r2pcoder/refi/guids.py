"""GUIDs as REFI-QDA writes them, and the UUIDs r2pcoder gives what they identify.

The schema's ``GUIDType`` accepts ``xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`` in either case, with or
without curly braces (REFI-QDA 1.5, ``Project.xsd``). NVivo writes lower case, ATLAS.ti and
Taguette upper case, the standard's own codebook example mixes braced and bare GUIDs. All of them
name the same thing once braces are dropped and letters lowered, which is what :func:`guid_key`
does; every reference is compared through it. Some programs write identifiers that are not GUIDs
at all; those are kept as opaque keys and get a UUID derived from them. Must not import Qt or
``ui``.
"""

from __future__ import annotations

import hashlib
import re
import uuid as uuid_mod
from functools import lru_cache

__all__ = ["derived_uuid", "guid_key", "is_guid", "uuid_for"]

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_NAMESPACE = uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, "https://r2pcoder.org/refi")


@lru_cache(maxsize=1 << 18)
def guid_key(raw: str) -> str:
    """The comparable form of a GUID: no surrounding blanks or braces, lower case."""
    text = raw.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    return text.lower()


def is_guid(raw: str) -> bool:
    """True if ``raw`` is a GUID in one of the forms the schema allows."""
    return _GUID.match(guid_key(raw)) is not None


def uuid_for(raw: str, kind: str) -> str:
    """The UUID r2pcoder uses for the thing ``raw`` identifies.

    A real GUID is kept (in canonical form), so exporting and importing again finds the same
    identity; anything else gets a UUID derived from ``kind`` and the identifier, the same on
    every import of the file.
    """
    key = guid_key(raw)
    if _GUID.match(key):
        return key
    return str(uuid_mod.uuid5(_NAMESPACE, f"{kind}/{key}"))


def derived_uuid(base: str, salt: str) -> str:
    """A UUID made from another and a salt: the same every time, distinct per salt.

    Used for what an export needs one GUID more of (a coding's selection, its stance coding).
    BLAKE2b in place of :func:`uuid.uuid5`, whose object construction took a fifth of a large
    export; the version nibble says 8 (custom, RFC 9562) and the variant is RFC 4122's.
    """
    h = hashlib.blake2b(f"{salt}/{base}".encode(), digest_size=16).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-8{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"
