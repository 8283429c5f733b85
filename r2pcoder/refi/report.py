"""What a REFI-QDA import or export did, item by item, and the refusal of a file.

A report says what was carried over, what was read although it bends the standard (warnings),
and every item that was left out with its reason; :attr:`RefiImportReport.complete` is False
when anything was left out (the command line then exits with 4). A refused file raises
:class:`RefiRefused` before anything is written. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from r2pcoder.errors import R2pError
from r2pcoder.wording import counted

__all__ = ["Counts", "LeftOut", "RefiExportReport", "RefiImportReport", "RefiRefused", "ThemeKey"]


class RefiRefused(R2pError):
    """A REFI-QDA file that cannot be read safely or at all; nothing was written."""


@dataclass(frozen=True)
class LeftOut:
    """One item not carried over: what it is and why."""

    item: str
    reason: str

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"


@dataclass(frozen=True)
class ThemeKey:
    """How a REFI code became (or found) a theme: ``how`` is new, guid, name or r2pcoder id."""

    code: str
    key: str
    how: str


@dataclass
class Counts:
    """Numbers of things added to the project and found already there."""

    statements_added: int = 0
    statements_matched: int = 0
    themes_added: int = 0
    themes_matched: int = 0
    stances_added: int = 0
    stances_matched: int = 0
    coders_added: int = 0
    coders_matched: int = 0
    codings_added: int = 0
    codings_present: int = 0
    memos_written: int = 0


@dataclass(frozen=True)
class RefiImportReport:
    """What an import of a ``.qdpx`` or ``.qdc`` did.

    Attributes:
        file: the file imported.
        kind: ``project`` or ``codebook``.
        origin: the program that wrote the file, as it says.
        offsets: how positions were read, in words (empty for a codebook).
        counts: added and matched items.
        theme_keys: the codebook key of every code, and how it was found or made.
        warnings: what was read although it is outside the standard, or worth knowing.
        left_out: every item not carried over, with its reason.
    """

    file: Path
    kind: str
    origin: str
    offsets: str
    counts: Counts
    theme_keys: tuple[ThemeKey, ...] = ()
    warnings: tuple[str, ...] = ()
    left_out: tuple[LeftOut, ...] = ()

    @property
    def complete(self) -> bool:
        """True when everything in the file was carried over."""
        return not self.left_out

    def summary(self) -> list[str]:
        """Plain sentences: counts, offsets, keys, then every warning and left-out item."""
        c = self.counts
        lines = [
            f"Imported {self.file.name} ({self.kind}, written by "
            f"{self.origin or 'an unnamed program'}).",
            f"Statements: {c.statements_added} added, {c.statements_matched} already in the "
            "project.",
            f"Themes: {c.themes_added} added, {c.themes_matched} matched; stances: "
            f"{c.stances_added} added, {c.stances_matched} matched.",
            f"Coders: {c.coders_added} added, {c.coders_matched} matched; codings: "
            f"{c.codings_added} added, {c.codings_present} already present; "
            f"{counted(c.memos_written, 'memo')} written.",
        ]
        if self.offsets:
            lines.append(f"Offsets: {self.offsets}")
        lines += [f"Code {k.code!r} -> theme {k.key} ({k.how})" for k in self.theme_keys]
        lines += [f"WARNING: {w}" for w in self.warnings]
        lines += [f"LEFT OUT: {item}" for item in self.left_out]
        if self.left_out:
            lines.append(
                f"Left out: {counted(len(self.left_out), 'item')}; everything else was imported."
            )
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for scripts."""
        return {
            "file": str(self.file),
            "kind": self.kind,
            "origin": self.origin,
            "offsets": self.offsets,
            "counts": vars(self.counts),
            "theme_keys": [vars(k) for k in self.theme_keys],
            "warnings": list(self.warnings),
            "left_out": [vars(item) for item in self.left_out],
            "complete": self.complete,
        }


@dataclass(frozen=True)
class RefiExportReport:
    """What an export wrote.

    Attributes:
        file: the ``.qdpx`` or ``.qdc`` written.
        layer: which codings, in words.
        counts: what the file holds (statements, themes, stances, coders, codings, notes).
        left_out: items of the project with no place in REFI-QDA, with the reason.
    """

    file: Path
    layer: str
    counts: dict[str, int] = field(default_factory=dict)
    left_out: tuple[LeftOut, ...] = ()

    @property
    def complete(self) -> bool:
        """True when nothing was left out."""
        return not self.left_out

    def summary(self) -> list[str]:
        """Plain sentences for the command line and the dialog."""
        held = ", ".join(f"{n:,} {what}" for what, n in self.counts.items())
        lines = [f"Wrote {self.file} ({self.layer}): {held}."]
        lines += [f"LEFT OUT: {item}" for item in self.left_out]
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for scripts."""
        return {
            "file": str(self.file),
            "layer": self.layer,
            "counts": dict(self.counts),
            "left_out": [vars(item) for item in self.left_out],
            "complete": self.complete,
        }
