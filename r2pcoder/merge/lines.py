"""Placing copies of one packet on their change histories ("lines"), to tell newer from diverged.

A packet's history is a chain of digests from its root (see :mod:`r2pcoder.packet_history`); a
copy's *line* is that chain up to its last write. One copy continues another when the other's
line is a prefix of its own; two copies coded separately share a prefix and then part.

The merge works per *unit* (a statement, or ``*`` for memos on themes) and per coder: a copy's
**version** of a unit is the place on its line of its last write to that unit (or the root, if it
never wrote there). Version ``a`` precedes ``b`` when both lie on one line and ``a`` comes first:
then ``b`` holds everything ``a`` did there, and more. Two versions of which neither precedes the
other are *diverged* on that unit. Versions of different packets are never compared by history:
a re-issued packet (a higher issue) decides the statements it holds. A packet's history is read
on its hardened connection, in SQL of its own (see :mod:`r2pcoder.merge.untrusted` for why).
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from r2pcoder.merge.untrusted import FileRefused
from r2pcoder.packet_history import DIGEST_BYTES, root_digest
from r2pcoder.wording import counted

__all__ = [
    "CODEBOOK_UNIT",
    "History",
    "Line",
    "OtherWrite",
    "Version",
    "fixed_history",
    "precedes",
    "read_history",
]

CODEBOOK_UNIT = "*"
"""The unit of a coder's work outside any statement: memos on themes (and proposed themes)."""

_MAX_REVISION = 1 << 40
_ROW_TABLES = {"codings": "coding", "memos": "memo", "document_status": "done mark"}


@dataclass(frozen=True)
class Line:
    """A copy's history: the digest at each revision from ``base`` (its root) on.

    ``root`` is the digest at ``base``; ``chain`` holds the digests after it, 16 bytes each, as
    ``packet_lines`` stores them (a line of a hundred thousand writes is one bytes object, not a
    hundred thousand).
    """

    key: str
    base: int
    root: bytes
    chain: bytes = b""

    @property
    def length(self) -> int:
        """The revision of the line's last write."""
        return self.base + len(self.chain) // DIGEST_BYTES

    @property
    def tip(self) -> bytes:
        """The digest after the last write."""
        return self.chain[-DIGEST_BYTES:] if self.chain else self.root

    @property
    def digests(self) -> tuple[bytes, ...]:
        """Every digest of the line, the root first."""
        chain = self.chain
        rest = (chain[i : i + DIGEST_BYTES] for i in range(0, len(chain), DIGEST_BYTES))
        return (self.root, *rest)

    def at(self, position: int) -> bytes | None:
        """The digest at ``position``, or None if the line does not reach it."""
        index = position - self.base
        if index == 0:
            return self.root
        if 0 < index <= len(self.chain) // DIGEST_BYTES:
            return self.chain[(index - 1) * DIGEST_BYTES : index * DIGEST_BYTES]
        return None

    def holds(self, version: Version) -> bool:
        """True if ``version`` lies on this line."""
        return version.key == self.key and self.at(version.position) == version.digest

    def extends(self, other: Line) -> bool:
        """True if ``other`` is this line or a beginning of it."""
        return (
            other.key == self.key
            and other.base == self.base
            and other.length <= self.length
            and self.at(other.length) == other.tip
        )

    def until(self, position: int) -> Line:
        """The beginning of this line up to ``position`` (which it must reach)."""
        assert self.base <= position <= self.length
        return Line(
            self.key, self.base, self.root, self.chain[: (position - self.base) * DIGEST_BYTES]
        )

    @classmethod
    def stored(cls, key: str, base: int, root: str, chain: bytes) -> Line:
        """A line as ``packet_lines`` holds it."""
        return cls(key, base, bytes.fromhex(root), bytes(chain))

    def version(self, issue: int, position: int) -> Version:
        """This line's version at ``position``."""
        digest = self.at(position)
        assert digest is not None
        return Version(self.key, issue, position, digest)


@dataclass(frozen=True, order=True)
class Version:
    """A place on a packet's history: the state of one unit after the write at ``position``."""

    key: str
    issue: int
    position: int
    digest: bytes

    def __str__(self) -> str:
        return f"revision {self.position}"


def precedes(a: Version, b: Version, lines: Iterable[Line]) -> bool:
    """True if ``a`` is ``b`` or comes before it on some known line (``b`` then holds ``a``)."""
    if a == b:
        return True
    if a.key != b.key or a.position >= b.position:
        return False
    return any(line.holds(a) and line.holds(b) for line in lines)


@dataclass(frozen=True)
class OtherWrite:
    """A write recorded in a packet to a row of someone other than the packet's coder."""

    kind: str
    identity: str
    coder_uuid: str | None


@dataclass(frozen=True)
class History:
    """A packet's history, read and checked: its line, and where its coder wrote what last."""

    line: Line
    touches: Mapping[str, int]
    others: tuple[OtherWrite, ...]


