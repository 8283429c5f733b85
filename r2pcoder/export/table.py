"""One export table: its column names and its rows, built a slice at a time when written.

The segments and evidence tables of a large project hold a million rows with a quote each; held
whole, every table of an export together took well over a gigabyte. A :class:`Table` knows its
columns and length and builds the cells of any slice of rows on demand, so a writer streams it
slice by slice and only one slice of one table is ever held. Small tables are built whole and
served the same way. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["CHUNK_ROWS", "Columns", "Table"]

CHUNK_ROWS = 50_000
"""Rows built and written at a time."""

Columns = dict[str, list[Any]]
"""Column name -> its values, one per row."""


@dataclass(frozen=True, eq=False)
class Table:
    """Column names, a row count and a way to build the cells of rows ``start:stop``.

    Attributes:
        columns: the column names, in order.
        n_rows: how many rows the table has.
        build: ``build(start, stop)`` returns one list per column with the cells of those rows.
    """

    columns: tuple[str, ...]
    n_rows: int
    build: Callable[[int, int], list[list[Any]]]

    def __len__(self) -> int:
        return self.n_rows

    def chunks(self, size: int | None = None) -> Iterator[list[list[Any]]]:
        """The rows in slices of ``size`` (:data:`CHUNK_ROWS`), each as one list per column."""
        size = size or CHUNK_ROWS
        for start in range(0, self.n_rows, size):
            yield self.build(start, min(start + size, self.n_rows))

    def head(self, n: int) -> list[list[Any]]:
        """The first ``n`` rows, one list per column."""
        return self.build(0, min(n, self.n_rows))

    def rows(self, n: int | None = None) -> list[tuple[Any, ...]]:
        """The first ``n`` rows (all by default) as tuples."""
        columns = self.build(0, self.n_rows if n is None else min(n, self.n_rows))
        return list(zip(*columns, strict=True)) if columns else []

    def to_dict(self) -> Columns:
        """The whole table as column name -> values (for scripts and tests)."""
        return dict(zip(self.columns, self.build(0, self.n_rows), strict=True))

    def without(self, name: str) -> Table:
        """The same table without column ``name``."""
        keep = [i for i, c in enumerate(self.columns) if c != name]
        build = self.build

        def kept(start: int, stop: int) -> list[list[Any]]:
            columns = build(start, stop)
            return [columns[i] for i in keep]

        return Table(tuple(self.columns[i] for i in keep), self.n_rows, kept)

    @classmethod
    def of(cls, columns: Mapping[str, Sequence[Any]], layer: str | None = None) -> Table:
        """A table of columns already built; ``layer`` adds a first column repeating it."""
        names = list(columns)
        data = [list(columns[n]) for n in names]
        n_rows = len(data[0]) if data else 0
        if layer is not None:
            names.insert(0, "layer")
            data.insert(0, [layer] * n_rows)
        return cls(tuple(names), n_rows, lambda start, stop: [c[start:stop] for c in data])
