"""What a row must be to cross into a master, and a packet's codebook to be merged at all.

Two levels, by design:

- **the file** (refused as a whole, every problem listed): identities that are not UUIDs or occur
  twice, theme keys that occur twice, a theme whose parent is missing, parents that form a cycle,
  fields of the wrong type. A merge cannot place anything of a file whose structure is broken,
  and a cycle would make every later walk of the master's theme tree endless;
- **a row** (that row is not merged and is named with its reason; the others are): offsets that
  are not whole numbers, a span that is empty, runs backwards or lies outside its statement, a
  reference to a statement, theme or stance the packet lacks, a memo that is not text, a time
  stamp the master could not read back, an identity that is not a UUID or that several rows
  share. The master's own row with that identity is kept as it is.

The per-row checks that SQLite can make run inside the packet's query (:data:`CODING_PROBLEM`
and its siblings), in C, on the reading thread; the rest (span against the master's statement
length, shared identities) are made in Python. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "CODING_PROBLEM",
    "MARK_PROBLEM",
    "MEMO_PROBLEM",
    "codebook_problems",
    "find_cycles",
    "identity_problems",
    "is_uuid",
]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}\Z")
_HEX = "[0-9a-f]"


def _uuid_sql(column: str) -> str:
    pattern = "-".join(_HEX * n for n in (8, 4, 4, 4, 12))
    return f"coalesce(typeof({column}) = 'text' AND {column} GLOB '{pattern}', 0)"


def _stamp_sql(column: str) -> str:
    # The form SQLAlchemy writes and reads back (microseconds always six digits); the date must
    # exist (SQLite's date() accepts 31 February, julianday() moves it to March).
    digits = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
    day = f"substr({column}, 1, 10)"
    return (
        f"coalesce(typeof({column}) = 'text' AND length({column}) = 26 AND {column} GLOB "
        f"'{digits}.[0-9][0-9][0-9][0-9][0-9][0-9]' AND {day} > '0000' AND "
        f"date(julianday({day})) IS {day} AND substr({column}, 12, 2) < '24' AND "
        f"substr({column}, 15, 2) < '60' AND substr({column}, 18, 2) < '60', 0)"
    )


CODING_PROBLEM = f"""CASE
  WHEN NOT {_uuid_sql("c.uuid")} THEN 'its identity is not a UUID'
  WHEN d.uuid IS NULL THEN 'it points to a statement the packet does not hold'
  WHEN t.uuid IS NULL THEN 'it points to a theme the packet does not hold'
  WHEN c.stance_id IS NOT NULL AND s.uuid IS NULL
    THEN 'it points to a stance the packet does not hold'
  WHEN typeof(c.start) != 'integer' OR typeof(c."end") != 'integer'
    THEN 'its offsets are not whole numbers'
  WHEN c.start < 0 OR c.start >= c."end" THEN 'its span is empty or runs backwards'
  WHEN typeof(c.memo) != 'text' THEN 'its memo is not text'
  WHEN NOT ({_stamp_sql("c.created_at")} AND {_stamp_sql("c.modified_at")})
    THEN 'its time stamps are not valid dates and times'
END"""
"""SQL: why a coding row (``c``, joined ``d``, ``t``, ``s``) cannot be merged, or NULL."""

MEMO_PROBLEM = f"""CASE
  WHEN NOT {_uuid_sql("m.uuid")} THEN 'its identity is not a UUID'
  WHEN m.document_id IS NOT NULL AND d.uuid IS NULL
    THEN 'it points to a statement the packet does not hold'
  WHEN m.theme_id IS NOT NULL AND t.uuid IS NULL
    THEN 'it points to a theme the packet does not hold'
  WHEN (m.document_id IS NULL) = (m.theme_id IS NULL)
    THEN 'it must be on either a statement or a theme'
  WHEN typeof(m.text) != 'text' THEN 'its text is not text'
  WHEN NOT {_stamp_sql("m.modified_at")} THEN 'its time stamp is not a valid date and time'
END"""
"""SQL: why a memo row (``m``, joined ``d``, ``t``) cannot be merged, or NULL."""

MARK_PROBLEM = f"""CASE
  WHEN d.uuid IS NULL THEN 'it points to a statement the packet does not hold'
  WHEN NOT {_stamp_sql("st.done_at")} THEN 'its time stamp is not a valid date and time'
