"""Schema step 4: the indexes a million codings need, and the record of packet files read.

- ``ix_codings_coder`` on ``codings (coder_id, document_id)``: a merge reads one coder's layer
  whole, ``code list --coder`` lists it and the window counts it per statement; without it
  each of these scanned every coding of the project.
- ``packet_copies``: what a merge read in each packet file, by the file's SHA-256, so that a
  file offered again unchanged is not read again (see :mod:`r2pcoder.merge.copies`). A master
  upgraded from schema 3 starts with it empty: its packets are read once more at their next
  merge, and recorded then.

The DDL is frozen here as written when schema 4 was made, so that a later change to the ORM
models comes with a step of its own and never alters what this step did. No existing row
changes. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["index_layers_and_record_packet_copies"]

_STATEMENTS = (
    "CREATE INDEX ix_codings_coder ON codings (coder_id, document_id)",
    """
CREATE TABLE packet_copies (
    id INTEGER NOT NULL,
    file_sha256 VARCHAR(64) NOT NULL,
    coder_uuid VARCHAR(36) NOT NULL,
    history JSON NOT NULL,
    clean BOOLEAN,
    recorded_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (file_sha256, coder_uuid)
)
""",
)


def index_layers_and_record_packet_copies(conn: Connection) -> None:
    """Schema 3 -> 4: index codings by coder and add the (empty) record of packet files read."""
    for statement in _STATEMENTS:
        conn.exec_driver_sql(statement)
