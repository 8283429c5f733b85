"""Plain text out of a Word ``.docx`` file, with python-docx.

python-docx opens the package; the body XML is then walked in document order, because its
``Paragraph.text`` skips text inside tracked insertions, content controls and simple fields,
and its table API repeats merged cells. The rules:

* each paragraph is one line; a manual line break inside it is a newline and a tab a tab;
* each table row is one line with its cells joined by tabs; a cell's own paragraphs (and any
  table nested in it) are joined with spaces so the row stays on one line; a cell merged across
  columns is written once, and the continuation of a cell merged down rows is empty;
* text inside tracked insertions (``w:ins``), content controls (``w:sdt``), hyperlinks, smart
  tags and simple fields is kept; tracked deletions and the old place of moved text are not;
* headers, footers, footnotes, comments and text boxes are page furniture, not the statement,
  and are left out.

Before python-docx sees the file, :func:`r2pcoder.readers.ziplimits.check_archive` makes sure it
does not expand beyond the import limit (a "zip bomb" is refused in a second, not read for a
minute into gigabytes of memory).

Must not import Qt or ``ui``.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import docx
from docx.oxml.ns import qn

from r2pcoder.errors import ImportProblem
from r2pcoder.readers.decoding import Decoded
from r2pcoder.readers.ziplimits import check_archive

__all__ = ["extract_docx"]

_log = logging.getLogger(__name__)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_P, _TBL, _TR, _TC, _R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")
_TC_PR, _V_MERGE, _VAL = qn("w:tcPr"), qn("w:vMerge"), qn("w:val")
# Elements whose children are ordinary content at the same level (block, row, cell or run).
_WRAPPERS = frozenset(
    qn(tag)
    for tag in ("w:customXml", "w:ins", "w:moveTo", "w:hyperlink", "w:smartTag", "w:fldSimple")
)


def extract_docx(data: bytes, name: str, limit: int) -> Decoded:
    """Return the body text of a ``.docx`` file.

    Args:
        data: The file's bytes (not empty).
        name: The file name, for messages.
        limit: The most its parts may expand to, in bytes (the import limit).

    Returns:
        The text (not yet normalised) with ``"docx"`` as its encoding.

    Raises:
        ImportProblem: The file is an old ``.doc``, password-protected, damaged, or expands
            beyond ``limit``.
    """
    if data.startswith(_OLE_MAGIC):
        # Word saves both 97-2003 .doc files and password-protected .docx files in this format.
        raise ImportProblem(
            f"{name} is an old Word 97-2003 file or is password-protected; "
            "open it in Word and save it as .docx without a password"
        )
    damaged = ImportProblem(f"{name} is not a valid Word .docx file (it may be damaged)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise damaged
    check_archive(data, name, limit)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
        lines = [line for block in _blocks(body) for line in _block_lines(block)]
    except Exception as exc:  # python-docx raises many types (KeyError, ValueError, lxml...)
        _log.info("python-docx could not read %s", name, exc_info=True)
        raise damaged from exc
    return Decoded("\n".join(lines), "docx", ())


def _children(element: Any, wanted: str) -> list[Any]:
    """Children with tag ``wanted``, looking through content controls and other wrappers."""
    found: list[Any] = []
    for child in element:
        if child.tag == wanted:
            found.append(child)
        elif child.tag == _SDT:
            found.extend(_children(_sdt_content(child), wanted))
        elif child.tag in _WRAPPERS:
            found.extend(_children(child, wanted))
    return found


def _blocks(element: Any) -> list[Any]:
    blocks: list[Any] = []
    for child in element:
        if child.tag in {_P, _TBL}:
            blocks.append(child)
        elif child.tag == _SDT:
            blocks.extend(_blocks(_sdt_content(child)))
        elif child.tag in _WRAPPERS:
            blocks.extend(_blocks(child))
    return blocks


def _sdt_content(sdt: Any) -> Any:
    content = sdt.find(_SDT_CONTENT)
    return () if content is None else content


def _block_lines(block: Any) -> list[str]:
    if block.tag == _P:
        return [_paragraph_text(block)]
    return [
        "\t".join(_cell_text(cell) for cell in _children(row, _TC)) for row in _children(block, _TR)
    ]


def _paragraph_text(paragraph: Any) -> str:
    # A python-docx run element's .text maps w:tab, w:br and w:cr to "\t" and "\n".
    return "".join(str(run.text) for run in _children(paragraph, _R))


def _cell_text(cell: Any) -> str:
    properties = cell.find(_TC_PR)
    merge = properties.find(_V_MERGE) if properties is not None else None
    if merge is not None and merge.get(_VAL) != "restart":
        return ""
    parts: list[str] = []
    for block in _blocks(cell):
        parts.extend(_block_lines(block))
    text = " ".join(part for part in parts if part.strip())
    return text.replace("\t", " ").replace("\n", " ").strip()
