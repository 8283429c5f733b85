from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from r2pcoder.textnorm import (
    OffsetMap,
    content_hash,
    cp_to_utf16,
    normalize_text,
    utf16_to_cp,
)

# Text drawn mostly from the characters where offsets and normalisation go wrong: astral emoji
# (two UTF-16 units), combining marks, precomposed letters, every kind of line break, BOMs.
_TRICKY = st.sampled_from(
    [
        "a",
        " ",
        "é",
        "e\u0301",
        "\u0301",
        "\u0323",
        "\r",
        "\n",
        "\r\n",
        "\u2028",
        "\u2029",
        "\ufeff",
        "\U0001f600",
        "\U0001f44d\U0001f3fd",
        "\U0001d11e",
        "\u4e2d",
        "\u00c5",
        "A\u030a",
        "\x00",
    ]
)
tricky_text = st.lists(st.one_of(_TRICKY, st.text(max_size=3)), max_size=40).map("".join)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


# --- normalize_text -----------------------------------------------------------------------


def test_normalize_removes_a_leading_bom():
    assert normalize_text("\ufeffHello") == "Hello"


def test_normalize_removes_repeated_leading_boms_so_it_stays_idempotent():
    assert normalize_text("\ufeff\ufeffHello") == "Hello"


def test_normalize_keeps_a_bom_inside_the_text():
    assert normalize_text("a\ufeffb") == "a\ufeffb"


def test_normalize_turns_crlf_into_one_newline():
    assert normalize_text("one\r\ntwo\r\n") == "one\ntwo\n"


def test_normalize_turns_a_lone_cr_into_a_newline():
    assert normalize_text("one\rtwo") == "one\ntwo"


def test_normalize_turns_cr_cr_lf_into_two_newlines():
    assert normalize_text("a\r\r\nb") == "a\n\nb"


def test_normalize_turns_unicode_line_and_paragraph_separators_into_newlines():
    assert normalize_text("a\u2028b\u2029c") == "a\nb\nc"


def test_normalize_leaves_form_feed_vertical_tab_and_nel_alone():
    assert normalize_text("a\x0cb\x0bc\x85d") == "a\x0cb\x0bc\x85d"


def test_normalize_composes_to_nfc():
    assert normalize_text("Cafe\u0301") == "Caf\u00e9"


def test_normalize_does_not_strip_or_collapse_spaces():
    assert normalize_text("  two  spaces \t\n\n  ") == "  two  spaces \t\n\n  "


def test_normalize_of_bom_crlf_and_decomposed_text_together():
    assert normalize_text("\ufeffR\u00e9sum\u0065\u0301\r\nfin") == "R\u00e9sum\u00e9\nfin"


