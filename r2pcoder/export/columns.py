"""Codings as plain values: many as columns, handed out as :class:`~r2pcoder.models.CodingTuple`.

An export reads up to a million codings. As Python objects (a tuple per coding) they cost
seconds to build and hundreds of megabytes to hold; as columns (a numpy array per field) they
are read in a second, grouped and sorted with numpy, and still handed out one
:class:`CodingTuple` at a time to whoever iterates over them. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import overload

import numpy as np
import numpy.typing as npt

from r2pcoder.models import CodingTuple

__all__ = ["NONE", "CodingColumns", "CodingTuple", "IntArray", "read_codings"]

IntArray = npt.NDArray[np.int64]
NONE = -1
"""The stance column's value for a coding that carries no stance."""


@dataclass(frozen=True, eq=False)
class CodingColumns(Sequence[CodingTuple]):
    """Codings as parallel columns; iterating gives one :class:`CodingTuple` per coding.

    Attributes:
        stance_id: the stance, :data:`NONE` where a coding carries none.
        memo: the memo of each coding (mostly the same empty string).
    """

    id: IntArray
    document_id: IntArray
    coder_id: IntArray
    theme_id: IntArray
    stance_id: IntArray
    start: IntArray
    end: IntArray
    memo: Sequence[str]

    def __len__(self) -> int:
        return int(self.id.size)

    @overload
    def __getitem__(self, index: int) -> CodingTuple: ...

    @overload
    def __getitem__(self, index: slice) -> CodingColumns: ...

    def __getitem__(self, index: int | slice) -> CodingTuple | CodingColumns:
        if isinstance(index, slice):
            return CodingColumns(
                self.id[index],
                self.document_id[index],
                self.coder_id[index],
                self.theme_id[index],
                self.stance_id[index],
                self.start[index],
                self.end[index],
                self.memo[index],
            )
        stance = int(self.stance_id[index])
        return CodingTuple(
            int(self.id[index]),
            int(self.document_id[index]),
            int(self.coder_id[index]),
            int(self.theme_id[index]),
            None if stance == NONE else stance,
            int(self.start[index]),
            int(self.end[index]),
            self.memo[index],
        )

    def __iter__(self) -> Iterator[CodingTuple]:
        stances = [None if s == NONE else s for s in self.stance_id.tolist()]
        fields = (self.id, self.document_id, self.coder_id, self.theme_id)
        ints = [f.tolist() for f in fields]
        rest = (stances, self.start.tolist(), self.end.tolist(), self.memo)
        return map(CodingTuple._make, zip(*ints, *rest, strict=True))

    def take(self, index: IntArray) -> CodingColumns:
        """The codings at positions ``index``, in that order."""
        memo = self.memo
        picked = [memo[i] for i in index.tolist()] if any(memo) else [""] * index.size
        return CodingColumns(
            self.id[index],
            self.document_id[index],
            self.coder_id[index],
            self.theme_id[index],
            self.stance_id[index],
            self.start[index],
            self.end[index],
            picked,
        )

    @classmethod
    def of(cls, codings: Iterable[CodingTuple]) -> CodingColumns:
        """Columns of ``codings`` (already columns: returned as they are)."""
        if isinstance(codings, CodingColumns):
            return codings
        rows = list(codings)
        ints = np.array(
            [
                (
                    c.id,
                    c.document_id,
                    c.coder_id,
                    c.theme_id,
                    NONE if c.stance_id is None else c.stance_id,
                    c.start,
                    c.end,
                )
                for c in rows
            ],
            dtype=np.int64,
        ).reshape(-1, 7)
        return cls._of(ints, [c.memo for c in rows])

    @classmethod
    def _of(cls, ints: IntArray, memo: Sequence[str]) -> CodingColumns:
        """Columns from a codings x 7 matrix (id, document, coder, theme, stance, start, end)."""
        i, doc, coder, theme, stance, start, end = (ints[:, k].copy() for k in range(7))
        return cls(i, doc, coder, theme, stance, start, end, memo)


def read_codings(driver: sqlite3.Connection, table: str, coder_ids: Sequence[int]) -> CodingColumns:
    """Every coding of ``coder_ids`` in ``table``, in storage order, read as columns.

    The integer fields stream from the driver straight into one array; memos are read apart,
    only where there is one, since almost every coding has none.
    """
    marks = ",".join("?" * len(coder_ids))
    where = f"coder_id IN ({marks})"
    sql = (
        f'SELECT id, document_id, coder_id, theme_id, COALESCE(stance_id, {NONE}), start, "end" '
        f"FROM {table} WHERE {where}"
    )
    flat = np.fromiter(chain.from_iterable(driver.execute(sql, list(coder_ids))), dtype=np.int64)
    ints = flat.reshape(-1, 7)
    memo: list[str] = [""] * ints.shape[0]
    noted = driver.execute(
        f"SELECT id, memo FROM {table} WHERE {where} AND memo != ''", list(coder_ids)
    ).fetchall()
    if noted:
        position = {coding: i for i, coding in enumerate(ints[:, 0].tolist())}
        for coding, text in noted:
            memo[position[coding]] = text
    return CodingColumns._of(ints, memo)
