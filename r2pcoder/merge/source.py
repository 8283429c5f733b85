"""Reading a returned packet (or a foreign project) for a merge: header checks, then a layer.

Packets are only ever opened through their own read-only engine (never ``ATTACH``), so a merge
or a preview cannot change them. Rows are read with plain SQL as tuples, keeping timestamps in
their stored text form, because a merge moves hundreds of thousands of them. Must not import Qt
or ``ui``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError

from r2pcoder.db import ProjectInfo, make_readonly_engine
from r2pcoder.errors import ProjectError
from r2pcoder.merge.report import Refusal, Stamp
from r2pcoder.migrations import check_file

__all__ = ["LayerData", "SourceHeader", "read_header", "read_layer"]

CodingTuple = tuple[str, str, str, str | None, int, int, str, str, str]
"""uuid, document uuid, theme uuid, stance uuid, start, end, memo, created_at, modified_at."""
MemoTuple = tuple[str, str | None, str | None, str, str]
"""uuid, document uuid, theme uuid, text, modified_at."""

_LAYER_CODINGS = """
SELECT c.uuid, d.uuid, t.uuid, s.uuid, c.start, c."end", c.memo, c.created_at, c.modified_at
FROM codings c JOIN documents d ON d.id = c.document_id JOIN themes t ON t.id = c.theme_id
LEFT JOIN stances s ON s.id = c.stance_id WHERE c.coder_id = ?"""
_LAYER_MEMOS = """
SELECT m.uuid, d.uuid, t.uuid, m.text, m.modified_at FROM memos m
LEFT JOIN documents d ON d.id = m.document_id LEFT JOIN themes t ON t.id = m.theme_id
WHERE m.coder_id = ?"""
_LAYER_MARKS = """
SELECT d.uuid, st.done_at FROM document_status st JOIN documents d ON d.id = st.document_id
WHERE st.coder_id = ?"""
# Each row of the layer as one text, built by SQLite: hashing these sorted is the fingerprint,
# and costs a fraction of formatting the tuples in Python.
_FINGERPRINT = (
    """SELECT 'c|' || c.uuid || '|' || d.uuid || '|' || t.uuid || '|' || ifnull(s.uuid, '') || '|'
    || c.start || '|' || c."end" || '|' || c.memo || '|' || c.created_at || '|' || c.modified_at
    FROM codings c JOIN documents d ON d.id = c.document_id JOIN themes t ON t.id = c.theme_id
    LEFT JOIN stances s ON s.id = c.stance_id WHERE c.coder_id = :coder""",
    """SELECT 'm|' || m.uuid || '|' || ifnull(d.uuid, '') || '|' || ifnull(t.uuid, '') || '|'
    || m.text || '|' || m.modified_at FROM memos m LEFT JOIN documents d ON d.id = m.document_id
    LEFT JOIN themes t ON t.id = m.theme_id WHERE m.coder_id = :coder""",
    """SELECT 's|' || d.uuid || '|' || st.done_at FROM document_status st
    JOIN documents d ON d.id = st.document_id WHERE st.coder_id = :coder""",
)
_THEMES = """
SELECT t.uuid, t.key, t.name, p.uuid, t.description, t.include, t.exclude, t.example, t.color,
t.position FROM themes t LEFT JOIN themes p ON p.id = t.parent_id ORDER BY t.id"""


@dataclass(frozen=True)
class SourceHeader:
    """Identity of a file offered for merging, read before any of its rows."""

    path: Path
    file_sha256: str
    project_uuid: str
    role: str
    coder_uuids: tuple[str, ...]
    stamp: Stamp
    foreign: bool
    documents: tuple[tuple[str, str], ...] = ()
    """(uuid, sha256) of every statement the file holds."""


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


@dataclass(frozen=True)
class LayerData:
    """Everything one coder did in one file, with references as UUIDs."""

    coder_uuid: str
    coder_name: str
    documents: tuple[tuple[str, str, str], ...]
    themes: tuple[ThemeTuple, ...]
    stances: tuple[tuple[str, str, str], ...]
    codings: tuple[CodingTuple, ...]
    memos: tuple[MemoTuple, ...]
    marks: tuple[tuple[str, str], ...]

    fingerprint: str = ""
    """SHA-256 of the layer's content in a canonical order: the same work, the same hash."""


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes (recorded in the merge log)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_header(path: Path, master: ProjectInfo, *, foreign: bool) -> SourceHeader | Refusal:
    """Check ``path`` and read its identity, or say in plain words why it cannot be merged."""
    try:
        check_file(path)
        engine = make_readonly_engine(path)
        try:
            return _header(engine, path, master, foreign=foreign)
        finally:
            engine.dispose()
    except ProjectError as exc:
        return Refusal(path.name, str(exc))
    except DatabaseError as exc:
        return Refusal(path.name, f"the file is damaged ({exc.orig})")


