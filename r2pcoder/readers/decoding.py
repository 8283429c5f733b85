"""Bytes to text for plain-text files: BOMs, UTF-8, UTF-16, and a checked legacy fallback.

The order is: byte-order mark; binary signatures; NUL bytes, which mean binary unless they form
the pattern of UTF-16 without a BOM; an encoding the file declares (HTML ``<meta charset>``);
strict UTF-8; then a guessed legacy encoding (charset-normalizer, cp1252 tried first). A guess
is accepted only if it passes :func:`~r2pcoder.readers.plausibility.looks_plausible`, and it
always comes with a warning that names the encoding, so a wrong guess is never silent. Must not
import Qt or ``ui``.
"""

from __future__ import annotations

import codecs
import logging
from typing import NamedTuple

from charset_normalizer import from_bytes

from r2pcoder.errors import ImportProblem
from r2pcoder.readers.plausibility import bad_fraction, looks_plausible

__all__ = [
    "Decoded",
    "decode_text_bytes",
    "refuse_binary_signature",
    "strip_dos_eof",
]

_log = logging.getLogger(__name__)

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP or Word/Excel (.docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office (.doc/.xls)"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x7fELF", "program (ELF)"),
)

# Friendly names for the encodings a legacy file is most likely to be in, keyed by the codec's
# canonical Python name.
_ENCODING_NAMES = {
    "cp1252": "Windows Western European",
    "iso8859-1": "ISO Latin-1, Western European",
    "cp1250": "Windows Central European",
    "cp1251": "Windows Cyrillic",
    "koi8-r": "KOI8-R Cyrillic",
    "cp1253": "Windows Greek",
    "cp1254": "Windows Turkish",
    "cp1256": "Windows Arabic",
    "iso8859-6": "ISO Arabic",
    "gb18030": "Chinese GB18030",
    "gb2312": "Chinese GB2312",
    "gbk": "Chinese GBK",
    "big5": "Chinese Big5",
    "shift_jis": "Japanese Shift-JIS",
    "euc_jp": "Japanese EUC-JP",
    "euc_kr": "Korean EUC-KR",
    "cp949": "Korean",
    "mac-roman": "Mac OS Roman",
}

_LATIN_CODECS = frozenset({"cp1252", "iso8859-1", "cp1250", "cp1254", "mac-roman"})

_MAX_BAD_FRACTION = 0.01
_MAX_CHAOS = 0.15
_ASCII_PROBE = b"The quick brown fox, 0-9; (ASCII) text.\n"
_UTF16_NUL_SHARE = 0.3


class Decoded(NamedTuple):
    """Text decoded from bytes, the codec used and any warnings for the researcher."""

    text: str
    encoding: str
    warnings: tuple[str, ...]


def refuse_binary_signature(data: bytes, name: str) -> None:
    """Raise :class:`ImportProblem` if ``data`` starts like a known binary format.

    Args:
        data: The file's bytes.
        name: The file name, for the message.

    Raises:
        ImportProblem: The file is a PDF, archive, image, database or program.
    """
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            raise ImportProblem(
                f"{name} looks like a binary file, not text (it starts like a {kind} file)"
            )


