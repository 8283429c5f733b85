"""Parsing ``project.qde`` and ``.qdc`` files safely into :mod:`r2pcoder.refi.model` values.

XML is parsed with ``defusedxml``: entity declarations (the "billion laughs" expansion) and
external entities or references (XXE) make the file refused, never expanded or fetched.

Element and attribute names are those of the REFI-QDA 1.5 schemas (``Project.xsd`` of 18 March
2019, namespace ``urn:QDA-XML:project:1.0``; ``Codebook.xsd``, ``urn:QDA-XML:codebook:1.0``).
Read although outside the standard, each with a warning: another namespace or none (QualCoder
has met ``urn:QDA-XML:project:0.4``), a missing ``creationDateTime`` (MAXQDA omits it on
selections, QualCoder issue #1027), empty containers such as ``<Sets/>`` (Taguette writes one
into every codebook), a source holding both ``PlainTextContent`` and ``plainTextPath``. What
cannot be read at all (a selection without numeric positions, a coding without a code) is
collected as a problem and left out. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from r2pcoder.refi.model import (
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiData,
    RefiNote,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiVariable,
    RefiVariableValue,
)
from r2pcoder.refi.report import RefiRefused
from r2pcoder.wording import counted

__all__ = ["CODEBOOK_NS", "PROJECT_NS", "parse_refi_xml"]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

_VALUE_TAGS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)
# Real codebooks are a few levels deep; a file nesting codes thousands deep would exhaust the
# stack of every recursive walk of the tree.
_MAX_DEPTH = 100


@lru_cache(maxsize=256)
def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@lru_cache(maxsize=1 << 16)
def _moment(raw: str) -> datetime | None:
    """An ``xsd:dateTime`` in UTC (a time without a zone is taken as UTC), or None."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    # Children share their parent's namespace in every file seen; findall does that in C. A
    # child in another namespace (or none) is still found by the slower scan.
    tag = element.tag
    prefix = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    found = element.findall(prefix + name)
    if found or not len(element):
        return iter(found)
    return (child for child in element if _local(child.tag) == name)


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next(_children(element, name), None)


def _text(element: ET.Element, name: str) -> str:
    found = _child(element, name)
    return "" if found is None else "".join(found.itertext())


