from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError

from r2pcoder import readers
from r2pcoder.errors import ImportProblem
from r2pcoder.readers import (
    SUPPORTED_SUFFIXES,
    ReadResult,
    list_importable,
    pdffile,
    read_document,
)
from r2pcoder.readers.plausibility import looks_plausible
from r2pcoder.textnorm import normalize_text


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _outcome(path: Path) -> ReadResult | ImportProblem:
    try:
        return read_document(path)
    except ImportProblem as exc:
        return exc


def _pdf_escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _text_pdf(pages: list[list[str]]) -> bytes:
    # A hand-built PDF: one Helvetica font, one content stream per page, one line per Tj.
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    for pid, lines in zip(page_ids, pages, strict=True):
        shown = b" T*\n".join(b"(" + _pdf_escape(line) + b") Tj" for line in lines)
        ops = [b"BT /F1 12 Tf 72 720 Td 14 TL", shown, b"ET"]
        stream = b"\n".join(ops)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (pid + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _encrypted(pdf: bytes, user: str, owner: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user, owner_password=owner, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the API --------------------------------------------------------------------------------


def test_supported_suffixes_are_exactly_the_documented_ones():
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


def test_read_result_is_frozen(tmp_path):
    result = read_document(_write(tmp_path, "a.txt", b"hello"))
    assert result == ReadResult("hello", "utf-8", ())
    with pytest.raises(AttributeError):
        result.text = "other"  # type: ignore[misc]


# --- plain text: encodings -------------------------------------------------------------------


def test_utf8_text_is_read_unchanged(tmp_path):
    result = read_document(_write(tmp_path, "s.txt", "Mr. President,\n  we welcome…".encode()))
    assert result.text == "Mr. President,\n  we welcome…"
    assert result.encoding == "utf-8"
    assert result.warnings == ()


def test_utf8_with_bom_and_crlf_is_normalised(tmp_path):
    data = b"\xef\xbb\xbfFirst line\r\nSecond \xe2\x80\x9cline\xe2\x80\x9d\r\n"
    result = read_document(_write(tmp_path, "s.txt", data))
    assert result.text == "First line\nSecond \u201cline\u201d\n"
    assert result.encoding == "utf-8-sig"
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("codec", "label"), [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")]
)
def test_utf16_with_bom_is_read_in_either_byte_order(tmp_path, codec, label):
    text = "Côte d\u2019Ivoire \U0001f30d\r\nend"
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    result = read_document(_write(tmp_path, "s.txt", bom + text.encode(codec)))
    assert result.text == "Côte d\u2019Ivoire \U0001f30d\nend"
    assert result.encoding == label
    assert result.warnings == ()


def test_utf32_with_bom_is_read(tmp_path):
    result = read_document(_write(tmp_path, "s.txt", "Año".encode("utf-32")))
    assert result.text == "Año"
    assert result.encoding == "utf-32-le"


def test_utf16_without_bom_is_recognised_with_a_warning(tmp_path):
    result = read_document(_write(tmp_path, "s.txt", "Plain words here".encode("utf-16-le")))
    assert result.text == "Plain words here"
    assert result.encoding == "utf-16-le"
    assert result.warnings == ("had no byte-order mark; read as UTF-16 LE",)


def test_utf16_bom_with_broken_body_is_refused(tmp_path):
    data = b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xdc"  # a lone low surrogate
    with pytest.raises(ImportProblem, match="could not be decoded"):
        read_document(_write(tmp_path, "s.txt", data))


def test_cp1252_with_accents_and_curly_quotes_is_decoded_with_a_warning(tmp_path):
    text = (
        "The \u201cresponsibility to protect\u201d \u2013 naïve? "
        "No: Côte d\u2019Ivoire, São Tomé, €5."
    )
    result = read_document(_write(tmp_path, "s.txt", text.encode("cp1252")))
    assert result.text == text
    assert result.encoding == "cp1252"
    assert len(result.warnings) == 1
    assert "cp1252 (Windows Western European)" in result.warnings[0]
    assert "check accented letters" in result.warnings[0]


def test_latin1_spanish_is_read_as_cp1252(tmp_path):
    text = "Señor Presidente: la Resolución nº 1674 (año 2006) es clave."
    result = read_document(_write(tmp_path, "s.txt", text.encode("latin-1")))
    assert result.text == text
    assert result.encoding == "cp1252"


def test_a_single_accented_byte_reads_as_cp1252(tmp_path):
    result = read_document(_write(tmp_path, "s.txt", b"Caf\xe9"))
    assert result.text == "Café"


def test_cp1251_russian_is_detected_and_not_read_as_cp1252(tmp_path):
    text = "Господин Председатель, Российская Федерация поддерживает концепцию. " * 3
    result = read_document(_write(tmp_path, "s.txt", text.encode("cp1251")))
    assert result.text == text
    assert result.encoding == "cp1251"
    assert "Windows Cyrillic" in result.warnings[0]


def test_crlf_in_a_legacy_file_is_normalised(tmp_path):
    result = read_document(_write(tmp_path, "s.txt", "été\r\nhiver".encode("cp1252")))
    assert result.text == "été\nhiver"


def test_decomposed_accents_are_composed(tmp_path):
    result = read_document(_write(tmp_path, "s.txt", "Cafe\u0301".encode()))
    assert result.text == "Caf\u00e9"


def test_dos_end_of_file_mark_is_dropped(tmp_path):
    result = read_document(_write(tmp_path, "s.txt", b"old file\r\n\x1a"))
    assert result.text == "old file\n"


def test_a_few_leftover_replacement_characters_are_kept_with_a_warning(tmp_path):
    text = "Caf\ufffd" + " is a word in a long statement about the responsibility to protect." * 3
    result = read_document(_write(tmp_path, "s.txt", text.encode()))
    assert result.text == text
    assert result.warnings == (
        "contains 1 replacement characters (\ufffd) from an earlier faulty conversion; "
        "some letters are lost",
    )


def test_many_replacement_characters_are_refused(tmp_path):
    text = "Caf\ufffd d\ufffdj\ufffd vu, \ufffdt\ufffd. " * 5
    with pytest.raises(ImportProblem, match="has many damaged characters"):
        read_document(_write(tmp_path, "s.txt", text.encode()))


def test_double_encoded_utf8_is_read_as_is_with_a_warning(tmp_path):
    twice = "Côte d\u2019Ivoire".encode().decode("cp1252")
    result = read_document(_write(tmp_path, "s.txt", twice.encode()))
    assert result.text == twice
    assert result.warnings == (
        "looks converted twice (accented letters appear as pairs such as \u00c3\u00a9); "
        "check the original file",
    )


def test_genuine_accented_utf8_gets_no_double_encoding_warning(tmp_path):
    text = "Côte d\u2019Ivoire, São Tomé, Ñandú, Straße, Ελλάδα, Россия"
    assert read_document(_write(tmp_path, "s.txt", text.encode())).warnings == ()


def test_markdown_is_kept_as_written(tmp_path):
    source = "# Statement\n\n*Mr. President*, see [report](https://un.org)\n\n- one\n"
    result = read_document(_write(tmp_path, "s.md", source.encode()))
    assert result.text == source
    assert result.encoding == "utf-8"


def test_uppercase_suffix_is_accepted(tmp_path):
    assert read_document(_write(tmp_path, "S.TXT", b"words")).text == "words"


def test_surrounding_whitespace_is_not_stripped(tmp_path):
    assert read_document(_write(tmp_path, "s.txt", b"\n  words  \n\n")).text == "\n  words  \n\n"


# --- plain text: refusals ----------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf", b"\xff\xfe \x00\n\x00"])
def test_empty_or_blank_text_file_is_refused(tmp_path, data):
    with pytest.raises(ImportProblem, match=r"^s\.txt is empty$"):
        read_document(_write(tmp_path, "s.txt", data))


def test_nul_bytes_mean_binary(tmp_path):
    data = b"some text\x00\x01\x02\x00\xff more\x00"
    with pytest.raises(ImportProblem, match=r"^s\.txt looks like a binary file, not text$"):
        read_document(_write(tmp_path, "s.txt", data))


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"rest", "PNG image"),
        (b"%PDF-1.7\nnot really text", "PDF"),
        (b"PK\x03\x04rest of a zip", "ZIP"),
        (b"SQLite format 3\x00", "SQLite database"),
    ],
)
def test_known_binary_signatures_are_refused_and_named(tmp_path, data, kind):
    with pytest.raises(ImportProblem, match="looks like a binary file") as info:
        read_document(_write(tmp_path, "s.md", data))
    assert kind in str(info.value)


