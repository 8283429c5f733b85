"""What a REFI-QDA file says, as plain frozen values, before anything is mapped onto a project.

The element and attribute names follow the REFI-QDA Project Exchange schema (``Project.xsd``,
"QDA-XML version 1.0", release of 18 March 2019, the schema of the REFI-QDA 1.5 standard,
www.qdasoftware.org) and the Codebook Exchange schema (``Codebook.xsd``). GUIDs are kept as
written (:attr:`RefiCode.guid` etc.) and compared through :func:`~r2pcoder.refi.guids.guid_key`.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

__all__ = [
    "RefiCase",
    "RefiCode",
    "RefiCoding",
    "RefiData",
    "RefiNote",
    "RefiSelection",
    "RefiSource",
    "RefiUser",
    "RefiVariable",
    "RefiVariableValue",
]


@dataclass(frozen=True)
class RefiUser:
    """``<User guid name>``."""

    guid: str
    name: str


@dataclass(frozen=True)
class RefiCode:
    """``<Code guid name isCodable color>`` with its ``<Description>``, notes and children."""

    guid: str
    name: str
    codable: bool
    color: str | None
    description: str
    note_refs: tuple[str, ...] = ()
    children: tuple[RefiCode, ...] = ()


class RefiCoding(NamedTuple):
    """``<Coding guid creatingUser creationDateTime>`` with its ``<CodeRef targetGUID>``.

    Named tuples, not dataclasses, for codings and selections: a large file has hundreds of
    thousands, and building frozen dataclasses cost a second per 100,000.
    """

    guid: str
    code: str
    user: str | None
    created: datetime | None
    note_refs: tuple[str, ...] = ()


class RefiSelection(NamedTuple):
    """``<PlainTextSelection>``: positions as written, who made it, its codings and notes."""

    guid: str
    name: str
    start: int
    end: int
    user: str | None
    created: datetime | None
    modified: datetime | None
    description: str
    codings: tuple[RefiCoding, ...] = ()
    note_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiVariableValue:
    """``<VariableValue>``: the variable it refers to and its value as text."""

    variable: str
    value: str


@dataclass(frozen=True)
class RefiSource:
    """A source that holds plain text: ``<TextSource>`` or a PDF's ``<Representation>``.

    Attributes:
        kind: ``TextSource``, or the element the text came from (``PDFSource``); other kinds
            (pictures, audio, video) carry no text and are listed with ``kind`` only.
        text_path: ``plainTextPath`` as written (``internal://...``), or None.
        content: ``<PlainTextContent>``, or None.
    """

    kind: str
    guid: str
    name: str
    text_path: str | None
    content: str | None
    user: str | None
    created: datetime | None
    description: str
    rich_text_path: str | None = None
    selections: tuple[RefiSelection, ...] = ()
    codings: tuple[RefiCoding, ...] = ()
    note_refs: tuple[str, ...] = ()
    values: tuple[RefiVariableValue, ...] = ()
    other_selections: int = 0


@dataclass(frozen=True)
class RefiNote:
    """``<Note>``: a memo, with its text inline, in a file, or in its description."""

    guid: str
    name: str
    user: str | None
    created: datetime | None
    content: str | None
    text_path: str | None
    description: str
    selection: tuple[int, int] | None = None


@dataclass(frozen=True)
class RefiVariable:
    """``<Variable guid name typeOfVariable>``."""

    guid: str
    name: str
    type: str


@dataclass(frozen=True)
class RefiCase:
    """``<Case>``: its name, variable values and the sources it covers."""

    guid: str
    name: str
    values: tuple[RefiVariableValue, ...]
    sources: tuple[str, ...]
    other_members: int = 0


@dataclass(frozen=True)
class RefiData:
    """A parsed ``project.qde`` or ``.qdc``.

    Attributes:
        kind: ``project`` or ``codebook``.
        origin: the ``origin`` attribute: the program that wrote the file.
        links: ``(origin GUID, target GUID)`` of every ``<Link>`` (NVivo ties notes to
            selections this way).
        warnings: things outside the standard that were still read.
        problems: ``(item, reason)`` of what could not be read at all (left out).
    """

    kind: str
    name: str
    origin: str
    users: tuple[RefiUser, ...] = ()
    codes: tuple[RefiCode, ...] = ()
    variables: tuple[RefiVariable, ...] = ()
    cases: tuple[RefiCase, ...] = ()
    sources: tuple[RefiSource, ...] = ()
    notes: tuple[RefiNote, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    description: str = ""
    project_note_refs: tuple[str, ...] = ()
    sets: int = 0
    graphs: int = 0
    creating_user: str | None = None
    warnings: tuple[str, ...] = field(default=())
    problems: tuple[tuple[str, str], ...] = field(default=())
