"""A merge's copies: each coder's work in a file as versions of units, one copy per history.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence

from r2pcoder.merge.decide import Offer
from r2pcoder.merge.foreign import Matching
from r2pcoder.merge.identity import Candidate
from r2pcoder.merge.lines import CODEBOOK_UNIT

__all__ = ["offer_of", "unique_copies"]


def offer_of(index: int, c: Candidate, matching: Matching) -> Offer:
    """The copy's version of every unit it holds: the place of its coder's last write there."""
    line = c.coder.line
    touches = c.coder.history.touches
    units = {
        doc.uuid: line.version(c.coder.issue, touches.get(uuid, line.base))
        for uuid, doc in matching.documents.items()
    }
    units[CODEBOOK_UNIT] = line.version(c.coder.issue, touches.get(CODEBOOK_UNIT, line.base))
    return Offer(index, c.header.path, c.header.file_sha256, line, units)


def unique_copies(
    candidates: Sequence[Candidate], indices: Sequence[int], out: dict[int, str]
) -> list[int]:
    """One copy per history: later ones go into ``out`` as duplicates of the first (by name)."""
    first: dict[tuple[object, ...], int] = {}
    unique = []
    for i in sorted(indices, key=lambda j: (candidates[j].header.file_sha256, j)):
        line = candidates[i].coder.line
        key = (line.key, candidates[i].coder.issue, line.base, line.tip)
        if key in first:
            out[i] = candidates[first[key]].header.path.name
        else:
            first[key] = i
            unique.append(i)
    return unique
