"""Schema 1 -> 2: issued-packet records, packet change histories and merged versions.

One self-contained step (:func:`upgrade_to_packet_histories`), run by :mod:`r2pcoder.migrations`
inside its single upgrade transaction. It writes its tables with its own DDL, so later changes to
the ORM models cannot change what it does.

- A **packet** gets the columns of its identity and history and the history triggers (which
  replace schema 1's revision counters). Its history starts at the revision it has now, from a
  root that names its issue, that revision and the fingerprint of its coder's work, exactly as a
  schema 1 master logged it when merging that state: a master that merged this very state finds
  the upgraded packet on the line it merged.
- A **master** records its schema 1 packets (coder and issue, without UUID) as issued, and for
  every coder and statement the version its merge log says decides it (the newest packet that
  held the statement), so that later copies are compared with what was merged.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection

from r2pcoder.packet_history import (
    COUNTED_TABLES,
    foreign_root,
    history_trigger_sql,
    legacy_fingerprint,
    legacy_root,
    root_digest,
)

__all__ = ["upgrade_to_packet_histories"]

_CODEBOOK_UNIT = "*"

_TABLES = (
    """CREATE TABLE packet_issues (
    id INTEGER NOT NULL, packet_uuid VARCHAR(36), coder_uuid VARCHAR(36) NOT NULL,
    issue INTEGER NOT NULL, file_name VARCHAR(500) NOT NULL, seed INTEGER NOT NULL,
    created_at DATETIME NOT NULL, discarded_unmerged BOOLEAN NOT NULL, PRIMARY KEY (id),
    UNIQUE (coder_uuid, issue), UNIQUE (packet_uuid))""",
    """CREATE TABLE packet_history (
    seq INTEGER NOT NULL, tbl VARCHAR(30) NOT NULL, op VARCHAR(10) NOT NULL, unit VARCHAR(36),
    unit2 VARCHAR(36), coder VARCHAR(36), coder2 VARCHAR(36), "row" TEXT NOT NULL,
    PRIMARY KEY (seq))""",
    """CREATE TABLE merge_versions (
    id INTEGER NOT NULL, coder_uuid VARCHAR(36) NOT NULL, unit VARCHAR(36) NOT NULL,
    packet_key VARCHAR(200) NOT NULL, issue INTEGER NOT NULL, position INTEGER NOT NULL,
    digest VARCHAR(32) NOT NULL, state VARCHAR(10) NOT NULL, content VARCHAR(64) NOT NULL,
    codings INTEGER NOT NULL, memos INTEGER NOT NULL, marks INTEGER NOT NULL,
    file_name VARCHAR(500) NOT NULL, file_sha256 VARCHAR(64) NOT NULL,
    recorded_at DATETIME NOT NULL, PRIMARY KEY (id),
    CONSTRAINT known_state CHECK (state IN ('merged', 'pending', 'set_aside')))""",
    "CREATE INDEX ix_merge_versions_unit ON merge_versions (coder_uuid, unit)",
    """CREATE TABLE packet_lines (
    id INTEGER NOT NULL, packet_key VARCHAR(200) NOT NULL, base INTEGER NOT NULL,
    root VARCHAR(32) NOT NULL, chain BLOB NOT NULL, length INTEGER NOT NULL,
    tip VARCHAR(32) NOT NULL, file_name TEXT NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_packet_lines_key ON packet_lines (packet_key)",
    "ALTER TABLE packet_state ADD COLUMN packet_uuid VARCHAR(36)",
    "ALTER TABLE packet_state ADD COLUMN root TEXT DEFAULT '' NOT NULL",
    "ALTER TABLE packet_state ADD COLUMN base_revision INTEGER DEFAULT '0' NOT NULL",
)


def upgrade_to_packet_histories(conn: Connection) -> None:
    """Upgrade one project file from schema 1 to 2 (inside the caller's transaction)."""
    for statement in _TABLES:
        conn.exec_driver_sql(statement)
    role = conn.exec_driver_sql("SELECT role FROM project").scalar()
    if role == "packet":
        _upgrade_packet(conn)
    else:
        _upgrade_master(conn)


