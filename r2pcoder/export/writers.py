"""Writing tables to disk: CSV (one UTF-8 file per table) and XLSX (one sheet per table).

Every file is first written to a hidden temporary file next to its destination and renamed into
place with :func:`os.replace` only when complete, so a failure, a full disk or a cancel never
leaves a partial file behind; the temporary files of a killed export are removed by the next
export to the same place (:mod:`r2pcoder.tempfiles`). A CSV export of several tables renames its
files only after all of them were written.

A CSV cell is opened by spreadsheets as a formula when it starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return, so a memo or a theme name such as ``=HYPERLINK(...)`` would run when
the lead opens the file ("CSV injection"). Following OWASP's guidance
(https://owasp.org/www-community/attacks/CSV_Injection, and ASVS 5.0 requirement 1.2.10), such a
text cell is written with a leading apostrophe, which spreadsheets read as "this is text"; a cell
that is a plain number (``-3``, ``+1.5``) cannot be a formula and is left as it is. NUL (which many
programs take for the end of the text), ESC and CSI (which start terminal control sequences) are
replaced by U+FFFD, the replacement character, as in XLSX. ``raw=True`` writes every value
exactly as stored, for analysis pipelines that never open the files in a spreadsheet. XLSX cells
are always written as text, never as formulas (:mod:`r2pcoder.export.xlsx`), and need none of
this.

Tables are written a slice of rows at a time (:class:`~r2pcoder.export.table.Table`), so one
slice of one table is in memory at any moment.

The CSV files are written by Python's csv module (RFC 4180 quoting: a field is quoted when it
holds a comma, a quote or a line break). Measured on the segment table's rows (17 columns, a
quote of thirty words, 200,000 rows, the 2-core machine of the ``scale`` benchmark), defusing
and writing them takes 0.92 s against 0.39 s for the hand-written writer it replaced, for the
same bytes: about 2.5 s more per million rows, paid for a writer the standard library keeps
correct. One gap is closed here: in Python
3.11 it quotes a field holding a lone carriage return only when CR is part of the line
terminator, so with the LF rows this export writes such a field would break its row; a row
holding one is written with every field quoted. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import math
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from r2pcoder.errors import ExportFailed
from r2pcoder.export.table import Table
from r2pcoder.export.xlsx import MAX_ROWS, Sheet, write_workbook
from r2pcoder.failures import diagnose
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.tempfiles import PartFile, remove_orphans

__all__ = ["atomic_file", "csv_targets", "defuse", "write_csv", "write_xlsx"]

log = logging.getLogger(__name__)

_MAX_WIDTH = 60
_WIDTH_SAMPLE = 200


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_REPLACED = ("\x00", "\x1b", "\x9b")
_REPLACEMENT = "\ufffd"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# A column is joined with _SEP and scanned once; a risky cell starts the column or follows a
# separator.
_SEP = "\x1f"
_RISKY_START = "[-=+@\t\r]"
_RISKY_FIRST = re.compile(_RISKY_START)
_RISKY_LATER = re.compile(_SEP + _RISKY_START)
# A column of long texts is checked by the first character of each (a cost per value), a column
# of short ones by one scan of the joined column (a cost per character).
_RISKY_FIRST_CHARS = frozenset(_FORMULA_START)
_FIRST_CHAR = itemgetter(slice(0, 1))
_LONG = 20


def defuse(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet runs as a formula (see the module's notes)."""
    text = _replaced(text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _reason(exc: OSError, path: Path) -> str:
    failure = diagnose(exc, path)
    return failure.reason if failure is not None else (exc.strerror or str(exc)).lower()


def _temp_in(directory: Path, name: str) -> PartFile:
    if not directory.is_dir():
        raise ExportFailed(f"The folder {directory} does not exist; choose an existing folder.")
    remove_orphans(directory, re.escape(name))
    try:
        return PartFile(directory, name)
    except OSError as exc:
        raise ExportFailed(f"Cannot write into {directory}: {_reason(exc, directory)}.") from exc


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target`` at once.

    On any failure (including :class:`~r2pcoder.errors.Cancelled`) the temporary file is
    removed and ``target`` is left as it was.
    """
    target = Path(target)
    temp = _temp_in(target.parent, target.name)
    try:
        yield temp.path
        os.replace(temp.path, target)
    except OSError as exc:
        temp.discard()
        raise ExportFailed(f"Cannot write {target}: {_reason(exc, target)}.") from exc
    except BaseException:
        temp.discard()
        raise
    temp.close()


def csv_targets(out: Path, names: list[str]) -> dict[str, Path]:
    """Where each table goes: ``out/<name>.csv``, or ``out`` itself for a single ``.csv`` path.

    A path ending in ``.csv`` takes exactly one table; the ``about`` table is then left out, and
    the layer is still printed in the table's own ``layer`` column.
    """
    if out.suffix.lower() == ".csv":
        data = [n for n in names if n != "about"]
        if len(data) != 1:
            raise ExportFailed(
                f"{out.name} names one file, but {len(data)} tables were chosen; give a folder."
            )
        return {data[0]: out}
    return {name: out / f"{name}.csv" for name in names}


def _text(value: Any) -> str:
    if value is None or (value.__class__ is float and math.isnan(value)):
        return ""
    return (
        value if value.__class__ is str else repr(value) if value.__class__ is float else str(value)
    )


def _risky(joined: str, texts: list[str]) -> bool:
    """Whether a cell of the column (``texts``, joined with ``_SEP``) starts a formula."""
    if len(joined) > _LONG * len(texts):
        return not _RISKY_FIRST_CHARS.isdisjoint(map(_FIRST_CHAR, texts))
    return bool(_RISKY_FIRST.match(joined) or _RISKY_LATER.search(joined))


def _csv_cells(values: list[Any], raw: bool = False) -> tuple[list[str], bool]:
    """One column of a slice of rows as text cells, and whether one of them holds a CR.

    Unless ``raw``, text cells are passed through :func:`defuse`. Quoting is the csv module's.
    """
    if values and all(v.__class__ is int for v in values):
        return list(map(str, values)), False  # whole numbers need no checks
    try:
        # Joining in C both checks that every value is text and gives one string to scan.
        joined, texts = _SEP.join(values), values
    except TypeError:
        texts = [_text(v) for v in values]
        joined = _SEP.join(texts)
    # One scan each: most columns need neither defusing nor replacing.
    if not raw and _risky(joined, texts):
        texts = [
            defuse(t) if v.__class__ is str and t.startswith(_FORMULA_START) else t
            for v, t in zip(values, texts, strict=True)
        ]
    if not raw and any(char in joined for char in _REPLACED):
        texts = [_replaced(t) for t in texts]
    return texts, "\r" in joined


def _replaced(text: str) -> str:
    """``text`` with NUL, ESC and CSI replaced by U+FFFD (module docstring)."""
    for char in _REPLACED:
        if char in text:
            text = text.replace(char, _REPLACEMENT)
    return text


def _write_rows(out: TextIO, columns: list[list[Any]], raw: bool) -> None:
    """Write a slice of rows (one list per column) to ``out`` as CSV, each row ended by LF."""
    cells = [_csv_cells(values, raw) for values in columns]
    rows = zip(*(texts for texts, _ in cells), strict=True)
    writer = csv.writer(out, lineterminator="\n")
    if not any(has_cr for _, has_cr in cells):
        writer.writerows(rows)
        return
    # The csv module leaves a lone CR unquoted with an LF terminator (module docstring).
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        (quoted if any("\r" in cell for cell in row) else writer).writerow(row)


def _write_csv_file(
    table: Table,
    path: Path,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
    raw: bool,
    bom: bool = False,
) -> None:
    done = 0
    # newline="" leaves the rows' LF as written; the csv module writes straight into the file.
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff" if bom else "")
        _write_rows(out, [[str(c)] for c in table.columns], raw)
        for chunk in table.chunks():
            check_cancelled(cancelled)
            _write_rows(out, chunk, raw)
            done += len(chunk[0]) if chunk else 0
            progress(done / len(table))
    progress(1.0)


def _make_folder(out: Path) -> bool:
    """Create the CSV folder ``out`` if it is missing; True if it was created."""
    if out.suffix.lower() == ".csv" or out.exists():
        return False
    if not out.parent.is_dir():
        raise ExportFailed(f"The folder {out.parent} does not exist; choose an existing one.")
    try:
        out.mkdir()
    except OSError as exc:
        raise ExportFailed(
            f"Cannot create the folder {out.name} in {out.parent}: {_reason(exc, out)}."
        ) from exc
    return True


def write_csv(
    tables: dict[str, Table],
    out: Path,
    *,
    raw: bool = False,
    bom: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[Path]:
    """Write each table as UTF-8 CSV; returns the files written.

    ``out`` is a folder (created if its parent exists) or, for a single table, a ``.csv`` file.
    Nothing is renamed into place until every table was written. Text cells that a spreadsheet
    would run as formulas are defused unless ``raw`` (see the module's notes). With ``bom`` each
    file starts with the UTF-8 byte order mark, so that Excel on Windows reads it as UTF-8.
    """
    out = Path(out)
    targets = csv_targets(out, list(tables))
    created = _make_folder(out)
    temps: dict[Path, PartFile] = {}
    total = sum(max(len(tables[n]), 1) for n in targets)
    done = 0.0
    try:
        for name, target in targets.items():
            temp = _temp_in(target.parent, target.name)
            temps[target] = temp
            share = max(len(tables[name]), 1) / total
            step = wrap_progress(progress, done, done + share)
            _write_csv_file(tables[name], temp.path, step, cancelled, raw, bom)
            done += share
        for target, temp in temps.items():
            os.replace(temp.path, target)
    except BaseException as exc:
        for temp in temps.values():
            temp.discard()
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()
        if isinstance(exc, OSError):
            raise ExportFailed(f"Cannot write the CSV files: {_reason(exc, out)}.") from exc
        raise
    for temp in temps.values():
        temp.close()
    return list(targets.values())


def _width(name: str, values: Sequence[Any]) -> float:
    sample = [len(str(v)) for v in values[:_WIDTH_SAMPLE] if v is not None]
    return float(min(_MAX_WIDTH, max([len(name), *sample]) + 2))


def _sheet(name: str, table: Table) -> Sheet:
    header = [str(c) for c in table.columns]
    sample = table.head(_WIDTH_SAMPLE)
    widths = [_width(h, values) for h, values in zip(header, sample, strict=True)]
    return Sheet(name[:31], header, widths, len(table), table.chunks())


def write_xlsx(
    tables: dict[str, Table],
    out: Path,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> Path:
    """Write every table as one sheet of ``out`` (bold frozen header row, fitted widths).

    Text longer than Excel's cell limit (32,767 characters) is cut there; the CSV keeps it whole.
    """
    out = Path(out)
    too_big = [n for n, f in tables.items() if len(f) + 1 > MAX_ROWS]
    if too_big:
        raise ExportFailed(
            f"The {too_big[0]} table has {len(tables[too_big[0]]):,} rows, more than an Excel "
            "sheet holds; export it as CSV instead."
        )
    check_cancelled(cancelled)
    sheets = [_sheet(name, frame) for name, frame in tables.items()]
    with atomic_file(out) as temp:
        write_workbook(temp, sheets, progress=progress, cancelled=cancelled)
    return out
