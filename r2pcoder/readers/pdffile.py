"""Plain text out of a PDF's text layer, with pypdf.

The text of each page is joined with a newline. A PDF without any text (a scan) is refused with
advice to run OCR; one where only some pages lack text is read with a warning naming them. A PDF
protected only by an owner password (it opens without asking) is read; one that needs a
password to open is refused. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from r2pcoder.errors import ImportProblem
from r2pcoder.readers.decoding import Decoded
from r2pcoder.readers.plausibility import bad_fraction, looks_plausible

__all__ = ["extract_pdf"]

_log = logging.getLogger(__name__)

_SIGNATURE = b"%PDF-"
# The PDF standard lets the header start anywhere in the first 1024 bytes.
_HEADER_WINDOW = 1024
_MAX_LISTED_PAGES = 5
_MAX_BAD_FRACTION = 0.01


def extract_pdf(data: bytes, name: str) -> Decoded:
    """Return the text layer of a PDF file.

    Args:
        data: The file's bytes (not empty).
        name: The file name, for messages.

    Returns:
        The text (not yet normalised) with ``"pdf"`` as its encoding, and warnings if some
        pages had no text or the text looks garbled.

    Raises:
        ImportProblem: The file is not a PDF, is damaged, needs a password, or has no text.
    """
    if _SIGNATURE not in data[:_HEADER_WINDOW]:
        raise ImportProblem(f"{name} is not a PDF file (it does not start with a PDF header)")
    try:
        pages = _page_texts(data, name)
    except ImportProblem:
        raise
    except DependencyError as exc:
        raise ImportProblem(
            f"{name} is encrypted in a way this installation cannot open; "
            "save an unprotected copy and import that"
        ) from exc
    except FileNotDecryptedError as exc:
        raise _password_problem(name) from exc
    except Exception as exc:  # pypdf raises many types on damaged files
        _log.info("pypdf could not read %s", name, exc_info=True)
        raise ImportProblem(f"{name} is damaged and could not be read as a PDF") from exc
    if not pages:
        raise ImportProblem(f"{name} has no pages")
    empty = [number for number, text in enumerate(pages, start=1) if not text.strip()]
    if len(empty) == len(pages):
        raise ImportProblem(f"{name} has no text layer (scanned image?); run OCR first")
    text = "\n".join(pages)
    warnings: tuple[str, ...] = ()
    if bad_fraction(text) > _MAX_BAD_FRACTION or not looks_plausible(text, strict=False):
        # Fonts without a Unicode map give glyph numbers, not letters; the text is still stored
        # so the researcher can judge, but not silently.
        warnings += (
            "the text layer looks garbled (fonts without a Unicode map?); "
            "check the text or run OCR",
        )
    if empty:
        listed = ", ".join(str(n) for n in empty[:_MAX_LISTED_PAGES])
        more = (
            f" and {len(empty) - _MAX_LISTED_PAGES} more" if len(empty) > _MAX_LISTED_PAGES else ""
        )
        warnings += (
            f"page {listed} has no text layer (scanned?); its text is missing"
            if len(empty) == 1
            else f"pages {listed}{more} have no text layer (scanned?); their text is missing",
        )
    return Decoded(text, "pdf", warnings)


def _page_texts(data: bytes, name: str) -> list[str]:
    try:
        reader = PdfReader(io.BytesIO(data))
    except PdfReadError as exc:
        raise ImportProblem(f"{name} is damaged and could not be read as a PDF") from exc
    if reader.is_encrypted and not reader.decrypt(""):
        # An empty user password opens PDFs that only restrict printing or copying.
        raise _password_problem(name)
    return [page.extract_text() or "" for page in reader.pages]


def _password_problem(name: str) -> ImportProblem:
    return ImportProblem(
        f"{name} is password-protected; save a copy without the password and import that"
    )
