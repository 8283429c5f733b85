"""Lanes for coding stripes: overlapping codings side by side, as few lanes as possible.

The stripes beside a statement's text (one per coding, as in MAXQDA, ATLAS.ti and NVivo) need a
column each where codings overlap. Giving each span the lowest lane free at its start, in order
of start, is interval-graph colouring, which uses exactly as many lanes as the largest number
of spans covering one point (Golumbic 1980, *Algorithmic Graph Theory and Perfect Graphs*,
ch. 8): no coding is ever drawn over another. Offsets are code points, end exclusive. Must not
import Qt or ``ui``.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable
from typing import TypeVar

__all__ = ["assign_lanes"]

K = TypeVar("K", bound=Hashable)


def assign_lanes(spans: Iterable[tuple[int, int, K]]) -> tuple[dict[K, int], int]:
    """Each span's lane (0 = nearest the text) and the number of lanes used.

    Longer spans come first among those starting together, so a long coding keeps the inner
    lane and the short ones nested in it sit beside it.
    """
    ordered = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    busy: list[tuple[int, int]] = []  # (end, lane) of spans still open
    free: list[int] = []
    lanes: dict[K, int] = {}
    used = 0
    for start, end, key in ordered:
        while busy and busy[0][0] <= start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane = used
            used += 1
        lanes[key] = lane
        heapq.heappush(busy, (end, lane))
    return lanes, used
