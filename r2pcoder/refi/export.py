r"""Exporting a project as a REFI-QDA ``.qdpx`` (or its codebook as a ``.qdc``) that others open.

The ``project.qde`` follows the element order and required attributes of ``Project.xsd``
(REFI-QDA 1.5): ``Users``, ``CodeBook``, ``Variables``, ``Sources``, ``Notes``; empty containers
are left out, since the schema wants at least one item in each. Sources are UTF-8 files without
a byte-order mark and with ``\n`` line breaks, one per statement, at ``sources/<GUID>.txt``
(``internal://<GUID>.txt``, section 7); positions are code points of that text, end exclusive,
the standard's reading, which is what r2pcoder stores.

Stances: a top-level, non-codable code "Stance" (fixed GUID
:data:`~r2pcoder.refi.codes.STANCE_ROOT`) has one child code per stance, in scale order, and
every coding is one ``PlainTextSelection`` carrying two ``Coding``s, its theme code and its
stance code, so any program shows both and our
import pairs them again. What r2pcoder knows beyond the schema (codebook ids, criteria,
shortcuts, the scale's order and ordinal flag) rides in the codes' descriptions
(:mod:`r2pcoder.refi.describe`). Memos become ``Note``s referenced from their statement or code;
a coding's memo is its selection's ``Description``. The file is written to a temporary name and
renamed into place, so a failure or a cancel leaves nothing. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import uuid as uuid_mod
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from r2pcoder import __version__
from r2pcoder.errors import ExportFailed
from r2pcoder.export.layers import LayerChoice
from r2pcoder.export.writers import atomic_file
from r2pcoder.progress import CancelCheck, ProgressFn, Throttled, check_cancelled
from r2pcoder.refi.codes import STANCE_ROOT
from r2pcoder.refi.collect import CodingOut, DocumentOut, ExportSet, MemoOut, collect, iso_utc
from r2pcoder.refi.describe import pack
from r2pcoder.refi.guids import derived_uuid
from r2pcoder.refi.report import LeftOut, RefiExportReport
from r2pcoder.refi.variables import FIELD_NAMES, field_for
from r2pcoder.refi.xmlread import CODEBOOK_NS, PROJECT_NS
from r2pcoder.refi.xmlwrite import XmlWriter
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["export_refi"]

_NS = uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, "https://r2pcoder.org/refi/export")
_STANCE_TEXT = (
    "The stances of this project's codebook, in scale order. Every coded passage "
    "carries its theme code and its stance code on the same selection."
)


def _guid(*parts: str) -> str:
    return str(uuid_mod.uuid5(_NS, "/".join(parts)))


_when = iso_utc


class _Writer:
    def __init__(self, data: ExportSet, xml: XmlWriter) -> None:
        self.data, self.xml = data, xml
        self.coder_uuid = {c.id: c.uuid for c in data.coders}
        self.theme_uuid = {t.id: t.uuid for t in data.themes}
        self.stance_uuid = {s.id: s.uuid for s in data.stances}
        self.memos: dict[tuple[str, int], list[MemoOut]] = defaultdict(list)
        for memo in data.memos:
            kind, target = (
                ("document", memo.document_id) if memo.document_id else ("theme", memo.theme_id)
            )
            if target is not None:
                self.memos[(kind, target)].append(memo)

    def note_refs(self, kind: str, target: int) -> None:
        for memo in self.memos.get((kind, target), []):
            self.xml.empty("NoteRef", {"targetGUID": memo.uuid})

    def codes(self, with_notes: bool) -> None:
        children: dict[int | None, list[int]] = defaultdict(list)
        for theme in self.data.themes:
            children[theme.parent_id].append(theme.id)
        by_id = {t.id: t for t in self.data.themes}

        def write(theme_id: int) -> None:
            t = by_id[theme_id]
            extras: dict[str, object] = {"id": t.key}
            if t.shortcut:
                extras["shortcut"] = t.shortcut
            if t.retired:
                extras["retired"] = True
            codable = "false" if t.uuid in self.data.not_codable else "true"
            self.xml.start(
                "Code", {"guid": t.uuid, "name": t.name, "isCodable": codable, "color": t.color}
            )
            sections = {"include": t.include, "exclude": t.exclude, "example": t.example}
            self.xml.element("Description", pack(t.description, sections, extras))
            if with_notes:
                self.note_refs("theme", t.id)
            for child in children.get(t.id, []):
                write(child)
            self.xml.end("Code")

        for top in children.get(None, []):
            write(top)
        if self.data.stances:
            self.stance_group()

    def stance_group(self) -> None:
        extras = {"stances": True, "ordinal": self.data.ordinal, "codebook": self.data.codebook}
        self.xml.start("Code", {"guid": STANCE_ROOT, "name": "Stance", "isCodable": "false"})
        self.xml.element("Description", pack(_STANCE_TEXT, {}, extras))
        for stance in self.data.stances:
            self.xml.start(
                "Code",
                {
                    "guid": stance.uuid,
                    "name": stance.name,
                    "isCodable": "true",
                    "color": stance.color,
                },
            )
            more: dict[str, object] = {"id": stance.key}
            if stance.shortcut:
                more["shortcut"] = stance.shortcut
            self.xml.element("Description", pack(stance.definition, {}, more))
            self.xml.end("Code")
        self.xml.end("Code")

    def variables(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for doc in self.data.documents:
            for key, value in doc.meta.items():
                if value:
                    names.setdefault(key, FIELD_NAMES[key])
            for key in doc.attributes:
                name = (
                    key
                    if field_for(key) is None and not key.lower().startswith("attr:")
                    else f"attr:{key}"
                )
                names.setdefault(f"attr/{key}", name)
        if names:
            self.xml.start("Variables")
            for key, name in names.items():
                self.xml.empty(
                    "Variable",
                    {"guid": _guid("variable", key), "name": name, "typeOfVariable": "Text"},
                )
            self.xml.end("Variables")
        return names


def _write_project(
    data: ExportSet, out: Path, progress: Throttled, cancelled: CancelCheck | None
) -> int:
    by_doc: dict[int, list[int]] = defaultdict(list)
    for n, coding in enumerate(data.codings):
        by_doc[coding.document_id].append(n)
    # Compression level 1: three times faster than the default on text, a few per cent larger.
    with (
        atomic_file(out) as temp,
        zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        for n, doc in enumerate(data.documents):
            check_cancelled(cancelled)
            progress(0.2 + 0.4 * n / max(1, len(data.documents)))
            archive.writestr(f"sources/{doc.uuid}.txt", doc.text.encode("utf-8"))
        with archive.open("project.qde", "w", force_zip64=True) as handle:
            replaced = _project_xml(data, handle, by_doc, progress, cancelled)
    return replaced


def _project_xml(
    data: ExportSet,
    handle: IO[bytes],
    by_doc: dict[int, list[int]],
    progress: Throttled,
    cancelled: CancelCheck | None,
) -> int:
    xml = XmlWriter(handle)
    w = _Writer(data, xml)
    xml.start(
        "Project",
        {
            "xmlns": PROJECT_NS,
            "name": data.name or "r2pcoder project",
            "origin": f"r2pcoder {__version__}",
            "creationDateTime": _when(datetime.now(UTC)),
        },
    )
    if data.coders:
        xml.start("Users")
        for coder in data.coders:
            xml.empty("User", {"guid": coder.uuid, "name": coder.name})
        xml.end("Users")
    if data.themes or data.stances:
        xml.start("CodeBook")
        xml.start("Codes")
        w.codes(with_notes=True)
        xml.end("Codes")
        xml.end("CodeBook")
    variables = w.variables()
    if data.documents:
        xml.start("Sources")
        for n, doc in enumerate(data.documents):
            check_cancelled(cancelled)
            progress(0.6 + 0.35 * n / max(1, len(data.documents)))
            _source(w, doc, [data.codings[i] for i in by_doc.get(doc.id, [])], variables)
        xml.end("Sources")
    _notes(w)
    xml.end("Project")
    xml.flush()
    return xml.replaced


def _source(
    w: _Writer, doc: DocumentOut, codings: list[CodingOut], variables: dict[str, str]
) -> None:
    xml = w.xml
    xml.start(
        "TextSource",
        {
            "guid": doc.uuid,
            "name": doc.title,
            "plainTextPath": f"internal://{doc.uuid}.txt",
            "creationDateTime": _when(doc.imported_at),
        },
    )
    for c in codings:
        # Built as one string: a large project has hundreds of thousands of these, and only
        # the quote and the memo can hold characters that need escaping.
        coder = w.coder_uuid[c.coder_id]
        name = xml.attr(doc.text[c.start : c.end][:100])
        memo = f"<Description>{xml.text(c.memo)}</Description>\n" if c.memo else ""
        stance = ""
        if c.stance_id is not None and c.stance_id in w.stance_uuid:
            stance = (
                f'<Coding guid="{derived_uuid(c.uuid, "stance")}" creatingUser="{coder}" '
                f'creationDateTime="{c.created}"><CodeRef targetGUID='
                f'"{w.stance_uuid[c.stance_id]}"/></Coding>\n'
            )
        xml.raw(
            f'<PlainTextSelection guid="{derived_uuid(c.uuid, "selection")}" name="{name}" '
            f'startPosition="{c.start}" endPosition="{c.end}" creatingUser="{coder}" '
            f'creationDateTime="{c.created}" modifyingUser="{coder}" '
            f'modifiedDateTime="{c.modified}">{memo}<Coding guid="{c.uuid}" '
            f'creatingUser="{coder}" creationDateTime="{c.created}"><CodeRef targetGUID='
            f'"{w.theme_uuid[c.theme_id]}"/></Coding>\n{stance}</PlainTextSelection>\n'
        )
    w.note_refs("document", doc.id)
    values = [(f, v) for f, v in doc.meta.items() if v] + [
        (f"attr/{k}", v) for k, v in doc.attributes.items() if v
    ]
    for key, value in values:
        if key in variables:
            xml.start("VariableValue")
            xml.empty("VariableRef", {"targetGUID": _guid("variable", key)})
            xml.element("TextValue", value)
            xml.end("VariableValue")
    xml.end("TextSource")


def _notes(w: _Writer) -> None:
    memos = [m for group in w.memos.values() for m in group]
    if not memos:
        return
    w.xml.start("Notes")
    titles = {d.id: d.title for d in w.data.documents}
    names = {t.id: t.name for t in w.data.themes}
    for memo in memos:
        target = titles.get(memo.document_id or -1) or names.get(memo.theme_id or -1, "")
        w.xml.start(
            "Note",
            {
                "guid": memo.uuid,
                "name": f"Memo on {target}",
                "creatingUser": w.coder_uuid.get(memo.coder_id or -1),
                "creationDateTime": _when(memo.modified_at),
            },
        )
        w.xml.element("PlainTextContent", memo.text)
        w.xml.end("Note")
    w.xml.end("Notes")


def _write_codebook(data: ExportSet, out: Path) -> int:
    with atomic_file(out) as temp, temp.open("wb") as handle:
        xml = XmlWriter(handle)
        xml.start("CodeBook", {"xmlns": CODEBOOK_NS, "origin": f"r2pcoder {__version__}"})
        xml.start("Codes")
        _Writer(data, xml).codes(with_notes=False)
        xml.end("Codes")
        xml.end("CodeBook")
        xml.flush()
        return xml.replaced


def export_refi(
    project: Project,
    out: Path,
    *,
    layer: LayerChoice | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> RefiExportReport:
    """Write ``project`` as ``out.qdpx``, or its codebook as ``out.qdc`` (by suffix).

    Args:
        project: the project to export.
        out: a path ending in ``.qdpx`` or ``.qdc``; replaced atomically if it exists.
        layer: which codings (a coder's, agreed by all, a majority); None writes every coding
            of every coder.
        progress: called with the fraction done.
        cancelled: polled between statements; when it returns True no file is left behind.

    Raises:
        ExportFailed: a wrong suffix, a missing folder, an unknown coder in ``layer``, or a
            codebook export of a project without a codebook.
        Cancelled: asked to stop.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".qdpx", ".qdc"):
        raise ExportFailed(
            f"A REFI-QDA export needs a name ending in .qdpx or .qdc, not {out.name}."
        )
    if not out.parent.is_dir():
        raise ExportFailed(f"The folder {out.parent} does not exist; choose an existing folder.")
    if suffix == ".qdc" and layer is not None:
        raise ExportFailed("A codebook (.qdc) holds no codings, so it takes no layer.")
    report = Throttled(progress)
    data = collect(project, layer)
    report(0.2)
    left: list[LeftOut] = []
    if suffix == ".qdc":
        if not data.themes and not data.stances:
            raise ExportFailed(
                f"{project.path.name} has no codebook yet; there is nothing to export."
            )
        replaced = _write_codebook(data, out)
        theme_memos = sum(1 for m in data.memos if m.theme_id is not None)
        if theme_memos:
            left.append(
                LeftOut(
                    counted(theme_memos, "theme memo"),
                    "a .qdc codebook has no notes; export a .qdpx project to keep them",
                )
            )
        counts = {"themes": len(data.themes), "stances": len(data.stances)}
    else:
        replaced = _write_project(data, out, report, cancelled)
        counts = {
            "statements": len(data.documents),
            "themes": len(data.themes),
            "stances": len(data.stances),
            "coders": len(data.coders),
            "codings": len(data.codings),
            "memos": len(data.memos),
        }
        if data.done_marks:
            marks = counted(data.done_marks, "'done' mark")
            left.append(
                LeftOut(
                    f"{marks} of coders on statements",
                    "REFI-QDA has no element for a coder's progress",
                )
            )
    if replaced:
        left.append(
            LeftOut(
                f"{counted(replaced, 'control character')} in names, memos or metadata",
                "XML cannot hold them; they were written as U+FFFD",
            )
        )
    report(1.0)
    return RefiExportReport(
        file=out,
        layer=data.layer if suffix == ".qdpx" else "codebook only",
        counts=counts,
        left_out=tuple(left),
    )