def _header(
    engine: Engine, path: Path, master: ProjectInfo, *, foreign: bool
) -> SourceHeader | Refusal:
    with engine.connect() as conn:
        uuid, role, coder = conn.exec_driver_sql(
            "SELECT uuid, role, packet_coder_uuid FROM project"
        ).one()
        state = conn.exec_driver_sql("SELECT issue, revision FROM packet_state").first()
        latest = conn.exec_driver_sql(
            "SELECT max(x) FROM (SELECT max(modified_at) AS x FROM codings UNION ALL "
            "SELECT max(modified_at) FROM memos UNION ALL SELECT max(done_at) FROM document_status)"
        ).scalar()
        coders = [r[0] for r in conn.exec_driver_sql("SELECT uuid FROM coders ORDER BY uuid")]
        documents = tuple(
            (d, sha) for d, sha in conn.exec_driver_sql("SELECT uuid, sha256 FROM documents")
        )
    if uuid == master.uuid and role == "master":
        return Refusal(path.name, "it is this master project (or a copy of it), not a packet")
    is_foreign = uuid != master.uuid
    if is_foreign and not foreign:
        return Refusal(
            path.name,
            "it belongs to another master project; import it as foreign to match its statements "
            "by text and its codebook by identity and name",
        )
    if role == "packet":
        if coder not in coders:
            return Refusal(path.name, "the file is damaged: its coder is missing")
        layer_coders: tuple[str, ...] = (coder,)
    else:
        layer_coders = tuple(coders)
    # In a packet the trigger-kept revision orders copies; clocks are only consulted for files
    # without one (a foreign master), where the latest change is all there is.
    issue, revision = state if state is not None else (0, 0)
    stamp = Stamp(int(issue), int(revision), "" if state is not None else str(latest or ""))
    return SourceHeader(
        path, file_sha256(path), uuid, role, layer_coders, stamp, is_foreign, documents
    )


def read_layer(path: Path, coder_uuid: str) -> LayerData:
    """Read one coder's codings, memos and done marks, and the file's documents and codebook."""
    engine = make_readonly_engine(path)
    try:
        with engine.connect() as conn:
            coder_id, name = conn.exec_driver_sql(
                "SELECT id, name FROM coders WHERE uuid = ?", (coder_uuid,)
            ).one()
            raw = conn.connection.driver_connection
            assert raw is not None
            return LayerData(
                coder_uuid=coder_uuid,
                coder_name=name,
                documents=tuple(raw.execute("SELECT uuid, sha256, title FROM documents")),
                themes=tuple(ThemeTuple(*row) for row in raw.execute(_THEMES)),
                stances=tuple(raw.execute("SELECT uuid, key, name FROM stances")),
                codings=tuple(raw.execute(_LAYER_CODINGS, (coder_id,))),
                memos=tuple(raw.execute(_LAYER_MEMOS, (coder_id,))),
                marks=tuple(raw.execute(_LAYER_MARKS, (coder_id,))),
                fingerprint=_fingerprint(raw, coder_id),
            )
    finally:
        engine.dispose()


def _fingerprint(raw: Any, coder_id: int) -> str:
    lines = [row[0] for sql in _FINGERPRINT for row in raw.execute(sql, {"coder": coder_id})]
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
