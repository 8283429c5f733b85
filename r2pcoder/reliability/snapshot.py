"""Reliability snapshots: a measurement saved in the master, listed, read back and exported.

A snapshot keeps the settings, the inputs (coders, statements with their text hashes, themes,
and a fingerprint of the codings used), the results and the time, so a paper can cite exactly
what was measured before adjudication, and a reader can tell whether the coding has changed
since (:func:`is_current`). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

import r2pcoder
from r2pcoder.errors import ExportFailed, R2pError, UnknownEntity
from r2pcoder.reliability.corpus import load_corpus
from r2pcoder.reliability.report import AgreementReport
from r2pcoder.schema import SnapshotRow, new_uuid, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "SnapshotInfo",
    "compared_layers",
    "export_snapshot",
    "is_current",
    "list_snapshots",
    "load_snapshot",
    "save_snapshot",
]

FORMAT = "r2pcoder-reliability-snapshot"


@dataclass(frozen=True)
class SnapshotInfo:
    """A saved snapshot's identity, as listed."""

    uuid: str
    created_at: datetime
    label: str
    unit: str
    n_coders: int
    n_documents: int
    layers: tuple[str, ...] = ()
    """The layers compared (``coder:<uuid>``, ``gold``); see :func:`compared_layers`."""


def compared_layers(results: dict[str, Any]) -> tuple[str, ...]:
    """The layers a saved report compared.

    Reports saved before the layers were recorded compared the layers of their coders.
    """
    layers = results.get("layers")
    if isinstance(layers, list) and layers:
        return tuple(str(layer) for layer in layers)
    return tuple(f"coder:{c[0]}" for c in results.get("coders", []) if isinstance(c, list) and c)


def _info(row: SnapshotRow) -> SnapshotInfo:
    results = row.results or {}
    return SnapshotInfo(
        uuid=row.uuid,
        created_at=row.created_at,
        label=row.label,
        unit=str((row.settings or {}).get("unit", "")),
        n_coders=len(results.get("coders", [])),
        n_documents=len(results.get("documents", [])),
        layers=compared_layers(results),
    )


def save_snapshot(project: Project, report: AgreementReport, label: str = "") -> SnapshotInfo:
    """Store ``report`` in the master as a snapshot named ``label``."""
    data = report.to_dict()
    with project.unit_of_work() as s:
        row = SnapshotRow(
            uuid=new_uuid(),
            created_at=utcnow(),
            label=label.strip()[:200],
            settings=data["settings"],
            results=data,
        )
        s.add(row)
        s.flush()
        return _info(row)


def list_snapshots(project: Project) -> list[SnapshotInfo]:
    """Every snapshot in the master, oldest first."""
    with project.reading() as s:
        rows = s.scalars(select(SnapshotRow).order_by(SnapshotRow.created_at, SnapshotRow.id))
        return [_info(r) for r in rows]


def _row(project: Project, uuid: str) -> tuple[SnapshotInfo, dict[str, Any]]:
    with project.reading() as s:
        row = s.scalars(select(SnapshotRow).where(SnapshotRow.uuid == uuid)).one_or_none()
        if row is None:
            raise UnknownEntity(f"There is no reliability snapshot {uuid} in this project.")
        return _info(row), dict(row.results)


def load_snapshot(project: Project, uuid: str) -> AgreementReport:
    """The report saved in snapshot ``uuid``."""
    return AgreementReport.from_dict(_row(project, uuid)[1])


def is_current(project: Project, uuid: str) -> bool:
    """True when the codings the snapshot measured are still exactly those in the master."""
    from r2pcoder.reliability.compute import fingerprint  # noqa: PLC0415 - avoids a cycle

    report = load_snapshot(project, uuid)
    try:
        corpus = load_corpus(project, report.settings)
    except R2pError:
        return False
    return fingerprint(corpus) == report.inputs_fingerprint


def export_snapshot(project: Project, uuid: str, path: Path) -> Path:
    """Write snapshot ``uuid`` as JSON to ``path`` (atomically: no partial file on failure)."""
    info, results = _row(project, uuid)
    document = {
        "format": FORMAT,
        "format_version": 1,
        "r2pcoder_version": getattr(r2pcoder, "__version__", ""),
        "snapshot": {
            "uuid": info.uuid,
            "label": info.label,
            "created_at": info.created_at.isoformat(timespec="seconds"),
        },
        "project": {
            "uuid": project.info.uuid,
            "name": project.info.name,
            "codebook": {
                "id": project.info.codebook_id,
                "name": project.info.codebook_name,
                "version": project.info.codebook_version,
            },
        },
        "report": results,
    }
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2, ensure_ascii=False, allow_nan=False)
        os.replace(tmp, path)
    except (OSError, ValueError) as exc:
        if "tmp" in locals():
            Path(tmp).unlink(missing_ok=True)
        raise ExportFailed(f"Could not write {path.name}: {exc}") from exc
    return path
