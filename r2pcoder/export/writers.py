"""Writing tables to disk: CSV (one UTF-8 file per table) and XLSX (one sheet per table).

Every file is first written to a temporary file next to its destination and renamed into place
with :func:`os.replace` only when complete, so a failure, a full disk or a cancel never leaves a
partial file behind. A CSV export of several tables renames its files only after all of them
were written. pandas is used through the DataFrames handed in and imported nowhere at module
level. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from r2pcoder.errors import ExportFailed
from r2pcoder.export.xlsx import MAX_ROWS, Sheet, write_workbook
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["atomic_file", "csv_targets", "write_csv", "write_xlsx"]

log = logging.getLogger(__name__)

_CHUNK = 50_000
_MAX_WIDTH = 60
_WIDTH_SAMPLE = 200


def _temp_in(directory: Path, name: str) -> Path:
    if not directory.is_dir():
        raise ExportFailed(f"The folder {directory} does not exist; choose an existing folder.")
    # Created with open("x") rather than mkstemp so the file gets the user's usual permissions.
    for _ in range(100):
        temp = directory / f".{name}.{secrets.token_hex(4)}.part"
        try:
            with temp.open("xb"):
                return temp
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExportFailed(f"Cannot write into {directory}: {exc.strerror or exc}.") from exc
    raise ExportFailed(f"Cannot create a temporary file in {directory}.")


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target`` at once.

    On any failure (including :class:`~r2pcoder.errors.Cancelled`) the temporary file is
    removed and ``target`` is left as it was.
    """
    target = Path(target)
    temp = _temp_in(target.parent, target.name)
    try:
        yield temp
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ExportFailed(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


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


def _columns(frame: pd.DataFrame) -> list[list[Any]]:
    """The frame's columns as lists; missing values stay ``None`` or NaN for the writers."""
    return [frame[name].tolist() for name in frame.columns]


def _needs_quotes(text: str) -> bool:
    # Four substring tests run at memchr speed; a regular expression walks every character.
    return '"' in text or "," in text or "\n" in text or "\r" in text


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _needs_quotes(text) else text


def _text(value: Any) -> str:
    if value is None or (value.__class__ is float and math.isnan(value)):
        return ""
    return (
        value if value.__class__ is str else repr(value) if value.__class__ is float else str(value)
    )


def _csv_column(values: list[Any]) -> list[str]:
    """One column as CSV fields, quoted only when they hold a comma, quote, CR or LF (RFC 4180)."""
    try:
        # Joining in C both checks that every value is text and gives one string to scan.
        joined, texts = "\x1f".join(values), values
    except TypeError:
        texts = [_text(v) for v in values]
        joined = "\x1f".join(texts)
    # Most columns (ids, dates, numbers) need no quoting at all: one scan settles it.
    if not _needs_quotes(joined):
        return texts
    distinct = set(texts)
    if len(distinct) * 4 < len(texts):
        # Metadata columns repeat a few values (the layer, a speaker, a group): quote each once.
        quoted = {t: _quote(t) for t in distinct}
        return [quoted[t] for t in texts]
    return [
        '"' + t.replace('"', '""') + '"' if '"' in t or "," in t or "\n" in t or "\r" in t else t
        for t in texts
    ]


def _write_csv_file(
    frame: pd.DataFrame,
    path: Path,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
    encoding: str = "utf-8",
) -> None:
    # Fields are quoted column by column and rows joined in C: about twice as fast as the
    # csv module, which inspects every character of every field. Unlike the csv module of
    # Python 3.11 with a "\n" terminator, a field holding a lone CR is quoted too.
    columns = [
        # Whole-number columns need neither checks nor quoting.
        list(map(str, frame[name].tolist())) if frame[name].dtype.kind in "iu"
        else _csv_column(frame[name].tolist())
        for name in frame.columns
    ]  # fmt: skip
    header = ",".join(_csv_column([str(c) for c in frame.columns]))
    rows = len(frame)
    lines = map(",".join, zip(*columns, strict=True))
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.write(header + "\n")
        for start in range(0, rows, _CHUNK):
            check_cancelled(cancelled)
            handle.write("\n".join(islice(lines, _CHUNK)) + "\n")
            progress((start + _CHUNK) / rows)
    progress(1.0)


def write_csv(
    tables: dict[str, pd.DataFrame],
    out: Path,
    *,
    bom: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[Path]:
    """Write each table as UTF-8 CSV; returns the files written.

    ``out`` is a folder (created if its parent exists) or, for a single table, a ``.csv`` file.
    Nothing is renamed into place until every table was written. With ``bom`` each file starts
    with the UTF-8 byte order mark, so that Excel on Windows reads it as UTF-8.
    """
    out = Path(out)
    targets = csv_targets(out, list(tables))
    created = False
    if out.suffix.lower() != ".csv" and not out.exists():
        if not out.parent.is_dir():
            raise ExportFailed(f"The folder {out.parent} does not exist; choose an existing one.")
        try:
            out.mkdir()
        except OSError as exc:
            raise ExportFailed(f"Cannot create the folder {out}: {exc.strerror or exc}.") from exc
        created = True
    temps: dict[Path, Path] = {}
    total = sum(max(len(tables[n]), 1) for n in targets)
    done = 0.0
    try:
        for name, target in targets.items():
            temp = _temp_in(target.parent, target.name)
            temps[target] = temp
            share = max(len(tables[name]), 1) / total
            _write_csv_file(
                tables[name], temp, wrap_progress(progress, done, done + share), cancelled,
                "utf-8-sig" if bom else "utf-8",
            )  # fmt: skip
            done += share
        for target, temp in temps.items():
            os.replace(temp, target)
    except BaseException as exc:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()
        if isinstance(exc, OSError):
            raise ExportFailed(f"Cannot write the CSV files: {exc.strerror or exc}.") from exc
        raise
    return list(targets.values())


def _width(name: str, values: Sequence[Any]) -> float:
    sample = [len(str(v)) for v in values[:_WIDTH_SAMPLE] if v is not None]
    return float(min(_MAX_WIDTH, max([len(name), *sample]) + 2))


def _sheet(name: str, frame: pd.DataFrame) -> Sheet:
    header = [str(c) for c in frame.columns]
    columns = _columns(frame)
    widths = [_width(h, values) for h, values in zip(header, columns, strict=True)]
    return name[:31], header, columns, widths


def write_xlsx(
    tables: dict[str, pd.DataFrame],
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