def test_utf8_full_of_control_characters_is_refused_as_binary(tmp_path):
    data = bytes(range(1, 9)) * 20 + b"some words"
    with pytest.raises(ImportProblem, match="looks like a binary file"):
        read_document(_write(tmp_path, "s.txt", data))


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_refused(tmp_path, seed):
    data = random.Random(seed).randbytes(2000)
    with pytest.raises(ImportProblem, match=r"binary|could not be decoded"):
        read_document(_write(tmp_path, "s.txt", data))


@pytest.mark.parametrize("seed", range(5))
def test_random_high_bytes_without_controls_are_refused_not_guessed(tmp_path, seed):
    rng = random.Random(seed)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(400))
    with pytest.raises(ImportProblem, match=r"^s\.txt could not be decoded"):
        read_document(_write(tmp_path, "s.txt", data))


def test_mojibake_prone_bytes_are_never_returned_silently(tmp_path):
    # Mac Roman "é" is 0x8E, which cp1252 reads as "Ž"; "CafŽ" must not pass as a clean read.
    data = "Café résumé déjà".encode("mac_roman")
    result = _outcome(_write(tmp_path, "s.txt", data))
    if isinstance(result, ImportProblem):
        return
    assert "Ž" not in result.text
    assert result.warnings


@pytest.mark.parametrize(
    "text",
    [
        "Café \u201cnaïve\u201d résumé, Côte d\u2019Ivoire",
        "Господин Председатель",
        "主席先生\uff0c使用PDF文件",
        "السيد الرئيس",
        "Resolución nº 1674",
    ],
)
def test_real_text_looks_plausible(text):
    assert looks_plausible(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ãîñïîäèí Ïðåäñåäàòåëü",  # cp1251 bytes read as cp1252
        "Cafژ rژsumژ",  # Latin and Arabic letters in one word
        "CafŽ rŽsumŽ",  # accented capital inside a word
        "¢¢¢ ¼¼¼ ¢¼",  # symbol soup
    ],
)
def test_mojibake_does_not_look_plausible(text):
    assert not looks_plausible(text)


def test_emoji_rich_text_is_plausible_only_when_not_strict():
    text = "We agree 👍👍👍"
    assert looks_plausible(text, strict=False)
    assert not looks_plausible(text)


# --- .docx ----------------------------------------------------------------------------------


def test_docx_paragraphs_are_lines(tmp_path):
    def build(document):
        document.add_heading("Statement", level=1)
        document.add_paragraph("Mr. President,")
        document.add_paragraph("We welcome the report \U0001f44d.")

    result = read_document(_write(tmp_path, "s.docx", _docx_bytes(build)))
    assert result.text == "Statement\nMr. President,\nWe welcome the report \U0001f44d."
    assert result.encoding == "docx"
    assert result.warnings == ()


def test_docx_tables_become_tab_separated_lines_in_document_order(tmp_path):
    def build(document):
        document.add_paragraph("Before")
        table = document.add_table(rows=2, cols=3)
        for r, row in enumerate([["Pillar", "Rating", "Trend"], ["I", "Fair", "Up"]]):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        document.add_paragraph("After")

    result = read_document(_write(tmp_path, "s.docx", _docx_bytes(build)))
    assert result.text == "Before\nPillar\tRating\tTrend\nI\tFair\tUp\nAfter"


def test_docx_merged_cells_are_written_once_and_cell_paragraphs_stay_on_the_row(tmp_path):
    def build(document):
        table = document.add_table(rows=2, cols=2)
        merged = table.cell(0, 0).merge(table.cell(0, 1))
        merged.text = "Header"
        table.cell(1, 0).text = "first"
        table.cell(1, 0).add_paragraph("second")
        table.cell(1, 1).text = "x"

    result = read_document(_write(tmp_path, "s.docx", _docx_bytes(build)))
    assert result.text == "Header\nfirst second\tx"


def test_docx_line_breaks_are_normalised(tmp_path):
    def build(document):
        run = document.add_paragraph().add_run("one")
        run.add_break()
        run.add_text("two")

    result = read_document(_write(tmp_path, "s.docx", _docx_bytes(build)))
    assert result.text == "one\ntwo"


def _docx_with_body_xml(*fragments: str) -> bytes:
    def build(document):
        body = document.element.body
        for fragment in fragments:
            body.insert(len(body) - 1, parse_xml(f"<w:root {nsdecls('w')}>{fragment}</w:root>")[0])

    return _docx_bytes(build)


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_docx_tracked_insertions_are_kept_and_deletions_dropped(tmp_path):
    paragraph = (
        "<w:p>"
        + _run("We ")
        + '<w:ins w:id="1" w:author="a">'
        + _run("strongly ")
        + "</w:ins>"
        + '<w:del w:id="2" w:author="a"><w:r><w:delText>weakly </w:delText></w:r></w:del>'
        + _run("support.")
        + "</w:p>"
    )
    result = read_document(_write(tmp_path, "s.docx", _docx_with_body_xml(paragraph)))
    assert result.text == "We strongly support."


def test_docx_content_controls_hyperlinks_and_fields_keep_their_text(tmp_path):
    block_control = (
        "<w:sdt><w:sdtContent><w:p>" + _run("In a control") + "</w:p></w:sdtContent></w:sdt>"
    )
    inline = (
        "<w:p>"
        + _run("See ")
        + '<w:hyperlink w:anchor="x">'
        + _run("the report")
        + "</w:hyperlink>"
        + "<w:sdt><w:sdtContent>"
        + _run(", dated ")
        + "</w:sdtContent></w:sdt>"
        + '<w:fldSimple w:instr="DATE">'
        + _run("6 September")
        + "</w:fldSimple>"
        + "</w:p>"
    )
    data = _docx_with_body_xml(block_control, inline)
    result = read_document(_write(tmp_path, "s.docx", data))
    assert result.text == "In a control\nSee the report, dated 6 September"


def test_docx_tabs_inside_a_paragraph_are_kept(tmp_path):
    paragraph = "<w:p><w:r><w:t>Pillar</w:t><w:tab/><w:t>I</w:t></w:r></w:p>"
    result = read_document(_write(tmp_path, "s.docx", _docx_with_body_xml(paragraph)))
    assert result.text == "Pillar\tI"


def test_docx_cells_merged_down_rows_are_written_once(tmp_path):
    def build(document):
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).merge(table.cell(1, 0)).text = "Both rows"
        table.cell(0, 1).text = "top"
        table.cell(1, 1).text = "bottom"

    result = read_document(_write(tmp_path, "s.docx", _docx_bytes(build)))
    assert result.text == "Both rows\ttop\n\tbottom"


def test_docx_table_nested_in_a_cell_stays_on_the_row(tmp_path):
    def build(document):
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "outer"
        inner = table.cell(0, 1).add_table(rows=1, cols=2)
        inner.cell(0, 0).text = "in1"
        inner.cell(0, 1).text = "in2"

    result = read_document(_write(tmp_path, "s.docx", _docx_bytes(build)))
    assert result.text == "outer\tin1 in2"


def test_docx_without_text_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match=r"^s\.docx contains no text$"):
        read_document(_write(tmp_path, "s.docx", _docx_bytes(lambda d: None)))


def test_truncated_docx_is_refused(tmp_path):
    data = _docx_bytes(lambda d: d.add_paragraph("text"))
    with pytest.raises(ImportProblem, match=r"^s\.docx is not a valid Word \.docx file"):
        read_document(_write(tmp_path, "s.docx", data[: len(data) // 2]))


def test_zip_that_is_not_a_docx_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ImportProblem, match=r"is not a valid Word \.docx file"):
        read_document(_write(tmp_path, "s.docx", buffer.getvalue()))


def test_text_named_docx_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match=r"is not a valid Word \.docx file"):
        read_document(_write(tmp_path, "s.docx", b"just text"))


def test_old_word_or_protected_docx_is_refused_with_advice(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    with pytest.raises(ImportProblem, match=r"save it as \.docx without a password"):
        read_document(_write(tmp_path, "s.docx", data))


# --- .pdf -----------------------------------------------------------------------------------


def test_pdf_text_of_each_page_is_joined_with_newlines(tmp_path):
    pdf = _text_pdf([["Mr. President,", "we welcome"], ["the report (A/71/1016)."]])
    result = read_document(_write(tmp_path, "s.pdf", pdf))
    assert result.text == "Mr. President,\nwe welcome\nthe report (A/71/1016)."
    assert result.encoding == "pdf"
    assert result.warnings == ()


def test_pdf_accented_text_comes_through(tmp_path):
    result = read_document(_write(tmp_path, "s.pdf", _text_pdf([["Côte d\u2019Ivoire"]])))
    assert result.text == "Côte d\u2019Ivoire"


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    with pytest.raises(
        ImportProblem, match=r"^s\.pdf has no text layer \(scanned image\?\); run OCR first$"
    ):
        read_document(_write(tmp_path, "s.pdf", _blank_pdf(2)))


def test_pdf_with_some_blank_pages_warns_which(tmp_path):
    pdf = _text_pdf([["one"], [], ["three"]])
    result = read_document(_write(tmp_path, "s.pdf", pdf))
    assert result.text.split() == ["one", "three"]
    assert result.warnings == ("page 2 has no text layer (scanned?); its text is missing",)


def test_pdf_with_garbled_text_is_read_with_a_warning(tmp_path):
    garbled = "".join(chr(c) for c in range(1, 9)) * 4 + " words"
    result = read_document(_write(tmp_path, "s.pdf", _text_pdf([[garbled]])))
    assert "words" in result.text
    assert result.warnings == (
        "the text layer looks garbled (fonts without a Unicode map?); check the text or run OCR",
    )


def test_pdf_with_no_pages_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match=r"^s\.pdf has no pages$"):
        read_document(_write(tmp_path, "s.pdf", _blank_pdf(0)))


def test_pdf_needing_a_password_is_refused(tmp_path):
    pdf = _encrypted(_text_pdf([["secret words"]]), user="open-sesame", owner="owner")
    with pytest.raises(ImportProblem, match=r"^s\.pdf is password-protected"):
        read_document(_write(tmp_path, "s.pdf", pdf))


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    pdf = _encrypted(_text_pdf([["open words"]]), user="", owner="owner")
    assert read_document(_write(tmp_path, "s.pdf", pdf)).text == "open words"


def test_pdf_encrypted_with_an_unavailable_method_is_explained(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pdffile, "PdfReader", refuse)
    with pytest.raises(ImportProblem, match="encrypted in a way this installation cannot open"):
        read_document(_write(tmp_path, "s.pdf", _text_pdf([["x"]])))


def test_corrupt_pdf_is_refused(tmp_path):
    data = b"%PDF-1.4\n" + random.Random(3).randbytes(800)
    with pytest.raises(ImportProblem, match=r"^s\.pdf "):
        read_document(_write(tmp_path, "s.pdf", data))


def test_truncated_pdf_is_refused_or_read_but_never_crashes(tmp_path):
    pdf = _text_pdf([["alpha"], ["beta"]])
    outcome = _outcome(_write(tmp_path, "s.pdf", pdf[: len(pdf) // 2]))
    if isinstance(outcome, ImportProblem):
        assert str(outcome).startswith("s.pdf ")


def test_text_named_pdf_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match=r"^s\.pdf is not a PDF file"):
        read_document(_write(tmp_path, "s.pdf", b"plain words"))


# --- .html ----------------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html><head><title>Ignored title</title>
<style>p { color: red; }</style>
<script>var x = "<p>not text</p>";</script></head>
<body>
<h1>Statement   by
   Korea</h1>
<!-- a comment -->
<p>Mr.&nbsp;President, we   welcome
the <b>report</b> &amp; its &#8220;pillars&#8221;.<br>New line</p>
<ul><li>one</li><li>two</li></ul>
<table><tr><th>Pillar</th><th>Rating</th></tr>
<tr><td><p>I</p></td><td>Fair<td>extra</tr></table>
<pre>  keep   this
    layout</pre>
<div>End</div>
</body></html>"""


def test_html_extraction_keeps_what_a_reader_sees(tmp_path):
    result = read_document(_write(tmp_path, "s.html", _PAGE.encode()))
    assert result.text == (
        "Statement by Korea\n"
        "Mr.\u00a0President, we welcome the report & its \u201cpillars\u201d.\n"
        "New line\n"
        "one\n"
        "two\n"
        "Pillar\tRating\n"
        "I\tFair\textra\n"
        "  keep   this\n"
        "    layout\n"
        "End"
    )
    assert result.encoding == "html"
    assert result.warnings == ()


def test_html_fragment_without_body_is_read(tmp_path):
    result = read_document(_write(tmp_path, "s.htm", b"<p>One</p><p>Two</p>"))
    assert result.text == "One\nTwo"


def test_html_unclosed_head_without_body_ends_at_the_first_paragraph(tmp_path):
    page = b"<html><head><title>T</title><meta charset=utf-8><p>First</p><p>Second</p>"
    assert read_document(_write(tmp_path, "s.html", page)).text == "First\nSecond"


def test_html_title_outside_head_is_dropped(tmp_path):
    page = b"<title>Tab name</title><p>Body</p><iframe>fallback</iframe>"
    assert read_document(_write(tmp_path, "s.html", page)).text == "Body"


def test_html_unclosed_head_ends_at_body(tmp_path):
    result = read_document(_write(tmp_path, "s.html", b"<head><title>T<body><p>Body"))
    assert result.text == "Body"


def test_html_meta_charset_is_honoured(tmp_path):
    page = '<meta charset="windows-1252"><p>\u201cProtection\u201d \u2013 Côte</p>'
    result = read_document(_write(tmp_path, "s.html", page.encode("cp1252")))
    assert result.text == "\u201cProtection\u201d \u2013 Côte"
    assert result.warnings == (
        "decoded as cp1252 (Windows Western European), as the file declares",
    )


def test_html_declared_latin1_is_read_as_cp1252_like_browsers_do(tmp_path):
    head = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    result = read_document(_write(tmp_path, "s.html", head + b"<p>\x93quoted\x94</p>"))
    assert result.text == "\u201cquoted\u201d"


def test_html_with_a_wrong_utf8_declaration_falls_back_to_detection(tmp_path):
    page = '<meta charset="utf-8"><p>Señor Presidente</p>'.encode("cp1252")
    result = read_document(_write(tmp_path, "s.html", page))
    assert result.text == "Señor Presidente"
    assert result.encoding == "html"
    assert "cp1252" in result.warnings[0]


def test_html_without_visible_text_is_refused(tmp_path):
    page = b"<html><head><title>Only a title</title></head><body><script>x()</script></body>"
    with pytest.raises(ImportProblem, match=r"^s\.html contains no text$"):
        read_document(_write(tmp_path, "s.html", page))


def test_html_with_markup_that_breaks_the_parser_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match=r"^s\.html could not be read as HTML"):
        read_document(_write(tmp_path, "s.html", b"<p>text</p><![OCTYPE html]>"))


def test_binary_named_html_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match="looks like a binary file"):
        read_document(_write(tmp_path, "s.html", b"\x89PNG\r\n\x1a\nxxxx"))


# --- files that cannot be read at all ------------------------------------------------------


def test_unknown_suffix_names_the_supported_ones(tmp_path):
    with pytest.raises(ImportProblem) as info:
        read_document(_write(tmp_path, "s.rtf", b"{\\rtf1 hi}"))
    assert str(info.value) == (
        "s.rtf cannot be imported: '.rtf' is not supported "
        "(supported: .txt, .md, .docx, .pdf, .html, .htm)"
    )


def test_file_without_suffix_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match="a file without an extension is not supported"):
        read_document(_write(tmp_path, "README", b"words"))


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match=r"^gone\.txt was not found$"):
        read_document(tmp_path / "gone.txt")


def test_folder_with_a_text_suffix_is_refused(tmp_path):
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(ImportProblem, match=r"^dir\.txt is a folder, not a file$"):
        read_document(tmp_path / "dir.txt")


def test_permission_denied_is_refused(tmp_path, monkeypatch):
    path = _write(tmp_path, "s.txt", b"words")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(ImportProblem, match=r"^s\.txt could not be opened: permission denied$"):
        read_document(path)


def test_other_os_errors_are_refused_in_plain_words(tmp_path, monkeypatch):
    path = _write(tmp_path, "s.txt", b"words")

    def fail(self):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "read_bytes", fail)
    with pytest.raises(ImportProblem, match=r"^s\.txt could not be read: input/output error$"):
        read_document(path)


def test_too_large_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 3 * 1024 * 1024)
    path = _write(tmp_path, "s.txt", b"a" * (4 * 1024 * 1024))
    with pytest.raises(ImportProblem, match=r"^s\.txt is too large \(4 MB; the limit is 3 MB\)$"):
        read_document(path)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=600), suffix=st.sampled_from(SUPPORTED_SUFFIXES))
def test_any_bytes_give_a_result_or_an_import_problem(tmp_path, data, suffix):
    path = _write(tmp_path, "fuzz" + suffix, data)
    outcome = _outcome(path)
    if isinstance(outcome, ImportProblem):
        assert "\n" not in str(outcome)
        assert str(outcome).startswith("fuzz")
    else:
        assert outcome.text.strip()
        assert normalize_text(outcome.text) == outcome.text


_TEXT = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffd"),
        max_size=5,
    )
    | st.sampled_from(["\n", "\r\n", "\r", "\t", "\U0001f600", "e\u0301", "\ufeff"]),
    min_size=1,
    max_size=20,
).map("".join)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_TEXT, codec=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_any_unicode_text_round_trips_through_utf8(tmp_path, text, codec):
    path = _write(tmp_path, "rt.txt", text.encode(codec))
    expected = normalize_text(text)
    if not expected.strip():
        with pytest.raises(ImportProblem, match="is empty"):
            read_document(path)
    else:
        assert read_document(path).text == expected


_WORDS = st.sampled_from(
    [
        "Mr.",
        "President",
        "Côte",
        "d\u2019Ivoire",
        "Señor",
        "Господин",
        "Председатель",
        "السيد",
        "الرئيس",
        "主席先生",
        "使用PDF文件",
        "保护的责任",
        "대한민국",
        "Việt",
        "\U0001f30d",
        "\U0001f44d\U0001f3fd",
        "Cafe\u0301",
        "1674",
    ]
)
_SEPARATORS = st.sampled_from([" ", ", ", ".\n", "\r\n", "\t", " \u2013 ", "\u3002"])
_STATEMENT = st.lists(st.tuples(_WORDS, _SEPARATORS), min_size=1, max_size=30).map(
    lambda pairs: "".join(word + sep for word, sep in pairs)
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_STATEMENT, codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_multilingual_text_round_trips_through_every_unicode_encoding(tmp_path, text, codec):
    path = _write(tmp_path, "rt.txt", text.encode(codec))
    assert read_document(path).text == normalize_text(text)


def test_binary_noise_after_a_utf16_bom_is_refused(tmp_path):
    rng = random.Random(7)
    noise = bytes(rng.randrange(0x21, 0x7F) for _ in range(600))
    with pytest.raises(ImportProblem, match="does not read as text"):
        read_document(_write(tmp_path, "s.txt", b"\xff\xfe" + noise))


def test_chinese_with_ascii_words_is_detected_as_a_chinese_encoding(tmp_path):
    text = "主席先生\uff0c中国代表团支持保护的责任。我们阅读了PDF文件中的报告。" * 3
    result = read_document(_write(tmp_path, "s.txt", text.encode("gb18030")))
    assert result.text == text
    assert result.encoding in {"gb18030", "gbk", "gb2312"}
    assert "check that the text reads correctly" in result.warnings[0]


def test_html_declaring_utf16_but_saved_as_utf8_is_read_as_utf8(tmp_path):
    page = '<meta charset="utf-16"><p>Señor</p>'.encode()
    result = read_document(_write(tmp_path, "s.html", page))
    assert result.text == "Señor"
    assert result.warnings == ()


# --- list_importable ----------------------------------------------------------------------


def test_list_importable_is_flat_sorted_and_skips_hidden_and_unsupported(tmp_path):
    for name in [
        "b.txt",
        "A.docx",
        "c.PDF",
        "d.html",
        "e.htm",
        "f.md",
        "g.rtf",
        "h",
        ".hidden.txt",
    ]:
        _write(tmp_path, name, b"x")
    _write(tmp_path, "~$lock.docx", b"x")
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "nested.txt", b"x")
    (tmp_path / "folder.txt").mkdir()
    names = [p.name for p in list_importable(tmp_path)]
    assert names == ["A.docx", "b.txt", "c.PDF", "d.html", "e.htm", "f.md"]


def test_list_importable_returns_paths_inside_the_folder(tmp_path):
    _write(tmp_path, "a.txt", b"x")
    assert list_importable(tmp_path) == [tmp_path / "a.txt"]


def test_list_importable_of_an_empty_folder_is_empty(tmp_path):
    assert list_importable(tmp_path) == []


def test_list_importable_refuses_a_missing_folder(tmp_path):
    with pytest.raises(ImportProblem, match="was not found"):
        list_importable(tmp_path / "nope")


def test_list_importable_refuses_a_file(tmp_path):
    path = _write(tmp_path, "a.txt", b"x")
    with pytest.raises(ImportProblem, match="is not a folder"):
        list_importable(path)


def test_pdf_restricted_with_aes_but_no_open_password_is_read(tmp_path):
    # "No editing" UN documents are often AES-encrypted with an empty open password.
    reader = PdfReader(io.BytesIO(_text_pdf([["restricted words"]])))
    writer = PdfWriter(clone_from=reader)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert read_document(_write(tmp_path, "s.pdf", out.getvalue())).text == "restricted words"
