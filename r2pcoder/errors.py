"""The R2pError hierarchy: every failure a researcher can meet, with a message in plain words.

Each error's ``str()`` is a one-line reason fit for a dialog or the command line. Must not import
Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AgreementInputError",
    "Cancelled",
    "CodebookInvalid",
    "CodebookProblem",
    "CodingRefused",
    "DiskFull",
    "ExportFailed",
    "ImportProblem",
    "MergeRefused",
    "NotAProject",
    "ProjectBusy",
    "ProjectCorrupt",
    "ProjectError",
    "R2pError",
    "ReadOnly",
    "SchemaTooNew",
    "SchemaTooOld",
    "UnknownEntity",
]


class R2pError(Exception):
    """Base of every error r2pcoder raises on purpose; the message is meant for a researcher."""


class Cancelled(R2pError):
    """A long operation was cancelled by the user; nothing it started was kept."""

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


class ProjectError(R2pError):
    """A project file cannot be opened or used."""


class NotAProject(ProjectError):
    """The file is not an r2pcoder project (not SQLite, or SQLite without our tables)."""


class ProjectCorrupt(ProjectError):
    """The file is an r2pcoder project but damaged or truncated."""


class ProjectBusy(ProjectError):
    """Another window or command held the project's write lock for longer than we wait."""


class ReadOnly(R2pError):
    """A file or folder that must be written to is read-only (or not ours to write)."""


class DiskFull(R2pError):
    """The disk (or the user's quota) is full; the write was undone."""


class SchemaTooNew(ProjectError):
    """The project was written by a newer r2pcoder; opening it could lose data."""


class SchemaTooOld(ProjectError):
    """The project predates every version this r2pcoder can upgrade."""


class UnknownEntity(R2pError):
    """A coder, document, theme, stance or coding named in a request does not exist."""


class CodingRefused(R2pError):
    """A coding request is invalid (empty or out-of-range span, unknown theme...)."""


@dataclass(frozen=True)
class CodebookProblem:
    """One problem in a codebook file, with where it is (e.g. ``themes[3].children[0].color``)."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class CodebookInvalid(R2pError):
    """A codebook failed validation; ``problems`` lists every problem found, not just the first."""

    def __init__(self, source: str, problems: list[CodebookProblem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        first = f": {problems[0]}" if problems else ""
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(f"Codebook {source} is not valid{first}{more}")


class ImportProblem(R2pError):
    """One file could not be imported; the message says why in plain words."""


class MergeRefused(R2pError):
    """A packet cannot be merged into this master (other project, bad file...)."""


class ExportFailed(R2pError):
    """An export could not be written; no partial file was left behind."""


class AgreementInputError(R2pError):
    """Reliability data unfit for an agreement coefficient (ragged rows, mixed types...)."""
