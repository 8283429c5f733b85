"""The headless command line ``r2pcoder``: every subcommand is a thin layer over core calls.

Each command module exposes ``register(subparsers)``, which adds its subcommands, each with a
``handler(args) -> int`` set as the parser default. Exit codes: 0 success, 1 a researcher-facing
problem (message on stderr), 2 bad usage (argparse). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from r2pcoder.errors import R2pError

__all__ = ["build_parser", "main"]

_COMMAND_MODULES = (
    "r2pcoder.cli.project_cmds",
    "r2pcoder.cli.merge_cmds",
    "r2pcoder.cli.export_cmds",
    "r2pcoder.cli.agreement_cmds",
    "r2pcoder.cli.review_cmds",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="r2pcoder",
        description="Code UN statements on R2P with several coders, merge their work, "
        "measure agreement and export the results.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    try:
        code: int = args.handler(args)
    except R2pError as exc:
        sys.stderr.write(f"r2pcoder: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("r2pcoder: interrupted; nothing half written was kept.\n")
        return 130
    return code
