"""The export's tables as pandas DataFrames, so that tests can query them (pandas is for tests)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from r2pcoder.export import Table


def frame(table: Table) -> pd.DataFrame:
    # Text columns stay Python objects, as a script reading Table.to_dict() sees them.
    series = {}
    for name, values in table.to_dict().items():
        text = any(isinstance(v, str) for v in values[:1]) or not values
        series[name] = pd.Series(values, dtype=object) if text else pd.Series(values)
    return pd.DataFrame(series, columns=list(table.columns))


def frames(tables: Mapping[str, Table]) -> dict[str, pd.DataFrame]:
    return {name: frame(table) for name, table in tables.items()}


def as_tables(frames: Mapping[str, pd.DataFrame]) -> dict[str, Table]:
    return {name: Table.of({c: f[c].tolist() for c in f.columns}) for name, f in frames.items()}
