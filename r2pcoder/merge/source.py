"""Reading a returned packet (or a foreign project) for a merge: its header, then one coder's work.

Files are read only through :func:`r2pcoder.merge.untrusted.open_untrusted` (hardened, read-only,
no side files), never ``ATTACH``-ed to the master, so a merge or a preview cannot change them and
nothing in them runs. The header holds everything small: identity, the packet's change history
per coder, statements and codebook, all checked (a broken codebook or identity refuses the file).
A coder's rows are read later, on the reading thread, each with the reason SQLite finds it unfit
to merge (see :mod:`r2pcoder.merge.validate`); timestamps stay in their stored text form until
they are written (:mod:`r2pcoder.merge.apply`), because a merge moves a million of them.

These reads are SQL of their own on the file's hardened ``sqlite3`` connection, not SQLAlchemy
like the rest of the project: :mod:`r2pcoder.merge.untrusted` says why. Must not import Qt or
``ui``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from r2pcoder.db import ProjectInfo
from r2pcoder.merge.lines import History, Line, fixed_history, read_history
from r2pcoder.merge.report import Refusal
from r2pcoder.merge.untrusted import FileRefused, Guard, open_untrusted, reading
from r2pcoder.merge.validate import (
    CODING_PROBLEM,
    MARK_PROBLEM,
    MEMO_PROBLEM,
    codebook_problems,
    coder_problems,
    document_problems,
    is_uuid,
)
from r2pcoder.packet_history import foreign_root, legacy_fingerprint, legacy_root, packet_root

__all__ = [
    "CoderLine",
    "LayerData",
    "SourceHeader",
    "ThemeTuple",
    "file_sha256",
    "read_header",
    "read_layer",
]

Recorded = Callable[[str, str, tuple[str, int, int]], History | None]
"""``recorded(file_sha256, coder_uuid, (key, base, revision))``: the history read before in a
file with these bytes, or None (see :class:`r2pcoder.merge.known.KnownCopies`)."""

CodingTuple = tuple[
    object, str | None, str | None, str | None, object, object, object, object, object, str | None
]
"""uuid, document uuid, theme uuid, stance uuid, start, end, memo, created_at, modified_at,
problem (NULL when the row is fit to merge). Values keep the types SQLite returned."""
MemoTuple = tuple[object, str | None, str | None, object, object, str | None]
"""uuid, document uuid, theme uuid, text, modified_at, problem."""
MarkTuple = tuple[str | None, object, object, str | None]
"""document uuid, done_at, document row id, problem."""

_LAYER_CODINGS = f"""
SELECT c.uuid, d.uuid, t.uuid, s.uuid, c.start, c."end", c.memo, c.created_at, c.modified_at,
{CODING_PROBLEM}
FROM codings c LEFT JOIN documents d ON d.id = c.document_id LEFT JOIN themes t ON t.id = c.theme_id
LEFT JOIN stances s ON s.id = c.stance_id WHERE c.coder_id = ?"""
_LAYER_MEMOS = f"""
SELECT m.uuid, d.uuid, t.uuid, m.text, m.modified_at, {MEMO_PROBLEM} FROM memos m
LEFT JOIN documents d ON d.id = m.document_id LEFT JOIN themes t ON t.id = m.theme_id
WHERE m.coder_id = ?"""
_LAYER_MARKS = f"""
SELECT d.uuid, st.done_at, st.document_id, {MARK_PROBLEM} FROM document_status st
LEFT JOIN documents d ON d.id = st.document_id WHERE st.coder_id = ?"""
# Codings under any other name than the packet's coder's, of coders the master does not know
# (the master's own coders' work is copied into a packet when it is made).
_OTHER_CODINGS = """
SELECT c.uuid, k.uuid FROM codings c LEFT JOIN coders k ON k.id = c.coder_id
WHERE c.coder_id IS NOT ? AND (k.uuid IS NULL OR k.uuid NOT IN (SELECT value FROM json_each(?)))"""
_THEMES = """
SELECT id, uuid, key, parent_id, name, description, include, exclude, example, color, position,
retired FROM themes ORDER BY id"""


@dataclass(frozen=True)
class ThemeTuple:
    """A theme of the source file, with its parent's UUID (``None`` at the top)."""

    uuid: str
    key: str
    name: str
    parent_uuid: str | None
    description: str
    include: str
    exclude: str
    example: str
    color: str
    position: int
    retired: bool = False


@dataclass(frozen=True)
class CoderLine:
    """One coder's work in a file, placed on a packet history.

    ``key`` names the packet (its UUID; ``legacy:<coder>:<issue>`` for a schema 1 packet,
    ``foreign:<project>:<coder>`` for another master's project); ``touches`` maps each unit
    (statement UUID of the file, or ``*``) to the revision of the coder's last write there.
    """

    coder_uuid: str
    coder_name: str
    key: str
    issue: int
    history: History

    @property
    def line(self) -> Line:
        """The copy's line."""
        return self.history.line


