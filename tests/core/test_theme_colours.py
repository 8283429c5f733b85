"""Every bundled codebook's theme colours can be told apart: on white, and from their kin.

Measures: the WCAG 2.1 contrast ratio against white, at least 3:1 for graphical objects
(success criterion 1.4.11, non-text contrast), which the coding stripes and swatches are; and
the CIEDE2000 colour difference (Sharma, Wu and Dalal 2005, "The CIEDE2000 color-difference
formula"), where about 2.3 is a just noticeable difference (Sharma 2003) and 15 is plainly
different at a glance, between each theme and its siblings and parent, in full colour and as the
lightened highlight the text view paints.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest
from coloraide import Color

from r2pcoder.codebook import load_codebook
from r2pcoder.codebook.model import Theme

CODEBOOKS = sorted((Path(__file__).resolve().parents[2] / "codebook").glob("*.yaml"))
HIGHLIGHT_STRENGTH = 0.45  # ui/highlight.py paints a single coding at this share of its colour
MIN_CONTRAST = 3.0
MIN_KIN = 15.0
MIN_KIN_HIGHLIGHT = 7.5
MIN_HIGHLIGHT_ON_WHITE = 16.0
WHITE = Color("white")


def highlight(color: str, strength: float = HIGHLIGHT_STRENGTH) -> Color:
    r, g, b = Color(color).convert("srgb").coords()
    return Color("srgb", [1 + (v - 1) * strength for v in (r, g, b)])


def delta_e(a: Color | str, b: Color | str) -> float:
    return float(Color(a).delta_e(Color(b), method="2000"))


def families(
    themes: tuple[Theme, ...], parent: Theme | None = None
) -> Iterator[tuple[Theme | None, tuple[Theme, ...]]]:
    yield parent, themes
    for theme in themes:
        yield from families(theme.children, theme)


def kin_pairs(path: Path) -> list[tuple[Theme, Theme]]:
    pairs = []
    for parent, siblings in families(load_codebook(path).themes):
        pairs += list(combinations(siblings, 2))
        pairs += [(parent, child) for child in siblings if parent is not None]
    return pairs


def every_theme(path: Path) -> list[Theme]:
    return [t for _, siblings in families(load_codebook(path).themes) for t in siblings]


def test_the_measures_agree_with_published_values() -> None:
    # Sharma, Wu and Dalal (2005), table 1, pair 1: CIELAB (50, 2.6772, -79.7751) and
    # (50, 0, -82.7485) differ by CIEDE2000 2.0425. WCAG: black on white is 21:1.
    a, b = Color("lab-d65", [50, 2.6772, -79.7751]), Color("lab-d65", [50, 0, -82.7485])
    assert a.delta_e(b, method="2000") == pytest.approx(2.0425, abs=1e-4)
    assert Color("black").contrast(WHITE) == pytest.approx(21.0)


@pytest.mark.parametrize("path", CODEBOOKS, ids=lambda p: p.name)
def test_every_theme_colour_stands_out_on_white(path: Path) -> None:
    weak = [
        (
            t.id,
            t.color,
            round(Color(t.color).contrast(WHITE), 2),
            round(delta_e(highlight(t.color), WHITE), 1),
        )
        for t in every_theme(path)
        if Color(t.color).contrast(WHITE) < MIN_CONTRAST
        or delta_e(highlight(t.color), WHITE) < MIN_HIGHLIGHT_ON_WHITE
    ]
    assert weak == []


@pytest.mark.parametrize("path", CODEBOOKS, ids=lambda p: p.name)
def test_siblings_and_parents_differ_at_a_glance(path: Path) -> None:
    close = [
        (a.id, b.id, round(delta_e(a.color, b.color), 1))
        for a, b in kin_pairs(path)
        if delta_e(a.color, b.color) < MIN_KIN
        or delta_e(highlight(a.color), highlight(b.color)) < MIN_KIN_HIGHLIGHT
    ]
    assert close == []


@pytest.mark.parametrize("path", CODEBOOKS, ids=lambda p: p.name)
def test_no_two_themes_share_a_colour(path: Path) -> None:
    themes = every_theme(path)
    assert len({t.color.lower() for t in themes}) == len(themes)
