"""``r2pcoder export``: summaries and exports of a coded master as CSV, XLSX or an HTML report.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from r2pcoder.cli.commands import add_command
from r2pcoder.cli.common import add_json_flag, emit, open_project
from r2pcoder.errors import ExportFailed
from r2pcoder.export import (
    DEFAULT_BY,
    FORMATS,
    TABLES,
    ExportFormat,
    TableOptions,
    export_project,
    format_for,
    parse_layer,
)
from r2pcoder.progress import Throttled

__all__ = ["register"]

log = logging.getLogger(__name__)


def _names(text: str, known: tuple[str, ...], what: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if names == ("all",):
        return known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ExportFailed(f"Unknown {what} {unknown[0]!r}; choose from {', '.join(known)}.")
    return names


def register(sub: Any) -> None:
    """Add the ``export`` command."""
    cmd = add_command(
        sub,
        "export",
        description="Export the coded statements of a master: segments, matrices, counts, "
        "evidence, reliability and codebook. The layer (which codings) is printed in every output.",
    )
    cmd.add_argument("master", type=Path, metavar="MASTER", help="the master project (.r2p)")
    cmd.add_argument(
        "--what",
        default="all",
        help=f"tables, comma-separated, or 'all' (default): {', '.join(TABLES)}",
    )
    cmd.add_argument(
        "--format",
        choices=FORMATS,
        dest="fmt",
        help="csv, xlsx or html; by default taken from --out (a .csv file or a folder: csv, "
        ".xlsx: xlsx, .html: html)",
    )
    cmd.add_argument(
        "--out",
        type=Path,
        required=True,
        help="a folder for CSV (or one .csv file for one table), a .xlsx or a .html file",
    )
    cmd.add_argument(
        "--bom",
        action="store_true",
        help="start each CSV file with a UTF-8 byte order mark, for Excel on Windows (default: "
        "plain UTF-8, for scripts and statistics packages)",
    )
    cmd.add_argument(
        "--layer",
        default="all",
        help="which codings: a coder's name or UUID (or coder:NAME), 'all' (agreed by all "
        "coders, the default), 'all:Ana,Ben', 'majority', 'majority:Ana,Ben,Cy', 'gold' (the "
        "adjudicated decisions) or 'final' (gold, else what the coders agree on, else a "
        "single coder's codings)",
    )
    cmd.add_argument(
        "--by",
        default=",".join(DEFAULT_BY),
        help="break counts down by these fields, comma-separated (regional_group, event, year, "
        "date, doc_type, speaker, on_behalf_of or a custom attribute); 'none' for overall only",
    )
    cmd.add_argument(
        "--count-members",
        action="store_true",
        help="also count the States behind the statements, the members of group statements "
        "(their 'members' attribute) included, each under its own UN regional group",
    )
    cmd.add_argument(
        "--raw-csv",
        action="store_true",
        help="write CSV text exactly as stored: no apostrophe before cells starting with = + - @ "
        "(which spreadsheets would run as formulas), no control characters removed; for "
        "analysis scripts, not for opening in a spreadsheet",
    )
    add_json_flag(cmd)
    cmd.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    what = _names(args.what, TABLES, "table")
    by_text = "" if args.by.strip().lower() == "none" else args.by
    by = tuple(dict.fromkeys(b.strip() for b in by_text.split(",") if b.strip()))
    options = TableOptions(what=what, by=by, count_members=args.count_members)
    layer = parse_layer(args.layer)
    fmt: ExportFormat = args.fmt or format_for(args.out)
    progress = Throttled(lambda f: log.info("export: %d %%", round(f * 100)), step=0.1)
    with open_project(args.master) as project:
        report = export_project(
            project,
            layer,
            fmt,
            args.out,
            options,
            raw_csv=args.raw_csv,
            bom=args.bom,
            progress=progress,
        )
    for warning in report.warnings:
        sys.stderr.write(f"r2pcoder: WARNING: {warning}\n")
    data = {
        "format": fmt,
        "layer": report.layer,
        "files": [str(f) for f in report.files],
        "rows": report.rows,
        "warnings": list(report.warnings),
    }
    lines = [
        f"Layer: {report.layer}",
        *(f"Wrote {f}" for f in report.files),
        *(f"  {name}: {rows:,} rows" for name, rows in report.rows.items()),
    ]
    emit(args, data, lines)
    return 0
