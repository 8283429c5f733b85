"""Reading a ``.qdpx`` or ``.qdc`` into memory: XML, source texts and note texts, nothing written.

The reading half of an import, done before the project is touched: a refused file raises
:class:`~r2pcoder.refi.report.RefiRefused` from here, so the project is never opened for
writing. Source files are decoded like every imported text file (UTF-8 with or without a BOM,
UTF-16 with a BOM; :func:`r2pcoder.readers.decoding.decode_text_bytes`), and whether a BOM was
there is kept, since some programs count it. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path

from r2pcoder.errors import ImportProblem
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.readers.decoding import decode_text_bytes
from r2pcoder.refi.archive import ImportLimits, RefiArchive
from r2pcoder.refi.guids import guid_key
from r2pcoder.refi.model import RefiData, RefiSource
from r2pcoder.refi.offsets import SourceText
from r2pcoder.refi.report import LeftOut, RefiRefused
from r2pcoder.refi.xmlread import parse_refi_xml

__all__ = ["LoadedFile", "LoadedSource", "read_refi_file"]

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TEXT_KINDS = ("TextSource", "PDFSource")


@dataclass(frozen=True)
class LoadedSource:
    """A source and its raw text (None, with the reason, when it has none we can read)."""

    source: RefiSource
    text: SourceText | None
    member: str
    problem: str


@dataclass(frozen=True)
class LoadedFile:
    """Everything read from the file, before any mapping onto the project."""

    path: Path
    data: RefiData
    sources: tuple[LoadedSource, ...]
    notes: dict[str, str]
    warnings: tuple[str, ...]
    left_out: tuple[LeftOut, ...]


def _decode(data: bytes, name: str) -> SourceText:
    decoded = decode_text_bytes(data, name) if data else None
    text = "" if decoded is None else decoded.text
    return SourceText(text, had_bom=data.startswith(_BOMS))


def _source_text(archive: RefiArchive | None, source: RefiSource) -> LoadedSource:
    if source.kind not in _TEXT_KINDS:
        reason = f"a {source.kind} holds no text; r2pcoder codes text only"
    elif source.text_path and archive is not None:
        member = archive.source_member(source.text_path)
        if member is None:
            return LoadedSource(
                source, None, "", f"its file {source.text_path} is not in the archive"
            )
        try:
            return LoadedSource(source, _decode(archive.read(member), member), member, "")
        except ImportProblem as exc:
            return LoadedSource(source, None, member, str(exc))
    elif source.content is not None:
        return LoadedSource(source, SourceText(source.content, had_bom=False), "", "")
    elif source.text_path:
        reason = "its text is in a file, but a .qde alone has none"
    elif source.rich_text_path:
        reason = (
            "only a rich-text file is given; REFI positions count in the plain text, "
            "which is missing"
        )
    else:
        reason = "it has no text"
    return LoadedSource(source, None, "", reason)


def _note_texts(archive: RefiArchive | None, data: RefiData, warnings: list[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for note in data.notes:
        text = note.content
        if text is None and note.text_path and archive is not None:
            member = archive.source_member(note.text_path)
            if member is not None:
                try:
                    text = _decode(archive.read(member), member).raw
                except ImportProblem as exc:
                    warnings.append(f"note {note.name!r}: {exc}; its description was used")
        texts[guid_key(note.guid)] = (text if text is not None else note.description).strip()
    return texts


def _read_xml(path: Path, limits: ImportLimits) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.member_bytes:
            raise RefiRefused(
                f"{path.name} holds {size:,} bytes, more than the limit of "
                f"{limits.member_bytes:,}; refused."
            )
        return path.read_bytes()
    except OSError as exc:
        raise RefiRefused(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc


def read_refi_file(
    path: Path,
    limits: ImportLimits | None = None,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> LoadedFile:
    """Read a ``.qdpx`` project or a ``.qdc`` codebook (by suffix; other names are sniffed).

    Raises:
        RefiRefused: the file is unsafe or unreadable (see :mod:`r2pcoder.refi.archive`).
        Cancelled: asked to stop.
    """
    limits = limits or ImportLimits()
    suffix = path.suffix.lower()
    zipped = suffix == ".qdpx" or (suffix != ".qdc" and path.is_file() and zipfile.is_zipfile(path))
    if not zipped:
        if not path.is_file():
            raise RefiRefused(f"{path.name} does not exist or is not a file.")
        data = parse_refi_xml(_read_xml(path, limits), path.name)
        return _loaded(path, None, data, progress, cancelled)
    with RefiArchive(path, limits) as archive:
        data = parse_refi_xml(archive.read(archive.qde), archive.qde)
        return _loaded(path, archive, data, progress, cancelled)


def _loaded(
    path: Path,
    archive: RefiArchive | None,
    data: RefiData,
    progress: ProgressFn | None,
    cancelled: CancelCheck | None,
) -> LoadedFile:
    warnings = list(data.warnings)
    sources = []
    for n, source in enumerate(data.sources):
        check_cancelled(cancelled)
        if progress is not None:
            progress(n / max(1, len(data.sources)))
        sources.append(_source_text(archive, source))
    notes = _note_texts(archive, data, warnings)
    if archive is not None:
        warnings = archive.warnings + warnings
    left_out = [LeftOut(item, reason) for item, reason in data.problems]
    left_out += [LeftOut(f"source {s.source.name!r}", s.problem) for s in sources if s.text is None]
    return LoadedFile(path, data, tuple(sources), notes, tuple(warnings), tuple(left_out))
