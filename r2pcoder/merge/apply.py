"""Writing a merge into the master: layer plans, the round-trip records and the merge log.

Everything here runs inside the merge's one transaction, on its driver connection; rows move with
``executemany`` in batches, because a merge may move half a million codings, and the cancel check
runs between batches. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from r2pcoder.merge.foreign import MasterIndex
from r2pcoder.merge.plan import LayerPlan
from r2pcoder.merge.proposals import write_proposals
from r2pcoder.merge.report import LayerReport
from r2pcoder.merge.source import CoderLine, SourceHeader
from r2pcoder.progress import CancelCheck, check_cancelled

__all__ = ["STAMP_FORMAT", "Writer", "now_text"]

STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
"""How timestamps are stored (as SQLAlchemy writes them)."""

_BATCH = 20_000
_LOGGED_ROWS = 200
_INSERT = (
    'INSERT INTO codings (uuid, document_id, coder_id, theme_id, stance_id, start, "end", memo, '
    "created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = (
    'UPDATE codings SET document_id = ?, theme_id = ?, stance_id = ?, start = ?, "end" = ?, '
    "memo = ?, created_at = ?, modified_at = ? WHERE uuid = ?"
)
_MEMO = (
    "INSERT INTO memos (uuid, document_id, theme_id, coder_id, text, modified_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(uuid) DO UPDATE SET document_id = excluded.document_id, "
    "theme_id = excluded.theme_id, text = excluded.text, modified_at = excluded.modified_at"
)


def now_text() -> str:
    """The current time as the master stores timestamps."""
    return datetime.now(UTC).strftime(STAMP_FORMAT)


def _batches(rows: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), _BATCH):
        yield rows[i : i + _BATCH]


class Writer:
    """Applies layer plans and records through the merge's open transaction."""

    def __init__(self, raw: sqlite3.Connection, cancelled: CancelCheck | None) -> None:
        self._raw = raw
        self._cancelled = cancelled
        self.now = now_text()

    def _many(self, sql: str, rows: Sequence[Any]) -> None:
        for batch in _batches(rows):
            check_cancelled(self._cancelled)
            self._raw.executemany(sql, batch)

    def apply(self, plan: LayerPlan, index: MasterIndex) -> None:
        """Make the coder's layer what ``plan`` says, adding the coder if the master lacks it."""
        raw = self._raw
        coder = plan.report.coder_uuid
        if not plan.coder_known:
            raw.execute(
                "INSERT INTO coders (uuid, name, created_at) VALUES (?, ?, ?)",
                (coder, plan.coder_name, self.now),
            )
            index.coders[coder] = raw.execute(
                "SELECT id FROM coders WHERE uuid = ?", (coder,)
            ).fetchone()[0]
            index.coder_names[coder] = plan.coder_name
            plan.coder_known = True
        coder_id = index.coders[coder]
        write_proposals(raw, plan.proposals, self.now)
        themes: dict[str, int] = dict(raw.execute("SELECT uuid, id FROM themes").fetchall())
        self._many("DELETE FROM codings WHERE uuid = ?", [(u,) for u in plan.remove])
        self._many(_UPDATE, [(r[0], themes[r[1]], *r[2:], u) for u, r in plan.change])
        self._many(_INSERT, [(u, r[0], coder_id, themes[r[1]], *r[2:]) for u, r in plan.add])
        self._many("DELETE FROM memos WHERE uuid = ?", [(u,) for u in plan.memo_remove])
        memos = [(u, d, None if t is None else themes[t], coder_id, text, modified)
                 for u, (d, t, text, modified) in plan.memo_put]  # fmt: skip
        self._many(_MEMO, memos)
        self._many("DELETE FROM document_status WHERE coder_id = ? AND document_id = ?",
                   [(coder_id, d) for d in plan.marks_remove])  # fmt: skip
        self._many("INSERT OR REPLACE INTO document_status (coder_id, document_id, done_at) "
                   "VALUES (?, ?, ?)", [(coder_id, d, t) for d, t in plan.marks_put])  # fmt: skip

    def log(
        self,
        report: LayerReport,
        header: SourceHeader,
        coder: CoderLine,
        documents: Sequence[str],
    ) -> None:
        """Add the merge log entry of one layer: file, coder, counts and what was held back."""
        c = report.counts
        rows = [{"kind": r.kind, "identity": r.identity, "reason": r.reason, "action": r.action}
                for r in report.rows]  # fmt: skip
        counts: dict[str, Any] = {
            "added": c.added, "changed": c.changed, "removed": c.removed, "memos": c.memos,
            "marks": c.marks, "not_merged": c.not_merged, "status": report.status,
            "issue": coder.issue, "revision": header.revision, "packet_key": coder.key,
            "packet_uuid": header.packet_uuid, "history": coder.line.length,
            "tip": coder.line.tip.hex(), "foreign": header.foreign,
            "project_uuid": header.project_uuid, "documents": sorted(documents),
            "rows": rows[:_LOGGED_ROWS], "rows_not_listed": max(0, len(rows) - _LOGGED_ROWS),
            "conflicts": [{"unit": k.unit, "title": k.title, "resolution": k.resolution,
                           "holders": [str(h) for h in k.holders]} for k in report.conflicts],
            "notes": list(report.notes),
        }  # fmt: skip
        self._raw.execute(
            "INSERT INTO merge_log (merged_at, file_name, file_sha256, coder_uuid, counts) "
            "VALUES (?, ?, ?, ?, ?)",
            (self.now, header.path.name, header.file_sha256, report.coder_uuid,
             json.dumps(counts, ensure_ascii=False)),
        )  # fmt: skip
