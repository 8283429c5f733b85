import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from r2pcoder.refi.colors import parse_color
from r2pcoder.refi.describe import pack, unpack
from r2pcoder.refi.guids import guid_key, is_guid, uuid_for
from r2pcoder.refi.keys import KeyMaker
from r2pcoder.refi.offsets import READINGS, Reading, SourceText, Span, detect_reading
from r2pcoder.refi.stored import StoredMap
from r2pcoder.refi.variables import field_for
from r2pcoder.refi.xmlwrite import XmlWriter
from r2pcoder.textnorm import normalize_text

NVIVO = Reading(utf16=True, crlf_one=False, bom_counted=False)
ATLAS = Reading(utf16=False, crlf_one=True, bom_counted=False)
STANDARD = Reading(False, False, False)


@pytest.mark.parametrize(
    ("raw", "color", "note"),
    [
        ("#1f77b4", "#1f77b4", ""),
        ("#ABC", "#aabbcc", ""),
        ("rgb(255, 0, 128)", "#ff0080", "read from rgb(...)"),
        ("rgba(0,0,255,0.5)", "#0000ff", "read from rgba(...); alpha dropped"),
        ("#FF1F77B4", "#1f77b4", "read as #AARRGGBB; alpha dropped"),
        ("#1F77B4FF", "#1f77b4", "read as #RRGGBBAA; alpha dropped"),
        ("#f00a", "#ff0000", "read as #RGBA; alpha dropped"),
        ("1f77b4", "#1f77b4", "has no leading #"),
        ("red", None, "is not a colour"),
        ("rgb(300,0,0)", None, "has a channel outside 0-255"),
        (None, None, ""),
    ],
)
def test_colours(raw, color, note):
    assert parse_color(raw) == (color, note)


def test_guid_forms():
    assert guid_key("{ABCDEF01-0000-0000-0000-00000000000A}") == (
        "abcdef01-0000-0000-0000-00000000000a"
    )
    assert is_guid(" {abcdef01-0000-0000-0000-00000000000a} ")
    assert not is_guid("s1")
    kept = uuid_for("{ABCDEF01-0000-0000-0000-00000000000A}", "code")
    assert kept == "abcdef01-0000-0000-0000-00000000000a"
    derived = uuid_for("s1", "source")
    assert is_guid(derived)
    assert derived == uuid_for("S1", "source")
    assert derived != uuid_for("s1", "code")


def test_keys_are_valid_unique_and_stable():
    maker = KeyMaker(["prevention"])
    assert maker.make("Prévention", "x") == "prevention_2"
    assert maker.make("Prevention!", "x") == "prevention_3"
    assert maker.make("Économie / Jobs", "x") == "economie_jobs"
    assert maker.make("日本", "{ABCDEF12-0000}") == "code_abcdef12"
    assert maker.claim("veto")
    assert not maker.claim("veto")
    assert KeyMaker([]).make("x" * 80, "") == "x" * 60


text_st = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


@given(text_st, text_st, text_st, text_st)
def test_descriptions_unpack_exactly(text, include, exclude, example):
    sections = {"include": include, "exclude": exclude, "example": example}
    back = unpack(pack(text, sections, {"id": "k", "shortcut": "p"}))
    assert back.text == text
    assert back.sections == {k: v for k, v in sections.items() if v}
    assert back.extras == {"id": "k", "shortcut": "p"}


@given(text_st)
def test_a_plain_description_stays_whole(text):
    assert unpack(text).text == text
    assert not unpack(text).ours


def test_variable_names_onto_fields():
    assert field_for("Country") == "speaker"
    assert field_for("Cases:Regional_Group") == "regional_group"
    assert field_for("  date ") == "date"
    assert field_for("attr:speaker") is None
    assert field_for("Language") is None


# "a😀b\r\nc" : code points a0 😀1 b2 CR3 LF4 c5 ; UTF-16 a0 😀1-2 b3 CR4 LF5 c6.
def test_vendor_positions_into_raw_text_under_each_reading():
    text = SourceText("a\U0001f600b\r\nc", had_bom=True)
    assert (text.astral, text.crlf) == ([1], [3])
    assert text.to_raw(3, NVIVO) == (2, False)  # b
    assert text.to_raw(2, NVIVO) == (None, True)  # between the halves of the emoji
    assert text.to_raw(6, NVIVO) == (5, False)  # c
    assert text.to_raw(5, NVIVO) == (4, True)  # between CR and LF
    assert text.to_raw(4, ATLAS) == (5, False)  # CRLF as one: c is at 4
    assert text.to_raw(3, Reading(False, False, True)) == (2, False)  # BOM counted
    assert text.to_raw(7, NVIVO) == (6, False)
    assert text.to_raw(8, NVIVO) == (None, False)  # past the end


def test_stored_map_handles_crlf_bom_and_combining_marks():
    raw = "\ufeffe\u0301 x\r\ny\rz"
    m = StoredMap(raw)
    assert m.stored == "\u00e9 x\ny\nz"
    assert m.span(1, 3) == (0, 1, False)  # "é" (raw indices after the extra BOM)
    assert m.span(1, 2) == (0, 1, True)  # "e" without its accent: moved outward
    assert m.span(4, 5) == (2, 3, False)  # x
    assert m.span(4, 6) == (2, 3, True)  # ends between CR and LF
    assert m.span(6, 8) == (4, 5, True)  # starts between CR and LF: after the break, "y"
    assert m.span(7, 10) == (4, 7, False)  # "y\rz": a lone CR is one character as well


