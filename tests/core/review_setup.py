"""Builders shared by the review tests: coded masters from a plan of passages, and table dumps.

The template project (tests/conftest.py) holds three statements:
  D1 "We support the ACT Code of Conduct.\\nPrevention is the best protection. Early warning
     must lead to early action.\\n"
  D2 "Sovereignty is responsibility 😀, not a shield.\\nThe veto must not block action.\\n"
  D3 "Café diplomacy: mediation and good offices prevent atrocities.\\n"
and the coders Ana and Ben; themes prevention (child early_warning) and veto; stances supports,
neutral, opposes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.metadata import DocumentMeta

Passage = tuple[str, int, str, str | None, str]
"""(coder name, statement index 0-based, theme key, stance key or None, exact passage)."""

CODER_TABLES = {
    "codings": 'SELECT uuid, document_id, coder_id, theme_id, stance_id, start, "end", memo, '
    "created_at, modified_at FROM codings ORDER BY uuid",
    "document_status": "SELECT coder_id, document_id, done_at FROM document_status "
    "ORDER BY coder_id, document_id",
    "memos": "SELECT uuid, document_id, theme_id, coder_id, text, modified_at FROM memos "
    "ORDER BY uuid",
    "coders": "SELECT uuid, name, created_at FROM coders ORDER BY uuid",
}
GOLD_TABLES = {
    "gold_decisions": "SELECT uuid, document_id, theme_id, kind, source_coders, auto_rule, "
    "decided_by, decided_by_uuid, decided_at, note, reopened_at, reopened_reason "
    "FROM gold_decisions ORDER BY document_id, theme_id",
    "gold_codings": 'SELECT uuid, document_id, theme_id, stance_id, start, "end", origin, '
    "sources, source_coders, auto_rule, decided_by, decided_by_uuid, decided_at, note "
    "FROM gold_codings ORDER BY document_id, theme_id, start, uuid",
}


@dataclass(frozen=True)
class Built:
    """Row ids of what a plan made, by name."""

    docs: tuple[int, ...]
    coders: dict[str, int]
    themes: dict[str, int]
    stances: dict[str, int]
    codings: dict[tuple[str, int, str, str], str]
    """Coding UUID by (coder, statement index, theme key, passage)."""


def span(project: Project, doc: int, passage: str) -> tuple[int, int]:
    text = project.documents.get(doc).text
    start = text.index(passage)
    return start, start + len(passage)


def build(
    project: Project,
    plan: Sequence[Passage],
    *,
    done: Sequence[tuple[str, int]] = (),
    extra_texts: Sequence[str] = (),
) -> Built:
    """Code ``plan`` in order (coders are added as needed), then the done marks."""
    for i, text in enumerate(extra_texts):
        project.documents.add_text(text, DocumentMeta(title=f"Extra {i + 1}"))
    docs = tuple(d.id for d in project.documents.list())
    coders = {c.name: c.id for c in project.coders.list()}
    for name, _, _, _, _ in plan:
        if name not in coders:
            coders[name] = project.coders.add(name).id
    for name, _ in done:
        if name not in coders:
            coders[name] = project.coders.add(name).id
    themes = {t.key: t.id for t in project.codebook.themes()}
    stances = {s.key: s.id for s in project.codebook.stances()}
    codings = {}
    for name, i, theme, stance, passage in plan:
        start, end = span(project, docs[i], passage)
        coding = project.codings.apply(
            CodingRequest(
                docs[i],
                coders[name],
                themes[theme],
                start,
                end,
                None if stance is None else stances[stance],
            )
        )
        codings[(name, i, theme, passage)] = coding.uuid
    for name, i in done:
        project.documents.set_done(docs[i], coders[name])
    return Built(docs, coders, themes, stances, codings)


def dump(path: Path, tables: dict[str, str]) -> dict[str, list[Any]]:
    """Every row of ``tables`` (a read-only look at the file, outside the project)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {name: conn.execute(sql).fetchall() for name, sql in tables.items()}
    finally:
        conn.close()
