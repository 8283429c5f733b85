"""The headless command line ``r2pcoder``: every subcommand is a thin layer over core calls.

Each command module exposes ``register(subparsers)``, which adds its subcommands, each with a
``handler(args) -> int`` set as the parser default. The exit codes are listed in
:data:`EXIT_CODES` (and by ``r2pcoder --help``). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from r2pcoder.cli.common import researcher_error
from r2pcoder.wording import sentence

__all__ = ["EXIT_CODES", "build_parser", "main"]

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success (also a dry run, and 'codebook validate' of a valid codebook)"),
    (1, "a problem: one line on stderr says why; files are left as they were (also an "
        "invalid codebook, or a batch in which every item was refused)"),
    (2, "a usage error: an unknown command or option, a missing argument"),
    (4, "partly done: some items of a batch were refused and named, the others done (files "
        "of 'import', rows of 'code import', packets of 'merge')"),
    (130, "interrupted (Ctrl+C): nothing half written was kept"),
)  # fmt: skip
"""Every exit code of ``r2pcoder`` and what it means."""

_COMMAND_MODULES = (
    "r2pcoder.cli.project_cmds",
    "r2pcoder.cli.document_cmds",
    "r2pcoder.cli.merge_cmds",
    "r2pcoder.cli.export_cmds",
    "r2pcoder.cli.agreement_cmds",
    "r2pcoder.cli.refi_cmds",
    "r2pcoder.cli.review_cmds",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="r2pcoder",
        description="Code UN statements on R2P with several coders, merge their work, "
        "measure agreement and export the results.",
        epilog="exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES),
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
    except Exception as exc:
        error = researcher_error(exc, args)
        if error is None:
            raise  # a defect: its traceback is what a bug report needs
        sys.stderr.write(f"r2pcoder: {sentence(str(error))}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("r2pcoder: interrupted; nothing half written was kept.\n")
        return 130
    return code
