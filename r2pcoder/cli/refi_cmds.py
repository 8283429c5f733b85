"""``r2pcoder refi import | export``: exchange projects with ATLAS.ti, MAXQDA, NVivo, QualCoder...

Exit codes: 0 when everything was carried over, 4 when something was left out (every item is
listed), 1 when the file is refused (one line; the project is unchanged). Must not import Qt
or ``ui``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from r2pcoder.cli.commands import add_command
from r2pcoder.cli.common import EXIT_PARTIAL, add_json_flag, emit, open_project, project_arg
from r2pcoder.export.layers import parse_layer
from r2pcoder.progress import Throttled
from r2pcoder.refi import export_refi, import_refi

__all__ = ["register"]

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    """Add the ``refi`` command and its ``import`` and ``export`` actions."""
    refi = add_command(
        sub,
        "refi",
        description="Exchange coded projects with other programs through the REFI-QDA 1.5 "
        f"standard. Exit code 0: everything carried over; {EXIT_PARTIAL}: something was left out "
        "(each item is listed); 1: the file was refused and the project left as it was.",
    )
    actions = refi.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = actions.add_parser("import", help="import a .qdpx project or a .qdc codebook")
    project_arg(imp)
    imp.add_argument("file", type=Path, metavar="FILE", help="a .qdpx or .qdc file")
    imp.add_argument(
        "--offsets",
        choices=("code-points", "utf16"),
        help="the unit the file counts positions in (default: detected per file)",
    )
    add_json_flag(imp)
    imp.set_defaults(handler=_import)
    exp = actions.add_parser("export", help="export the project as .qdpx or its codebook as .qdc")
    project_arg(exp)
    exp.add_argument("out", type=Path, metavar="OUT", help="a file name ending in .qdpx or .qdc")
    exp.add_argument(
        "--layer",
        help="which codings: a coder's name or UUID, 'all' (agreed by all), 'majority'... "
        "(default: every coding of every coder)",
    )
    add_json_flag(exp)
    exp.set_defaults(handler=_export)


def _progress(what: str) -> Throttled:
    return Throttled(lambda f: log.info("%s: %d %%", what, round(f * 100)), step=0.1)


def _import(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        report = import_refi(project, args.file, offsets=args.offsets, progress=_progress("import"))
    emit(args, report.to_dict(), report.summary())
    return 0 if report.complete else EXIT_PARTIAL


def _export(args: argparse.Namespace) -> int:
    layer = parse_layer(args.layer) if args.layer else None
    with open_project(args.project) as project:
        report = export_refi(project, args.out, layer=layer, progress=_progress("export"))
    emit(args, report.to_dict(), report.summary())
    return 0 if report.complete else EXIT_PARTIAL