END"""
"""SQL: why a done mark (``st``, joined ``d``) cannot be merged, or NULL."""


def is_uuid(value: object) -> bool:
    """True for a UUID in the canonical lowercase form every r2pcoder file uses."""
    return isinstance(value, str) and _UUID.match(value) is not None


def identity_problems(kind: str, rows: Iterable[Sequence[object]]) -> list[str]:
    """Problems with ``(id, uuid, label)`` rows of one table: UUID form, repeated ids or UUIDs."""
    rows = list(rows)
    problems = [
        f"{kind} {r[2]!r} has no valid identity ({r[1]!r})" for r in rows if not is_uuid(r[1])
    ]
    for what, position in (("identity", 1), ("row id", 0)):
        counts = Counter(r[position] for r in rows)
        problems += [f"{n} {kind}s share the {what} {v!r}" for v, n in counts.items() if n > 1]
    return problems


def codebook_problems(
    themes: Sequence[Sequence[object]], stances: Sequence[Sequence[object]]
) -> list[str]:
    """Every structural problem of a packet's codebook.

    ``themes``: ``(id, uuid, key, parent_id, name, description, include, exclude, example,
    color, position, retired)``; ``stances``: ``(id, uuid, key, name, retired)``.
    """
    problems = identity_problems("theme", ((t[0], t[1], t[2]) for t in themes))
    problems += identity_problems("stance", ((s[0], s[1], s[2]) for s in stances))
    for kind, rows in (("theme", themes), ("stance", stances)):
        keys = Counter(r[2] for r in rows)
        problems += [f"{n} {kind}s share the key {k!r}" for k, n in keys.items() if n > 1]
        problems += [
            f"a {kind} has no valid key ({r[2]!r})"
            for r in rows
            if not isinstance(r[2], str) or not r[2].strip()
        ]
    for t in themes:
        problems += _theme_fields(t)
    for s in stances:
        if not isinstance(s[3], str) or not s[3].strip():
            problems.append(f"stance {s[2]!r} has no name")
    ids = {t[0] for t in themes}
    problems += [
        f"theme {t[2]!r} names a parent the packet does not hold ({t[3]!r})"
        for t in themes
        if t[3] is not None and t[3] not in ids
    ]
    keys_by_id = {t[0]: str(t[2]) for t in themes}
    parents: dict[Any, Any] = {t[0]: t[3] for t in themes if t[3] in ids}
    for cycle in find_cycles(parents):
        path = " > ".join(keys_by_id[i] for i in [*cycle, cycle[0]])
        problems.append(f"themes form a cycle of parents ({path})")
    return problems


def _theme_fields(t: Sequence[object]) -> list[str]:
    label = t[2]
    problems = []
    if not isinstance(t[4], str) or not t[4].strip():
        problems.append(f"theme {label!r} has no name")
    if not all(isinstance(v, str) for v in t[5:9]):
        problems.append(f"theme {label!r} has criteria that are not text")
    if not isinstance(t[9], str) or not _COLOR.match(t[9]):
        problems.append(f"theme {label!r} has a colour that is not #rrggbb ({t[9]!r})")
    if type(t[10]) is not int:
        problems.append(f"theme {label!r} has a position that is not a whole number")
    if t[11] not in (0, 1):
        problems.append(f"theme {label!r} is neither retired nor in use ({t[11]!r})")
    return problems


def document_problems(rows: Sequence[Sequence[object]]) -> list[str]:
    """Problems of a packet's statements ``(id, uuid, sha256, title)``."""
    problems = identity_problems("statement", ((r[0], r[1], r[3]) for r in rows))
    problems += [
        f"statement {r[3]!r} has no valid text hash"
        for r in rows
        if not isinstance(r[2], str) or not _SHA256.match(r[2])
    ]
    problems += [
        f"a statement has a title that is not text ({r[3]!r})"
        for r in rows
        if not isinstance(r[3], str)
    ]
    return problems


def coder_problems(rows: Sequence[Sequence[object]]) -> list[str]:
    """Problems of a file's coders ``(id, uuid, name)``."""
    problems = identity_problems("coder", rows)
    problems += [
        f"a coder has a name that is not text ({r[2]!r})"
        for r in rows
        if not isinstance(r[2], str) or not r[2].strip()
    ]
    return problems


def find_cycles(parents: Mapping[int, int | None]) -> list[list[int]]:
    """Each cycle in a child -> parent map once, as the list of its members (cycle-safe walk)."""
    done: set[int] = set()
    cycles = []
    for start in parents:
        path: list[int] = []
        on_path: set[int] = set()
        node: int | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parents.get(node)
        if node is not None and node in on_path:
            cycles.append(path[path.index(node) :])
        done.update(path)
    return cycles
