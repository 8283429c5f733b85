"""``r2pcoder code add | remove | list``: coding without the window, for scripts and tests.

A passage is given either by offsets (code points, end exclusive) or by its exact quote.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
from typing import Any

from r2pcoder.cli.common import add_json_flag, emit, find_document, open_project, project_arg
from r2pcoder.coding import Coding, CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import CodingRefused, R2pError

__all__ = ["passage_span", "register"]


def register(sub: Any) -> None:
    """Add the coding commands."""
    code = sub.add_parser("code", help="add, remove or list codings")
    actions = code.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="code a passage", description="Code a passage given by --start/--end "
        "(code points, end exclusive) or by --quote (its exact text, first occurrence unless "
        "--occurrence says otherwise).",
    )  # fmt: skip
    project_arg(add)
    add.add_argument("--document", required=True, help="id, UUID, file name or title")
    add.add_argument("--coder", required=True, help="coder name or UUID")
    add.add_argument("--theme", required=True, help="theme id from the codebook")
    add.add_argument("--stance", help="stance id from the codebook")
    add.add_argument("--start", type=int)
    add.add_argument("--end", type=int)
    add.add_argument("--quote", help="the exact passage to code")
    add.add_argument("--occurrence", type=int, default=1, help="which occurrence of --quote")
    add.add_argument("--memo", default="")
    add_json_flag(add)
    add.set_defaults(handler=_add)

    rm = actions.add_parser("remove", help="delete a coding by its UUID")
    project_arg(rm)
    rm.add_argument("uuid")
    add_json_flag(rm)
    rm.set_defaults(handler=_remove)

    lst = actions.add_parser("list", help="list codings with their quotes")
    project_arg(lst)
    lst.add_argument("--document", help="only this document")
    lst.add_argument("--coder", help="only this coder")
    add_json_flag(lst)
    lst.set_defaults(handler=_list)


def passage_span(args: argparse.Namespace, text: str) -> tuple[int, int]:
    """The passage ``--quote`` (with ``--occurrence``) or ``--start``/``--end`` give in ``text``."""
    if args.quote is not None:
        if args.start is not None or args.end is not None:
            raise R2pError("Give either --quote or --start/--end, not both.")
        at = -1
        for _ in range(max(1, args.occurrence)):
            at = text.find(args.quote, at + 1)
            if at < 0:
                raise CodingRefused(f"The quote {args.quote!r} is not in the statement"
                                    f"{' that often' if args.occurrence > 1 else ''}.")  # fmt: skip
        return at, at + len(args.quote)
    if args.start is None or args.end is None:
        raise R2pError("Give the passage with --quote, or with both --start and --end.")
    return int(args.start), int(args.end)


def _as_dict(project: Project, coding: Coding, text: str) -> dict[str, Any]:
    themes = {t.id: t for t in project.codebook.themes(include_retired=True)}
    stances = {s.id: s for s in project.codebook.stances(include_retired=True)}
    stance = stances.get(coding.stance_id) if coding.stance_id is not None else None
    return {
        "uuid": coding.uuid, "document_id": coding.document_id, "coder_id": coding.coder_id,
        "theme": themes[coding.theme_id].key, "stance": stance.key if stance else None,
        "start": coding.start, "end": coding.end, "quote": text[coding.start : coding.end],
        "memo": coding.memo,
    }  # fmt: skip


def _add(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        doc = project.documents.get(find_document(project, args.document).id)
        coder = project.coders.find(args.coder)
        theme = project.codebook.theme_by_key(args.theme)
        stance = project.codebook.stance_by_key(args.stance) if args.stance else None
        start, end = passage_span(args, doc.text)
        coding = project.codings.apply(
            CodingRequest(doc.id, coder.id, theme.id, start, end,
                          stance.id if stance else None, args.memo)
        )  # fmt: skip
        data = _as_dict(project, coding, doc.text)
    emit(args, data, [f"Coded {start}-{end} {data['quote']!r} as {theme.name} ({coding.uuid})."])
    return 0


def _remove(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        gone = project.codings.discard(args.uuid)
    emit(args, {"removed": gone.uuid}, [f"Removed coding {gone.uuid}."])
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        docs = (
            [find_document(project, args.document)] if args.document else project.documents.list()
        )
        coder_id = project.coders.find(args.coder).id if args.coder else None
        rows = []
        for summary in docs:
            text = project.documents.get(summary.id).text
            rows += [
                _as_dict(project, c, text)
                for c in project.codings.for_document(summary.id, coder_id)
            ]
    lines = [f"{r['uuid']}  doc {r['document_id']}  {r['start']}-{r['end']}  {r['theme']}"
             f"/{r['stance'] or '-'}  {r['quote'][:60]!r}" for r in rows]  # fmt: skip
    emit(args, rows, lines or ["No codings."])
    return 0
