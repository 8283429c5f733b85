"""``r2pcoder packets create`` and ``r2pcoder merge``: the team round-trip from the command line.

``merge`` exits 0 when everything offered is merged (or was already), 4 when something was held
back (rows not merged, diverged copies waiting for ``--prefer``, or, in a dry run, files that
would be refused), and 1 when nothing was merged (a file refused: the master is unchanged). The
merge and the packets are loaded by the commands that run them, not by their ``--help``. Must
not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from r2pcoder.cli.commands import add_command
from r2pcoder.cli.common import EXIT_PARTIAL, add_json_flag, emit, open_project
from r2pcoder.errors import R2pError
from r2pcoder.merge.untrusted import DEFAULT_TIME_LIMIT

if TYPE_CHECKING:
    from r2pcoder.merge import ProposalDecision

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``packets create`` and ``merge``."""
    packets = add_command(sub, "packets")
    packets_sub = packets.add_subparsers(dest="packets_command", metavar="ACTION", required=True)
    create = packets_sub.add_parser("create", help="write one packet file per coder")
    create.add_argument("master", type=Path, metavar="MASTER", help="the master project (.r2p)")
    create.add_argument(
        "--coders",
        nargs="+",
        required=True,
        metavar="CODER",
        help="coder names or UUIDs (an unknown name is added to the master)",
    )
    create.add_argument(
        "--overlap",
        default="0",
        metavar="FRACTION",
        help="share of statements every coder gets, e.g. 0.2 or 20%% (default 0)",
    )
    create.add_argument(
        "--overlap-docs",
        nargs="+",
        metavar="UUID",
        help="the lead's own overlap sample (document UUIDs) instead of a share",
    )
    create.add_argument("--seed", type=int, default=0, help="seed of the assignment (default 0)")
    create.add_argument(
        "--all",
        action="store_true",
        help="give every coder every statement instead of splitting them",
    )
    create.add_argument("--blind", action="store_true", help="leave out other coders' work")
    create.add_argument(
        "--discard-unmerged",
        action="store_true",
        help="make a coder's new packet even if the earlier one has not been merged (its "
        "unmerged work is then superseded on the statements the new packet holds)",
    )
    create.add_argument("--out", type=Path, help="folder for the packets (default: beside MASTER)")
    add_json_flag(create)
    create.set_defaults(handler=_create)

    merge = add_command(
        sub,
        "merge",
        description="Merge returned packets. Exit code 0: all merged (or already there); "
        f"{EXIT_PARTIAL}: some work held back (rows not merged, diverged copies waiting for "
        "--prefer, files refused in a dry run); 1: nothing merged.",
    )
    merge.add_argument("master", type=Path, metavar="MASTER", help="the master project (.r2p)")
    merge.add_argument("packets", type=Path, nargs="+", metavar="PACKET", help="returned packets")
    merge.add_argument("--dry-run", action="store_true", help="only show what would happen")
    merge.add_argument(
        "--foreign",
        action="store_true",
        help="accept files of another master (match by text hash and by name)",
    )
    merge.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="THEME",
        help="accept a proposed theme (key or UUID); repeatable",
    )
    merge.add_argument(
        "--reject",
        action="append",
        default=[],
        metavar="THEME",
        help="reject a proposed theme (key or UUID); repeatable",
    )
    merge.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="THEME=TARGET",
        help="merge a proposed theme's codings into a master theme; repeatable",
    )
    merge.add_argument(
        "--prefer",
        action="append",
        default=[],
        metavar="FILE",
        help="where copies of a packet diverged, take this file's work (a file given now, or "
        "the name of one merged before); repeatable",
    )
    merge.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"refuse a file that takes longer to read (default {DEFAULT_TIME_LIMIT:g})",
    )
    add_json_flag(merge)
    merge.set_defaults(handler=_merge)


def _overlap(args: argparse.Namespace) -> float | tuple[str, ...]:
    if args.overlap_docs:
        return tuple(args.overlap_docs)
    text = str(args.overlap).strip()
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise R2pError(f"--overlap must be a fraction like 0.2 or 20% (got {text!r}).") from None
    return value


def _create(args: argparse.Namespace) -> int:
    from r2pcoder.packets import PacketOptions, create_packets  # noqa: PLC0415 - see the docstring

    options = PacketOptions(
        coders=tuple(args.coders),
        out_dir=args.out or args.master.resolve().parent,
        overlap=_overlap(args),
        seed=args.seed,
        split=not args.all,
        blind=args.blind,
        discard_unmerged=args.discard_unmerged,
    )
    with open_project(args.master) as master:
        report = create_packets(master, options)
    emit(args, report.to_dict(), report.summary())
    return 0


def _decisions(args: argparse.Namespace) -> dict[str, ProposalDecision]:
    from r2pcoder.merge import ProposalDecision  # noqa: PLC0415 - see the module docstring

    decisions = {theme: ProposalDecision("accept") for theme in args.accept}
    decisions.update({theme: ProposalDecision("reject") for theme in args.reject})
    for item in args.map:
        theme, sep, target = item.partition("=")
        if not sep or not theme or not target:
            raise R2pError(f"--map takes THEME=TARGET (got {item!r}).")
        decisions[theme] = ProposalDecision("map", target)
    return decisions


def _merge(args: argparse.Namespace) -> int:
    with open_project(args.master) as master:
        from r2pcoder.merge import merge_packets  # noqa: PLC0415 - see the module docstring

        report = merge_packets(
            master,
            args.packets,
            dry_run=args.dry_run,
            foreign=args.foreign,
            proposals=_decisions(args),
            prefer=args.prefer,
            time_limit=args.time_limit,
        )
    emit(args, report.to_dict(), report.summary())
    return EXIT_PARTIAL if report.held_back else 0
