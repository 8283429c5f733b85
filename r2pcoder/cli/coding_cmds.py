"""``r2pcoder code add | import | remove | list``: coding without the window, for scripts.

A passage is given either by offsets (code points, end exclusive) or by its exact quote.
``code import`` codes a whole CSV file in one transaction (see :mod:`r2pcoder.coding_import`).
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from r2pcoder.cli.commands import add_command
from r2pcoder.cli.common import (
    EXIT_PARTIAL,
    add_json_flag,
    emit,
    find_document,
    open_project,
    project_arg,
    stream_json,
    stream_lines,
)
from r2pcoder.coding_import import COLUMNS, import_codings, span_of_quote
from r2pcoder.errors import CodingRefused, R2pError
from r2pcoder.models import Coding, CodingRequest
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["passage_span", "register"]


def _passage_args(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--start", type=int, help="first code point of the passage")
    cmd.add_argument("--end", type=int, help="code point after the passage (end exclusive)")
    cmd.add_argument("--quote", help="the exact passage")
    cmd.add_argument("--occurrence", type=int, default=1, help="which occurrence of --quote")


def register(sub: Any) -> None:
    """Add the coding commands."""
    code = add_command(sub, "code")
    actions = code.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="code a passage",
        description="Code a passage given by --start/--end "
        "(code points, end exclusive) or by --quote (its exact text, first occurrence unless "
        "--occurrence says otherwise). An identical coding of the same coder is refused.",
    )
    project_arg(add)
    add.add_argument("--document", required=True, help="id, UUID, file name or title")
    add.add_argument("--coder", required=True, help="coder name or UUID")
    add.add_argument("--theme", required=True, help="theme id from the codebook")
    add.add_argument("--stance", help="stance id from the codebook")
    _passage_args(add)
    add.add_argument("--memo", default="")
    add_json_flag(add)
    add.set_defaults(handler=_add)

    imp = actions.add_parser(
        "import",
        help="code every row of a CSV file, in one transaction",
        description=f"Code every row of a CSV file with the columns {', '.join(COLUMNS)} "
        "(document, coder and theme required; start and end, or quote). Every row is checked; "
        "refused rows are named with their reason and the others stored in one transaction. "
        f"Exit code {EXIT_PARTIAL} when some rows were refused.",
    )
    project_arg(imp)
    imp.add_argument("file", type=Path, metavar="FILE.csv", help="the codings, one per row")
    imp.add_argument("--dry-run", action="store_true", help="check every row, store nothing")
    add_json_flag(imp)
    imp.set_defaults(handler=_import)

    rm = actions.add_parser(
        "remove",
        help="delete codings by UUID, or those matching the options",
        description="Delete a coding by its UUID, or the codings of a statement matching "
        "--coder, --theme, --stance and the passage. Several matches are refused unless --all.",
    )
    project_arg(rm)
    rm.add_argument("uuid", nargs="?", help="the coding's UUID (see code list)")
    rm.add_argument("--document", help="id, UUID, file name or title")
    rm.add_argument("--coder", help="coder name or UUID")
    rm.add_argument("--theme", help="theme id from the codebook")
    rm.add_argument("--stance", help="stance id from the codebook")
    _passage_args(rm)
    rm.add_argument("--all", action="store_true", help="remove every coding that matches")
    add_json_flag(rm)
    rm.set_defaults(handler=_remove)

    lst = actions.add_parser("list", help="list codings with coder, statement and quote")
    project_arg(lst)
    lst.add_argument("--document", help="only this document")
    lst.add_argument("--coder", help="only this coder")
    add_json_flag(lst)
    lst.set_defaults(handler=_list)


def passage_span(args: argparse.Namespace, text: str) -> tuple[int, int]:
    """The passage ``--quote`` (with ``--occurrence``) or ``--start``/``--end`` give in ``text``."""
    span = _span(args, text)
    if span is None:
        raise R2pError("Give the passage with --quote, or with both --start and --end.")
    return span


def _span(args: argparse.Namespace, text: str) -> tuple[int, int] | None:
    """Like :func:`passage_span`, but None when neither is given."""
    if args.quote is not None:
        if args.start is not None or args.end is not None:
            raise R2pError("Give either --quote or --start/--end, not both.")
        return span_of_quote(text, args.quote, args.occurrence)
    if args.start is None and args.end is None:
        return None
    if args.start is None or args.end is None:
        raise R2pError("Give the passage with --quote, or with both --start and --end.")
    return int(args.start), int(args.end)


def _add(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        doc = project.documents.get(find_document(project, args.document).id)
        coder = project.coders.find(args.coder)
        theme = project.codebook.theme_by_key(args.theme)
        stance = project.codebook.stance_by_key(args.stance) if args.stance else None
        span = passage_span(args, doc.text)
        coding = project.codings.apply(
            CodingRequest(
                doc.id, coder.id, theme.id, *span, stance.id if stance else None, args.memo
            )
        )
        data = vars(next(project.codings.listing(uuid=coding.uuid)))
    start, end = span
    emit(args, data, [f"Coded {start}-{end} {data['quote']!r} as {theme.name} ({coding.uuid})."])
    return 0


def _import(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        report = import_codings(project, args.file, dry_run=args.dry_run)
    emit(args, report.to_dict(), report.summary())
    if report.refused:
        return EXIT_PARTIAL if report.added else 1
    return 0


def _matching(project: Project, args: argparse.Namespace) -> list[Coding]:
    if args.document is None:
        raise R2pError("Give the coding's UUID, or --document with what to match.")
    doc = project.documents.get(find_document(project, args.document).id)
    coder = project.coders.find(args.coder).id if args.coder else None
    theme = project.codebook.theme_by_key(args.theme).id if args.theme else None
    stance = project.codebook.stance_by_key(args.stance).id if args.stance else None
    span = _span(args, doc.text)
    return [
        c
        for c in project.codings.for_document(doc.id, coder)
        if (theme is None or c.theme_id == theme)
        and (stance is None or c.stance_id == stance)
        and (span is None or (c.start, c.end) == span)
    ]


def _remove(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        if args.uuid is not None:
            if args.document or args.coder or args.theme or args.stance or args.quote:
                raise R2pError("Give either the coding's UUID or what to match, not both.")
            uuids = [args.uuid]
        else:
            found = _matching(project, args)
            if not found:
                raise CodingRefused("No coding matches; nothing was removed.")
            if len(found) > 1 and not args.all:
                raise CodingRefused(
                    f"{counted(len(found), 'coding')} match; nothing was removed. Give --all "
                    "to remove them all, or narrow the match (see code list)."
                )
            uuids = [c.uuid for c in found]
        gone = project.codings.discard_many(uuids)
    listed = ", ".join(c.uuid for c in gone)
    emit(
        args,
        {"removed": [c.uuid for c in gone]},
        [f"Removed {counted(len(gone), 'coding')}: {listed}."],
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        document = find_document(project, args.document).id if args.document else None
        coder = project.coders.find(args.coder).id if args.coder else None
        listed = project.codings.listing(coder_id=coder, document_id=document)
        if getattr(args, "json", False):
            stream_json(map(vars, listed), sys.stdout)
            return 0
        lines = (
            f"{c.uuid}  {c.coder}  doc {c.document_id} {c.document_title[:40]!r}  "
            f"{c.start}-{c.end}  {c.theme}/{c.stance or '-'}  {c.quote[:60]!r}\n"
            for c in listed
        )
        if not stream_lines(lines, sys.stdout):
            sys.stdout.write("No codings.\n")
    return 0