class _Reader:
    """One parse: collects warnings and problems as it goes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.warnings: list[str] = []
        self.problems: list[tuple[str, str]] = []
        self.undated = 0

    def when(self, element: ET.Element, name: str) -> datetime | None:
        raw = element.get(name)
        if raw is None:
            return None
        value = _moment(raw)
        if value is None:
            self.warnings.append(f"{name} {raw!r} is not a date and time; ignored")
        return value

    def refs(self, element: ET.Element, name: str = "NoteRef") -> tuple[str, ...]:
        return tuple(
            r.get("targetGUID", "") for r in _children(element, name) if r.get("targetGUID")
        )

    def code(self, element: ET.Element, depth: int = 0) -> RefiCode | None:
        if depth > _MAX_DEPTH:
            raise RefiRefused(
                f"{self.source} nests codes more than {_MAX_DEPTH} levels deep; refused."
            )
        guid, name = element.get("guid"), element.get("name")
        if not guid or name is None:
            self.problems.append((f"code {name or guid or '(unnamed)'}", "it has no guid or name"))
            return None
        codable = element.get("isCodable")
        if codable is None:
            self.warnings.append(f"code {name!r} has no isCodable attribute; taken as codable")
        found = (self.code(child, depth + 1) for child in _children(element, "Code"))
        children = tuple(c for c in found if c is not None)
        return RefiCode(
            guid=guid,
            name=name,
            codable=(codable or "true").strip().lower() not in ("false", "0"),
            color=element.get("color"),
            description=_text(element, "Description"),
            note_refs=self.refs(element),
            children=children,
        )

    def codes(self, root: ET.Element) -> tuple[RefiCode, ...]:
        book = root if _local(root.tag) == "CodeBook" else _child(root, "CodeBook")
        codes = None if book is None else _child(book, "Codes")
        if codes is None:
            return ()
        return tuple(c for c in map(self.code, _children(codes, "Code")) if c is not None)

    def coding(self, element: ET.Element, where: str) -> RefiCoding | None:
        target = None
        notes = []
        for child in element:  # one pass: a large file has hundreds of thousands of codings
            name = _local(child.tag)
            if name == "CodeRef" and target is None:
                target = child.get("targetGUID")
            elif name == "NoteRef" and child.get("targetGUID"):
                notes.append(child.get("targetGUID", ""))
        if not target:
            self.problems.append((f"a coding in {where}", "it names no code (no CodeRef)"))
            return None
        return RefiCoding(
            guid=element.get("guid", ""),
            code=target,
            user=element.get("creatingUser"),
            created=self.when(element, "creationDateTime"),
            note_refs=tuple(notes),
        )

    def selection(self, element: ET.Element, source: str) -> RefiSelection | None:
        try:
            start = int(element.get("startPosition", ""))
            end = int(element.get("endPosition", ""))
        except ValueError:
            self.problems.append((f"a selection in {source!r}", "its positions are not numbers"))
            return None
        created = self.when(element, "creationDateTime")
        if created is None:
            self.undated += 1
        codings: list[RefiCoding] = []
        notes: list[str] = []
        description = ""
        for child in element:
            name = _local(child.tag)
            if name == "Coding":
                coding = self.coding(child, repr(source))
                if coding is not None:
                    codings.append(coding)
            elif name == "Description":
                description = "".join(child.itertext())
            elif name == "NoteRef" and child.get("targetGUID"):
                notes.append(child.get("targetGUID", ""))
        return RefiSelection(
            guid=element.get("guid", ""),
            name=element.get("name", ""),
            start=start,
            end=end,
            user=element.get("creatingUser") or element.get("modifyingUser"),
            created=created,
            modified=self.when(element, "modifiedDateTime"),
            description=description,
            codings=tuple(codings),
            note_refs=tuple(notes),
        )

    def values(self, element: ET.Element) -> tuple[RefiVariableValue, ...]:
        found = []
        for value in _children(element, "VariableValue"):
            ref = _child(value, "VariableRef")
            data = next((v for v in value if _local(v.tag) in _VALUE_TAGS), None)
            if ref is not None and ref.get("targetGUID") and data is not None:
                found.append(
                    RefiVariableValue(ref.get("targetGUID", ""), (data.text or "").strip())
                )
        return tuple(found)

    def text_source(self, element: ET.Element, kind: str, name: str | None = None) -> RefiSource:
        title = name if name is not None else element.get("name", "")
        content = _child(element, "PlainTextContent")
        path = element.get("plainTextPath")
        if content is not None and path:
            self.warnings.append(
                f"source {title!r} has both PlainTextContent and plainTextPath; the file was read"
            )
        selections = (self.selection(s, title) for s in _children(element, "PlainTextSelection"))
        codings = (self.coding(c, repr(title)) for c in _children(element, "Coding"))
        return RefiSource(
            kind=kind,
            guid=element.get("guid", ""),
            name=title,
            text_path=path,
            content=None if content is None else "".join(content.itertext()),
            user=element.get("creatingUser") or element.get("modifyingUser"),
            created=self.when(element, "creationDateTime"),
            description=_text(element, "Description"),
            rich_text_path=element.get("richTextPath"),
            selections=tuple(s for s in selections if s is not None),
            codings=tuple(c for c in codings if c is not None),
            note_refs=self.refs(element),
            values=self.values(element),
        )

    def sources(self, root: ET.Element) -> tuple[RefiSource, ...]:
        holder = _child(root, "Sources")
        if holder is None:
            return ()
        found = []
        for element in holder:
            kind = _local(element.tag)
            name = element.get("name", "")
            if kind == "TextSource":
                found.append(self.text_source(element, kind))
                continue
            representation = _child(element, "Representation") if kind == "PDFSource" else None
            if representation is not None:
                source = self.text_source(representation, kind, name)
                others = sum(1 for _ in _children(element, "PDFSelection"))
                found.append(_with_others(source, others))
                continue
            others = sum(1 for c in element if _local(c.tag).endswith(("Selection", "Transcript")))
            found.append(
                RefiSource(
                    kind=kind,
                    guid=element.get("guid", ""),
                    name=name,
                    text_path=None,
                    content=None,
                    user=None,
                    created=None,
                    description="",
                    other_selections=others,
                )
            )
        return tuple(found)

    def notes(self, root: ET.Element) -> tuple[RefiNote, ...]:
        holder = _child(root, "Notes")
        if holder is None:
            return ()
        found = []
        for note in _children(holder, "Note"):
            content = _child(note, "PlainTextContent")
            inner = _child(note, "PlainTextSelection")
            span = None
            if inner is not None:
                try:
                    span = (int(inner.get("startPosition", "")), int(inner.get("endPosition", "")))
                except ValueError:
                    span = None
            found.append(
                RefiNote(
                    guid=note.get("guid", ""),
                    name=note.get("name", ""),
                    user=note.get("creatingUser") or note.get("modifyingUser"),
                    created=self.when(note, "creationDateTime"),
                    content=None if content is None else "".join(content.itertext()),
                    text_path=note.get("plainTextPath"),
                    description=_text(note, "Description"),
                    selection=span,
                )
            )
        return tuple(found)

    def cases(self, root: ET.Element) -> tuple[RefiCase, ...]:
        holder = _child(root, "Cases")
        if holder is None:
            return ()
        return tuple(
            RefiCase(
                guid=case.get("guid", ""),
                name=case.get("name", ""),
                values=self.values(case),
                sources=self.refs(case, "SourceRef"),
                other_members=len(self.refs(case, "CodeRef"))
                + len(self.refs(case, "SelectionRef")),
            )
            for case in _children(holder, "Case")
        )

    def project(self, root: ET.Element) -> RefiData:
        users = [
            RefiUser(u.get("guid", ""), u.get("name", ""))
            for u in _grandchildren(root, "Users", "User")
            if u.get("guid")
        ]
        variables = [
            RefiVariable(v.get("guid", ""), v.get("name", ""), v.get("typeOfVariable", "Text"))
            for v in _grandchildren(root, "Variables", "Variable")
        ]
        links = [
            (lk.get("originGUID", ""), lk.get("targetGUID", ""))
            for lk in _grandchildren(root, "Links", "Link")
        ]
        data = RefiData(
            kind="project",
            name=root.get("name", ""),
            origin=root.get("origin", ""),
            users=tuple(users),
            codes=self.codes(root),
            variables=tuple(variables),
            cases=self.cases(root),
            sources=self.sources(root),
            notes=self.notes(root),
            links=tuple(links),
            description=_text(root, "Description"),
            project_note_refs=self.refs(root),
            sets=_count(root, "Sets", "Set"),
            graphs=_count(root, "Graphs", "Graph"),
            creating_user=root.get("creatingUserGUID"),
        )
        self._empty_containers(root)
        return data

    def _empty_containers(self, root: ET.Element) -> None:
        for element in root:
            name = _local(element.tag)
            if (
                name
                in (
                    "Users",
                    "Variables",
                    "Cases",
                    "Sources",
                    "Notes",
                    "Links",
                    "Sets",
                    "Graphs",
                    "Codes",
                )
                and len(element) == 0
            ):
                self.warnings.append(f"an empty <{name}/> (the schema wants at least one item)")


def _grandchildren(root: ET.Element, holder: str, item: str) -> list[ET.Element]:
    found = _child(root, holder)
    return [] if found is None else list(_children(found, item))


def _count(root: ET.Element, holder: str, item: str) -> int:
    found = _child(root, holder)
    return 0 if found is None else sum(1 for _ in _children(found, item))


def _with_others(source: RefiSource, others: int) -> RefiSource:
    return replace(source, other_selections=others)


def parse_refi_xml(data: bytes, source: str) -> RefiData:
    """Parse a ``.qde`` or ``.qdc`` (bytes as stored, any BOM and encoding the XML declares).

    Raises:
        RefiRefused: the XML declares entities or external references, is not well-formed, or
            is neither a REFI-QDA project nor a codebook.
    """
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise RefiRefused(
            f"{source} declares XML entities or external references, which could expand without "
            f"bound or read other files ({type(exc).__name__}); refused."
        ) from exc
    except ET.ParseError as exc:
        raise RefiRefused(f"{source} is not well-formed XML ({exc}); refused.") from exc
    reader = _Reader(source)
    kind = _local(root.tag)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if kind == "Project":
        expected = PROJECT_NS
        data_read = reader.project(root)
    elif kind == "CodeBook":
        expected = CODEBOOK_NS
        data_read = RefiData(
            kind="codebook", name="", origin=root.get("origin", ""), codes=reader.codes(root)
        )
        reader._empty_containers(root)
    else:
        raise RefiRefused(
            f"{source} is not a REFI-QDA project or codebook (its root element is <{kind}>)."
        )
    if namespace != expected:
        said = f"the namespace {namespace!r}" if namespace else "no namespace"
        reader.warnings.insert(0, f"{source} uses {said}, not {expected!r}; read anyway")
    if reader.undated:
        reader.warnings.append(
            f"without creationDateTime: {counted(reader.undated, 'selection')}; they get the "
            "import time"
        )
    return replace(data_read, warnings=tuple(reader.warnings), problems=tuple(reader.problems))
