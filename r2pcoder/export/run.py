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
from r2pcoder.export.counting import unknown_state_warning
from r2pcoder.export.data import ExportData, load_export_data
from r2pcoder.export.html import render_html
from r2pcoder.export.layers import LayerChoice
from r2pcoder.export.reliability_table import reliability_summary
from r2pcoder.export.table import Table
from r2pcoder.export.tables import TableOptions, build_tables, check_by
from r2pcoder.export.writers import atomic_file, write_csv, write_xlsx
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportReport",
    "Prepared",
    "check_target",
    "export_project",
    "export_warnings",
    "format_for",
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
    tables: dict[str, Table] = field(repr=False)


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


def export_warnings(data: ExportData, count_members: bool = False) -> tuple[str, ...]:
    """Plain-words warnings about an export's data.

    With ``count_members``, every name counted as a State that the UN regional groups table
    does not know is listed with its statements: it is counted under "unknown", never guessed.
    """
    out = []
    if not data.selection.codings:
        out.append("This layer holds no codings: every count is zero.")
    if count_members:
        out += unknown_state_warning(data)
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
        out += reliability_summary(snap)
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


_SUFFIXES: dict[str, ExportFormat] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
}
# Names that end like a file of another kind are never taken for a folder of CSV files.
_FILE_SUFFIXES = frozenset(
    {
        ".xlsx",
        ".xls",
        ".xlsm",
        ".ods",
        ".html",
        ".htm",
        ".json",
        ".txt",
        ".tsv",
        ".pdf",
        ".docx",
        ".doc",
        ".zip",
        ".r2p",
        ".yaml",
        ".yml",
        ".md",
    }
)


def format_for(out: Path) -> ExportFormat:
    """The format a target's name asks for.

    ``.csv`` (one table) or a folder name without a file extension: CSV; ``.xlsx``: Excel;
    ``.html`` or ``.htm``: the HTML report.

    Raises:
        ExportFailed: a name ending in another file extension (``.json``, ``.txt``...).
    """
    suffix = Path(out).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix in _FILE_SUFFIXES:
        raise ExportFailed(
            f"Cannot tell the export format from {Path(out).name!r}: name a .csv file or a "
            "folder for CSV, a .xlsx file or a .html file."
        )
    return "csv"


def check_target(fmt: ExportFormat, out: Path, what: tuple[str, ...] | None = None) -> None:
    """Refuse a wrong file name or a missing folder before any work is done.

    ``what`` (the chosen tables) lets a single ``.csv`` name be checked against their number.
    """
    if fmt not in FORMATS:
        raise ExportFailed(f"Unknown format {fmt!r}; choose csv, xlsx or html.")
    suffix = out.suffix.lower()
    if fmt == "csv" and suffix in _FILE_SUFFIXES:
        raise ExportFailed(
            f"{out.name} names a {suffix} file, not a folder for CSV files; give a folder, a "
            ".csv name, or the format the name asks for."
        )
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
    raw_csv: bool = False,
    bom: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportReport:
    """Write a prepared export as CSV files, one XLSX workbook or one HTML report.

    CSV text cells that a spreadsheet would run as formulas are defused unless ``raw_csv``
    (:mod:`r2pcoder.export.writers`). ``bom`` starts each CSV file with a UTF-8 byte order mark,
    which Excel needs to read accents and curly quotes as UTF-8 (scripts and statistics packages
    do not).
    """
    out = Path(out)
    check_target(fmt, out)
    if bom and fmt != "csv":
        raise ExportFailed("A byte order mark (--bom) is for CSV files only.")
    if fmt == "csv":
        files = tuple(
            write_csv(
                prepared.tables,
                out,
                raw=raw_csv,
                bom=bom,
                progress=progress,
                cancelled=cancelled,
            )
        )
    elif fmt == "xlsx":
        files = (write_xlsx(prepared.tables, out, progress=progress, cancelled=cancelled),)
    else:
        files = (_html(prepared, out, cancelled),)
    wrap_progress(progress, 0.0, 1.0)(1.0)
    report = ExportReport(
        files=files,
        layer=prepared.data.layer.label(),
        rows={name: len(table) for name, table in prepared.tables.items()},
        warnings=export_warnings(prepared.data, prepared.options.count_members),
    )
    log.info("Exported %s (%s) to %s", ", ".join(report.rows), report.layer, out)
    return report


def export_project(
    project: Project,
    layer: LayerChoice,
    fmt: ExportFormat,
    out: Path,
    options: TableOptions | None = None,
    *,
    raw_csv: bool = False,
    bom: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportReport:
    """Read, build and write one export (see :func:`prepare` and :func:`write_export`)."""
    options = options or TableOptions()
    out = Path(out)
    check_target(fmt, out, options.what)
    if bom and fmt != "csv":
        raise ExportFailed("A byte order mark (--bom) is for CSV files only.")
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
            project,
            layer,
            options,
            progress=wrap_progress(progress, 0.0, 0.6),
            cancelled=cancelled,
        )
    return write_export(
        prepared,
        fmt,
        out,
        raw_csv=raw_csv,
        bom=bom,
        progress=wrap_progress(progress, 0.6, 1.0),
        cancelled=cancelled,
    )
