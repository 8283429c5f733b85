r"""Which unit a REFI-QDA file counts positions in, and where each position falls in our text.

The standard counts characters of the plain-text source from 0 (REFI-QDA 1.5, section "Text
selections"); in practice the end is exclusive and the vendors differ in what a character is:

* NVivo counts UTF-16 code units (so an emoji counts twice), counts the CR of a CRLF line break,
  and does not count a byte-order mark (issue 13; QualCoder's importer inserts a character per
  Windows line break to align NVivo's positions, QualCoder issues #37 and #106);
* ATLAS.ti stores CRLF line breaks in the source file but counts each as one character (comment in
  QualCoder's ``refi.py``); QualCoder's exporter writes CRLF for MAXQDA without moving positions,
  so MAXQDA counts them as one as well;
* QualCoder itself writes code points of its own text, with a UTF-8 byte-order mark in the file.

The standard's text defines a selection by "the first and the last character (Unicode
codepoint)" (as quoted by the Potato annotation tool, whose exporter therefore writes the end
inclusive); the programs above write it exclusive, so both are tried.

A *reading* fixes four things: code points or UTF-16 code units; a CRLF as two characters or
one; a leading byte-order mark counted or not; the end exclusive or inclusive.
:func:`detect_reading` tries every reading on the selections of a file and keeps the one under
which selections are valid (inside the text, never between the two halves of a surrogate pair),
their names (most programs name a selection by its quote) match the text, and they start and
end on word boundaries; ties go to the standard's reading. A reading can be forced by the caller
(``--offsets``).

:class:`r2pcoder.refi.stored.StoredMap` then carries raw positions into the stored text. Must
not import Qt or ``ui``.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from r2pcoder.textnorm import normalize_text

__all__ = [
    "READINGS",
    "Detection",
    "Reading",
    "SourceText",
    "Span",
    "Unit",
    "detect_reading",
]

Unit = Literal["code-points", "utf16"]
_LAST_BMP = "\uffff"


class Reading(NamedTuple):
    """How a file counts positions, and where its ``endPosition`` points.

    Code points or UTF-16 units, CRLF as one character, the BOM counted, and whether the end
    names the last character selected (inclusive) or the one after it.
    """

    utf16: bool
    crlf_one: bool
    bom_counted: bool
    end_inclusive: bool = False

    def describe(self, crlf: bool = True, bom: bool = True) -> str:
        """The reading in words (only the parts the file makes relevant)."""
        parts = ["UTF-16 code units" if self.utf16 else "code points (the standard)"]
        if crlf:
            parts.append(
                "a CRLF line break as one character"
                if self.crlf_one
                else "a CRLF line break as two characters"
            )
        if bom:
            parts.append(
                "the byte-order mark counted"
                if self.bom_counted
                else "the byte-order mark not counted"
            )
        if self.end_inclusive:
            parts.append("the end position on the last character selected (inclusive)")
        return ", ".join(parts)


STANDARD = Reading(utf16=False, crlf_one=False, bom_counted=False)
_EXCLUSIVE: tuple[Reading, ...] = (
    STANDARD,
    Reading(False, True, False),  # ATLAS.ti, MAXQDA
    Reading(True, False, False),  # NVivo
    Reading(True, True, False),
    Reading(False, False, True),
    Reading(False, True, True),
    Reading(True, False, True),
    Reading(True, True, True),
)
READINGS: tuple[Reading, ...] = _EXCLUSIVE + tuple(
    r._replace(end_inclusive=True) for r in _EXCLUSIVE
)
"""Every reading, in the order ties are broken: the standard's first, exclusive ends before
inclusive ones (the standard's wording, "the first and the last character", reads as inclusive;
the programs write the end exclusive)."""


class RawPosition(NamedTuple):
    """A vendor position in the raw text: the code point index, or None if it cannot be one."""

    at: int | None
    split: bool


@dataclass
class SourceText:
    """A source's raw text (decoded, BOM removed by the decoder) and what readings depend on."""

    raw: str
    had_bom: bool
    astral: list[int] = field(init=False)
    crlf: list[int] = field(init=False)
    _cache: dict[tuple[bool, bool], tuple[list[int], list[int], int]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        text = self.raw
        self.astral = (
            []
            if not text or max(text) <= _LAST_BMP
            else [i for i, ch in enumerate(text) if ch > _LAST_BMP]
        )
        self.crlf = []
        start = text.find("\r\n")
        while start >= 0:
            self.crlf.append(start)
            start = text.find("\r\n", start + 2)

    def effective(self, reading: Reading) -> Reading:
        """The reading with the parts this text does not depend on set to the standard's."""
        return Reading(
            reading.utf16 and bool(self.astral),
            reading.crlf_one and bool(self.crlf),
            reading.bom_counted and self.had_bom,
            reading.end_inclusive,
        )

    def _tables(self, utf16: bool, crlf_one: bool) -> tuple[list[int], list[int], int]:
        key = (utf16, crlf_one)
        if key not in self._cache:
            crlf_prime = [i - n for n, i in enumerate(self.crlf)] if crlf_one else []
            length = len(self.raw) - (len(self.crlf) if crlf_one else 0)
            units: list[int] = []
            if utf16:
                shifted = (
                    [a - bisect_left(self.crlf, a) for a in self.astral]
                    if crlf_one
                    else (self.astral)
                )
                units = [a + n for n, a in enumerate(shifted)]
                length += len(units)
            self._cache[key] = (crlf_prime, units, length)
        return self._cache[key]

    def to_raw(self, position: int, reading: Reading) -> RawPosition:
        """Where a vendor position falls in :attr:`raw`, under ``reading``."""
        crlf_prime, units, length = self._tables(reading.utf16, reading.crlf_one)
        if reading.bom_counted and self.had_bom and position > 0:
            position -= 1
        if not 0 <= position <= length:
            return RawPosition(None, False)
        if reading.utf16 and units:
            inside = bisect_left(units, position - 1)
            if inside < len(units) and units[inside] == position - 1:
                return RawPosition(None, True)
            position -= bisect_right(units, position - 2)
        if reading.crlf_one and crlf_prime:
            position += bisect_left(crlf_prime, position)
        split = position > 0 and self.raw[position - 1 : position + 1] == "\r\n"
        return RawPosition(position, split)

    def end_to_raw(self, position: int, reading: Reading) -> RawPosition:
        """Where a vendor end position falls in :attr:`raw` (exclusive, whatever the file)."""
        found = self.to_raw(position, reading)
        if not reading.end_inclusive or found.at is None:
            return found
        after = found.at + 1
        if after > len(self.raw):
            return RawPosition(None, False)
        return RawPosition(after, self.raw[after - 1 : after + 1] == "\r\n")

    def boundary(self, index: int) -> bool:
        """True if a selection may start or end at raw ``index`` (not inside a word or cluster)."""
        text = self.raw
        if index <= 0 or index >= len(text):
            return True
        before, after = text[index - 1], text[index]
        if before == "\r" and after == "\n":
            return False
        if unicodedata.category(after).startswith("M") or after in "\u200d\ufe0f":
            return False
        return not (before.isalnum() and after.isalnum())


class Score(NamedTuple):
    """How well a reading fits: valid selections, name points, ends on word boundaries.

    A selection whose name is its whole quote earns 2 name points, one whose name is the
    beginning of its quote (names are often cut, with or without an ellipsis) earns 1.
    """

    valid: int
    names: int
    boundaries: int

    def __add__(self, other: object) -> Score:  # sums, where a tuple would concatenate
        assert isinstance(other, Score)
        return Score(*(a + b for a, b in zip(self, other, strict=True)))


class Span(NamedTuple):
    """A selection as the file writes it: positions and its ``name`` (often the quote)."""

    start: int
    end: int
    name: str = ""


@dataclass(frozen=True)
class Detection:
    """The reading chosen for a file and why."""

    reading: Reading
    scores: dict[Reading, Score]
    selections: int
    crlf: bool
    bom: bool
    astral: bool
    forced: bool
    total: int = 0

    def describe(self) -> str:
        """The reading and the evidence, in one sentence."""
        text = self.reading.describe(crlf=self.crlf, bom=self.bom)
        if not self.selections:
            return f"{text} (the file has no text selections)."
        if self.forced:
            return f"{text} (the unit was given by the user)."
        if not (self.crlf or self.bom or self.astral):
            return (
                f"{text}; nothing in the sources (no emoji, CRLF or byte-order mark) tells "
                "the readings apart."
            )
        best = self.scores[self.reading]
        rivals = sorted(((s, r) for r, s in self.scores.items() if r != self.reading), reverse=True)
        rival = (
            f"; the next best ({rivals[0][1].describe(self.crlf, self.bom)}) gets "
            f"{self._evidence(rivals[0][0])}"
            if rivals
            else ""
        )
        sample = (
            f" (judged on {self.selections:,} of the file's {self.total:,} selections, "
            "spread over it)"
            if self.total > self.selections
            else ""
        )
        return f"{text}: under it {self._evidence(best)}{rival}{sample}."

    def _evidence(self, score: Score) -> str:
        names = f", its names agree with their text for {score.names} points" if score.names else ""
        ends = 2 * self.selections
        return (
            f"{score.valid} of {self.selections} selections are valid{names} and "
            f"{score.boundaries} of {ends} ends fall on word boundaries"
        )


_ELLIPSIS = ("...", "\u2026")
_MIN_NAME = 3


class _Probe(NamedTuple):
    """A selection as detection weighs it: its positions and its name, prepared once."""

    start: int
    end: int
    full: str  # the name as the whole quote would read once stored
    prefix: str  # the name without an ellipsis; empty when too short to prove anything


def _probe(span: Span) -> _Probe:
    full = normalize_text(span.name)
    prefix = full.strip()
    for mark in _ELLIPSIS:
        prefix = prefix.removesuffix(mark).rstrip()
    return _Probe(span.start, span.end, full, prefix if len(prefix) >= _MIN_NAME else "")


def _stored_form(quote: str) -> str:
    quote = quote.replace("\r\n", "\n")
    return quote if quote.isascii() else unicodedata.normalize("NFC", quote)


def _name_points(text: str, start: int, end: int, probe: _Probe) -> int:
    """2 when the name is the whole quote, 1 when it is its beginning, else 0."""
    if not probe.prefix:
        return 0
    longest = 2 * len(probe.full) + 8
    if end - start <= longest and _stored_form(text[start:end]) == probe.full:
        return 2
    head = _stored_form(text[start : min(end, start + 2 * len(probe.prefix) + 8)])
    return 1 if head.lstrip().startswith(probe.prefix) else 0


def _score(text: SourceText, probes: Sequence[_Probe], reading: Reading) -> Score:
    valid = names = ends = 0
    for probe in probes:
        a, b = text.to_raw(probe.start, reading), text.end_to_raw(probe.end, reading)
        if a.at is None or b.at is None or a.at >= b.at:
            continue
        valid += 1
        names += _name_points(text.raw, a.at, b.at, probe)
        ends += (text.boundary(a.at) and not a.split) + (text.boundary(b.at) and not b.split)
    return Score(valid, names, ends)


def _sample(
    sources: list[tuple[SourceText, Sequence[Span]]], budget: int
) -> list[tuple[SourceText, list[_Probe]]]:
    total = sum(len(spans) for _, spans in sources)
    stride = max(1, -(-total // budget))
    picked: list[tuple[SourceText, list[_Probe]]] = []
    at = 0
    for text, spans in sources:
        first = (-at) % stride
        chosen = [_probe(s) for s in spans[first::stride]]
        at += len(spans)
        if chosen:
            picked.append((text, chosen))
    return picked


def detect_reading(
    sources: Iterable[tuple[SourceText, Sequence[Span]]],
    unit: Unit | None = None,
    *,
    budget: int = 5_000,
) -> Detection:
    """Choose the reading that fits every selection of a file best (``unit`` fixes the unit).

    A reading is judged first by how many selections it keeps inside the text and whole
    characters, then by how many selection names (vendors often name a selection by its quote,
    or its beginning and an ellipsis) match the text it selects, then by how many ends fall on
    word boundaries; ties go to the earlier reading in :data:`READINGS`. A file with more than
    ``budget`` selections is judged on every n-th one, spread over the whole file: the reading
    belongs to the program that wrote the file, not to single selections.
    """
    listed = [(text, spans) for text, spans in sources if spans]
    selections = sum(len(spans) for _, spans in listed)
    candidates = [r for r in READINGS if unit is None or r.utf16 == (unit == "utf16")]
    totals = {r: Score(0, 0, 0) for r in candidates}
    count = 0
    crlf = bom = astral = False
    for text, spans in _sample(listed, budget):
        count += len(spans)
        crlf, bom = crlf or bool(text.crlf), bom or text.had_bom
        astral = astral or bool(text.astral)
        per_effective: dict[Reading, Score] = {}
        for reading in candidates:
            effective = text.effective(reading)
            if effective not in per_effective:
                per_effective[effective] = _score(text, spans, effective)
            totals[reading] = totals[reading] + per_effective[effective]
    best = max(candidates, key=lambda r: (totals[r], -candidates.index(r)))
    return Detection(best, totals, count, crlf, bom, astral, unit is not None, selections)