_FIELDS = ("tbl", "op", "unit", "unit2", "coder", "coder2", '"row"')
_FIT = " AND ".join(f"typeof({f}) IN ('text', 'null')" for f in _FIELDS)
_ENTRY = " || char(31) || ".join(f"ifnull({f}, '')" for f in _FIELDS)
# Each entry as the text its digest is taken of (its fields joined by the unit separator, see
# packet_history.entry_digest), built by SQLite; NULL for an entry whose fields are not all text
# or NULL, where reading stops. Rows are fetched one by one, so reading stops there too.
_ENTRIES = f"SELECT seq, CASE WHEN {_FIT} THEN {_ENTRY} END FROM packet_history ORDER BY seq"
_COUNTED = "tbl IN ('codings', 'memos', 'document_status')"
_RANGE = "seq > :base AND seq <= :revision"
_PLACE = "ifnull({unit}, CASE WHEN tbl = 'memos' THEN '*' ELSE '?' END)"
# Where the coder wrote last, per unit: a row written (or, for an update, also a row's place
# before it) under the coder's name, or any theme.
_TOUCHES = f"""
SELECT '*', max(seq) FROM packet_history WHERE {_RANGE} AND tbl = 'themes'
UNION ALL SELECT {_PLACE.format(unit="unit")}, max(seq) FROM packet_history
  WHERE {_RANGE} AND {_COUNTED} AND coder = :coder GROUP BY 1
UNION ALL SELECT {_PLACE.format(unit="unit2")}, max(seq) FROM packet_history
  WHERE {_RANGE} AND {_COUNTED} AND op = 'update' AND coder2 = :coder GROUP BY 1"""
# Writes of rows under any other name, in the order they were made.
_OTHERS = f"""
SELECT seq, 0, tbl, unit, coder, "row" FROM packet_history
  WHERE {_RANGE} AND {_COUNTED} AND coder IS NOT :coder
UNION ALL SELECT seq, 1, tbl, unit2, coder2, "row" FROM packet_history
  WHERE {_RANGE} AND {_COUNTED} AND op = 'update' AND coder2 IS NOT :coder
ORDER BY 1, 2"""


def read_history(
    conn: sqlite3.Connection, key: str, coder_uuid: str, state: Sequence[object]
) -> History:
    """Read a packet's ``packet_history`` and check it against its revision counter.

    ``state`` is ``(revision, root, base_revision)`` from ``packet_state``. The entries are read
    from the first after the base, in order, as long as they follow without a gap and hold only
    text; they must reach the revision exactly. Their text is joined by SQLite and only the
    digests are taken in Python; where the coder wrote last, and what was written under other
    names, are then counted by SQLite over those same entries.

    Raises:
        FileRefused: the counter and the history disagree, or entries are malformed: the file
            was changed outside r2pcoder, and its revision cannot be trusted.
    """
    revision, root, base = state
    if not (isinstance(root, str) and root and _plausible(revision) and _plausible(base)):
        raise FileRefused(f"its revision counter ({revision!r}) is not plausible")
    assert isinstance(revision, int)
    assert isinstance(base, int)
    if base > revision:
        raise FileRefused(f"its revision counter ({revision}) is below its start ({base})")
    first = digest = root_digest(root)
    chain = bytearray()
    expected = base + 1
    sha256 = hashlib.sha256
    for seq, entry in conn.execute(_ENTRIES):
        if seq != expected or entry is None:
            break
        digest = sha256(digest + entry.encode("utf-8", "surrogatepass")).digest()[:DIGEST_BYTES]
        chain += digest
        expected += 1
    if expected != revision + 1:
        raise FileRefused(
            f"its change history does not match its revision counter (revision {revision}, "
            f"{counted(expected - base - 1, 'recorded change')} from revision {base}); it was "
            "changed "
            "outside r2pcoder"
        )
    scope = {"base": base, "revision": revision, "coder": coder_uuid}
    touches: dict[str, int] = {}
    for place, seq in conn.execute(_TOUCHES, scope):
        if seq is not None:
            touches[str(place)] = max(int(seq), touches.get(str(place), 0))
    others = tuple(
        OtherWrite(
            _ROW_TABLES[str(table)],
            str(place) if table == "document_status" else _first(row),
            None if who is None else str(who),
        )
        for _seq, _second, table, place, who, row in conn.execute(_OTHERS, scope)
    )
    return History(Line(key, base, first, bytes(chain)), touches, others)


def fixed_history(key: str, root: str, revision: object) -> History:
    """The history of a file that keeps none (a schema 1 packet, another master's project).

    Its one place is its root, at its revision: two such files are the same version exactly when
    their roots (which name their content) agree.
    """
    if not _plausible(revision):
        raise FileRefused(f"its revision counter ({revision!r}) is not plausible")
    assert isinstance(revision, int)
    return History(Line(key, revision, root_digest(root)), {}, ())


def _plausible(value: object) -> bool:
    return type(value) is int and 0 <= value < _MAX_REVISION


def _first(row: object) -> str:
    try:
        value = json.loads(str(row))
    except ValueError:
        return "?"
    return str(value[0]) if isinstance(value, list) and value else "?"
