"""Schema step 3: the gold layer of review and adjudication.

The DDL is frozen here as written when schema 3 was made, so that a later change to the ORM
models comes with a step of its own and never alters what this step did. Must not import Qt or
``ui``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["add_gold_layer"]

# The tables exactly as schema 3 creates them, frozen here: a later change to the ORM models
# must come with a step of its own, never alter what this step did.
_GOLD_DECISIONS = """
CREATE TABLE gold_decisions (
    id INTEGER NOT NULL,
    uuid VARCHAR(36) NOT NULL,
    document_id INTEGER NOT NULL,
    theme_id INTEGER NOT NULL,
    kind VARCHAR(10) NOT NULL,
    source_coders JSON NOT NULL,
    auto_rule VARCHAR(20),
    decided_by VARCHAR(200) NOT NULL,
    decided_by_uuid VARCHAR(36),
    decided_at DATETIME NOT NULL,
    note TEXT NOT NULL,
    reopened_at DATETIME,
    reopened_reason TEXT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (document_id, theme_id),
    CONSTRAINT known_decision CHECK (kind IN ('coded', 'absent', 'resolved')),
    UNIQUE (uuid),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(theme_id) REFERENCES themes (id)
)
"""
_GOLD_CODINGS = """
CREATE TABLE gold_codings (
    id INTEGER NOT NULL,
    uuid VARCHAR(36) NOT NULL,
    document_id INTEGER NOT NULL,
    theme_id INTEGER NOT NULL,
    stance_id INTEGER,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    origin VARCHAR(10) NOT NULL,
    sources JSON NOT NULL,
    source_coders JSON NOT NULL,
    auto_rule VARCHAR(20),
    decided_by VARCHAR(200) NOT NULL,
    decided_by_uuid VARCHAR(36),
    decided_at DATETIME NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT gold_non_empty_span CHECK (start >= 0 AND start < "end"),
    CONSTRAINT known_origin CHECK (origin IN ('accepted', 'edited', 'added')),
    UNIQUE (uuid),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(theme_id) REFERENCES themes (id),
    FOREIGN KEY(stance_id) REFERENCES stances (id)
)
"""


def add_gold_layer(conn: Connection) -> None:
    """Schema 2 -> 3: the gold layer of review and adjudication (decisions and gold codings).

    It only creates the two new tables and their index; no existing row changes.
    """
    conn.exec_driver_sql(_GOLD_DECISIONS)
    conn.exec_driver_sql(_GOLD_CODINGS)
    conn.exec_driver_sql(
        "CREATE INDEX ix_gold_codings_cell ON gold_codings (document_id, theme_id)"
    )