@dataclass(frozen=True)
class SourceHeader:
    """A file offered for merging, read and checked before any of its coding rows."""

    path: Path
    file_sha256: str
    project_uuid: str
    role: str
    foreign: bool
    packet_uuid: str | None
    issue: int
    revision: int
    coders: tuple[CoderLine, ...]
    documents: tuple[tuple[str, str, str], ...]
    """(uuid, sha256, title) of every statement the file holds."""
    themes: tuple[ThemeTuple, ...]
    stances: tuple[tuple[str, str, str, bool], ...]
    """(uuid, key, name, retired) of every stance."""


@dataclass(frozen=True)
class LayerData:
    """Everything one coder did in one file, with references as UUIDs and each row's problem."""

    coder_uuid: str
    coder_name: str
    codings: tuple[CodingTuple, ...]
    memos: tuple[MemoTuple, ...]
    marks: tuple[MarkTuple, ...]
    others: tuple[tuple[object, object], ...] = ()
    """(uuid, coder uuid) of codings under other names in a packet."""


def file_sha256(path: Path, guard: Guard | None = None) -> str:
    """SHA-256 of the file's bytes, and of its write-ahead log when one lies beside it.

    With a ``guard``, a cancel or the file's time limit stops the hashing of a huge file.
    """
    digest = hashlib.sha256()
    for part in (path, Path(f"{path}-wal")):
        if part is path or part.is_file():
            with part.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
                    if guard is not None:
                        guard.check()
    return digest.hexdigest()


def read_header(
    path: Path,
    master: ProjectInfo,
    *,
    foreign: bool,
    guard: Guard,
    recorded: Recorded | None = None,
) -> SourceHeader | Refusal:
    """Check ``path`` and read its identity, or say in plain words why it cannot be merged.

    ``recorded`` gives the history of a file read before, which is then not read again.
    """
    try:
        with open_untrusted(path, guard) as opened, reading(guard):
            return _header(
                opened.conn, path, master, foreign=foreign, guard=guard, recorded=recorded
            )
    except FileRefused as exc:
        return Refusal(path.name, exc.reason, exc.problems)
    except OSError as exc:
        return Refusal(path.name, f"it cannot be read ({exc.strerror or exc})")
    except (ValueError, TypeError, KeyError) as exc:  # a value of a kind no r2pcoder writes
        return Refusal(
            path.name,
            f"it holds a value of the wrong kind ({exc}); it was changed outside r2pcoder",
        )


def _header(
    conn: sqlite3.Connection,
    path: Path,
    master: ProjectInfo,
    *,
    foreign: bool,
    guard: Guard,
    recorded: Recorded | None,
) -> SourceHeader | Refusal:
    sha256 = file_sha256(path, guard)
    project = conn.execute("SELECT uuid, role, packet_coder_uuid FROM project").fetchall()
    if len(project) != 1 or not all(isinstance(v, str | None) for v in project[0]):
        raise FileRefused("its project record is missing or damaged")
    uuid, role, packet_coder = project[0]
    if uuid == master.uuid and role == "master":
        return Refusal(path.name, "it is this master project (or a copy of it), not a packet")
    is_foreign = uuid != master.uuid
    if is_foreign and not foreign:
        return Refusal(
            path.name,
            "it belongs to another master project; import it as foreign to match its statements "
            "by text and its codebook by identity and name",
        )
    if role not in ("packet", "master"):
        raise FileRefused(f"its role ({role!r}) is neither packet nor master")
    coders = conn.execute("SELECT id, uuid, name FROM coders ORDER BY id").fetchall()
    documents = conn.execute("SELECT id, uuid, sha256, title FROM documents").fetchall()
    themes = conn.execute(_THEMES).fetchall()
    stances = conn.execute("SELECT id, uuid, key, name, retired FROM stances").fetchall()
    problems = coder_problems(coders) + document_problems(documents)
    problems += codebook_problems(themes, stances)
    if problems:
        raise FileRefused(f"{problems[0]} (the file was changed outside r2pcoder)", tuple(problems))
    names = {str(u): str(n) for _, u, n in coders}
    ids = {str(u): int(i) for i, u, _ in coders}
    if role == "packet":
        if packet_coder not in names:
            raise FileRefused("its coder is missing (the file is damaged)")
        known = None if recorded is None else _recorded(recorded, sha256, str(packet_coder))
        lines, packet_uuid, issue, revision = _packet_line(
            conn, str(packet_coder), ids, names, known
        )
    else:
        lines = tuple(_foreign_line(conn, str(uuid), u, ids[u], names[u]) for u in names)
        packet_uuid, issue, revision = None, 0, 0
    return SourceHeader(
        path,
        sha256,
        str(uuid),
        str(role),
        is_foreign,
        packet_uuid,
        issue,
        revision,
        lines,
        tuple((str(u), str(sha), str(title)) for _, u, sha, title in documents),
        _themes(themes),
        tuple((str(s[1]), str(s[2]), str(s[3]), bool(s[4])) for s in stances),
    )


