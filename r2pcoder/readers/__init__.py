"""Files on disk to normalised statement text: the reading half of document import.

:func:`read_document` turns one ``.txt``, ``.md``, ``.docx``, ``.pdf``, ``.html`` or ``.htm``
file into text passed through :func:`r2pcoder.textnorm.normalize_text`, or raises
:class:`~r2pcoder.errors.ImportProblem` with a one-line reason a researcher can act on. It never
raises anything else for a bad file: library errors are wrapped. Markdown is kept as written,
since the source text is the statement. :func:`list_importable` lists the files of one folder that
are worth trying.

The per-format work lives in the submodules (``decoding`` and ``plausibility``, ``htmlfile``,
``wordfile``, ``pdffile``). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from r2pcoder.errors import ImportProblem
from r2pcoder.readers.decoding import Decoded, decode_text_bytes, strip_dos_eof
from r2pcoder.readers.htmlfile import extract_html
from r2pcoder.textnorm import normalize_text

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "ReadResult",
    "list_importable",
    "read_document",
]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
# A long UN statement is tens of kilobytes even as a PDF with a letterhead; anything far larger
# is a report or the wrong file, and reading it whole would stall the import. A zip-based file
# (.docx) may not expand to more than this either.
MAX_FILE_BYTES = 100 * 1024 * 1024

_Extractor = Callable[[bytes, str], Decoded]


@dataclass(frozen=True)
class ReadResult:
    """The text of one file, ready to store.

    Attributes:
        text: The text after :func:`~r2pcoder.textnorm.normalize_text`; never empty or blank.
        encoding: How it was read: a codec for text files (``"utf-8"``, ``"utf-8-sig"``,
            ``"utf-16-le"``, ``"cp1252"``...) or ``"docx"``, ``"pdf"``, ``"html"``.
        warnings: Plain-language notes for the researcher, e.g. that a legacy encoding was
            guessed and accented letters should be checked.
    """

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def read_document(path: Path) -> ReadResult:
    """Read one file into normalised text.

    Args:
        path: A file whose suffix (any case) is in :data:`SUPPORTED_SUFFIXES`.

    Returns:
        The normalised text, how it was decoded, and warnings.

    Raises:
        ImportProblem: The file is missing, unreadable, of an unsupported type, empty, binary,
            damaged, password-protected, a scan without text, or in an encoding that cannot be
            recognised with confidence. The message names the file and says why in one line.
    """
    name = path.name or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kind = f"'{path.suffix}'" if path.suffix else "a file without an extension"
        raise ImportProblem(
            f"{name} cannot be imported: {kind} is not supported "
            f"(supported: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    data = _read_bytes(path, name)
    if not data:
        raise ImportProblem(f"{name} is empty")
    decoded = _EXTRACTORS[suffix](data, name)
    text = normalize_text(decoded.text)
    if not text.strip():
        empty = "is empty" if suffix in {".txt", ".md"} else "contains no text"
        raise ImportProblem(f"{name} {empty}")
    return ReadResult(text, decoded.encoding, decoded.warnings)


def list_importable(folder: Path) -> list[Path]:
    """List the files directly inside ``folder`` that :func:`read_document` accepts by suffix.

    Subfolders are not searched, so importing a folder never pulls in files the researcher did
    not see in it. Hidden files (names starting with a dot, files marked hidden on Windows) and
    Office lock files (``~$name.docx``) are skipped.

    Args:
        folder: The folder to list.

    Returns:
        The files, sorted by name ignoring case.

    Raises:
        ImportProblem: The folder is missing, not a folder, or cannot be listed.
    """
    if not folder.exists():
        raise ImportProblem(f"Folder {folder} was not found")
    if not folder.is_dir():
        raise ImportProblem(f"{folder} is not a folder")
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise ImportProblem(f"Folder {folder} could not be listed: {_reason(exc)}") from exc
    found = [p for p in entries if p.suffix.lower() in SUPPORTED_SUFFIXES and _visible_file(p)]
    return sorted(found, key=lambda p: (p.name.casefold(), p.name))


def _extract_text_file(data: bytes, name: str) -> Decoded:
    decoded = decode_text_bytes(data, name)
    return decoded._replace(text=strip_dos_eof(decoded.text))


def _extract_pdf(data: bytes, name: str) -> Decoded:
    # pypdf and python-docx are loaded on first use: together they cost the app's start-up
    # about half a second, and most projects import only text files.
    from r2pcoder.readers.pdffile import extract_pdf  # noqa: PLC0415

    return extract_pdf(data, name)


def _extract_docx(data: bytes, name: str) -> Decoded:
    from r2pcoder.readers.wordfile import extract_docx  # noqa: PLC0415

    return extract_docx(data, name, MAX_FILE_BYTES)


_EXTRACTORS: dict[str, _Extractor] = {
    ".txt": _extract_text_file,
    ".md": _extract_text_file,
    ".docx": _extract_docx,
    ".pdf": _extract_pdf,
    ".html": extract_html,
    ".htm": extract_html,
}


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ImportProblem(f"{name} is a folder, not a file")
        if info.st_size > MAX_FILE_BYTES:
            size_mb = info.st_size // (1024 * 1024)
            limit_mb = MAX_FILE_BYTES // (1024 * 1024)
            raise ImportProblem(f"{name} is too large ({size_mb} MB; the limit is {limit_mb} MB)")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ImportProblem(f"{name} was not found") from exc
    except PermissionError as exc:
        raise ImportProblem(f"{name} could not be opened: permission denied") from exc
    except OSError as exc:
        raise ImportProblem(f"{name} could not be read: {_reason(exc)}") from exc


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _visible_file(path: Path) -> bool:
    if path.name.startswith((".", "~$")):
        return False
    try:
        info = path.stat()
    except OSError:
        return False
    hidden = getattr(info, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_HIDDEN
    return stat.S_ISREG(info.st_mode) and not hidden
