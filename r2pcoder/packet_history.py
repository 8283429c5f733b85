"""The change history of a coder packet: the triggers that record it and the digests that order it.

Every write of coding work in a packet (codings, memos, done marks, themes) is recorded by SQLite
triggers installed in the packet file itself, so any program that writes the file, an older or
newer r2pcoder included, leaves a trace: one ``packet_history`` row per written row, numbered
``seq`` = the packet's revision after the write. Two copies of one packet share their history up
to the moment they were separated; from their histories a merge can tell whether one copy
continues the other or both went their own way (see :mod:`r2pcoder.merge.lines`).

Each entry is chained into a digest (SHA-256, cut to 16 bytes) that starts from the packet's
*root*: ``packet:<packet uuid>`` for a packet made by this version, or ``legacy:<issue>:<revision>:
<fingerprint>`` for a packet made before histories existed, whose history starts at the revision
it had when it was upgraded. Only Python's standard library is used, so the schema upgrade can use
this module too. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

__all__ = [
    "COUNTED_TABLES",
    "DIGEST_BYTES",
    "LEGACY_FINGERPRINT_SQL",
    "entry_digest",
    "foreign_root",
    "history_trigger_sql",
    "legacy_fingerprint",
    "legacy_root",
    "packet_root",
    "root_digest",
]

COUNTED_TABLES = ("codings", "memos", "document_status", "themes")
DIGEST_BYTES = 16

Execute = Callable[..., Any]

# Per table: the unit (statement) and coder of a row, and the row's content as JSON. Local row
# ids are fine in the content: copies of one packet share them for every row they share, and a
# row added in one copy only carries its own random UUID.
_DOC = "(SELECT uuid FROM documents WHERE id = {r}.document_id)"
_CODER = "(SELECT uuid FROM coders WHERE id = {r}.coder_id)"
_ROWS = {
    "codings": (
        _DOC,
        _CODER,
        "json_array({r}.uuid, {r}.document_id, {r}.coder_id, {r}.theme_id, {r}.stance_id, "
        '{r}.start, {r}."end", {r}.memo, {r}.created_at, {r}.modified_at)',
        "json_array({r}.uuid)",
    ),
    "memos": (
        _DOC,
        _CODER,
        "json_array({r}.uuid, {r}.document_id, {r}.theme_id, {r}.coder_id, {r}.text, "
        "{r}.modified_at)",
        "json_array({r}.uuid)",
    ),
    "document_status": (
        _DOC,
        _CODER,
        "json_array({r}.coder_id, {r}.document_id, {r}.done_at)",
        "json_array({r}.coder_id, {r}.document_id)",
    ),
    "themes": (
        "NULL",
        "NULL",
        "json_array({r}.uuid, {r}.key, {r}.parent_id, {r}.name, {r}.description, {r}.include, "
        "{r}.exclude, {r}.example, {r}.color, {r}.shortcut, {r}.position, {r}.retired, "
        "{r}.proposed_by)",
        "json_array({r}.uuid)",
    ),
}

# The fingerprint of one coder's work in a file, exactly as schema 1 computed it for its merge
# log: kept unchanged so that a packet upgraded from schema 1 and the master's record of merging
# it agree on where its history starts.
LEGACY_FINGERPRINT_SQL = (
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


def history_trigger_sql() -> list[str]:
    """``CREATE TRIGGER`` statements that keep ``packet_history`` and the revision counter.

    The revision is counted up first and the entry takes it as its ``seq``, so the entries of a
    packet are numbered without gaps from the revision its history starts at.
    """
    statements = []
    for table, (unit, coder, content, removed) in _ROWS.items():
        for event in ("INSERT", "UPDATE", "DELETE"):
            row = "OLD" if event == "DELETE" else "NEW"
            second = (unit.format(r="OLD"), coder.format(r="OLD")) if event == "UPDATE" else None
            body = content if event != "DELETE" else removed
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS packet_history_{table}_{event.lower()} "
                f"AFTER {event} ON {table} FOR EACH ROW BEGIN "
                "UPDATE packet_state SET revision = revision + 1 WHERE id = 1; "
                "INSERT INTO packet_history (seq, tbl, op, unit, unit2, coder, coder2, row) "
                f"VALUES ((SELECT revision FROM packet_state WHERE id = 1), '{table}', "
                f"'{event.lower()}', {unit.format(r=row)}, "
                f"{second[0] if second else 'NULL'}, {coder.format(r=row)}, "
                f"{second[1] if second else 'NULL'}, {body.format(r=row)}); END"
            )
    return statements


def packet_root(packet_uuid: str) -> str:
    """The root of a packet made with a history from its first write."""
    return f"packet:{packet_uuid}"


def legacy_root(issue: int, revision: int, fingerprint: str) -> str:
    """The root of a schema-1 packet: its issue, revision and the fingerprint of its work."""
    return f"legacy:{issue}:{revision}:{fingerprint}"


def foreign_root(fingerprint: str) -> str:
    """The root of a coder's work in another master's project file (which keeps no history)."""
    return f"foreign:{fingerprint}"


def root_digest(root: str) -> bytes:
    """The digest a history starts from."""
    return hashlib.sha256(root.encode("utf-8")).digest()[:DIGEST_BYTES]


def entry_digest(previous: bytes, entry: Iterable[object]) -> bytes:
    """The digest after one more entry (its fields as stored, in column order)."""
    text = "\x1f".join("" if v is None else str(v) for v in entry)
    return hashlib.sha256(previous + text.encode("utf-8", "surrogatepass")).digest()[:DIGEST_BYTES]


def legacy_fingerprint(execute: Execute, coder_id: int) -> str:
    """SHA-256 of one coder's work in a file, in schema 1's canonical form.

    ``execute(sql, params)`` runs a query on the file and returns its rows.
    """
    lines = [
        str(row[0]) for sql in LEGACY_FINGERPRINT_SQL for row in execute(sql, {"coder": coder_id})
    ]
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()
