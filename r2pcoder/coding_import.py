"""Coding in bulk from a CSV file: every row checked, one transaction, refused rows named.

One row per coding, with a header naming the columns (UTF-8, with or without BOM):

* ``document`` (required): the statement's id, UUID, source file name or exact title;
* ``coder`` (required): the coder's name or UUID;
* ``theme`` (required): the theme's codebook id (or exact name);
* ``stance``: the stance's codebook id (or exact name); empty for none;
* ``start`` and ``end``: code-point offsets into the statement, end exclusive; or
* ``quote``: the passage's exact text, with ``occurrence`` (default 1) to pick a later one;
* ``memo``: a note.

A row that names an unknown statement, coder, theme or stance, has no valid span, or repeats a
stored coding or an earlier row is refused with its line number and the reason; the others are
stored in one transaction (or, for a dry run, only checked). A column the format does not know
refuses the whole file, since a misspelt ``stance`` column would silently drop every stance.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from r2pcoder.errors import CodingRefused, ImportProblem, R2pError, UnknownEntity
from r2pcoder.models import Coding, CodingRequest, DocumentSummary
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "COLUMNS",
    "CodingImportReport",
    "DocumentFinder",
    "import_codings",
    "span_of_quote",
]

COLUMNS = ("document", "coder", "theme", "stance", "start", "end", "quote", "occurrence", "memo")
REQUIRED = ("document", "coder", "theme")
T = TypeVar("T")


class DocumentFinder:
    """Statements by id, UUID, source file name or exact title, tried in that order."""

    def __init__(self, documents: list[DocumentSummary]) -> None:
        self._documents = documents

    def find(self, ref: str) -> DocumentSummary:
        """The one statement ``ref`` names.

        Raises:
            UnknownEntity: no statement matches, or several do (then the id or UUID is needed).
        """
        keys: tuple[Callable[[DocumentSummary], str], ...] = (
            lambda d: str(d.id),
            lambda d: d.uuid,
            lambda d: d.source_file,
            lambda d: d.title,
        )
        wanted = ref.strip()
        for key in keys:
            found = [d for d in self._documents if key(d) == wanted]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise UnknownEntity(f"Several documents match {wanted!r}; use the id or UUID.")
        raise UnknownEntity(
            f"No document matches {wanted!r} (give its id, UUID, file name or title)."
        )


def span_of_quote(text: str, quote: str, occurrence: int = 1) -> tuple[int, int]:
    """The span of the ``occurrence``-th appearance of ``quote`` in ``text``.

    Raises:
        CodingRefused: the quote is empty or does not occur that often.
    """
    if not quote:
        raise CodingRefused("The quote is empty; give the passage's exact text.")
    at = -1
    for _ in range(max(1, occurrence)):
        at = text.find(quote, at + 1)
        if at < 0:
            often = " that often" if occurrence > 1 else ""
            raise CodingRefused(f"The quote {quote!r} is not in the statement{often}.")
    return at, at + len(quote)


@dataclass(frozen=True)
class CodingImportReport:
    """What a batch coding did, by line of the CSV file (the header is line 1).

    Attributes:
        file: the file's name.
        added: (line, coding) of every row stored (or, in a dry run, that would be).
        refused: (line, reason) of every row not stored.
        dry_run: True when nothing was kept.
    """

    file: str
    added: tuple[tuple[int, Coding], ...]
    refused: tuple[tuple[int, str], ...]
    dry_run: bool = False

    def summary(self) -> list[str]:
        """Plain sentences: the counts first, then each refused row with its reason."""
        verb = "Would add" if self.dry_run else "Added"
        head = f"{verb} {counted(len(self.added), 'coding')} from {self.file}"
        if self.refused:
            head += f"; {counted(len(self.refused), 'row')} refused"
        lines = [head + (" (dry run: nothing was written)." if self.dry_run else ".")]
        lines += [f"row {line}: {reason}" for line, reason in self.refused]
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for scripts."""
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "added": [
                {
                    "row": line,
                    "uuid": c.uuid,
                    "document_id": c.document_id,
                    "start": c.start,
                    "end": c.end,
                }
                for line, c in self.added
            ],
            "refused": [{"row": line, "reason": reason} for line, reason in self.refused],
        }


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [(h or "").strip() for h in reader.fieldnames or []]
            rows = [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportProblem(f"{path.name} cannot be read as a UTF-8 CSV file: {exc}") from exc
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], COLUMNS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ImportProblem(
            f"{path.name}: column {unknown[0]!r} is not known{hint}; nothing was coded. The "
            f"columns are {', '.join(COLUMNS)}."
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportProblem(
            f"{path.name} has no {', '.join(repr(c) for c in missing)} column; nothing was "
            f"coded. The columns are {', '.join(COLUMNS)}."
        )
    return rows


def _number(row: dict[str, str], column: str) -> int | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise CodingRefused(f"{column} {text!r} is not a whole number.") from None


class _Resolver:
    """Turns rows into requests, looking each distinct name up once."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self._documents = DocumentFinder(project.documents.list())
        self._cache: dict[tuple[str, str], Any] = {}
        self._texts: dict[int, str] = {}

    def _once(self, kind: str, ref: str, look_up: Callable[[str], T]) -> T:
        key = (kind, ref)
        if key not in self._cache:
            try:
                self._cache[key] = look_up(ref)
            except R2pError as exc:
                self._cache[key] = exc
        found = self._cache[key]
        if isinstance(found, R2pError):
            raise found
        result: T = found
        return result

    def request(self, row: dict[str, str]) -> CodingRequest:
        for column in REQUIRED:
            if not row.get(column):
                raise CodingRefused(f"The {column} is empty.")
        doc = self._once("document", row["document"], self._documents.find)
        coder = self._once("coder", row["coder"], self._project.coders.find)
        theme = self._once("theme", row["theme"], self._project.codebook.theme_by_key)
        stance_ref = row.get("stance", "")
        stance = (
            self._once("stance", stance_ref, self._project.codebook.stance_by_key)
            if stance_ref
            else None
        )
        start, end = self._span(row, doc.id)
        return CodingRequest(
            doc.id,
            coder.id,
            theme.id,
            start,
            end,
            stance.id if stance else None,
            row.get("memo", ""),
        )

    def _span(self, row: dict[str, str], doc_id: int) -> tuple[int, int]:
        start, end = _number(row, "start"), _number(row, "end")
        quote = row.get("quote", "")
        if quote:
            if start is not None or end is not None:
                raise CodingRefused("Give either a quote or start and end, not both.")
            if doc_id not in self._texts:
                self._texts[doc_id] = self._project.documents.get(doc_id).text
            return span_of_quote(self._texts[doc_id], quote, _number(row, "occurrence") or 1)
        if start is None or end is None:
            raise CodingRefused("Give the passage as a quote, or as both start and end.")
        return start, end


def import_codings(
    project: Project,
    path: Path,
    *,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> CodingImportReport:
    """Check every row of a coding CSV and store the good ones in one transaction.

    Raises:
        ImportProblem: the file cannot be read, lacks a required column or has an unknown one
            (nothing is coded).
        Cancelled: ``cancelled`` returned True; nothing was kept.
    """
    path = Path(path)
    rows = _read(path)
    resolver = _Resolver(project)
    requests: list[CodingRequest] = []
    lines: list[int] = []
    refused: list[tuple[int, str]] = []
    reading = wrap_progress(progress, 0.0, 0.5)
    for number, row in enumerate(rows, start=2):
        check_cancelled(cancelled)
        try:
            requests.append(resolver.request(row))
            lines.append(number)
        except (CodingRefused, UnknownEntity) as exc:
            refused.append((number, str(exc)))
        reading((number - 1) / max(len(rows), 1))
    result = project.codings.apply_many(
        requests,
        dry_run=dry_run,
        progress=wrap_progress(progress, 0.5, 1.0),
        cancelled=cancelled,
    )
    refused += [(lines[i], reason) for i, reason in result.refused]
    return CodingImportReport(
        file=path.name,
        added=tuple((lines[i], coding) for i, coding in result.applied),
        refused=tuple(sorted(refused)),
        dry_run=dry_run,
    )
