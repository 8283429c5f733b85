"""Autocoding: code many reviewed passages (e.g. corpus-search hits) with one theme at once.

As in MAXQDA's and NVivo's autocoding of search results, but only over hits the coder reviewed
and kept. One call is one transaction and one user intent, and it has an exact inverse:
:func:`apply_many` returns the codings it stored, :func:`discard_many` removes them and returns
their snapshots, :func:`restore_many` brings those back with the same UUIDs (the undo stack uses
the pair). A passage the coder already coded with the same theme over the same span is skipped
and named with its reason, never coded twice. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from r2pcoder.coders import coder_row
from r2pcoder.coding import Coding, CodingRequest
from r2pcoder.errors import CodingRefused, UnknownEntity
from r2pcoder.progress import CancelCheck, ProgressFn
from r2pcoder.schema import CodingRow, StanceRow, ThemeRow

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
            text += f"; skipped {len(self.skipped)}, each listed with its reason"
        return text + "."

    def skipped_lines(self, titles: Mapping[int, str] | None = None) -> list[str]:
        """One line per skipped passage: the statement (title if known), the span, the reason."""
        names = titles or {}
        return [
            f"{names.get(doc, f'statement {doc}')} {start}-{end}: {reason}"
            for doc, start, end, reason in self.skipped
        ]


def _check_refs(project: Project, theme_id: int, stance_id: int | None) -> None:
    with project.reading() as s:
        theme = s.get(ThemeRow, theme_id)
        if theme is None:
            raise UnknownEntity(f"There is no theme with id {theme_id} in this project.")
        if theme.retired:
            raise CodingRefused(f"Theme {theme.name!r} is no longer in the codebook.")
        if stance_id is not None:
            stance = s.get(StanceRow, stance_id)
            if stance is None or stance.retired:
                raise CodingRefused(f"There is no current stance with id {stance_id}.")


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

    Each passage passes every check a single coding passes (:meth:`CodingService.apply_many`:
    the span, the references, a packet's own coder, a master's packet-owned layers); a passage
    the coder already coded with this theme over the same span, or listed twice, is skipped.

    Raises:
        UnknownEntity, CodingRefused: an unknown coder, theme or stance, or a retired one.
        Cancelled: when ``cancelled()`` turns true (nothing is stored then).
    """
    _check_refs(project, theme_id, stance_id)
    wanted = list(dict.fromkeys(spans))
    skipped = [(d, a, b, "listed twice") for d, a, b in _repeats(spans)]
    with project.reading() as s:
        coder_row(s, coder_id)
        mine = select(CodingRow.document_id, CodingRow.start, CodingRow.end).where(
            CodingRow.coder_id == coder_id,
            CodingRow.theme_id == theme_id,
            CodingRow.document_id.in_({doc_id for doc_id, _, _ in wanted}),
        )
        existing = {(int(d), int(a), int(b)) for d, a, b in s.execute(mine)}
    skipped += [
        (*span, "already coded with this theme over the same span")
        for span in wanted
        if span in existing
    ]
    todo = [span for span in wanted if span not in existing]
    requests = [CodingRequest(d, coder_id, theme_id, a, b, stance_id) for d, a, b in todo]
    batch = project.codings.apply_many(requests, progress=progress, cancelled=cancelled)
    skipped += [(*todo[i], reason) for i, reason in batch.refused]
    return AutocodeReport([coding for _, coding in batch.applied], skipped)


def discard_many(project: Project, uuids: Sequence[str]) -> list[Coding]:
    """Delete these codings in one transaction; returns the snapshots :func:`restore_many` takes.

    Raises:
        UnknownEntity: a coding is gone (nothing is deleted then).
    """
    return project.codings.discard_many(uuids)


def restore_many(project: Project, snapshots: Sequence[Coding]) -> list[Coding]:
    """Bring back discarded codings exactly (same UUIDs, spans and times), in one transaction.

    Raises:
        CodingRefused: one of them exists again (nothing is restored then).
    """
    return project.codings.restore_many(snapshots)


def _repeats(spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    seen: set[tuple[int, int, int]] = set()
    repeats = []
    for span in spans:
        if span in seen:
            repeats.append(span)
        seen.add(span)
    return repeats
