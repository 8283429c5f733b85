"""The headless command line ``r2pcoder``: every subcommand is a thin layer over core calls.

Each command module exposes ``register(subparsers)``, which adds its subcommands, each with a
``handler(args) -> int`` set as the parser default; :mod:`r2pcoder.cli.commands` says which
module defines which command, so that a call loads only its own. The exit codes are listed in
:data:`EXIT_CODES` (and by ``r2pcoder --help``). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

from r2pcoder.cli.commands import COMMANDS, add_command, command_of
from r2pcoder.cli.common import researcher_error
from r2pcoder.wording import sentence

__all__ = ["EXIT_CODES", "build_parser", "main"]

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success (also a dry run, and 'codebook validate' of a valid codebook)"),
    (
        1,
        "a problem: one line on stderr says why; files are left as they were (also an "
        "invalid codebook, or a batch in which every item was refused)",
    ),
    (2, "a usage error: an unknown command or option, a missing argument"),
    (
        4,
        "partly done: some items of a batch were refused and named, the others done (files "
        "of 'import', rows of 'code import', packets of 'merge')",
    ),
    (130, "interrupted (Ctrl+C): nothing half written was kept"),
)
"""Every exit code of ``r2pcoder`` and what it means."""


def _parser(commands: Sequence[str] = ()) -> tuple[argparse.ArgumentParser, Any]:
    """The top-level parser; its commands as stubs (name and help), except ``commands``."""
    parser = argparse.ArgumentParser(
        prog="r2pcoder",
        description="Code UN statements on R2P with several coders, merge their work, "
        "measure agreement and export the results.",
        epilog="exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = {COMMANDS[name].module for name in commands}
    registered: set[str] = set()
    for name, command in COMMANDS.items():
        if command.module not in modules:
            add_command(sub, name)  # a stub: enough for the list of commands and for usage errors
        elif command.module not in registered:  # adds its commands, in the table's order
            registered.add(command.module)
            importlib.import_module(command.module).register(sub)
    return parser, sub


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every registered subcommand (this loads every command's module)."""
    return _parser(list(COMMANDS))[0]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code.

    Only the module of the command given is loaded (see :mod:`r2pcoder.cli.commands`).
    """
    given = list(sys.argv[1:] if argv is None else argv)
    command = command_of(given)
    parser, _ = _parser([command] if command else [])
    args = parser.parse_args(given)
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
