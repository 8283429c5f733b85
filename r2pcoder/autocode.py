"""Autocoding: code many reviewed passages (e.g. corpus-search hits) with one theme at once.

As in MAXQDA's and NVivo's autocoding of search results, but only over hits the coder reviewed
and kept. One call is one transaction and one user intent, and it has an exact inverse:
:func:`apply_many` returns the codings it stored, :func:`discard_many` removes them and returns
their snapshots, :func:`restore_many` brings those back with the same UUIDs (the undo stack uses
the pair). A passage the coder already coded with the same theme over the same span is skipped
and named with its reason, never coded twice. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from r2pcoder.coders import coder_row
from r2pcoder.coding import Coding, to_coding
from r2pcoder.errors import CodingRefused, UnknownEntity
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.schema import CodingRow, DocumentRow, StanceRow, ThemeRow, new_uuid, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["AutocodeReport", "apply_many", "discard_many", "restore_many"]


@dataclass(frozen=True)
class AutocodeReport:
    """What an autocoding stored, and each passage it skipped with the reason."""

    applied: list[Coding]
    skipped: list[tuple[int, int, int, str]]

    def summary(self) -> str:
        """The outcome in one line."""
        text = f"Coded {len(self.applied)} passage{'s' * (len(self.applied) != 1)}"
        if self.skipped:
            text += f"; skipped {len(self.skipped)} (already coded so, or outside the text)"
        return text + "."


def _check_refs(project: Project, theme_id: int, stance_id: int | None) -> None:
    with project.unit_of_work() as s:
        theme = s.get(ThemeRow, theme_id)
        if theme is None:
            raise UnknownEntity(f"There is no theme with id {theme_id} in this project.")
        if theme.retired:
            raise CodingRefused(f"Theme {theme.name!r} is no longer in the codebook.")
        if stance_id is not None:
            stance = s.get(StanceRow, stance_id)
            if stance is None or stance.retired:
                raise CodingRefused(f"There is no current stance with id {stance_id}.")


def _refusal(length: int | None, start: int, end: int, duplicate: bool) -> str:
    if length is None:
        return "the statement is not in this project"
    if not 0 <= start < end <= length:
        return f"the span {start}-{end} lies outside the statement (0-{length})"
    return "already coded with this theme over the same span" if duplicate else ""


def apply_many(
    project: Project,
    coder_id: int,
    theme_id: int,
    spans: Sequence[tuple[int, int, int]],
    stance_id: int | None = None,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> AutocodeReport:
    """Code every ``(document_id, start, end)`` with the theme (and stance), in one transaction.

    Raises:
        UnknownEntity, CodingRefused: an unknown coder, theme or stance, or a retired one.
        Cancelled: when ``cancelled()`` turns true (nothing is stored then).
    """
    _check_refs(project, theme_id, stance_id)
    wanted = list(dict.fromkeys(spans))
    skipped = [(d, a, b, "listed twice") for d, a, b in _repeats(spans)]
    rows: list[CodingRow] = []
    with project.unit_of_work() as s:
        coder_row(s, coder_id)
        docs = {doc_id for doc_id, _, _ in wanted}
        stmt = select(DocumentRow.id, DocumentRow.length).where(DocumentRow.id.in_(docs))
        lengths = {int(d): int(n) for d, n in s.execute(stmt)}
        mine = select(CodingRow.document_id, CodingRow.start, CodingRow.end).where(
            CodingRow.coder_id == coder_id,
            CodingRow.theme_id == theme_id,
            CodingRow.document_id.in_(docs),
        )
        existing = {(int(d), int(a), int(b)) for d, a, b in s.execute(mine)}
        now = utcnow()
        for n, (doc_id, start, end) in enumerate(wanted):
            if n % 200 == 0:
                check_cancelled(cancelled)
                if progress is not None:
                    progress(n / len(wanted))
            reason = _refusal(lengths.get(doc_id), start, end, (doc_id, start, end) in existing)
            if reason:
                skipped.append((doc_id, start, end, reason))
                continue
            rows.append(CodingRow(uuid=new_uuid(), document_id=doc_id, coder_id=coder_id,
                                  theme_id=theme_id, stance_id=stance_id, start=start, end=end,
                                  memo="", created_at=now, modified_at=now))  # fmt: skip
        s.add_all(rows)
        s.flush()
        applied = [to_coding(row) for row in rows]
    return AutocodeReport(applied, skipped)


def _repeats(spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    seen: set[tuple[int, int, int]] = set()
    repeats = []
    for span in spans:
        if span in seen:
            repeats.append(span)
        seen.add(span)
    return repeats


def discard_many(project: Project, uuids: Sequence[str]) -> list[Coding]:
    """Delete these codings in one transaction; returns the snapshots :func:`restore_many` takes.

    Raises:
        UnknownEntity: a coding is gone (nothing is deleted then).
    """
    with project.unit_of_work() as s:
        rows = list(s.scalars(select(CodingRow).where(CodingRow.uuid.in_(list(uuids)))))
        if len(rows) != len(set(uuids)):
            raise UnknownEntity("Some of these codings no longer exist; nothing was removed.")
        snapshots = [to_coding(row) for row in rows]
        for row in rows:
            s.delete(row)
    order = {u: n for n, u in enumerate(uuids)}
    return sorted(snapshots, key=lambda c: order[c.uuid])


def restore_many(project: Project, snapshots: Sequence[Coding]) -> list[Coding]:
    """Bring back discarded codings exactly (same UUIDs, spans and times), in one transaction.

    Raises:
        CodingRefused: one of them exists again (nothing is restored then).
    """
    with project.unit_of_work() as s:
        uuids = [c.uuid for c in snapshots]
        if s.scalars(select(CodingRow.id).where(CodingRow.uuid.in_(uuids))).first() is not None:
            raise CodingRefused("Some of these codings exist already; nothing was restored.")
        rows = [CodingRow(**{k: v for k, v in vars(c).items() if k != "id"}) for c in snapshots]
        s.add_all(rows)
        s.flush()
        return [to_coding(row) for row in rows]
