"""Validation and integer encoding of reliability data for the agreement coefficients.

Reliability data arrive as one sequence per coder with one value per unit (``None`` or a float NaN
for a missing value), or as a 2-D numpy array of the same shape. This module is the one place
where they are checked and turned into a matrix of category codes (``-1`` for missing), so every
coefficient sees the same categories and the same errors. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from r2pcoder.agreement.patterns import FloatArray, IntArray, Patterns
from r2pcoder.errors import AgreementInputError

__all__ = [
    "LEVELS",
    "Coded",
    "FloatArray",
    "IntArray",
    "Level",
    "Outcome",
    "ReliabilityData",
    "encode",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
ReliabilityData = Sequence[Sequence[Any]] | npt.NDArray[Any]

# Integer-valued numeric data spanning fewer values than this are encoded with bincount, which
# avoids sorting every value.
_DENSE_RANGE = 1 << 20


@dataclass(frozen=True)
class Outcome:
    """A coefficient's value, or NaN together with the plain-words reason it is undefined."""

    value: float
    reason: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Outcome:
        """An undefined coefficient: NaN plus why."""
        return cls(math.nan, reason)


@dataclass(frozen=True, eq=False)
class Coded(Patterns):
    """Reliability data as category codes: one pattern per unit, each of weight 1.

    Attributes:
        categories: every category in order (declared order, else sorted); ``values`` holds
            their numbers when the data are numbers.
    """

    categories: tuple[Hashable, ...] = field(default=())

    @classmethod
    def of(
        cls, codes: IntArray, categories: tuple[Hashable, ...], numeric: FloatArray | None
    ) -> Coded:
        """Coders x units codes (``-1`` missing) of ``categories``."""
        return cls(codes, np.ones(codes.shape[1]), len(categories), numeric, categories)

    @property
    def numeric(self) -> FloatArray | None:
        """The numeric value of each category when the data are numbers, else ``None``."""
        return self.values

    @property
    def n_units(self) -> int:
        """Number of units (columns)."""
        return self.n_patterns

    def unit_sizes(self) -> IntArray:
        """How many coders gave a value to each unit."""
        return self.sizes()


def encode(
    data: ReliabilityData,
    *,
    categories: Sequence[Hashable] | None = None,
    level: Level = "nominal",
    min_coders: int = 2,
) -> Coded:
    """Check reliability data and encode them as category codes.

    Args:
        data: one sequence per coder, one value per unit, ``None`` for missing; or a 2-D array
            (float NaN for missing).
        categories: the full category set, in order; by default the categories in the data.
        level: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``; the last two need
            numbers, ordinal needs numbers or an ordered ``categories`` list.
        min_coders: fewest coder rows the caller accepts.

    Returns:
        The encoded data.

    Raises:
        AgreementInputError: ragged rows, mixed value types, text where numbers are needed,
            values outside the declared categories, or fewer than ``min_coders`` rows.
    """
    if level not in LEVELS:
        raise AgreementInputError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    if isinstance(data, np.ndarray):
        coded = _encode_array(data, categories)
    else:
        coded = _encode_rows(_rows(data), categories)
    if coded.n_coders < min_coders:
        raise AgreementInputError(
            f"Agreement needs at least {min_coders} coders; the data have {coded.n_coders}."
        )
    _check_level(coded, level, declared=categories is not None)
    return coded


def _rows(data: Sequence[Sequence[Any]]) -> list[list[Any]]:
    if isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise AgreementInputError(
            "Reliability data must be a list with one list of values per coder."
        )
    rows: list[list[Any]] = []
    for index, row in enumerate(data, start=1):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
            raise AgreementInputError(f"Coder {index} is not a list of values, one per unit.")
        rows.append(list(row))
    lengths = {len(row) for row in rows}
    if len(lengths) > 1:
        first = len(rows[0])
        bad = next(i for i, row in enumerate(rows, start=1) if len(row) != first)
        raise AgreementInputError(
            f"Coders rated different numbers of units: coder 1 has {first} values, "
            f"coder {bad} has {len(rows[bad - 1])}; use None for a missing value."
        )
    return rows


def _kind(value_type: type) -> str | None:
    if value_type is type(None):
        return None
    if issubclass(value_type, str):
        return "text"
    if issubclass(value_type, bool | np.bool_):
        return "truth value"
    if issubclass(value_type, numbers.Real):
        return "number"
    return "other"


