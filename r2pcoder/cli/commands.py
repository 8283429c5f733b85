"""The table of commands: each command's name, one-line help and the module that defines it.

It is what ``r2pcoder --help`` lists, and what tells which one module to load for a command:
a call of ``r2pcoder code add`` loads the coding commands only, and ``r2pcoder --help``, a
mistyped command or a usage error load none. Light by design: no import beyond the standard
library. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

__all__ = ["COMMANDS", "Command", "add_command", "command_of"]


@dataclass(frozen=True)
class Command:
    """A top-level command: the module whose ``register`` adds it, and its one-line help."""

    module: str
    help: str


_PROJECT = "r2pcoder.cli.project_cmds"
_MERGE = "r2pcoder.cli.merge_cmds"
_AGREEMENT = "r2pcoder.cli.agreement_cmds"

COMMANDS: dict[str, Command] = {
    "init": Command(_PROJECT, "create a new, empty project file"),
    "info": Command(_PROJECT, "what a project holds"),
    "import": Command(
        _PROJECT, "import statements (.txt .md .docx .pdf .html) from files or folders"
    ),
    "coder": Command(_PROJECT, "add or list coders"),
    "codebook": Command(_PROJECT, "validate, load or export a codebook"),
    "code": Command("r2pcoder.cli.coding_cmds", "add, import, remove or list codings"),
    "documents": Command("r2pcoder.cli.document_cmds", "list the statements of a project"),
    "packets": Command(_MERGE, "make coder packets from a master project"),
    "merge": Command(_MERGE, "merge returned packets into the master"),
    "export": Command(
        "r2pcoder.cli.export_cmds",
        "export summaries: CSV files, an Excel workbook or an HTML report",
    ),
    "agreement": Command(_AGREEMENT, "measure inter-coder agreement in a coded master"),
    "snapshot": Command(_AGREEMENT, "list or export saved reliability snapshots"),
    "refi": Command(
        "r2pcoder.cli.refi_cmds", "import or export REFI-QDA projects (.qdpx) and codebooks (.qdc)"
    ),
    "review": Command(
        "r2pcoder.cli.review_cmds",
        "review and adjudicate the coders' differences into the gold layer",
    ),
}
"""Every command, in the order ``--help`` lists them."""


def add_command(sub: Any, name: str, **options: Any) -> argparse.ArgumentParser:
    """Add the parser of command ``name`` with its help from :data:`COMMANDS`."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=COMMANDS[name].help, **options)
    return parser


def command_of(argv: list[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option, if it is a command.

    The only options before a command (``-v``, ``-h``) take no value, so that word is the command.
    """
    word = next((a for a in argv if not a.startswith("-")), None)
    return word if word in COMMANDS else None
