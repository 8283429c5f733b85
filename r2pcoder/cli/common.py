"""Helpers shared by the command modules: opening projects, output as text or JSON.

Light, like the table of commands: what opens a project is imported when a project is opened,
so that a usage error or an unreadable file is reported without loading SQLAlchemy. Must not
import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from json.encoder import encode_basestring as _string
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from r2pcoder.errors import R2pError
from r2pcoder.failures import explain

if TYPE_CHECKING:
    from r2pcoder.db import Project
    from r2pcoder.documents import DocumentSummary

__all__ = [
    "add_json_flag",
    "emit",
    "find_document",
    "open_project",
    "project_arg",
    "researcher_error",
    "stream_json",
    "stream_lines",
]

EXIT_PARTIAL = 4
"""Exit code when some items of a batch were refused and the others done (files of an import,
rows of a coding import, packets of a merge)."""


def project_arg(parser: argparse.ArgumentParser) -> None:
    """Add the positional PROJECT argument."""
    parser.add_argument("project", type=Path, metavar="PROJECT", help="project file (.r2p)")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` for machine-readable output."""
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def open_project(path: Path) -> Project:
    """Open a project; errors surface as one-line messages through ``main``.

    A file that is missing, not a project or too new is refused before the database layer is
    loaded (the same check opening it makes first).
    """
    from r2pcoder.migrations import check_header  # noqa: PLC0415 - see the module docstring

    check_header(path)
    from r2pcoder.db import Project  # noqa: PLC0415

    return Project(path)


def researcher_error(exc: BaseException, args: argparse.Namespace | None) -> R2pError | None:
    """``exc`` as a one-line error for the researcher, or None when it is a defect.

    Our own errors pass as they are; a busy or read-only project, a read-only folder, a full disk
    or a damaged file that reached the command unexplained is explained here
    (:func:`r2pcoder.failures.explain`), naming the project the command was given.
    """
    path = None
    for name in ("project", "master"):
        value = getattr(args, name, None)
        if isinstance(value, Path):
            path = value
            break
    return explain(exc, path)


def emit(args: argparse.Namespace, data: Any, lines: list[str]) -> None:
    """Print ``data`` as JSON with ``--json``, else the human-readable ``lines``."""
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in lines))


_CHUNK = 2_000


def _batched(items: Iterable[str]) -> Iterator[list[str]]:
    it = iter(items)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


def stream_lines(lines: Iterable[str], out: TextIO) -> int:
    """Write ``lines`` (each with its newline) as they come, in chunks; returns how many."""
    count = 0
    for chunk in _batched(lines):
        out.write("".join(chunk))
        count += len(chunk)
    return count


def stream_json(items: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    """Write ``items`` as :func:`emit` writes a list of them, but as they come.

    Each item is a flat mapping of strings, numbers and None; the text is the same as
    ``json.dumps(list(items), indent=2, ensure_ascii=False)`` (a test holds it to that), and
    memory stays that of one chunk whatever the number of items.
    """
    rows = (_json_object(item) for item in items)
    first = next(rows, None)
    if first is None:
        out.write("[]\n")
        return
    out.write("[\n" + first)
    for chunk in _batched(rows):
        out.write("".join(",\n" + row for row in chunk))
    out.write("\n]\n")


def _json_object(item: Mapping[str, Any]) -> str:
    """One flat mapping as an element of an indented list (the C encoder for each value)."""
    fields = ",\n".join(f"    {_string(key)}: {_value(value)}" for key, value in item.items())
    return f"  {{\n{fields}\n  }}"


def _value(value: object) -> str:
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)


def find_document(project: Project, ref: str) -> DocumentSummary:
    """A document by id, UUID, source file name or exact title."""
    from r2pcoder.coding_import import DocumentFinder  # noqa: PLC0415 - see the module docstring

    return DocumentFinder(project.documents.list()).find(ref)