def _encode_rows(rows: list[list[Any]], categories: Sequence[Hashable] | None) -> Coded:
    kinds = {_kind(t) for t in set(map(type, chain.from_iterable(rows)))} - {None}
    if "number" in kinds and len(kinds) > 1 and _only_nan_numbers(rows):
        # pandas marks a missing text value with a float NaN; read it as missing.
        rows = [[None if _is_nan(v) else v for v in row] for row in rows]
        kinds.discard("number")
    if len(kinds) > 1:
        raise AgreementInputError(
            f"The data mix {' and '.join(sorted(k for k in kinds if k))} values; "
            "use one type of value for one variable."
        )
    numeric_categories = categories is None or all(_kind(type(c)) == "number" for c in categories)
    if kinds == {"number"} or (not kinds and numeric_categories):
        shape = (len(rows), len(rows[0]) if rows else 0)
        return _encode_numbers(np.array(rows, dtype=np.float64).reshape(shape), categories)
    return _encode_labels(rows, categories)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float | np.floating) and math.isnan(value)


def _only_nan_numbers(rows: list[list[Any]]) -> bool:
    numbers_seen = (v for v in chain.from_iterable(rows) if _kind(type(v)) == "number")
    return all(_is_nan(v) for v in numbers_seen)


def _encode_array(data: npt.NDArray[Any], categories: Sequence[Hashable] | None) -> Coded:
    if data.ndim != 2:  # noqa: PLR2004 - coders x units
        raise AgreementInputError("Reliability data must be a 2-D array, one row per coder.")
    if data.dtype.kind in "iuf":
        return _encode_numbers(data.astype(np.float64, copy=False), categories)
    return _encode_rows(data.tolist(), categories)


def _encode_numbers(values: FloatArray, categories: Sequence[Hashable] | None) -> Coded:
    if np.isinf(values).any():
        raise AgreementInputError("The data contain an infinite value; use None for missing.")
    present = ~np.isnan(values)
    observed = values[present]
    if categories is not None:
        declared = _declared_numbers(categories)
        order = np.argsort(declared, kind="stable")
        uniq = declared[order]
        if uniq.size != np.unique(uniq).size:
            raise AgreementInputError("The declared categories contain a value twice.")
    else:
        uniq = _unique(observed)
    codes = np.full(values.shape, -1, dtype=np.int64)
    positions = np.searchsorted(uniq, observed).astype(np.int64)
    if positions.size:
        clipped = np.minimum(positions, max(uniq.size - 1, 0))
        outside = uniq[clipped] != observed if uniq.size else np.ones(observed.shape, bool)
        if outside.any():
            bad = float(observed[outside][0])
            raise AgreementInputError(f"Value {bad:g} is not among the declared categories.")
    codes[present] = positions
    labels: tuple[Hashable, ...]
    if np.all(uniq == np.round(uniq)):
        labels = tuple(int(v) for v in uniq)
    else:
        labels = tuple(float(v) for v in uniq)
    return Coded.of(codes, labels, uniq)


def _unique(observed: FloatArray) -> FloatArray:
    if observed.size == 0:
        return observed
    low, high = observed.min(), observed.max()
    integral = high - low < _DENSE_RANGE and bool(np.all(observed == np.round(observed)))
    if integral:
        present = np.bincount((observed - low).astype(np.int64)) > 0
        dense: FloatArray = (np.flatnonzero(present) + low).astype(np.float64)
        return dense
    return np.unique(observed)


def _declared_numbers(categories: Sequence[Hashable]) -> FloatArray:
    if not all(_kind(type(c)) == "number" for c in categories):
        raise AgreementInputError("The data are numbers, so the declared categories must be too.")
    return np.array(categories, dtype=np.float64)


def _encode_labels(rows: list[list[Any]], categories: Sequence[Hashable] | None) -> Coded:
    try:
        seen = set(chain.from_iterable(rows))
    except TypeError as exc:
        raise AgreementInputError(f"A value cannot be used as a category: {exc}.") from exc
    seen.discard(None)
    if categories is not None:
        labels = tuple(categories)
        if len(set(labels)) != len(labels):
            raise AgreementInputError("The declared categories contain a value twice.")
        unknown = seen - set(labels)
        if unknown:
            raise AgreementInputError(
                f"Value {sorted(map(repr, unknown))[0]} is not among the declared categories."
            )
    else:
        try:
            labels = tuple(sorted(seen))
        except TypeError:
            labels = tuple(sorted(seen, key=repr))
    index: dict[Hashable, int] = {label: i for i, label in enumerate(labels)}
    index[None] = -1
    codes = np.array([[index[v] for v in row] for row in rows], dtype=np.int64)
    return Coded.of(codes.reshape(len(rows), len(rows[0]) if rows else 0), labels, None)


def _check_level(coded: Coded, level: Level, *, declared: bool) -> None:
    if level in ("interval", "ratio") and coded.numeric is None:
        raise AgreementInputError(f"The {level} level needs numeric values.")
    if level == "ordinal" and coded.numeric is None and not declared:
        raise AgreementInputError(
            "Ordinal text values need their order: pass categories=[...] from lowest to highest."
        )
    if level == "ratio" and coded.numeric is not None and (coded.numeric < 0).any():
        raise AgreementInputError("The ratio level needs values of zero or more.")
