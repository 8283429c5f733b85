"""Summaries and exports of a coded master: tables, CSV, XLSX and a self-contained HTML report.

The public entry points are re-exported here: choose a layer (:func:`parse_layer`), tables
(:class:`TableOptions`), then :func:`export_project`, or :func:`prepare` and
:func:`write_export` to preview before writing. Tables are :class:`Table` objects (column
names and rows built a slice at a time); ``Table.to_dict()`` gives a whole table as columns, for
scripts. Must not import Qt or ``ui``.
"""

from r2pcoder.export.layers import Layer, LayerChoice, parse_layer
from r2pcoder.export.run import (
    FORMATS,
    ExportFormat,
    ExportReport,
    Prepared,
    check_target,
    export_project,
    format_for,
    prepare,
    write_export,
)
from r2pcoder.export.table import Table
from r2pcoder.export.tables import DEFAULT_BY, TABLES, TableOptions, preview_rows

__all__ = [
    "DEFAULT_BY",
    "FORMATS",
    "TABLES",
    "ExportFormat",
    "ExportReport",
    "Layer",
    "LayerChoice",
    "Prepared",
    "Table",
    "TableOptions",
    "check_target",
    "export_project",
    "format_for",
    "parse_layer",
    "prepare",
    "preview_rows",
    "write_export",
]
