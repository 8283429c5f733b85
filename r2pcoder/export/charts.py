"""Inline SVG bar charts for the HTML report, drawn by hand so the report needs no script or CDN.

A chart is a list of horizontal bars, each split into coloured parts (e.g. the stances of one
theme), with the total at the end of the bar, a legend, and a tooltip (``<title>``) on every
part. All text is escaped. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["PALETTE", "Bar", "Part", "stacked_bars"]

PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
"""Okabe and Ito's colour-blind-safe palette, for categories without colours of their own."""

_LABEL_W = 260
_BAR_H = 18
_GAP = 6
_TOTAL_W = 60
_LEGEND_ROW = 20
_MAX_LABEL = 40


@dataclass(frozen=True)
class Part:
    """One coloured piece of a bar."""

    name: str
    value: float
    color: str


@dataclass(frozen=True)
class Bar:
    """One bar: a label and its parts, drawn left to right in order.

    ``short`` is what is written beside the bar (the label when empty); the full label is the
    tooltip, so long theme paths stay readable.
    """

    label: str
    parts: tuple[Part, ...]
    short: str = ""

    @property
    def total(self) -> float:
        """The length of the whole bar."""
        return sum(p.value for p in self.parts)


def _short(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}"


def _bar(y: int, bar: Bar, scale: float) -> list[str]:
    out = [
        f'<text x="0" y="{y + _BAR_H - 5}">'
        f"<title>{escape(bar.label)}</title>{escape(_short(bar.short or bar.label))}</text>"
    ]
    x = float(_LABEL_W)
    for part in bar.parts:
        if part.value <= 0:
            continue
        w = part.value * scale
        out.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{_BAR_H}" '
            f'fill="{escape(part.color)}"><title>{escape(bar.label)}: {escape(part.name)} '
            f"{_number(part.value)}</title></rect>"
        )
        x += w
    out.append(f'<text x="{x + 4:.1f}" y="{y + _BAR_H - 5}">{_number(bar.total)}</text>')
    return out


def _legend(y: int, items: Sequence[tuple[str, str]], width: int) -> tuple[list[str], int]:
    out: list[str] = []
    x, row = _LABEL_W, 0
    for name, color in items:
        step = 26 + 7 * len(name)
        if x + step > width and x > _LABEL_W:
            x, row = _LABEL_W, row + 1
        top = y + row * _LEGEND_ROW
        out.append(
            f'<rect x="{x}" y="{top}" width="12" height="12" fill="{escape(color)}"/>'
            f'<text x="{x + 16}" y="{top + 11}">{escape(name)}</text>'
        )
        x += step
    return out, (row + 1) * _LEGEND_ROW if items else 0


def stacked_bars(
    title: str, bars: Sequence[Bar], legend: Sequence[tuple[str, str]], *, width: int = 900
) -> str:
    """An SVG element with one horizontal stacked bar per item, a legend and tooltips.

    Args:
        title: the chart's accessible title (also shown above the bars).
        bars: the bars, top to bottom.
        legend: (name, colour) of the parts, in the order to show them.
        width: the drawing's width in pixels.
    """
    biggest = max((b.total for b in bars), default=0.0)
    scale = (width - _LABEL_W - _TOTAL_W) / biggest if biggest > 0 else 0.0
    top = 28
    body: list[str] = [f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    legend_svg, legend_h = _legend(top, legend, width)
    body.extend(legend_svg)
    y = top + legend_h + 4
    for bar in bars:
        body.extend(_bar(y, bar, scale))
        y += _BAR_H + _GAP
    if not bars:
        body.append(f'<text x="{_LABEL_W}" y="{y + 14}">Nothing to show: no statements.</text>')
        y += 24
    height = y + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )
