"""Plain text out of an HTML page, with the standard library's ``html.parser`` only.

What a reader of the page sees is kept; everything else is dropped:

* ``script``, ``style``, ``head``, ``title``, ``noscript``, ``template``, ``svg``, ``math``,
  ``iframe``, ``object`` and comments are removed with their content;
* block elements (paragraphs, headings, list items, divs, table rows, ``br``...) end a line;
* table cells of one row are joined with tabs, like tables read from Word files;
* runs of spaces, tabs and newlines inside a paragraph become one space, except inside ``pre``;
* character references (``&amp;``, ``&#8217;``) are decoded; a no-break space stays U+00A0.

Bytes are decoded by :mod:`r2pcoder.readers.decoding`, honouring a ``<meta charset>``. Must not
import Qt or ``ui``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from r2pcoder.errors import ImportProblem
from r2pcoder.readers.decoding import Decoded, decode_text_bytes

__all__ = ["extract_html"]

_SKIPPED = frozenset(
    {"script", "style", "head", "title", "noscript", "template", "svg", "math", "iframe", "object"}
)
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)
_CELLS = frozenset({"td", "th"})
# HTML's own whitespace: a no-break space is content, not layout.
_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_SNIFF_BYTES = 4096


def extract_html(data: bytes, name: str) -> Decoded:
    """Decode an HTML file and return the text a reader of the page would see.

    Args:
        data: The file's bytes (not empty).
        name: The file name, for messages.

    Returns:
        The text (not yet normalised) with ``"html"`` as its encoding, and any decoding warnings.

    Raises:
        ImportProblem: The bytes cannot be decoded, or the markup breaks the parser.
    """
    sniffed = _META_CHARSET.search(data[:_SNIFF_BYTES])
    declared = sniffed.group(1).decode("ascii") if sniffed else None
    decoded = decode_text_bytes(data, name, declared=declared)
    parser = _TextExtractor()
    try:
        parser.feed(decoded.text)
        parser.close()
    except AssertionError as exc:
        # html.parser asserts on some malformed declarations ("<![bogus[ ... ]]>").
        raise ImportProblem(f"{name} could not be read as HTML: its markup is broken") from exc
    return Decoded(parser.text(), "html", decoded.warnings)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[str] = []
        self._buffer: list[str] = []
        self._skip: list[str] = []
        self._pre = 0
        self._cell_depth = 0
        self._cells_in_row = 0

    def text(self) -> str:
        self._flush()
        return "\n".join(self._lines)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if (tag == "body" and "head" in self._skip) or (
            self._skip == ["head"] and (tag in _BLOCKS or tag in _CELLS)
        ):
            # An unclosed <head> ends where body content starts, as in browsers.
            self._skip.clear()
        if tag in _SKIPPED:
            self._skip.append(tag)
        elif self._skip:
            return
        elif tag in _CELLS:
            if self._cells_in_row:
                self._buffer.append("\t")
            self._cells_in_row += 1
            self._cell_depth += 1
        elif tag in _BLOCKS:
            self._end_of_block(tag)
            if tag == "pre":
                self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> and <td/> must not open a skipped region or a cell that never closes.
        if tag in _BLOCKS and not self._skip:
            self._end_of_block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skip:
            while self._skip and self._skip.pop() != tag:
                pass
        elif self._skip:
            return
        elif tag in _CELLS:
            self._cell_depth = max(0, self._cell_depth - 1)
        elif tag in _BLOCKS:
            self._end_of_block(tag)
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._buffer.append(data if self._pre else _SPACE_RUN.sub(" ", data))

    def _end_of_block(self, tag: str) -> None:
        if tag in {"tr", "table"}:
            # Rows and tables close any cell left open (<td> without </td> is valid HTML).
            self._cell_depth = 0
            self._cells_in_row = 0
        if self._cell_depth:
            # A paragraph inside a table cell must not split the row's line.
            self._buffer.append(" ")
        else:
            self._flush()

    def _flush(self) -> None:
        raw = "".join(self._buffer)
        self._buffer = []
        if self._pre:
            if raw.strip("\n"):
                self._lines.extend(raw.strip("\n").split("\n"))
            return
        cells = [_SPACE_RUN.sub(" ", cell).strip(" ") for cell in raw.split("\t")]
        line = "\t".join(cells)
        if line.strip("\t"):
            self._lines.append(line)