def _upgrade_packet(conn: Connection) -> None:
    for table in COUNTED_TABLES:
        for event in ("insert", "update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS packet_revision_{table}_{event}")
    state = conn.exec_driver_sql("SELECT issue, revision FROM packet_state WHERE id = 1").first()
    coder = conn.exec_driver_sql(
        "SELECT k.id FROM coders k JOIN project p ON k.uuid = p.packet_coder_uuid"
    ).scalar()
    if state is not None and coder is not None:
        fingerprint = legacy_fingerprint(
            lambda sql, params: conn.exec_driver_sql(sql, params).all(), int(coder)
        )
        conn.exec_driver_sql(
            "UPDATE packet_state SET root = ?, base_revision = revision WHERE id = 1",
            (legacy_root(int(state[0]), int(state[1]), fingerprint),),
        )
    for statement in history_trigger_sql():
        conn.exec_driver_sql(statement)


def _upgrade_master(conn: Connection) -> None:
    issued: dict[tuple[str, int], tuple[int, str]] = {}
    for coder, issue, seed, created in conn.exec_driver_sql(
        "SELECT coder_uuid, issue, min(seed), min(created_at) FROM packet_assignments "
        "GROUP BY coder_uuid, issue"
    ):
        issued[(coder, int(issue))] = (int(seed), str(created))
    decided: dict[tuple[str, str], tuple[tuple[int, int, int], dict[str, Any]]] = {}
    documents = [r[0] for r in conn.exec_driver_sql("SELECT uuid FROM documents")]
    for log_id, coder, name, sha, merged_at, counts_json in conn.exec_driver_sql(
        "SELECT id, coder_uuid, file_name, file_sha256, merged_at, json(counts) FROM merge_log"
    ):
        counts = json.loads(counts_json or "{}")
        issue, revision = int(counts.get("issue", 0)), int(counts.get("revision", 0))
        if not counts.get("foreign") and issue > 0:
            issued.setdefault((coder, issue), (0, str(merged_at)))
        entry = {**counts, "file_name": name, "file_sha256": sha, "merged_at": str(merged_at)}
        for unit in [*counts.get("documents", documents), _CODEBOOK_UNIT]:
            rank = (issue, revision, int(log_id))
            if (coder, unit) not in decided or decided[(coder, unit)][0] < rank:
                decided[(coder, unit)] = (rank, entry)
    for (coder, issue), (seed, created) in sorted(issued.items()):
        conn.exec_driver_sql(
            "INSERT INTO packet_issues (packet_uuid, coder_uuid, issue, file_name, seed, "
            "created_at, discarded_unmerged) VALUES (NULL, ?, ?, '', ?, ?, 0)",
            (coder, issue, seed, created),
        )
    lines: set[tuple[str, int, str]] = set()
    for (coder, unit), (_, entry) in sorted(decided.items()):
        key, position, digest = _legacy_version(coder, entry)
        lines.add((key, position, digest))
        conn.exec_driver_sql(
            "INSERT INTO merge_versions (coder_uuid, unit, packet_key, issue, position, digest, "
            "state, content, codings, memos, marks, file_name, file_sha256, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'merged', '', 0, 0, 0, ?, ?, ?)",
            (
                coder,
                unit,
                key,
                0 if entry.get("foreign") else int(entry.get("issue", 0)),
                position,
                digest,
                entry["file_name"],
                entry["file_sha256"],
                entry["merged_at"],
            ),
        )
    for key, position, digest in sorted(lines):
        conn.exec_driver_sql(
            "INSERT INTO packet_lines (packet_key, base, root, chain, length, tip, file_name) "
            "VALUES (?, ?, ?, x'', ?, ?, '')",
            (key, position, digest, position, digest),
        )


def _legacy_version(coder: str, entry: dict[str, Any]) -> tuple[str, int, str]:
    """The packet key, position and digest a schema 1 merge log entry stands for."""
    fingerprint = str(entry.get("fingerprint", ""))
    if entry.get("foreign"):
        key = f"foreign:{entry.get('project_uuid', '')}:{coder}"
        return key, 0, root_digest(foreign_root(fingerprint)).hex()
    issue, revision = int(entry.get("issue", 0)), int(entry.get("revision", 0))
    key = f"legacy:{coder}:{issue}"
    return key, revision, root_digest(legacy_root(issue, revision, fingerprint)).hex()