def _themes(rows: list[Any]) -> tuple[ThemeTuple, ...]:
    """The file's themes (checked before), with their parents as UUIDs."""
    uuids = {t[0]: str(t[1]) for t in rows}
    return tuple(
        ThemeTuple(
            uuid=str(t[1]),
            key=str(t[2]),
            name=str(t[4]),
            parent_uuid=uuids.get(t[3]),
            description=str(t[5]),
            include=str(t[6]),
            exclude=str(t[7]),
            example=str(t[8]),
            color=str(t[9]),
            position=int(t[10]),
            retired=bool(t[11]),
        )
        for t in rows
    )


def _recorded(
    recorded: Recorded, sha256: str, coder: str
) -> Callable[[str, object, object], History | None]:
    def find(key: str, base: object, revision: object) -> History | None:
        if type(base) is not int or type(revision) is not int:
            return None
        return recorded(sha256, coder, (key, base, revision))

    return find


def _packet_line(
    conn: sqlite3.Connection,
    coder: str,
    ids: Mapping[str, int],
    names: Mapping[str, str],
    known: Callable[[str, object, object], History | None] | None,
) -> tuple[tuple[CoderLine, ...], str | None, int, int]:
    v2 = "packet_history" in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    columns = "issue, revision, packet_uuid, root, base_revision" if v2 else "issue, revision"
    states = conn.execute(f"SELECT {columns} FROM packet_state").fetchall()
    if len(states) != 1:
        raise FileRefused("its packet record is missing or doubled (the file is damaged)")
    issue, revision, *rest = states[0]
    packet_uuid, root, base = rest if v2 else (None, "", revision)
    if (
        type(issue) is not int
        or issue < 1
        or (packet_uuid is not None and not is_uuid(packet_uuid))
    ):
        raise FileRefused(f"its packet record is not plausible (issue {issue!r})")
    if type(revision) is not int or not isinstance(root, str):
        raise FileRefused(f"its revision counter ({revision!r}) is not plausible")
    if not root:
        root = (
            packet_root(str(packet_uuid))
            if packet_uuid
            else legacy_root(issue, int(revision), _fingerprint(conn, ids[coder]))
        )
    key = str(packet_uuid) if packet_uuid else f"legacy:{coder}:{issue}"
    if v2:
        history = None if known is None else known(key, base, revision)
        if history is None:
            history = read_history(conn, key, coder, (revision, root, base))
    else:
        history = fixed_history(key, root, revision)
    line = CoderLine(coder, names[coder], key, issue, history)
    return (line,), None if packet_uuid is None else str(packet_uuid), issue, int(revision)


def _foreign_line(
    conn: sqlite3.Connection, project: str, coder: str, coder_id: int, name: str
) -> CoderLine:
    # Another master's project keeps no history: each state of a coder's work is its own root,
    # and two different states are compared by their content only.
    key = f"foreign:{project}:{coder}"
    history = fixed_history(key, foreign_root(_fingerprint(conn, coder_id)), 0)
    return CoderLine(coder, name, key, 0, history)


def _fingerprint(conn: sqlite3.Connection, coder_id: int) -> str:
    return legacy_fingerprint(conn.execute, coder_id)


def read_layer(
    header: SourceHeader, coder_uuid: str, guard: Guard, known_coders: str = "[]"
) -> LayerData:
    """Read one coder's codings, memos and done marks (and, in a packet, others' codings).

    ``known_coders`` is a JSON array of the master's coder UUIDs: codings in a packet under any
    other name are read too, to be named as not merged.

    Raises:
        FileRefused: the file cannot be read (damaged, or its time ran out).
        Cancelled: the guard's cancel check said stop.
    """
    name = next(c.coder_name for c in header.coders if c.coder_uuid == coder_uuid)
    with open_untrusted(header.path, guard) as opened, reading(guard):
        conn = opened.conn
        found = conn.execute("SELECT id FROM coders WHERE uuid = ?", (coder_uuid,)).fetchone()
        if found is None:
            raise FileRefused("its coder is missing (the file changed while it was merged)")
        coder_id = found[0]
        packet = header.role == "packet"
        others = conn.execute(_OTHER_CODINGS, (coder_id, known_coders)) if packet else ()
        return LayerData(
            coder_uuid=coder_uuid,
            coder_name=name,
            codings=tuple(conn.execute(_LAYER_CODINGS, (coder_id,))),
            memos=tuple(conn.execute(_LAYER_MEMOS, (coder_id,))),
            marks=tuple(conn.execute(_LAYER_MARKS, (coder_id,))),
            others=tuple(others),
        )
