"""One export from start to finish: read the master, build the tables, write CSV, XLSX or HTML.

:func:`prepare` reads and builds (the GUI previews its result); :func:`write_export` writes a
prepared export; :func:`export_project` does both, as the command line does. Each takes
``progress`` and ``cancelled`` and leaves no partial file behind. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from r2pcoder.errors import ExportFailed
from r2pcoder.export.data import ExportData, load_export_data
from r2pcoder.export.html import render_html
from r2pcoder.export.layers import LayerChoice
from r2pcoder.export.reliability_table import line_warning
from r2pcoder.export.tables import TableOptions, build_tables, check_by
from r2pcoder.export.writers import atomic_file, write_csv, write_xlsx
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress

if TYPE_CHECKING:
    import pandas as pd

    from r2pcoder.db import Project

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportReport",
    "Prepared",
    "check_target",
    "export_project",
    "export_warnings",
    "prepare",
    "write_export",
]

log = logging.getLogger(__name__)

ExportFormat = Literal["csv", "xlsx", "html"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx", "html")


@dataclass(frozen=True)
class Prepared:
    """An export read and built but not yet written: its data, options and tables."""

    data: ExportData
    options: TableOptions
    tables: dict[str, pd.DataFrame] = field(repr=False)


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote.

    Attributes:
        files: the files written.
        layer: the layer in plain words.
        rows: rows per table.
        warnings: things the lead must know before publishing (no snapshot, low reliability,
            no codings), in plain words.
    """

    files: tuple[Path, ...]
    layer: str
    rows: dict[str, int]
    warnings: tuple[str, ...]


def export_warnings(data: ExportData) -> tuple[str, ...]:
    """Plain-words warnings about an export's data."""
    out = []
    if not data.selection.codings:
        out.append("This layer holds no codings: every count is zero.")
    cells = data.selection.cells
    if cells.get("awaiting"):
        out.append(
            f"{cells['awaiting']} statement x theme cell(s) await adjudication and are left out "
            "of this layer (r2pcoder review list shows them)."
        )
    if cells.get("reopened"):
        out.append(
            f"{cells['reopened']} decided cell(s) were re-opened by a later merge: their gold "
            "decisions are used, but the coders' codings changed since."
        )
    snap = data.snapshot
    if snap is None:
        out.append("No reliability snapshot exists: agreement was never measured and saved.")
    else:
        if snap.current is False:
            out.append("The codings changed after the latest reliability snapshot was saved.")
        low = [x for x in snap.lines if line_warning(x, snap.threshold)]
        if low:
            out.append(
                f"{len(low)} reliability coefficient(s) fall below {snap.threshold:.3f} or are "
                "undefined; see the reliability table."
            )
    return tuple(out)


def prepare(
    project: Project,
    layer: LayerChoice,
    options: TableOptions,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> Prepared:
    """Read the project and build the chosen tables."""
    data = load_export_data(
        project, layer, progress=wrap_progress(progress, 0.0, 0.4), cancelled=cancelled
    )
    tables = build_tables(
        data, options, progress=wrap_progress(progress, 0.4, 1.0), cancelled=cancelled
    )
    return Prepared(data=data, options=options, tables=tables)


def check_target(fmt: ExportFormat, out: Path, what: tuple[str, ...] | None = None) -> None:
    """Refuse a wrong file name or a missing folder before any work is done.

    ``what`` (the chosen tables) lets a single ``.csv`` name be checked against their number.
    """
    if fmt not in FORMATS:
        raise ExportFailed(f"Unknown format {fmt!r}; choose csv, xlsx or html.")
    suffix = out.suffix.lower()
    if fmt == "xlsx" and suffix != ".xlsx":
        raise ExportFailed(f"An Excel export needs a file name ending in .xlsx, not {out.name}.")
    if fmt == "html" and suffix not in (".html", ".htm"):
        raise ExportFailed(f"An HTML report needs a file name ending in .html, not {out.name}.")
    if fmt == "csv" and suffix == ".csv" and what is not None and len(what) != 1:
        raise ExportFailed(
            f"{out.name} names one file, but {len(what)} tables were chosen; give a folder."
        )
    if fmt == "csv" and suffix != ".csv" and out.exists() and not out.is_dir():
        raise ExportFailed(f"{out} is a file; give a folder for the CSV files, or a .csv name.")
    if not out.parent.is_dir():
        raise ExportFailed(f"The folder {out.parent} does not exist; choose an existing folder.")


def _html(prepared: Prepared, out: Path, cancelled: CancelCheck | None) -> Path:
    text = render_html(prepared.data, prepared.tables, prepared.options)
    check_cancelled(cancelled)
    with atomic_file(out) as temp:
        temp.write_text(text, encoding="utf-8")
    return out


def write_export(
    prepared: Prepared,
    fmt: ExportFormat,
    out: Path,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportReport:
    """Write a prepared export as CSV files, one XLSX workbook or one HTML report."""
    out = Path(out)
    check_target(fmt, out)
    if fmt == "csv":
        files = tuple(write_csv(prepared.tables, out, progress=progress, cancelled=cancelled))
    elif fmt == "xlsx":
        files = (write_xlsx(prepared.tables, out, progress=progress, cancelled=cancelled),)
    else:
        files = (_html(prepared, out, cancelled),)
    wrap_progress(progress, 0.0, 1.0)(1.0)
    report = ExportReport(
        files=files, layer=prepared.data.layer.label(),
        rows={name: len(frame) for name, frame in prepared.tables.items()},
        warnings=export_warnings(prepared.data),
    )  # fmt: skip
    log.info("Exported %s (%s) to %s", ", ".join(report.rows), report.layer, out)
    return report


def export_project(
    project: Project,
    layer: LayerChoice,
    fmt: ExportFormat,
    out: Path,
    options: TableOptions | None = None,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportReport:
    """Read, build and write one export (see :func:`prepare` and :func:`write_export`)."""
    options = options or TableOptions()
    out = Path(out)
    check_target(fmt, out, options.what)
    if fmt == "html":
        # The report draws its counts, participation and evidence from the data itself and
        # shows only previews of the big tables: building them in full would be wasted.
        data = load_export_data(
            project, layer, progress=wrap_progress(progress, 0.0, 0.6), cancelled=cancelled
        )
        check_by(data, options.by)
        small = tuple(w for w in options.what if w in ("reliability", "codebook"))
        tables = build_tables(data, replace(options, what=small)) if small else {}
        prepared = Prepared(data=data, options=options, tables=tables)
    else:
        prepared = prepare(
            project, layer, options, progress=wrap_progress(progress, 0.0, 0.6),
            cancelled=cancelled,
        )  # fmt: skip
    return write_export(
        prepared, fmt, out, progress=wrap_progress(progress, 0.6, 1.0), cancelled=cancelled
    )
