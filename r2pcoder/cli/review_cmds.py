"""``r2pcoder review status | list | auto | decide | reopen | feedback``: adjudication headless.

The names and JSON keys are fixed so that scripts can rely on them. Every command works on a
master (a packet is refused); a decision is one transaction, and a refused one (unknown
statement, theme, stance or coder) writes nothing. ``agreement MASTER --vs gold`` is served here
too (:func:`vs_gold`). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import sys
from pathlib import Path
from typing import Any

from r2pcoder.cli.coding_cmds import passage_span
from r2pcoder.cli.commands import add_command
from r2pcoder.cli.common import add_json_flag, emit, find_document, open_project
from r2pcoder.db import Project
from r2pcoder.errors import R2pError, UnknownEntity
from r2pcoder.review import (
    AUTO_RULES,
    CELL_STATUSES,
    DIFF_KINDS,
    CellChange,
    CellState,
    Decider,
    QueueFilter,
    QueueItem,
)
from r2pcoder.wording import counted

__all__ = ["register", "vs_gold"]


def _master_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("master", type=Path, metavar="MASTER", help="the master project (.r2p)")


def _by_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by",
        metavar="NAME",
        help="who decides (recorded with every decision; default: your login name); a coder's "
        "name or UUID records that coder's UUID too",
    )


def register(sub: Any) -> None:
    """Add the ``review`` command and its actions."""
    review = add_command(
        sub,
        "review",
        description="Settle the coders' differences in a master. Coder layers stay as merged; "
        "the lead's decisions go to a separate gold layer, with provenance.",
    )
    actions = review.add_subparsers(dest="action", required=True, metavar="ACTION")

    status = actions.add_parser("status", help="statements, cells agreed, awaiting and decided")
    _master_arg(status)
    add_json_flag(status)
    status.set_defaults(handler=_status)

    lst = actions.add_parser("list", help="the cells awaiting a decision, with each coder's value")
    _master_arg(lst)
    lst.add_argument("--theme", action="append", metavar="KEY", help="only this theme (repeat)")
    lst.add_argument(
        "--coder",
        action="append",
        metavar="NAME",
        help="only statements this coder worked on (repeat)",
    )
    lst.add_argument("--group", action="append", metavar="GROUP", help="only this regional group")
    lst.add_argument("--kind", action="append", choices=DIFF_KINDS, help="only this difference")
    lst.add_argument(
        "--status",
        action="append",
        choices=CELL_STATUSES,
        help="cells of this status (default: awaiting and reopened)",
    )
    add_json_flag(lst)
    lst.set_defaults(handler=_list)

    auto = actions.add_parser("auto", help="decide the cells the coders settle themselves")
    _master_arg(auto)
    auto.add_argument("--rule", required=True, choices=AUTO_RULES)
    auto.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    _by_arg(auto)
    add_json_flag(auto)
    auto.set_defaults(handler=_auto)

    _register_decide(actions)

    reopen = actions.add_parser("reopen", help="withdraw decisions: the cells await again")
    _master_arg(reopen)
    reopen.add_argument("--document", required=True, help="id, UUID, file name or title")
    reopen.add_argument("--theme", metavar="KEY", help="only this theme (default: every one)")
    add_json_flag(reopen)
    reopen.set_defaults(handler=_reopen)

    feedback = actions.add_parser(
        "feedback", help="one coder's differences from gold, with quotes, as CSV"
    )
    _master_arg(feedback)
    feedback.add_argument("--coder", required=True, help="coder name or UUID")
    feedback.add_argument("--out", type=Path, required=True, help="the .csv file to write")
    add_json_flag(feedback)
    feedback.set_defaults(handler=_feedback)


def _register_decide(actions: Any) -> None:
    decide = actions.add_parser(
        "decide",
        help="decide one statement x theme cell",
        description="Decide a cell: accept a coder's value (--from), mark the theme absent "
        "(--absent), or give the stance (--stance), with a passage (--quote, or --start and "
        "--end) for a new gold coding or without one to change the stance of the cell's gold "
        "codings. --agreed accepts what all coders agree on, --keep confirms a re-opened "
        "decision, --resolved settles every cell of the statement still awaiting as absent.",
    )
    _master_arg(decide)
    decide.add_argument("--document", required=True, help="id, UUID, file name or title")
    decide.add_argument("--theme", metavar="KEY", help="theme id from the codebook")
    how = decide.add_mutually_exclusive_group(required=True)
    how.add_argument("--from", dest="coder", metavar="CODER", help="accept this coder's value")
    how.add_argument("--absent", action="store_true", help="the theme is not in the statement")
    how.add_argument("--stance", metavar="KEY", help="the stance gold gives")
    how.add_argument("--agreed", action="store_true", help="accept what all coders agree on")
    how.add_argument("--keep", action="store_true", help="keep a re-opened decision as it is")
    how.add_argument(
        "--resolved", action="store_true", help="the statement is settled (no --theme)"
    )
    decide.add_argument("--quote", help="the exact passage of a new gold coding")
    decide.add_argument("--occurrence", type=int, default=1, help="which occurrence of --quote")
    decide.add_argument("--start", type=int)
    decide.add_argument("--end", type=int)
    decide.add_argument(
        "--add", action="store_true", help="with a passage: keep the cell's other gold codings"
    )
    decide.add_argument("--note", default="", help="why (kept with the decision)")
    _by_arg(decide)
    add_json_flag(decide)
    decide.set_defaults(handler=_decide)


def _decider(project: Project, name: str | None) -> Decider:
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):
            name = "lead"
        return Decider(name)
    try:
        coder = project.coders.find(name)
    except UnknownEntity:
        return Decider(name.strip())
    return Decider(coder.name, coder.uuid)


def _warn(lines: tuple[str, ...]) -> None:
    for line in lines:
        sys.stderr.write(f"r2pcoder: WARNING: {line}\n")


def _status(args: argparse.Namespace) -> int:
    with open_project(args.master) as project:
        status = project.review.status()
    _warn(status.warnings)
    lines = [
        f"Statements: {status.statements} in the project, {status.worked_on} worked on.",
        f"Cells (statement x theme a coder coded, or decided): {status.cells}",
        f"  agreed by every coder who worked on the statement: {status.agreed}",
        f"  awaiting a decision: {status.awaiting}",
        f"  only one coder worked on the statement: {status.single}",
        f"  decided: {status.decided} ({status.auto} by an auto rule, "
        f"{status.reopened} re-opened by a later merge)",
    ]
    emit(args, status.to_dict(), lines)
    return 0


def _item(item: QueueItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "statement": item.document_id,
        "statement_uuid": item.document_uuid,
        "title": item.title,
        "speaker": item.speaker,
        "regional_group": item.regional_group,
        "theme": item.theme_key,
        "status": item.status,
        "differences": list(item.kinds),
        "values": [
            {"coder": v.coder, "coder_uuid": v.coder_uuid, "value": v.label} for v in item.values
        ],
    }
    if item.decision is not None:
        data["decision"] = {"kind": item.decision.kind, "reopened": item.decision.reopened_reason}
    return data


def _list(args: argparse.Namespace) -> int:
    filters = QueueFilter(
        statuses=tuple(args.status or ("awaiting", "reopened")),
        themes=tuple(args.theme or ()),
        coders=tuple(args.coder or ()),
        regional_groups=tuple(args.group or ()),
        kinds=tuple(args.kind or ()),
    )
    with open_project(args.master) as project:
        items = project.review.queue(filters)
    lines = [
        f"{i.document_id:>5}  {i.document_uuid}  {i.theme_key:<20} {i.status:<9} "
        + "; ".join(f"{v.coder}: {v.label}" for v in i.values)
        + (f"  [{', '.join(i.kinds)}]" if i.kinds else "")
        for i in items
    ]
    lines.append(f"{counted(len(items), 'cell')}.")
    emit(args, [_item(i) for i in items], lines)
    return 0


def _auto(args: argparse.Namespace) -> int:
    with open_project(args.master) as project:
        project.review.check_master()
        _warn(project.review.warnings())
        report = project.review.auto(args.rule, by=_decider(project, args.by), dry_run=args.dry_run)
    emit(args, report.to_dict(), report.summary())
    return 0


def _state(project: Project, state: CellState) -> dict[str, Any]:
    themes = {t.id: t.key for t in project.codebook.themes(include_retired=True)}
    stances = {s.id: s.key for s in project.codebook.stances(include_retired=True)}
    decision = state.decision
    return {
        "statement": state.document_id,
        "theme": themes.get(state.theme_id),
        "decision": None if decision is None else decision.kind,
        "decided_by": None if decision is None else decision.decided_by,
        "auto_rule": None if decision is None else decision.auto_rule,
        "note": None if decision is None else decision.note,
        "gold_codings": [
            {
                "uuid": c.uuid,
                "stance": stances.get(c.stance_id or 0),
                "start": c.start,
                "end": c.end,
                "origin": c.origin,
                "sources": list(c.sources),
            }
            for c in state.codings
        ],
    }


def _describe(project: Project, change: CellChange) -> tuple[dict[str, Any], list[str]]:
    after = [_state(project, s) for s in change.after]
    data = {
        "action": change.action,
        "cells": after,
        "before": [_state(project, s) for s in change.before],
    }
    lines = [f"{change.action[:1].upper()}{change.action[1:]}:"]
    for cell in after:
        what = cell["decision"] or "no decision (awaits again)"
        codings = ", ".join(
            f"{c['start']}-{c['end']} {c['stance'] or 'no stance'}" for c in cell["gold_codings"]
        )
        lines.append(
            f"  statement {cell['statement']}, {cell['theme']}: {what}"
            + (f" ({codings})" if codings else "")
        )
    return data, lines


def _decide_one(args: argparse.Namespace, project: Project, doc_id: int) -> CellChange:
    review, by, note = project.review, _decider(project, args.by), args.note
    if args.resolved:
        if args.theme:
            raise R2pError("--resolved settles the whole statement; leave out --theme.")
        return review.resolve(doc_id, by=by, note=note)
    if not args.theme:
        raise R2pError("Name the theme to decide with --theme KEY.")
    theme = project.codebook.theme_by_key(args.theme).id
    passage = args.quote is not None or args.start is not None or args.end is not None
    if passage and args.stance is None:
        raise R2pError("A passage (--quote, --start/--end) goes with --stance KEY.")
    if args.stance is not None:
        stance = project.codebook.stance_by_key(args.stance).id
        if not passage:
            return review.set_stance(doc_id, theme, stance, by=by, note=note)
        span = passage_span(args, project.documents.get(doc_id).text)
        return review.add(doc_id, theme, stance, span, by=by, note=note, keep=args.add)
    if args.coder:
        coder = project.coders.find(args.coder).id
        return review.accept(doc_id, theme, coder, by=by, note=note)
    call = review.mark_absent if args.absent else review.accept_agreed
    return (review.confirm if args.keep else call)(doc_id, theme, by=by, note=note)


def _decide(args: argparse.Namespace) -> int:
    with open_project(args.master) as project:
        project.review.check_master()
        doc_id = find_document(project, args.document).id
        change = _decide_one(args, project, doc_id)
        data, lines = _describe(project, change)
    _warn(change.warnings)
    emit(args, data, lines)
    return 0


def _reopen(args: argparse.Namespace) -> int:
    with open_project(args.master) as project:
        project.review.check_master()
        doc_id = find_document(project, args.document).id
        theme = project.codebook.theme_by_key(args.theme).id if args.theme else None
        change = project.review.reopen(doc_id, theme, by=_decider(project, None))
        data, _ = _describe(project, change)
    lines = [f"Re-opened {counted(len(change.before), 'cell')}; these decisions were withdrawn:"]
    lines += [
        f"  statement {c['statement']}, {c['theme']}: {c['decision']} by {c['decided_by']}"
        + (f" ({counted(len(c['gold_codings']), 'gold coding')})" if c["gold_codings"] else "")
        for c in data["before"]
    ]
    emit(args, data, lines)
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from r2pcoder.review.feedback import coder_differences, write_differences  # noqa: PLC0415

    with open_project(args.master) as project:
        project.review.check_master()
        found = coder_differences(project, args.coder)
    path = write_differences(found, args.out)
    kinds: dict[str, int] = {}
    for d in found:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    data = {"coder": args.coder, "file": str(path), "differences": len(found), "kinds": kinds}
    lines = [
        f"Wrote {path}: {counted(len(found), 'difference')} from gold"
        + (f" ({', '.join(f'{k} {n}' for k, n in kinds.items())})" if kinds else "")
        + "."
    ]
    emit(args, data, lines)
    return 0


def vs_gold(args: argparse.Namespace, project: Project, settings: Any) -> int:
    """``agreement MASTER --vs gold``: each chosen coder against the gold layer."""
    from r2pcoder.cli.agreement_cmds import as_csv, table  # noqa: PLC0415 - avoids a cycle
    from r2pcoder.reliability import save_snapshot  # noqa: PLC0415
    from r2pcoder.review.feedback import agreement_vs_gold  # noqa: PLC0415

    reports = agreement_vs_gold(project, settings)
    if args.save is not None:
        for report in reports:
            info = save_snapshot(project, report, f"{args.save} ({report.coders[1][1]} vs gold)")
            sys.stderr.write(f"Saved snapshot {info.uuid} ({info.label}).\n")
    if args.format == "json":
        sys.stdout.write(
            json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False) + "\n"
        )
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for i, report in enumerate(reports):
            rows = list(csv.reader(io.StringIO(as_csv(report))))
            for row in rows[0 if i == 0 else 1 :]:
                writer.writerow(
                    ["compared", *row]
                    if row is rows[0] and i == 0
                    else [f"{report.coders[1][1]} vs gold", *row]
                )
        sys.stdout.write(buffer.getvalue())
    else:
        for report in reports:
            sys.stdout.write(f"== {report.coders[1][1]} against gold ==\n{table(report)}\n")
    return 0