@given(tricky_text)
def test_normalize_is_idempotent(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once


@given(tricky_text)
def test_normalized_text_has_no_cr_no_separators_no_leading_bom_and_is_nfc(raw):
    text = normalize_text(raw)
    assert "\r" not in text
    assert "\u2028" not in text
    assert "\u2029" not in text
    assert not text.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", text)


# --- content_hash -------------------------------------------------------------------------


def test_content_hash_is_sha256_of_utf8():
    # SHA-256("abc") is the FIPS 180-2 test vector.
    assert content_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_content_hash_of_empty_text():
    assert content_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_content_hash_is_the_same_for_crlf_and_lf_files_after_normalising():
    assert content_hash(normalize_text("a\r\nb")) == content_hash(normalize_text("a\nb"))


def test_content_hash_differs_for_different_text():
    assert content_hash("a") != content_hash("b")


# --- offsets: hand-computed cases ---------------------------------------------------------


def test_offsets_are_identity_for_bmp_text():
    text = "Caf\u00e9 \u4e2d\u6587"
    for cp in range(len(text) + 1):
        assert cp_to_utf16(text, cp) == cp
        assert utf16_to_cp(text, cp) == cp


def test_offsets_shift_by_one_after_each_emoji():
    text = "a\U0001f600b\U0001f600c"  # a, emoji, b, emoji, c
    assert [cp_to_utf16(text, cp) for cp in range(6)] == [0, 1, 3, 4, 6, 7]


def test_utf16_offset_inside_a_surrogate_pair_rounds_down():
    text = "a\U0001f600b"
    assert utf16_to_cp(text, 2) == 1
    assert [utf16_to_cp(text, u) for u in range(5)] == [0, 1, 1, 2, 3]


def test_text_starting_with_an_astral_character():
    om = OffsetMap("\U0001f600")
    assert om.to_utf16(0) == 0
    assert om.to_utf16(1) == 2
    assert om.to_cp(1) == 0
    assert om.to_cp(2) == 1


def test_offset_map_lengths():
    om = OffsetMap("x\U0001f600\U0001f600")
    assert om.cp_length == 3
    assert om.utf16_length == 5


def test_empty_text_has_only_offset_zero():
    om = OffsetMap("")
    assert om.to_utf16(0) == 0
    assert om.to_cp(0) == 0
    with pytest.raises(ValueError, match="outside"):
        om.to_utf16(1)


@pytest.mark.parametrize("text", ["abc", "a\U0001f600"])
def test_out_of_range_code_point_offsets_raise(text):
    om = OffsetMap(text)
    with pytest.raises(ValueError, match="outside"):
        om.to_utf16(-1)
    with pytest.raises(ValueError, match="outside"):
        om.to_utf16(len(text) + 1)


@pytest.mark.parametrize("text", ["abc", "a\U0001f600"])
def test_out_of_range_utf16_offsets_raise(text):
    om = OffsetMap(text)
    u16_len = len(_utf16(text)) // 2
    with pytest.raises(ValueError, match="outside"):
        om.to_cp(-1)
    with pytest.raises(ValueError, match="outside"):
        om.to_cp(u16_len + 1)


def test_long_text_with_many_emoji_converts_correctly_at_the_end():
    text = ("word \U0001f600 " * 5000) + "end"
    om = OffsetMap(text)
    assert om.to_utf16(len(text)) == len(text) + 5000
    assert om.to_cp(om.utf16_length) == len(text)
    start = text.rindex("end")
    assert om.to_utf16(start) == start + 5000


# --- offsets: properties ------------------------------------------------------------------


@given(tricky_text)
def test_lengths_match_python_utf16_encoding(raw):
    text = normalize_text(raw)
    om = OffsetMap(text)
    assert om.cp_length == len(text)
    assert om.utf16_length == len(_utf16(text)) // 2
    assert om.to_utf16(len(text)) == om.utf16_length
    assert om.to_cp(om.utf16_length) == len(text)


@given(tricky_text)
def test_cp_to_utf16_matches_encoding_the_prefix(raw):
    om = OffsetMap(raw)
    for cp in range(len(raw) + 1):
        assert om.to_utf16(cp) == len(_utf16(raw[:cp])) // 2


@given(tricky_text)
def test_cp_round_trip_is_identity(raw):
    om = OffsetMap(raw)
    for cp in range(len(raw) + 1):
        assert om.to_cp(om.to_utf16(cp)) == cp


@given(tricky_text)
def test_u16_round_trip_lands_on_or_just_before_the_offset(raw):
    om = OffsetMap(raw)
    for u16 in range(om.utf16_length + 1):
        back = om.to_utf16(om.to_cp(u16))
        assert back in (u16, u16 - 1)
        if back == u16 - 1:
            # Only possible when u16 pointed at the low half of a surrogate pair.
            assert raw[om.to_cp(u16)] > "\uffff"


@given(tricky_text)
def test_conversions_are_monotonic(raw):
    om = OffsetMap(raw)
    to_u16 = [om.to_utf16(cp) for cp in range(len(raw) + 1)]
    to_cp = [om.to_cp(u) for u in range(om.utf16_length + 1)]
    assert all(a < b for a, b in itertools.pairwise(to_u16))
    assert all(a <= b for a, b in itertools.pairwise(to_cp))


@given(tricky_text, st.data())
def test_slicing_by_code_points_matches_slicing_utf16(raw, data):
    text = normalize_text(raw)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    om = OffsetMap(text)
    u_start, u_end = om.to_utf16(start), om.to_utf16(end)
    units = _utf16(text)[2 * u_start : 2 * u_end]
    assert units.decode("utf-16-le") == text[start:end]


@given(tricky_text)
def test_free_functions_agree_with_offset_map(raw):
    om = OffsetMap(raw)
    for cp in range(len(raw) + 1):
        assert cp_to_utf16(raw, cp) == om.to_utf16(cp)
    for u16 in range(om.utf16_length + 1):
        assert utf16_to_cp(raw, u16) == om.to_cp(u16)