def test_detection_prefers_the_reading_that_puts_selections_on_words():
    text = SourceText("Hi \U0001f600 you \U0001f600 there", had_bom=False)
    # UTF-16: "you" 6-9, "there" 13-18; in code points they are 5-8 and 11-16, and the text
    # is 17 code points long: read as code points, 6-9 is "ou " (one end inside a word) and
    # 13-18 runs past the end.
    found = detect_reading([(text, [Span(6, 9), Span(13, 18)])])
    assert found.reading == NVIVO
    assert found.scores[NVIVO] == (2, 0, 4)
    assert found.scores[STANDARD] == (1, 0, 1)
    found = detect_reading([(text, [Span(5, 8), Span(11, 16)])])
    assert found.reading == STANDARD


def test_selection_names_outweigh_word_boundaries():
    # "ab 😀 cdef ghij": in UTF-16 units "ef g" is 8-12; read as code points 8-12 is "f gh".
    # Both readings put the two ends inside words; only the selection's name tells them apart.
    text = SourceText("ab \U0001f600 cdef ghij", had_bom=False)
    assert detect_reading([(text, [Span(8, 12)])]).reading == STANDARD
    found = detect_reading([(text, [Span(8, 12, "ef g")])])
    assert found.reading == NVIVO
    assert found.scores[NVIVO] == (1, 2, 0)  # the name is the whole quote
    assert found.scores[STANDARD] == (1, 0, 0)
    # A name that is under three characters once its ellipsis is dropped proves nothing.
    assert detect_reading([(text, [Span(8, 12, "ef...")])]).reading == STANDARD
    assert detect_reading([(text, [Span(8, 13, "ef gh\u2026")])]).reading == NVIVO


def test_an_inclusive_end_is_detected_by_names_and_words():
    text = SourceText("Barack Obama visited Paris in April.", had_bom=False)
    # "Barack Obama" is 0-12 exclusive, 0-11 naming its last character; "Paris" 21-26 / 21-25.
    inclusive = detect_reading([(text, [Span(0, 11, "Barack Obama"), Span(21, 25, "Paris")])])
    assert inclusive.reading == STANDARD._replace(end_inclusive=True)
    assert inclusive.scores[inclusive.reading] == (2, 4, 4)
    assert inclusive.scores[STANDARD] == (2, 0, 2)  # "Barack Obam", "Pari": no name agrees
    assert "the end position on the last character selected" in inclusive.describe()
    exclusive = detect_reading([(text, [Span(0, 12, "Barack Obama"), Span(21, 26, "Paris")])])
    assert exclusive.reading == STANDARD
    assert text.end_to_raw(35, STANDARD._replace(end_inclusive=True)) == (36, False)
    assert text.end_to_raw(36, STANDARD._replace(end_inclusive=True)) == (None, False)


def test_ties_go_to_the_standard():
    text = SourceText("plain words only", had_bom=False)
    found = detect_reading([(text, [Span(0, 5)])])
    assert found.reading == STANDARD
    assert "nothing in the sources" in found.describe()


def test_the_xml_writer_keeps_every_character():
    out = io.BytesIO()
    xml = XmlWriter(out)
    xml.start("R", {"a": 'tab\there "q" <&>\r\nline'})
    xml.element("T", "cr\r\nlf & <x> \x0c")
    xml.end("R")
    xml.flush()
    root = ET.fromstring(out.getvalue())
    assert root.get("a") == 'tab\there "q" <&>\r\nline'
    found = root.find("T")
    assert found is not None
    assert found.text == "cr\r\nlf & <x> \ufffd"
    assert xml.replaced == 1


_TOKENS = ["word", "Caf\u00e9", "e\u0301te\u0301", "\U0001f600", "na\u00efve", "x", "ACT"]


def _vendor(raw: str, index: int, reading: Reading, had_bom: bool) -> int:
    """Where a program reading ``reading`` puts the raw code point ``index``."""
    units = 1 if reading.bom_counted and had_bom else 0
    for n, ch in enumerate(raw[:index]):
        if reading.crlf_one and ch == "\r" and raw[n + 1 : n + 2] == "\n":
            continue
        units += 2 if reading.utf16 and ch > "\uffff" else 1
    return units


@given(
    st.lists(st.sampled_from(_TOKENS), min_size=2, max_size=30),
    st.lists(st.sampled_from(["\r\n", " ", "\n"]), min_size=30, max_size=30),
    st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), min_size=1, max_size=6),
    st.sampled_from(READINGS),
    st.booleans(),
)
def test_every_quote_comes_back_whatever_the_reading(words, gaps, picks, reading, had_bom):
    starts, ends, parts, at = [], [], [], 0
    for word, gap in zip(words, gaps, strict=False):
        starts.append(at)
        ends.append(at + len(word))
        parts.append(word + gap)
        at += len(word) + len(gap)
    raw = "".join(parts)
    spans = []
    for i, j in picks:
        a, b = sorted((i % len(words), j % len(words)))
        start, end = starts[a], ends[b]
        if len(raw[start:end].strip()) < 3:
            continue  # a name this short proves nothing (one emoji may fit two readings)
        last = end - 1  # where an inclusive end points: the last character selected
        v_end = _vendor(raw, last if reading.end_inclusive else end, reading, had_bom)
        spans.append(
            (start, end, Span(_vendor(raw, start, reading, had_bom), v_end, raw[start:end]))
        )
    assume(spans)
    text = SourceText(raw, had_bom=had_bom)
    found = detect_reading([(text, [s for _, _, s in spans])]).reading
    stored = StoredMap(raw)
    effective = text.effective(found)
    for start, end, span in spans:
        a, b = text.to_raw(span.start, effective), text.end_to_raw(span.end, effective)
        assert a.at is not None
        assert b.at is not None
        got = stored.span(a.at, b.at)
        assert stored.stored[got.start : got.end] == normalize_text(raw[start:end])
