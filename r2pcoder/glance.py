"""A project file at a glance: its identity, codebook and counts, for ``r2pcoder info``.

Scripts call ``info`` in loops to see what a project holds; its answer is a few counts, which
SQLite gives in milliseconds, while loading SQLAlchemy to ask for them costs half a second on a
machine that keeps no compiled bytecode (``PYTHONDONTWRITEBYTECODE``), five times Python's own
start. So this one read goes to the file the way :func:`r2pcoder.migrations.check_file` does:
``sqlite3``, read-only, without journal files, after that same check, and only on a file of the
current schema (an older one is upgraded first by opening it as a :class:`~r2pcoder.db.Project`).
Its counts are those of the services (``tests/core/test_glance.py`` holds them to it). Must not
import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from r2pcoder.errors import ProjectCorrupt
from r2pcoder.failures import explain
from r2pcoder.migrations import SCHEMA_VERSION, check_file, readonly_uri

__all__ = ["CoderCount", "ProjectGlance", "glance"]


@dataclass(frozen=True)
class CoderCount:
    """A coder and how many codings the project holds of theirs."""

    uuid: str
    name: str
    codings: int


@dataclass(frozen=True)
class ProjectGlance:
    """What ``info`` shows: identity, codebook header and the counts of what the file holds."""

    uuid: str
    name: str
    role: str
    codebook_id: str
    codebook_name: str
    codebook_version: str
    themes: int
    stances: int
    documents: int
    codings: int
    coders: tuple[CoderCount, ...]


_PROJECT = (
    "SELECT uuid, name, CASE role WHEN 'packet' THEN 'packet' ELSE 'master' END, codebook_id, "
    "codebook_name, codebook_version FROM project"
)
# Statements, themes and stances are counted from their tables, not from an index, so that
# damage there is found as listing them finds it.
_COUNTS = (
    "SELECT (SELECT count(*) FROM themes NOT INDEXED WHERE NOT retired), "
    "(SELECT count(*) FROM stances NOT INDEXED WHERE NOT retired), "
    "(SELECT count(*) FROM documents NOT INDEXED), (SELECT count(*) FROM codings)"
)
_CODERS = (
    "SELECT k.uuid, k.name, (SELECT count(*) FROM codings c WHERE c.coder_id = k.id) "
    "FROM coders k ORDER BY k.id"
)


def glance(path: Path) -> ProjectGlance:
    """Read ``path``'s identity and counts without changing it.

    Raises:
        NotAProject, ProjectCorrupt, SchemaTooNew, SchemaTooOld: as opening it would.
        ProjectCorrupt: also for a file of an older schema, which must be upgraded first.
    """
    found = check_file(path)
    if found.user_version != SCHEMA_VERSION:
        raise ProjectCorrupt(f"{path.name} is from schema {found.user_version}; open it first.")
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise explain(exc, path) or ProjectCorrupt(f"{path.name} is damaged ({exc}).") from exc
    try:
        conn.execute("BEGIN")  # one consistent read of everything below
        project = conn.execute(_PROJECT).fetchall()
        counts = conn.execute(_COUNTS).fetchone()
        coders = tuple(CoderCount(*row) for row in conn.execute(_CODERS))
    except sqlite3.Error as exc:
        raise explain(exc, path) or ProjectCorrupt(f"{path.name} is damaged ({exc}).") from exc
    finally:
        conn.close()
    if len(project) != 1:
        raise ProjectCorrupt(f"{path.name} is damaged: its project record is missing.")
    uuid, name, role, codebook_id, codebook_name, codebook_version = project[0]
    themes, stances, documents, codings = counts
    return ProjectGlance(
        uuid,
        name,
        role,
        codebook_id,
        codebook_name,
        codebook_version,
        themes,
        stances,
        documents,
        codings,
        coders,
    )
