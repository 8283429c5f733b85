"""A tolerant reader of the latest saved reliability snapshot, for the reliability table.

The snapshot is a :class:`~r2pcoder.schema.SnapshotRow` whose ``results`` JSON is an agreement
report (``AgreementReport.to_dict()``) and whose ``settings`` JSON holds the measurement's
settings. The keys read here, all optional:

* ``settings`` (row column, or ``results["settings"]``): ``unit`` (str), ``threshold``
  (float, the lead's cut-off, default 0.667), ``level`` (str);
* ``results["unit_description"]`` (str), ``results["computed_at"]`` (str),
  ``results["interval_method"]`` (str);
* ``results["rows"]``: a list of ``{"scope", "key", "label", "variant", "n_units",
  "values": {measure: {"value", "ci_low", "ci_high", "band", "note"}}, "note"}``;
* ``results["warnings"]``: a list of str.

Anything missing or of the wrong type is skipped with a note, never fatal: a damaged snapshot
must not stop the lead from exporting the rest. That is why this reader is not
:func:`r2pcoder.reliability.snapshot.load_snapshot`, which restores the whole report and refuses
a snapshot it cannot read; this one keeps only what the reliability table shows
(:class:`SnapshotSummary`), from snapshots of any version. Whether the coding changed since
the snapshot is asked of :func:`r2pcoder.reliability.snapshot.is_current` (its fingerprint of
the codings). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.errors import R2pError
from r2pcoder.schema import SnapshotRow
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "DEFAULT_THRESHOLD",
    "ReliabilityLine",
    "SnapshotSummary",
    "check_current",
    "latest_snapshot",
    "parse",
]

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.667
"""Krippendorff's lowest cut-off for tentative conclusions, used when a snapshot names none."""


@dataclass(frozen=True)
class ReliabilityLine:
    """One coefficient of one slice (a theme, a stance or all themes) of a snapshot."""

    scope: str
    key: str
    label: str
    variant: str
    measure: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_units: int | None
    band: str
    note: str


@dataclass(frozen=True)
class SnapshotSummary:
    """The latest snapshot as the export shows it.

    A snapshot's identity in the list of snapshots is
    :class:`r2pcoder.reliability.snapshot.SnapshotInfo`.
    """

    uuid: str
    label: str
    created_at: datetime
    unit: str
    unit_description: str
    threshold: float
    lines: tuple[ReliabilityLine, ...]
    warnings: tuple[str, ...]
    current: bool | None = None
    """True when the codings measured are still those in the master; None when not checked."""
    interval_method: str = ""
    """How alpha's intervals were obtained (empty in snapshots that did not record it)."""


def check_current(project: Project, info: SnapshotSummary) -> SnapshotSummary:
    """``info`` with :attr:`SnapshotSummary.current` set, by the reliability module's fingerprint.

    A snapshot that cannot be checked (damaged, or from settings this version cannot read)
    keeps ``None``: the export goes on and says so.
    """
    from r2pcoder.reliability.snapshot import is_current  # noqa: PLC0415 - heavy, rarely needed

    try:
        current: bool | None = is_current(project, info.uuid)
    except (R2pError, KeyError, TypeError, ValueError):
        log.warning("Could not check whether snapshot %s is current", info.uuid, exc_info=True)
        current = None
    return replace(info, current=current)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _lines(rows: Any) -> tuple[list[ReliabilityLine], list[str]]:
    lines: list[ReliabilityLine] = []
    skipped = 0
    for row in rows if isinstance(rows, list) else []:
        values = row.get("values") if isinstance(row, dict) else None
        if not isinstance(values, dict):
            skipped += 1
            continue
        n_units = row.get("n_units")
        for measure, raw in values.items():
            item = raw if isinstance(raw, dict) else {"value": raw}
            lines.append(
                ReliabilityLine(
                    scope=_text(row.get("scope")),
                    key=_text(row.get("key")),
                    label=_text(row.get("label")),
                    variant=_text(row.get("variant")),
                    measure=str(measure),
                    value=_number(item.get("value")),
                    ci_low=_number(item.get("ci_low")),
                    ci_high=_number(item.get("ci_high")),
                    n_units=int(n_units) if isinstance(n_units, int) else None,
                    band=_text(item.get("band")),
                    note="; ".join(
                        t for t in (_text(item.get("note")), _text(row.get("note"))) if t
                    ),
                )
            )
    notes = (
        [
            f"{counted(skipped, 'unreadable result row')} in the snapshot "
            f"{'was' if skipped == 1 else 'were'} skipped."
        ]
        if skipped
        else []
    )
    return lines, notes


def parse(
    uuid: str, label: str, created_at: datetime, settings: Any, results: Any
) -> SnapshotSummary:
    """Read a snapshot's JSON columns; anything unreadable is skipped and noted in ``warnings``."""
    results = results if isinstance(results, dict) else {}
    settings = settings if isinstance(settings, dict) and settings else results.get("settings")
    settings = settings if isinstance(settings, dict) else {}
    threshold = _number(settings.get("threshold"))
    lines, notes = _lines(results.get("rows"))
    warnings = (
        [w for w in results.get("warnings", []) if isinstance(w, str)]
        if isinstance(results.get("warnings"), list)
        else []
    )
    return SnapshotSummary(
        uuid=uuid,
        label=label,
        created_at=created_at,
        unit=_text(settings.get("unit")) or "not stated",
        unit_description=_text(results.get("unit_description")),
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        lines=tuple(lines),
        warnings=tuple(warnings + notes),
        interval_method=_text(results.get("interval_method")),
    )


def latest_snapshot(session: Session) -> SnapshotSummary | None:
    """The most recent snapshot of inter-coder agreement, or ``None`` when none was saved.

    Snapshots of coders against the gold layer (coder feedback) are not inter-coder
    reliability and are passed over.
    """
    stmt = select(SnapshotRow).order_by(SnapshotRow.created_at.desc(), SnapshotRow.id.desc())
    for row in session.scalars(stmt):
        layers = row.results.get("layers") if isinstance(row.results, dict) else None
        if isinstance(layers, list) and "gold" in layers:
            continue
        return parse(row.uuid, row.label, row.created_at, row.settings, row.results)
    return None
