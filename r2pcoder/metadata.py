"""Document metadata: the fields the R2P corpus needs, their validation, and the CSV sidecar.

A metadata CSV has one row per file, a ``file`` column and any of the known columns; columns named
``attr:<key>`` become free key/value attributes. A ``file`` value names a file in the CSV's own
folder (or below it): an absolute path or a name that leads out of the folder is refused, so a
metadata file received from someone else cannot pull other files of the computer into the project
(and from there into every coder's packet). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

from r2pcoder.errors import ImportProblem

__all__ = [
    "GROUPING_FIELDS",
    "KNOWN_COLUMNS",
    "REGIONAL_GROUPS",
    "STATEMENT_FIELDS",
    "DocumentMeta",
    "MetadataTable",
    "read_metadata_csv",
    "resolve_listed",
    "validate_meta",
    "year_of",
]

REGIONAL_GROUPS = (
    "African",
    "Asia-Pacific",
    "Eastern European",
    "Latin American and Caribbean",
    "Western European and Others",
    "none",
)
"""UN regional groups; "none" for the UN Secretariat, observers and civil society."""

STATEMENT_FIELDS = ("speaker", "on_behalf_of", "regional_group", "date", "event", "doc_type")
"""The metadata every statement carries besides its title, in this order everywhere (import,
exports, REFI-QDA variables). Empty means unknown."""

KNOWN_COLUMNS = ("file", "title", *STATEMENT_FIELDS)
"""The columns of a metadata CSV; any other column must be ``attr:<name>``."""

GROUPING_FIELDS = ("regional_group", "event", "year", "date", "doc_type", "speaker", "on_behalf_of")
"""The fields a breakdown or filter may name (export counts, agreement strata, retrieval), in
the order they are offered; ``year`` comes from the date (:func:`year_of`). Any other name is a
custom attribute."""


def year_of(date: str) -> str:
    """The year of an ISO date (``2024`` of ``2024-02-28``), or ``""`` when it has none."""
    head = date[:4]
    return head if len(head) == 4 and head.isdigit() else ""  # noqa: PLR2004


_ATTR_PREFIX = "attr:"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one statement. Empty strings mean "unknown"."""

    title: str = ""
    speaker: str = ""
    on_behalf_of: str = ""
    regional_group: str = ""
    date: str = ""
    event: str = ""
    doc_type: str = ""
    attributes: dict[str, str] = field(default_factory=dict)

    def merged_over(self, defaults: DocumentMeta) -> DocumentMeta:
        """These values, with ``defaults`` filling the empty ones."""
        filled = {
            name: getattr(self, name) or getattr(defaults, name)
            for name in KNOWN_COLUMNS
            if name != "file"
        }
        return replace(self, **filled, attributes={**defaults.attributes, **self.attributes})


def validate_meta(meta: DocumentMeta) -> list[str]:
    """Problems with ``meta``, in plain words (empty when it is fine)."""
    problems = []
    group = meta.regional_group
    if group and group not in REGIONAL_GROUPS:
        close = difflib.get_close_matches(group, REGIONAL_GROUPS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(
            f"regional group {group!r} is not a UN regional group{hint}; use one of "
            + ", ".join(REGIONAL_GROUPS)
        )
    if meta.date and not _DATE.match(meta.date):
        problems.append(f"date {meta.date!r} is not written as YYYY-MM-DD (or YYYY-MM, YYYY)")
    return problems


@dataclass(frozen=True)
class MetadataTable:
    """A parsed metadata CSV: rows by file name, plus the problems found in the sheet itself."""

    rows: dict[str, DocumentMeta]
    problems: tuple[str, ...]


def read_metadata_csv(path: Path) -> MetadataTable:
    """Read a metadata sidecar; unknown columns and bad rows are reported, not fatal.

    Raises:
        ImportProblem: the file cannot be read or has no ``file`` column.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            raw_rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportProblem(f"Metadata file {path.name} cannot be read: {exc}") from exc
    if "file" not in header:
        raise ImportProblem(f"Metadata file {path.name} has no 'file' column naming each document.")
    problems = [
        _unknown_column(name)
        for name in header
        if name not in KNOWN_COLUMNS and not name.startswith(_ATTR_PREFIX)
    ]
    rows: dict[str, DocumentMeta] = {}
    for line, raw in enumerate(raw_rows, start=2):
        values = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        name = values.get("file", "")
        if not name:
            problems.append(f"row {line}: no file name; row skipped")
            continue
        if name in rows:
            problems.append(f"row {line}: {name} is listed twice; the first row is used")
            continue
        rows[name] = _meta_from(values)
    return MetadataTable(rows=rows, problems=tuple(problems))


def resolve_listed(folder: Path, name: str) -> Path:
    """The file that ``name`` (a ``file`` value) names inside ``folder``, the CSV's folder.

    Both slashes and backslashes separate folders, as a CSV may come from Windows or macOS.

    Raises:
        ImportProblem: ``name`` is an absolute path, goes up with ``..``, or (through a link)
            leads outside ``folder``; the message says which.
    """
    where = "the metadata file may only name files in its own folder"
    windows = PureWindowsPath(name)
    if PurePosixPath(name).is_absolute() or windows.drive or windows.root:
        raise ImportProblem(f"not imported: {where}, and this is an absolute path")
    if ".." in windows.parts:
        raise ImportProblem(f"not imported: {where}, and this name leads out of it with '..'")
    path = folder.joinpath(*windows.parts)
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a broken or looping link
        inside = False
    if not inside:
        raise ImportProblem(f"not imported: {where}, and this name is a link to a file outside it")
    return path


def _unknown_column(name: str) -> str:
    close = difflib.get_close_matches(name, KNOWN_COLUMNS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return (
        f"column {name!r} is not known{hint} and was ignored; known columns are "
        f"{', '.join(KNOWN_COLUMNS)}, and 'attr:<name>' for free attributes"
    )


def _meta_from(values: dict[str, str]) -> DocumentMeta:
    attributes = {
        k[len(_ATTR_PREFIX) :].strip(): v
        for k, v in values.items()
        if k.startswith(_ATTR_PREFIX) and v
    }
    return DocumentMeta(
        title=values.get("title", ""),
        speaker=values.get("speaker", ""),
        on_behalf_of=values.get("on_behalf_of", ""),
        regional_group=values.get("regional_group", ""),
        date=values.get("date", ""),
        event=values.get("event", ""),
        doc_type=values.get("doc_type", ""),
        attributes=attributes,
    )
