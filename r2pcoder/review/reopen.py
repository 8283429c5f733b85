"""Merging after adjudication: decided cells that a newer packet changes are flagged re-opened.

The hook a merge calls, inside its own transaction, is two functions:

1. :func:`capture` before the merge writes: a fingerprint, per coder, of their layer on every
   statement that holds a decision (each coding of a decided theme: UUID, stance and span; and
   whether the coder worked on the statement at all);
2. :func:`flag_reopened` after the merge wrote: the same fingerprint again; every decided cell
   where a coder's codings of that theme changed, or where a coder started or stopped working on
   the statement (which changes what "not coded" means there), gets ``reopened_at`` and a
   reason naming the coders. The decision and its gold codings are never changed; the cell
   shows up in the review queue (status ``reopened``) until the lead decides again or confirms.

The merge only has to call these two and put the returned cells in its report; it needs to know
nothing else about review. Memo changes never re-open a cell. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection

__all__ = ["LayerPrint", "ReopenedCell", "capture", "flag_reopened"]

Key = tuple[int, int, int]
"""(coder id, document id, theme id)."""

_STAMP = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class LayerPrint:
    """The coders' layers on the decided statements, as :func:`capture` saw them."""

    codings: dict[Key, frozenset[tuple[str, int | None, int, int]]]
    worked: frozenset[tuple[int, int]]


@dataclass(frozen=True)
class ReopenedCell:
    """A decided cell a merge re-opened: which statement and theme, and whose changes did it."""

    document_uuid: str
    title: str
    theme_key: str
    coders: tuple[str, ...]
    reason: str


_DECIDED_DOCS = "SELECT DISTINCT document_id FROM gold_decisions"


def capture(conn: Connection) -> LayerPrint | None:
    """Fingerprint the coders' layers on decided statements; ``None`` when nothing is decided."""
    if conn.exec_driver_sql("SELECT 1 FROM gold_decisions LIMIT 1").first() is None:
        return None
    codings: dict[Key, set[tuple[str, int | None, int, int]]] = defaultdict(set)
    rows = conn.exec_driver_sql(
        'SELECT coder_id, document_id, theme_id, uuid, stance_id, start, "end" FROM codings '
        "WHERE (document_id, theme_id) IN (SELECT document_id, theme_id FROM gold_decisions)"
    )
    for coder, doc, theme, uuid, stance, start, end in rows:
        codings[(coder, doc, theme)].add((uuid, stance, start, end))
    worked = conn.exec_driver_sql(
        f"SELECT coder_id, document_id FROM codings WHERE document_id IN ({_DECIDED_DOCS}) "
        f"UNION SELECT coder_id, document_id FROM document_status "
        f"WHERE document_id IN ({_DECIDED_DOCS})"
    )
    return LayerPrint(
        {k: frozenset(v) for k, v in codings.items()}, frozenset((c, d) for c, d in worked)
    )


def _changed(before: LayerPrint, after: LayerPrint) -> dict[tuple[int, int], set[int]]:
    """Per decided cell, the coders whose layer changed there."""
    empty: frozenset[tuple[str, int | None, int, int]] = frozenset()
    themes: dict[tuple[int, int], set[int]] = defaultdict(set)
    for coder, doc, theme in before.codings.keys() | after.codings.keys():
        key = (coder, doc, theme)
        if before.codings.get(key, empty) != after.codings.get(key, empty):
            themes[(doc, theme)].add(coder)
    whole = defaultdict(set)
    for coder, doc in before.worked ^ after.worked:
        whole[doc].add(coder)
    return {**themes, **{(doc, -1): coders for doc, coders in whole.items()}}


def flag_reopened(conn: Connection, before: LayerPrint | None) -> tuple[ReopenedCell, ...]:
    """Flag the decided cells whose coders' layers changed since ``before``; report them."""
    if before is None:
        return ()
    after = capture(conn)
    assert after is not None  # a merge never deletes decisions
    changed = _changed(before, after)
    if not changed:
        return ()
    names: dict[int, str] = dict(conn.exec_driver_sql("SELECT id, name FROM coders").all())
    now = datetime.now(UTC)
    stamp = now.strftime(_STAMP)
    rows = conn.exec_driver_sql(
        "SELECT g.id, g.document_id, g.theme_id, d.uuid, d.title, t.key FROM gold_decisions g "
        "JOIN documents d ON d.id = g.document_id JOIN themes t ON t.id = g.theme_id "
        "ORDER BY d.position, d.id, t.position"
    ).all()
    out = []
    for row_id, doc, theme, doc_uuid, title, key in rows:
        coders = changed.get((doc, theme), set()) | changed.get((doc, -1), set())
        if not coders:
            continue
        who = sorted(names[c] for c in coders)
        reason = (
            f"a merge on {now:%Y-%m-%d %H:%M} UTC changed the codings of {', '.join(who)} here "
            "after the decision"
        )
        conn.exec_driver_sql(
            "UPDATE gold_decisions SET reopened_at = ?, reopened_reason = ? WHERE id = ?",
            (stamp, reason, row_id),
        )
        out.append(ReopenedCell(doc_uuid, title, key, tuple(who), reason))
    return tuple(out)
