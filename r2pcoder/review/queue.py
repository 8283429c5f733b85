"""The review queue and the progress counts, built from a :class:`~r2pcoder.review.board.Board`.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from r2pcoder.errors import UnknownEntity
from r2pcoder.review.board import SPAN_THRESHOLD, STATUS_CODES, Board
from r2pcoder.review.model import (
    DIFF_KINDS,
    CellStatus,
    CoderValue,
    QueueFilter,
    QueueItem,
    ReviewStatus,
)

__all__ = ["build_queue", "count_status", "queue_item"]


def count_status(board: Board, statements: int, warnings: Sequence[str] = ()) -> ReviewStatus:
    """How many cells stand where, and how many statements were worked on."""
    counts = np.bincount(board.status_codes.ravel(), minlength=len(STATUS_CODES))
    by = {name: int(n) for name, n in zip(STATUS_CODES, counts, strict=True) if name}
    auto = sum(1 for d in board.decisions.values() if d.auto_rule)
    return ReviewStatus(
        statements=statements,
        worked_on=len(board.workers),
        cells=sum(by.values()),
        agreed=by["agreed"],
        awaiting=by["awaiting"],
        single=by["single"],
        decided=by["decided"] + by["reopened"],
        reopened=by["reopened"],
        auto=auto,
        warnings=tuple(warnings),
    )


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


def _mask(board: Board, filters: QueueFilter, threshold: float) -> npt.NDArray[np.bool_]:
    """Themes x statements: the cells ``filters`` lets through."""
    wanted = [STATUS_CODES.index(s) for s in filters.statuses]
    mask = np.isin(board.status_codes, wanted)
    docs = board.corpus.documents
    if filters.themes:
        themes = _themes(board, filters.themes)
        mask &= np.array([t.id in themes for t in board.corpus.themes])[:, None]
    if filters.documents:
        mask &= np.isin([d.id for d in docs], list(filters.documents))[None, :]
    if filters.regional_groups:
        groups = {g.casefold() for g in filters.regional_groups}
        mask &= np.array([d.meta.get("regional_group", "").casefold() in groups for d in docs])
    if filters.coders:
        chosen = _coders(board, filters.coders)
        rows = [i for i, c in enumerate(board.corpus.coders) if c.id in chosen]
        mask &= np.asarray(board.corpus.worked[rows].any(axis=0))[None, :]
    if filters.kinds:
        found = {"theme_missing": board.theme_missing, "stance_differs": board.stance_differs}
        kinds = np.zeros(mask.shape, dtype=bool)
        for kind in filters.kinds:
            kinds |= found[kind] if kind in found else board.span_differs(threshold)
        mask &= kinds
    return np.asarray(mask)


def build_queue(
    board: Board, filters: QueueFilter, threshold: float = SPAN_THRESHOLD
) -> list[QueueItem]:
    """The cells ``filters`` asks for, by statement (corpus order) then theme (codebook order).

    Raises:
        UnknownEntity: a theme key or coder in the filter that the project does not have.
    """
    ds, ts = np.nonzero(_mask(board, filters, threshold).T)
    return _items(board, ts, ds, threshold)


def _items(
    board: Board, ts: npt.NDArray[np.intp], ds: npt.NDArray[np.intp], threshold: float
) -> list[QueueItem]:
    # Built from whole columns at once: the queue of a large master lists tens of thousands of
    # cells. The coders' values of a cell form one of few patterns (a few codes per coder), so
    # each pattern's tuple of values is built once and shared by every cell that has it.
    bits = board.theme_missing.astype(np.int8) + 2 * board.stance_differs.astype(np.int8)
    bits = bits + 4 * board.span_differs(threshold).astype(np.int8)
    kinds = [tuple(k for b, k in enumerate(DIFF_KINDS) if n >> b & 1) for n in range(8)]
    columns = board.codes[ts, :, ds].astype(np.int64) + 1  # cells x coders, 0: did not work
    base = len(board.labels) + 1
    patterns = columns @ (base ** np.arange(columns.shape[1], dtype=np.int64))
    unique, first = np.unique(patterns, return_index=True)
    coders, values, labels = board.corpus.coders, board.value_of_code, board.labels
    shared = {
        int(p): tuple(
            CoderValue(coders[i].id, coders[i].uuid, coders[i].name, values[k - 1], labels[k - 1])
            for i, k in enumerate(columns[j].tolist())
            if k > 0
        )
        for p, j in zip(unique.tolist(), first.tolist(), strict=True)
    }
    docs = [
        (d.id, d.uuid, d.title, d.meta.get("regional_group", ""), d.meta.get("speaker", ""))
        for d in board.corpus.documents
    ]
    themes = [(t.id, t.key, t.name) for t in board.corpus.themes]
    # Index 0 (no cell) never comes up: only cells are listed.
    names: list[CellStatus] = [n or "awaiting" for n in STATUS_CODES]
    decisions = board.decisions
    items = []
    for t, d, status, bit, pattern in zip(
        ts.tolist(),
        ds.tolist(),
        board.status_codes[ts, ds].tolist(),
        bits[ts, ds].tolist(),
        patterns.tolist(),
        strict=True,
    ):
        doc_id, uuid, title, group, speaker = docs[d]
        theme_id, key, name = themes[t]
        decision = decisions.get((doc_id, theme_id)) if decisions else None
        items.append(
            QueueItem(
                doc_id,
                uuid,
                title,
                group,
                speaker,
                theme_id,
                key,
                name,
                names[status],
                kinds[bit],
                shared[pattern],
                decision,
            )
        )
    return items


def queue_item(board: Board, cell: tuple[int, int], threshold: float = SPAN_THRESHOLD) -> QueueItem:
    """One cell as the queue (and the statement view) shows it."""
    t, d = board.index(cell)
    return _items(board, np.array([t]), np.array([d]), threshold)[0]
