"""Writing a merge into the master: layer plans, the round-trip records and the merge log.

Everything here runs inside the merge's one transaction, through SQLAlchemy Core on the merge's
connection, with the tables' own column types: rows move with ``executemany`` in batches,
because a merge may move a million codings, and the cancel check runs between batches. A row
read from a packet keeps its time stamps as the text SQLite stored (checked to be in the one
form the master writes, see :mod:`r2pcoder.merge.validate`): a coding's times are written as
that text, the others become datetimes here, on their way into the master, where
:class:`r2pcoder.schema.UtcDateTime` stores them again exactly so. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, bindparam, delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as upsert

from r2pcoder.merge.foreign import MasterIndex
from r2pcoder.merge.plan import LayerPlan
from r2pcoder.merge.proposals import write_proposals
from r2pcoder.merge.report import LayerReport
from r2pcoder.merge.source import CoderLine, SourceHeader
from r2pcoder.progress import CancelCheck, check_cancelled
from r2pcoder.schema import (
    CoderRow,
    CodingRow,
    DocumentStatusRow,
    MemoRow,
    MergeLogRow,
    ThemeRow,
    utcnow,
)

__all__ = ["Writer", "stored_time"]

_BATCH = 20_000
_LOGGED_ROWS = 200

_REMOVE_CODING = delete(CodingRow).where(CodingRow.uuid == bindparam("key"))
# A packet's time stamps are checked to be exactly the text the master stores (see
# :mod:`r2pcoder.merge.validate`), so they go in as that text: parsing a million of them into
# datetimes for the column type to format them back took a quarter of a merge's Python time.
_AS_STORED = {
    "created_at": bindparam("created_at", type_=String),
    "modified_at": bindparam("modified_at", type_=String),
}
_CHANGE_CODING = update(CodingRow).where(CodingRow.uuid == bindparam("key")).values(_AS_STORED)
_ADD_CODING = insert(CodingRow).values(_AS_STORED)
_REMOVE_MEMO = delete(MemoRow).where(MemoRow.uuid == bindparam("key"))
_memo = upsert(MemoRow)
_PUT_MEMO = _memo.on_conflict_do_update(
    index_elements=[MemoRow.uuid],
    set_={
        name: _memo.excluded[name] for name in ("document_id", "theme_id", "text", "modified_at")
    },
)
_REMOVE_MARK = delete(DocumentStatusRow).where(
    DocumentStatusRow.coder_id == bindparam("coder"),
    DocumentStatusRow.document_id == bindparam("document"),
)
_mark = upsert(DocumentStatusRow)
_PUT_MARK = _mark.on_conflict_do_update(
    index_elements=[DocumentStatusRow.coder_id, DocumentStatusRow.document_id],
    set_={"done_at": _mark.excluded.done_at},
)

stored_time = datetime.fromisoformat
"""A time stamp as read from a file (checked, naive UTC text) as the datetime it stands for."""


def _batches(rows: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), _BATCH):
        yield rows[i : i + _BATCH]


class Writer:
    """Applies layer plans and records through the merge's open transaction."""

    def __init__(self, conn: Connection, cancelled: CancelCheck | None) -> None:
        self._conn = conn
        self._cancelled = cancelled
        self.now = utcnow()

    def many(self, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
        """Run ``statement`` once per row, in batches, checking for a cancel between them."""
        for batch in _batches(rows):
            check_cancelled(self._cancelled)
            self._conn.execute(statement, batch)

    def apply(self, plan: LayerPlan, index: MasterIndex) -> None:
        """Make the coder's layer what ``plan`` says, adding the coder if the master lacks it."""
        conn = self._conn
        coder = plan.report.coder_uuid
        if not plan.coder_known:
            added = conn.execute(
                insert(CoderRow)
                .values(uuid=coder, name=plan.coder_name, created_at=self.now)
                .returning(CoderRow.id)
            )
            index.coders[coder] = added.scalar_one()
            index.coder_names[coder] = plan.coder_name
            plan.coder_known = True
        coder_id = index.coders[coder]
        write_proposals(conn, plan.proposals, self.now)
        themes: dict[str, int] = dict(conn.execute(select(ThemeRow.uuid, ThemeRow.id)).all())
        self.many(_REMOVE_CODING, [{"key": u} for u in plan.remove])
        self.many(_CHANGE_CODING, [{"key": u, **_coding(r, themes)} for u, r in plan.change])
        self.many(
            _ADD_CODING,
            [{"uuid": u, "coder_id": coder_id, **_coding(r, themes)} for u, r in plan.add],
        )
        self.many(_REMOVE_MEMO, [{"key": u} for u in plan.memo_remove])
        self.many(
            _PUT_MEMO,
            [
                {
                    "uuid": u,
                    "document_id": d,
                    "theme_id": None if t is None else themes[t],
                    "coder_id": coder_id,
                    "text": text,
                    "modified_at": stored_time(modified),
                }
                for u, (d, t, text, modified) in plan.memo_put
            ],
        )
        self.many(_REMOVE_MARK, [{"coder": coder_id, "document": d} for d in plan.marks_remove])
        self.many(
            _PUT_MARK,
            [
                {"coder_id": coder_id, "document_id": d, "done_at": stored_time(t)}
                for d, t in plan.marks_put
            ],
        )

    def log(
        self,
        report: LayerReport,
        header: SourceHeader,
        coder: CoderLine,
        documents: Sequence[str],
    ) -> None:
        """Add the merge log entry of one layer: file, coder, counts and what was held back."""
        c = report.counts
        rows = [
            {"kind": r.kind, "identity": r.identity, "reason": r.reason, "action": r.action}
            for r in report.rows
        ]
        counts: dict[str, Any] = {
            "added": c.added,
            "changed": c.changed,
            "removed": c.removed,
            "memos": c.memos,
            "marks": c.marks,
            "not_merged": c.not_merged,
            "status": report.status,
            "issue": coder.issue,
            "revision": header.revision,
            "packet_key": coder.key,
            "packet_uuid": header.packet_uuid,
            "history": coder.line.length,
            "tip": coder.line.tip.hex(),
            "foreign": header.foreign,
            "project_uuid": header.project_uuid,
            "documents": sorted(documents),
            "rows": rows[:_LOGGED_ROWS],
            "rows_not_listed": max(0, len(rows) - _LOGGED_ROWS),
            "conflicts": [
                {
                    "unit": k.unit,
                    "title": k.title,
                    "resolution": k.resolution,
                    "holders": [str(h) for h in k.holders],
                }
                for k in report.conflicts
            ],
            "notes": list(report.notes),
        }
        self._conn.execute(
            insert(MergeLogRow).values(
                merged_at=self.now,
                file_name=header.path.name,
                file_sha256=header.file_sha256,
                coder_uuid=report.coder_uuid,
                counts=counts,
            )
        )


def _coding(row: tuple[Any, ...], themes: dict[str, int]) -> dict[str, Any]:
    """A coding in the master's terms (see :data:`r2pcoder.merge.rows.Row`) as column values."""
    return {
        "document_id": row[0],
        "theme_id": themes[row[1]],
        "stance_id": row[2],
        "start": row[3],
        "end": row[4],
        "memo": row[5],
        "created_at": row[6],
        "modified_at": row[7],
    }