def decode_text_bytes(data: bytes, name: str, declared: str | None = None) -> Decoded:
    """Decode the bytes of a text file, refusing anything that would come out as mojibake.

    Args:
        data: The file's bytes (not empty).
        name: The file name, for messages.
        declared: An encoding the file declares for itself (an HTML ``<meta charset>``), tried
            after a BOM and before any guessing.

    Returns:
        The decoded (not yet normalised) text, the codec used and warnings.

    Raises:
        ImportProblem: The file is binary or cannot be decoded with confidence.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, name, codec, label)
    refuse_binary_signature(data, name)
    if b"\x00" in data:
        return _decode_utf16_without_bom(data, name)
    if declared is not None:
        found = _decode_declared(data, name, declared)
        if found is not None:
            return found
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(data, name)
    return Decoded(text, "utf-8", _check_controls(text, name) + _double_encoding_warning(text))


def strip_dos_eof(text: str) -> str:
    """Remove the Ctrl-Z end-of-file mark that DOS-era editors appended to text files.

    Args:
        text: Decoded text.

    Returns:
        ``text`` without one trailing U+001A.
    """
    return text.removesuffix("\x1a")


def _decode_with_bom(data: bytes, name: str, codec: str, label: str) -> Decoded:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            f"{name} could not be decoded: it starts with a {label.upper()} byte-order mark "
            "but is not valid in that encoding"
        ) from exc
    if codec == "utf-8-sig":
        return Decoded(text, label, _check_controls(text, name))
    if not looks_plausible(text, strict=False):
        # Binary data that happens to start with FF FE still decodes as UTF-16, as noise.
        raise ImportProblem(
            f"{name} could not be decoded: it starts with a {label.upper()} byte-order mark "
            "but does not read as text"
        )
    # Python's utf-16/utf-32 codecs consume the BOM; name the byte order for the record.
    order = "le" if data[1:2] == b"\xfe" else "be"
    return Decoded(text, f"{label}-{order}", _check_controls(text, name))


def _decode_utf16_without_bom(data: bytes, name: str) -> Decoded:
    binary = ImportProblem(f"{name} looks like a binary file, not text")
    if len(data) % 2:
        raise binary
    even_nuls = data[0::2].count(0) / (len(data) // 2)
    odd_nuls = data[1::2].count(0) / (len(data) // 2)
    if odd_nuls >= _UTF16_NUL_SHARE and even_nuls == 0:
        codec, label = "utf-16-le", "UTF-16 LE"
    elif even_nuls >= _UTF16_NUL_SHARE and odd_nuls == 0:
        codec, label = "utf-16-be", "UTF-16 BE"
    else:
        raise binary
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise binary from exc
    if bad_fraction(text) > _MAX_BAD_FRACTION:
        raise binary
    return Decoded(text, codec, (f"had no byte-order mark; read as {label}",))


def _decode_declared(data: bytes, name: str, declared: str) -> Decoded | None:
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        return None
    # Browsers read every page labelled Latin-1 or ASCII as cp1252 (WHATWG Encoding Standard).
    if codec in {"latin-1", "iso8859-1", "ascii"}:
        codec = "cp1252"
    # The declaration was found by reading the bytes as ASCII, so an ASCII-incompatible label
    # (UTF-16, EBCDIC) is a mistake; browsers ignore it too.
    if not _ascii_compatible(codec):
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if bad_fraction(text) > _MAX_BAD_FRACTION or not looks_plausible(text, strict=False):
        return None
    if codec in {"utf-8", "cp1252"} and text.isascii():
        return Decoded(text, codec, ())
    warnings = () if codec == "utf-8" else (f"decoded as {_describe(codec)}, as the file declares",)
    return Decoded(text, codec, warnings)


def _decode_legacy(data: bytes, name: str) -> Decoded:
    for codec in _legacy_candidates(data):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if bad_fraction(text) > _MAX_BAD_FRACTION or not looks_plausible(text):
            _log.debug("%s: rejected %s as its encoding", name, codec)
            continue
        return Decoded(text, codec, (_legacy_warning(codec),))
    raise ImportProblem(
        f"{name} could not be decoded: it is not UTF-8 and its encoding could not be recognised "
        "with confidence; save it as UTF-8 and try again"
    )


def _legacy_candidates(data: bytes) -> list[str]:
    # cp1252 first: Windows "ANSI" files in English, French and Spanish are by far the most
    # common legacy input, and on short texts detectors often prefer a wrong cousin (cp1250).
    candidates = ["cp1252"]
    for match in from_bytes(data):
        codec = match.encoding
        if match.chaos <= _MAX_CHAOS and codec not in candidates and _ascii_compatible(codec):
            candidates.append(codec)
    return candidates


def _ascii_compatible(codec: str) -> bool:
    # A file that failed UTF-8 but whose ASCII reads as English is never EBCDIC or UTF-16/32.
    try:
        return _ASCII_PROBE.decode(codec) == _ASCII_PROBE.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _legacy_warning(codec: str) -> str:
    if codecs.lookup(codec).name in _LATIN_CODECS:
        return f"decoded as {_describe(codec)}; check accented letters and quotes"
    return f"decoded as {_describe(codec)}; check that the text reads correctly"


def _describe(codec: str) -> str:
    friendly = _ENCODING_NAMES.get(codecs.lookup(codec).name)
    return f"{codec} ({friendly})" if friendly else codec


def _check_controls(text: str, name: str) -> tuple[str, ...]:
    if bad_fraction(text, count_replacements=False) > _MAX_BAD_FRACTION:
        raise ImportProblem(
            f"{name} looks like a binary file, not text (it is full of control characters)"
        )
    replaced = text.count("\ufffd")
    if replaced > _MAX_BAD_FRACTION * len(text):
        raise ImportProblem(
            f"{name} has many damaged characters (\ufffd) from an earlier faulty conversion; "
            "find a clean copy"
        )
    if replaced:
        return (
            f"contains {replaced} replacement characters (\ufffd) from an earlier faulty "
            "conversion; some letters are lost",
        )
    return ()


def _double_encoding_warning(text: str) -> tuple[str, ...]:
    # UTF-8 read as cp1252 and saved again as UTF-8 ("CafÃ©") is still valid UTF-8. Undoing that
    # on the whole text only succeeds by accident on genuine text, so success means the file
    # was converted twice. The text is left as it is: the researcher decides.
    if text.isascii():
        return ()
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return ()
    if repaired == text:
        return ()
    return (
        "looks converted twice (accented letters appear as pairs such as \u00c3\u00a9); "
        "check the original file",
    )
