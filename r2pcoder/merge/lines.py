"""Placing copies of one packet on their change histories ("lines"), to tell newer from diverged.

A packet's history is a chain of digests from its root (see :mod:`r2pcoder.packet_history`); a
copy's *line* is that chain up to its last write. One copy continues another when the other's
line is a prefix of its own; two copies coded separately share a prefix and then part.

The merge works per *unit* (a statement, or ``*`` for memos on themes) and per coder: a copy's
**version** of a unit is the place on its line of its last write to that unit (or the root, if it
never wrote there). Version ``a`` precedes ``b`` when both lie on one line and ``a`` comes first:
then ``b`` holds everything ``a`` did there, and more. Two versions of which neither precedes the
other are *diverged* on that unit. Versions of different packets are never compared by history:
a re-issued packet (a higher issue) decides the statements it holds. Must not import Qt or
``ui``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from r2pcoder.merge.untrusted import FileRefused
from r2pcoder.packet_history import DIGEST_BYTES, entry_digest, root_digest

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

_UNKNOWN_UNIT = "?"
_MAX_REVISION = 1 << 40
_ROW_TABLES = {"codings": "coding", "memos": "memo", "document_status": "done mark"}


@dataclass(frozen=True)
class Line:
    """A copy's history: the digest at each revision from ``base`` (its root) on."""

    key: str
    base: int
    digests: tuple[bytes, ...]

    @property
    def length(self) -> int:
        """The revision of the line's last write."""
        return self.base + len(self.digests) - 1

    @property
    def tip(self) -> bytes:
        """The digest after the last write."""
        return self.digests[-1]

    def at(self, position: int) -> bytes | None:
        """The digest at ``position``, or None if the line does not reach it."""
        index = position - self.base
        return self.digests[index] if 0 <= index < len(self.digests) else None

    def holds(self, version: Version) -> bool:
        """True if ``version`` lies on this line."""
        return version.key == self.key and self.at(version.position) == version.digest

    def extends(self, other: Line) -> bool:
        """True if ``other`` is this line or a beginning of it."""
        return (
            other.key == self.key
            and other.base == self.base
            and len(other.digests) <= len(self.digests)
            and self.digests[len(other.digests) - 1] == other.tip
        )

    def chain(self) -> bytes:
        """The digests after the root, as stored in ``packet_lines``."""
        return b"".join(self.digests[1:])

    @classmethod
    def stored(cls, key: str, base: int, root: str, chain: bytes) -> Line:
        """A line as ``packet_lines`` holds it."""
        rest = [chain[i : i + DIGEST_BYTES] for i in range(0, len(chain), DIGEST_BYTES)]
        return cls(key, base, (bytes.fromhex(root), *rest))

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


def read_history(
    conn: sqlite3.Connection, key: str, coder_uuid: str, state: Sequence[object]
) -> History:
    """Read a packet's ``packet_history`` and check it against its revision counter.

    ``state`` is ``(revision, root, base_revision)`` from ``packet_state``.

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
    digests = [root_digest(root)]
    touches: dict[str, int] = {}
    others: list[OtherWrite] = []
    expected = base + 1
    rows = conn.execute(
        'SELECT seq, tbl, op, unit, unit2, coder, coder2, "row" FROM packet_history ORDER BY seq'
    )
    for entry in rows:
        if entry[0] != expected or not all(isinstance(v, str | None) for v in entry[1:]):
            break
        digests.append(entry_digest(digests[-1], entry[1:]))
        _touch(entry, coder_uuid, touches, others)
        expected += 1
    if expected != revision + 1:
        raise FileRefused(
            f"its change history does not match its revision counter (revision {revision}, "
            f"{expected - base - 1} recorded change(s) from revision {base}); it was changed "
            "outside r2pcoder"
        )
    return History(Line(key, base, tuple(digests)), touches, tuple(others))


def fixed_history(key: str, root: str, revision: object) -> History:
    """The history of a file that keeps none (a schema 1 packet, another master's project).

    Its one place is its root, at its revision: two such files are the same version exactly when
    their roots (which name their content) agree.
    """
    if not _plausible(revision):
        raise FileRefused(f"its revision counter ({revision!r}) is not plausible")
    assert isinstance(revision, int)
    return History(Line(key, revision, (root_digest(root),)), {}, ())


def _plausible(value: object) -> bool:
    return type(value) is int and 0 <= value < _MAX_REVISION


def _touch(
    entry: Sequence[object], coder: str, touches: dict[str, int], others: list[OtherWrite]
) -> None:
    seq, table, op, unit, unit2, who, who2, row = entry
    assert isinstance(seq, int)
    if table == "themes":
        touches[CODEBOOK_UNIT] = seq
        return
    kind = _ROW_TABLES.get(str(table))
    if kind is None:
        return
    pairs = [(who, unit)] + ([(who2, unit2)] if op == "update" else [])
    for person, place in pairs:
        if person == coder:
            fallback = CODEBOOK_UNIT if table == "memos" else _UNKNOWN_UNIT
            touches[str(place) if place is not None else fallback] = seq
        else:
            identity = str(place) if table == "document_status" else _first(row)
            others.append(OtherWrite(kind, identity, None if person is None else str(person)))


def _first(row: object) -> str:
    try:
        value = json.loads(str(row))
    except ValueError:
        return "?"
    return str(value[0]) if isinstance(value, list) and value else "?"
