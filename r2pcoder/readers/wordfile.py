"""Plain text out of a Word ``.docx`` file, with python-docx.

The body is read in document order: each paragraph is one line, and each table row is one line
with its cells joined by tabs (a cell's own paragraphs are joined with spaces so the row stays on
one line, and a merged cell is written once). Headers, footers, footnotes and comments are page
furniture, not the statement, and are left out. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import docx
from docx.table import Table

from r2pcoder.errors import ImportProblem
from r2pcoder.readers.decoding import Decoded

__all__ = ["extract_docx"]

_log = logging.getLogger(__name__)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extract_docx(data: bytes, name: str) -> Decoded:
    """Return the body text of a ``.docx`` file.

    Args:
        data: The file's bytes (not empty).
        name: The file name, for messages.

    Returns:
        The text (not yet normalised) with ``"docx"`` as its encoding.

    Raises:
        ImportProblem: The file is an old ``.doc``, password-protected, or damaged.
    """
    if data.startswith(_OLE_MAGIC):
        # Word saves both 97-2003 .doc files and password-protected .docx files in this format.
        raise ImportProblem(
            f"{name} is an old Word 97-2003 file or is password-protected; "
            "open it in Word and save it as .docx without a password"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportProblem(f"{name} is not a valid Word .docx file (it may be damaged)")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [_block_text(block) for block in document.iter_inner_content()]
    except Exception as exc:  # python-docx raises many types (KeyError, lxml errors...)
        _log.info("python-docx could not read %s", name, exc_info=True)
        raise ImportProblem(f"{name} is not a valid Word .docx file (it may be damaged)") from exc
    return Decoded("\n".join(lines), "docx", ())


def _block_text(block: Any) -> str:
    if isinstance(block, Table):
        return "\n".join(_row_text(row) for row in block.rows)
    return str(block.text)


def _row_text(row: Any) -> str:
    cells: list[str] = []
    previous = None
    for cell in row.cells:
        # A horizontally merged cell is returned once per grid column it spans.
        if cell._tc is previous:
            continue
        previous = cell._tc
        cells.append(" ".join(p.text for p in cell.paragraphs).strip())
    return "\t".join(cells)
