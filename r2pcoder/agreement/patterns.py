"""Weighted value patterns: the one form of reliability data every coefficient is computed from.

A *pattern* is the values the coders gave one unit (``-1`` where a coder gave none); its
*weight* is how many units show it. Every coefficient of this package depends on the units only
through how many units show each pattern, so the same engine serves raw reliability data (one
pattern per unit, weight 1: :class:`~r2pcoder.agreement._data.Coded`) and data reduced to their
distinct patterns (:func:`patterns_of`): a master's 90,000 statement-theme units or ten million
characters come down to a few thousand patterns, and a report's slices, coder pairs and strata
are cut from those in microseconds. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["FloatArray", "IntArray", "Patterns", "count_chunks", "from_counts", "patterns_of"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Above this many cells a patterns-by-categories count matrix is built in slices of patterns,
# so memory stays bounded whatever the number of units.
_CHUNK_CELLS = 1 << 22
# Pattern numbers below this are counted with bincount rather than sorted.
_BINCOUNT_LIMIT = 1 << 22


@dataclass(frozen=True, eq=False)
class Patterns:
    """Reliability data as value patterns across coders, each with how many units show it.

    Attributes:
        codes: coders x patterns; an index into the categories, ``-1`` for no value.
        weights: how many units show each pattern.
        n_categories: the categories, declared or observed (unused ones count for AC1 and
            Brennan and Prediger).
        values: the number of each category, for the interval and ratio levels; ``None`` when
            the categories are not numbers.
    """

    codes: IntArray
    weights: FloatArray
    n_categories: int
    values: FloatArray | None = None

    @property
    def n_coders(self) -> int:
        """Coders (rows of ``codes``)."""
        return int(self.codes.shape[0])

    @property
    def n_patterns(self) -> int:
        """Patterns (columns of ``codes``)."""
        return int(self.codes.shape[1])

    def sizes(self) -> IntArray:
        """How many coders gave a value in each pattern."""
        sizes: IntArray = (self.codes >= 0).sum(axis=0).astype(np.int64)
        return sizes

    def pairable(self) -> float:
        """Units with values from two or more coders."""
        return float(self.weights[self.sizes() >= 2].sum())  # noqa: PLR2004

    def count_chunks(self) -> Iterator[tuple[slice, IntArray]]:
        """(patterns slice, patterns x categories value counts) in memory-bounded slices."""
        return count_chunks(self.codes, self.n_categories)

    def coders(self, chosen: Sequence[int]) -> Patterns:
        """The patterns of a subset of coders (identical patterns merged)."""
        return _merge(self.codes[list(chosen)], self.weights, self.n_categories, self.values)

    def mapped(
        self, table: IntArray, n_categories: int, values: FloatArray | None = None
    ) -> Patterns:
        """Codes renumbered through ``table`` (indexed by code + 1; -1 is missing), merged."""
        return _merge(table[self.codes + 1], self.weights, n_categories, values)

    @classmethod
    def combine(cls, parts: Sequence[Patterns], n_coders: int, n_categories: int) -> Patterns:
        """The patterns of the units of every part together."""
        if not parts:
            return cls(np.zeros((n_coders, 0), dtype=np.int64), np.zeros(0), n_categories)
        codes = np.concatenate([p.codes for p in parts], axis=1)
        weights = np.concatenate([p.weights for p in parts])
        return _merge(codes, weights, n_categories, parts[0].values)


def count_chunks(codes: IntArray, n_categories: int) -> Iterator[tuple[slice, IntArray]]:
    """Yield (columns slice, columns x categories value counts) of a coders x columns matrix."""
    n_cat = max(n_categories, 1)
    step = max(1, _CHUNK_CELLS // n_cat)
    for start in range(0, max(codes.shape[1], 1), step):
        block = codes[:, start : start + step]
        width = block.shape[1]
        units = np.broadcast_to(np.arange(width, dtype=np.int64), block.shape)
        present = block >= 0
        flat = units[present] * n_cat + block[present]
        counts = np.bincount(flat, minlength=width * n_cat).reshape(width, n_cat)
        yield slice(start, start + width), counts


def _decode(index: IntArray, n_coders: int, base: int) -> IntArray:
    """Coders x patterns codes of pattern numbers ``sum_i (code_i + 1) * base ** i``."""
    powers = base ** np.arange(n_coders, dtype=np.int64)
    return np.asarray((index[None, :] // powers[:, None]) % base - 1, dtype=np.int64)


def _fits(n_coders: int, base: int) -> bool:
    """Whether pattern numbers ``sum (code + 1) * base ** i`` fit in 63 bits."""
    return n_coders * math.log2(max(base, 2)) < 62  # noqa: PLR2004


def _numbers(codes: npt.NDArray[np.integer], base: int) -> IntArray:
    index = np.zeros(codes.shape[1], dtype=np.int64)
    for i in range(codes.shape[0]):
        index += (codes[i].astype(np.int64) + 1) * base**i
    return index


def _merge(
    codes: npt.NDArray[np.integer],
    weights: FloatArray,
    n_categories: int,
    values: FloatArray | None,
) -> Patterns:
    n_coders, base = int(codes.shape[0]), n_categories + 1
    if not _fits(n_coders, base):
        rows, inverse = np.unique(codes.T, axis=0, return_inverse=True)
        summed = np.bincount(inverse.reshape(-1), weights=weights, minlength=rows.shape[0])
        return Patterns(rows.T.astype(np.int64), summed.astype(np.float64), n_categories, values)
    index = _numbers(codes, base)
    if base**n_coders <= _BINCOUNT_LIMIT:
        summed = np.bincount(index, weights=weights, minlength=base**n_coders)
        present = np.flatnonzero(summed)
        return Patterns(
            _decode(present, n_coders, base),
            summed[present].astype(np.float64),
            n_categories,
            values,
        )
    uniq, inverse = np.unique(index, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=weights, minlength=uniq.size)
    return Patterns(_decode(uniq, n_coders, base), summed.astype(np.float64), n_categories, values)


def patterns_of(
    codes: npt.NDArray[np.integer], n_categories: int, values: FloatArray | None = None
) -> Patterns:
    """Reduce coders x units category codes (``-1`` missing) to their distinct patterns."""
    return _merge(codes, np.ones(codes.shape[1]), n_categories, values)


def from_counts(counts: IntArray, n_coders: int, n_categories: int) -> Patterns:
    """Patterns from a count per pattern number ``sum_i (code_i + 1) * (n_categories + 1) ** i``."""
    present = np.flatnonzero(counts)
    codes = _decode(present, n_coders, n_categories + 1)
    return Patterns(codes, counts[present].astype(np.float64), n_categories)
