"""Heuristics that tell real text from mojibake after an encoding was guessed or declared.

A wrong legacy encoding rarely fails to decode: it produces letters of the wrong script, accented
capitals in mid-word or runs of symbols. These checks look for those signs so that a guess is
either plausible or refused, never silently wrong. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

__all__ = ["bad_fraction", "looks_plausible"]

# Controls (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) other than those real text files
# contain: tab, line breaks, vertical tab, form feed, and the DOS end-of-file mark (Ctrl-Z) that
# old editors append. One regular expression: testing the category character by character took
# seconds on a large import.
_BAD_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
# A Western text has a few accented letters per hundred; Cyrillic or Greek bytes read as cp1252
# turn nearly every letter into an accented Latin one.
_MAX_NON_ASCII_LATIN = 0.3
_MAX_SUSPICIOUS_WORDS = 0.1
_MAX_SYMBOL_SHARE = 0.1
_COMMON_SYMBOLS = frozenset("€£¥©®™°±")
_EAST_ASIAN = frozenset(
    {
        "CJK",
        "HIRAGANA",
        "KATAKANA",
        "KATAKANA-HIRAGANA",
        "HALFWIDTH",
        "FULLWIDTH",
        "IDEOGRAPHIC",
        "HANGUL",
    }
)
# Letters below U+0250 are Latin or signs that sit inside Latin words: ordinal indicators
# ("nº 1674"), the micro sign. The two modifier-letter apostrophes do too (U+02BB, U+02BC).
_LATIN_END = 0x250
_LATIN_APOSTROPHES = frozenset("\u02bb\u02bc")


def bad_fraction(text: str, *, count_replacements: bool = True) -> float:
    """Return the share of characters that never occur in real text.

    Those are control characters other than tab, line breaks, form feed and the DOS end-of-file
    mark, and (unless ``count_replacements`` is false) U+FFFD, the mark of an earlier failed
    decoding.

    Args:
        text: Decoded text.
        count_replacements: Count U+FFFD as bad.

    Returns:
        A fraction in [0, 1]; 0 for empty text.
    """
    if not text:
        return 0.0
    bad = len(_BAD_CONTROLS.findall(text))
    if count_replacements:
        bad += text.count("\ufffd")
    return bad / len(text)


def looks_plausible(text: str, *, strict: bool = True) -> bool:
    """Tell whether decoded text reads like real words rather than mojibake.

    Signs of a wrong guess: letters of two scripts inside one word ("Cafژ"), an accented capital
    right after a small letter ("CafŽ"), and, when ``strict``, many unusual symbols ("¢¼") or
    Latin words that are mostly accented letters (Cyrillic read as cp1252). ASCII letters inside
    Chinese or Japanese text ("PDF文件") are normal and not counted.

    Args:
        text: The decoded text.
        strict: Also apply the symbol and accented-letter checks, which suit a guessed legacy
            encoding but would reject real emoji-rich or Vietnamese text in UTF-16.

    Returns:
        ``True`` if the text passes every check.
    """
    if strict and _symbol_share(text) > _MAX_SYMBOL_SHARE:
        return False
    suspicious = checked = latin_letters = non_ascii_latin = 0
    for word in _words(text):
        per_letter = [_script(ch) for ch in word]
        scripts = set(per_letter)
        latin = [ch for ch, script in zip(word, per_letter, strict=True) if script == "LATIN"]
        latin_letters += len(latin)
        non_ascii_latin += sum(1 for ch in latin if not ch.isascii())
        if word.isascii():
            continue
        checked += 1
        if _mixes_scripts(word, scripts) or _has_inner_accented_capital(word):
            suspicious += 1
    if checked and suspicious / checked > _MAX_SUSPICIOUS_WORDS:
        return False
    if not strict or not latin_letters:
        return True
    return non_ascii_latin / latin_letters <= _MAX_NON_ASCII_LATIN


def _symbol_share(text: str) -> float:
    # Real text outside ASCII is letters and punctuation; misread bytes yield symbols (¢ ¼ ╬).
    non_ascii = [ch for ch in text if not ch.isascii()]
    if not non_ascii:
        return 0.0
    symbols = sum(
        1
        for ch in non_ascii
        if unicodedata.category(ch).startswith("S") and ch not in _COMMON_SYMBOLS
    )
    return symbols / len(non_ascii)


def _words(text: str) -> list[str]:
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch.isalpha():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _script(ch: str) -> str:
    if ord(ch) < _LATIN_END or ch in _LATIN_APOSTROPHES:
        return "LATIN"
    first = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return "EAST_ASIAN" if first in _EAST_ASIAN else first


def _mixes_scripts(word: str, scripts: set[str]) -> bool:
    if len(scripts) <= 1:
        return False
    if scripts == {"LATIN", "EAST_ASIAN"}:
        return not all(ch.isascii() for ch in word if _script(ch) == "LATIN")
    return True


def _has_inner_accented_capital(word: str) -> bool:
    return any(
        not ch.isascii() and ch.isupper() and prev.islower()
        for prev, ch in itertools.pairwise(word)
    )
