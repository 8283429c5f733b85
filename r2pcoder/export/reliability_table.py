"""The columns of the reliability table: the latest snapshot, with loud warnings.

Every coefficient of the snapshot becomes one row naming the unit, the coefficient and its
interval. A chance-corrected coefficient below the lead's threshold, an undefined coefficient and
the absence of any snapshot are flagged in the ``warning`` column in capitals, so they cannot be
missed in a spreadsheet. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from typing import Any

from r2pcoder.bands import CHANCE_CORRECTED, format_value
from r2pcoder.export.data import ExportData
from r2pcoder.export.snapshot import ReliabilityLine, SnapshotSummary
from r2pcoder.wording import counted

__all__ = [
    "CHANCE_CORRECTED",
    "NO_SNAPSHOT",
    "OUTDATED",
    "below_threshold",
    "line_warning",
    "reliability_columns",
    "reliability_summary",
    "undefined_lines",
]

OUTDATED = (
    "OUTDATED SNAPSHOT: the codings changed after this snapshot was saved; measure agreement "
    "again before publishing."
)

NO_SNAPSHOT = (
    "NO RELIABILITY SNAPSHOT: agreement between coders has not been measured and saved for "
    "this project. Measure it (Agreement) and save a snapshot before publishing these results."
)


def line_warning(line: ReliabilityLine, threshold: float) -> str:
    """The loud warning for one coefficient, or ``""``.

    The comparison is on the unrounded value; the printed value is never rounded up to the
    threshold (0.6666 < 0.667 prints as "0.666 < 0.667", not "0.667 < 0.667").
    """
    if line.value is None:
        return f"UNDEFINED: {line.note or 'the coefficient could not be computed'}"
    if line.measure in CHANCE_CORRECTED and line.value < threshold:
        return f"BELOW THRESHOLD: {format_value(line.value, (threshold,))} < {threshold:.3f}"
    return ""


def below_threshold(snap: SnapshotSummary) -> list[ReliabilityLine]:
    """The defined chance-corrected coefficients below the snapshot's threshold."""
    return [
        line
        for line in snap.lines
        if line.value is not None
        and line.measure in CHANCE_CORRECTED
        and line.value < snap.threshold
    ]


def undefined_lines(snap: SnapshotSummary) -> list[ReliabilityLine]:
    """The coefficients that have no value (their notes say why)."""
    return [line for line in snap.lines if line.value is None]


def _where(line: ReliabilityLine) -> str:
    place = line.label or line.key or line.scope or "?"
    variant = f", {line.variant}" if line.variant else ""
    return f"{line.measure} of {place}{variant}"


def _listed(items: list[str], limit: int = 5) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def reliability_summary(snap: SnapshotSummary) -> list[str]:
    """Plain sentences: the coefficients below the threshold, then the undefined ones, apart.

    Only defined coefficients are counted as falling below the threshold; an undefined one
    (everyone gave one value, nobody used a stance) is not a low score and is listed on its
    own with its reason.
    """
    out = []
    low = below_threshold(snap)
    if low:
        values = [f"{_where(x)} {format_value(x.value or 0.0, (snap.threshold,))}" for x in low]
        out.append(
            f"{counted(len(low), 'reliability coefficient')} "
            f"{'falls' if len(low) == 1 else 'fall'} below the threshold of "
            f"{snap.threshold:.3f}: {_listed(values)}."
        )
    missing = undefined_lines(snap)
    if missing:
        reasons = [f"{_where(x)} ({x.note.rstrip('.') or 'no reason given'})" for x in missing]
        out.append(
            f"{counted(len(missing), 'reliability coefficient')} "
            f"{'is' if len(missing) == 1 else 'are'} undefined, not low: {_listed(reasons)}."
        )
    return out


def _interval(line: ReliabilityLine) -> str:
    if line.ci_low is None or line.ci_high is None:
        return "no interval"
    return f"[{line.ci_low:.3f}, {line.ci_high:.3f}]"


def _current(snap: SnapshotSummary) -> str:
    return "not checked" if snap.current is None else "yes" if snap.current else "NO"


def _snapshot_columns(snap: SnapshotSummary) -> dict[str, list[Any]]:
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
            snapshot=[snap.label or snap.uuid],
            unit=[snap.unit],
            warning=["NO COEFFICIENTS: the latest snapshot holds no readable results."],
        )
    return columns


def reliability_columns(data: ExportData) -> dict[str, list[Any]]:
    """Columns of the reliability table (one warning row when no snapshot exists)."""
    if data.snapshot is None:
        return {
            "snapshot": [None],
            "saved_at": [None],
            "unit": [None],
            "scope": [None],
            "theme_key": [None],
            "label": [None],
            "variant": [None],
            "coefficient": [None],
            "value": [None],
            "interval": [None],
            "ci_low": [None],
            "ci_high": [None],
            "n_units": [None],
            "band": [None],
            "snapshot_current": [None],
            "threshold": [data.threshold_default],
            "warning": [NO_SNAPSHOT],
            "note": [None],
        }
    return _snapshot_columns(data.snapshot)
