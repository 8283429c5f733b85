"""``r2pcoder documents list``: the statements of a project, for scripts and for the eye.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from r2pcoder.cli.commands import add_command
from r2pcoder.cli.common import add_json_flag, emit, open_project, project_arg

if TYPE_CHECKING:
    from r2pcoder.documents import DocumentSummary

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``documents`` command."""
    docs = add_command(sub, "documents")
    actions = docs.add_subparsers(dest="action", required=True, metavar="ACTION")
    lst = actions.add_parser(
        "list",
        help="ids, UUIDs, titles, speakers and regional groups of every statement",
        description="List every statement in corpus order: id (what --document takes), UUID, "
        "title, speaker, on whose behalf, regional group; --json adds date, event, type, "
        "source file, length and the free attributes.",
    )
    project_arg(lst)
    add_json_flag(lst)
    lst.set_defaults(handler=_list)


def _row(doc: DocumentSummary) -> dict[str, Any]:
    meta = doc.meta
    return {
        "id": doc.id,
        "uuid": doc.uuid,
        "title": doc.title,
        "speaker": meta.speaker,
        "on_behalf_of": meta.on_behalf_of,
        "regional_group": meta.regional_group,
        "date": meta.date,
        "event": meta.event,
        "doc_type": meta.doc_type,
        "source_file": doc.source_file,
        "length": doc.length,
        "attributes": dict(meta.attributes),
    }


def _list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        rows = [_row(d) for d in project.documents.list()]
    lines = []
    for r in rows:
        speaker = r["speaker"] or "(no speaker)"
        if r["on_behalf_of"]:
            speaker += f" on behalf of {r['on_behalf_of']}"
        group = r["regional_group"] or "(no regional group)"
        lines.append(f"{r['id']:>4}  {r['uuid']}  {r['title']}  |  {speaker}  |  {group}")
    emit(args, rows, lines or ["No statements yet (add them with r2pcoder import)."])
    return 0
