"""The review queue and the progress counts, built from a :class:`~r2pcoder.review.board.Board`.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from r2pcoder.errors import UnknownEntity
from r2pcoder.review.board import SPAN_THRESHOLD, Board
from r2pcoder.review.model import QueueFilter, QueueItem, ReviewStatus

__all__ = ["build_queue", "count_status"]


def count_status(board: Board, statements: int, warnings: Sequence[str] = ()) -> ReviewStatus:
    """How many cells stand where, and how many statements were worked on."""
    counts = Counter(board.status(cell) for cell in board.cells())
    auto = sum(1 for d in board.decisions.values() if d.auto_rule)
    return ReviewStatus(
        statements=statements, worked_on=len(board.workers),
        cells=sum(counts.values()), agreed=counts["agreed"], awaiting=counts["awaiting"],
        single=counts["single"], decided=counts["decided"] + counts["reopened"],
        reopened=counts["reopened"], auto=auto, warnings=tuple(warnings),
    )  # fmt: skip


def _coders(board: Board, refs: Sequence[str]) -> set[int]:
    found = set()
    for ref in refs:
        match = [c.id for c in board.coders.values() if c.uuid == ref] or [
            c.id for c in board.coders.values() if c.name.casefold() == ref.strip().casefold()
        ]
        if not match:
            raise UnknownEntity(f"There is no coder called {ref!r} in this project.")
        if len(match) > 1:
            raise UnknownEntity(f"Several coders are called {ref!r}; use their UUID instead.")
        found.add(match[0])
    return found


def _themes(board: Board, keys: Sequence[str]) -> set[int]:
    by_key = {t.key: t.id for t in board.themes.values()}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise UnknownEntity(f"There is no theme {unknown[0]!r} in this project's codebook.")
    return {by_key[k] for k in keys}


def build_queue(
    board: Board, filters: QueueFilter, threshold: float = SPAN_THRESHOLD
) -> list[QueueItem]:
    """The cells ``filters`` asks for, by statement (corpus order) then theme (codebook order).

    Raises:
        UnknownEntity: a theme key or coder in the filter that the project does not have.
    """
    themes = _themes(board, filters.themes) if filters.themes else None
    coders = _coders(board, filters.coders) if filters.coders else None
    groups = {g.casefold() for g in filters.regional_groups}
    documents = set(filters.documents)
    statuses, kinds = set(filters.statuses), set(filters.kinds)
    items = []
    for cell in board.cells():
        doc_id, theme_id = cell
        doc = board.documents[doc_id]
        status = board.status(cell)
        if (
            status not in statuses
            or (themes is not None and theme_id not in themes)
            or (documents and doc_id not in documents)
            or (groups and doc.regional_group.casefold() not in groups)
            or (coders is not None and not coders & board.workers.get(doc_id, frozenset()))
        ):
            continue
        found = board.kinds(cell, threshold)
        if kinds and not kinds.intersection(found):
            continue
        theme = board.themes[theme_id]
        items.append(
            QueueItem(
                document_id=doc_id,
                document_uuid=doc.uuid,
                title=doc.title,
                regional_group=doc.regional_group,
                theme_id=theme_id,
                theme_key=theme.key,
                theme=theme.name,
                status=status,
                kinds=found,
                values=board.coder_values(cell),
                decision=board.decisions.get(cell),
            )
        )
    return items
