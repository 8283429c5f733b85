"""The columns of the reliability table: the latest snapshot, with loud warnings.

Every coefficient of the snapshot becomes one row naming the unit, the coefficient and its
interval. A chance-corrected coefficient below the lead's threshold, an undefined coefficient and
the absence of any snapshot are flagged in the ``warning`` column in capitals, so they cannot be
missed in a spreadsheet. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from typing import Any

from r2pcoder.export.data import ExportData
from r2pcoder.export.snapshot import ReliabilityLine, SnapshotInfo

__all__ = ["CHANCE_CORRECTED", "NO_SNAPSHOT", "OUTDATED", "line_warning", "reliability_columns"]

CHANCE_CORRECTED = frozenset(
    {"krippendorff_alpha", "cohen_kappa", "scott_pi", "fleiss_kappa", "conger_kappa",
     "gwet_ac1", "brennan_prediger"}
)  # fmt: skip
"""Coefficients held against the threshold; percent agreement does not correct for chance."""

OUTDATED = (
    "OUTDATED SNAPSHOT: the codings changed after this snapshot was saved; measure agreement "
    "again before publishing."
)

NO_SNAPSHOT = (
    "NO RELIABILITY SNAPSHOT: agreement between coders has not been measured and saved for "
    "this project. Measure it (Agreement) and save a snapshot before publishing these results."
)


def line_warning(line: ReliabilityLine, threshold: float) -> str:
    """The loud warning for one coefficient, or ``""``."""
    if line.value is None:
        return f"UNDEFINED: {line.note or 'the coefficient could not be computed'}"
    if line.measure in CHANCE_CORRECTED and line.value < threshold:
        return f"BELOW THRESHOLD: {line.value:.3f} < {threshold:.3f}"
    return ""


def _interval(line: ReliabilityLine) -> str:
    if line.ci_low is None or line.ci_high is None:
        return "no interval"
    return f"[{line.ci_low:.3f}, {line.ci_high:.3f}]"


def _current(snap: SnapshotInfo) -> str:
    return "not checked" if snap.current is None else "yes" if snap.current else "NO"


def _snapshot_columns(snap: SnapshotInfo) -> dict[str, list[Any]]:
    lines = snap.lines
    warnings = [line_warning(line, snap.threshold) for line in lines]
    columns: dict[str, list[Any]] = {
        "snapshot": [snap.label or snap.uuid] * len(lines),
        "saved_at": [f"{snap.created_at:%Y-%m-%d %H:%M}"] * len(lines),
        "unit": [snap.unit] * len(lines),
        "scope": [line.scope for line in lines],
        "theme_key": [line.key for line in lines],
        "label": [line.label for line in lines],
        "variant": [line.variant for line in lines],
        "coefficient": [line.measure for line in lines],
        "value": [line.value for line in lines],
        "interval": [_interval(line) for line in lines],
        "ci_low": [line.ci_low for line in lines],
        "ci_high": [line.ci_high for line in lines],
        "n_units": [line.n_units for line in lines],
        "band": [line.band for line in lines],
        "snapshot_current": [_current(snap)] * len(lines),
        "threshold": [snap.threshold] * len(lines),
        "warning": warnings,
        "note": [line.note for line in lines],
    }
    if snap.current is False:
        columns["warning"] = [f"{OUTDATED} {w}".strip() for w in warnings]
    if not lines:
        for name in columns:
            columns[name] = [None]
        columns.update(
            snapshot=[snap.label or snap.uuid], unit=[snap.unit],
            warning=["NO COEFFICIENTS: the latest snapshot holds no readable results."],
        )  # fmt: skip
    return columns


def reliability_columns(data: ExportData) -> dict[str, list[Any]]:
    """Columns of the reliability table (one warning row when no snapshot exists)."""
    if data.snapshot is None:
        return {
            "snapshot": [None], "saved_at": [None], "unit": [None], "scope": [None],
            "theme_key": [None], "label": [None], "variant": [None], "coefficient": [None],
            "value": [None], "interval": [None], "ci_low": [None], "ci_high": [None],
            "n_units": [None], "band": [None], "snapshot_current": [None],
            "threshold": [data.threshold_default],
            "warning": [NO_SNAPSHOT], "note": [None],
        }  # fmt: skip
    return _snapshot_columns(data.snapshot)
