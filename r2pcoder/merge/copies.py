"""A merge's copies: each coder's work in a file as versions of units, one copy per history.

Also the one shortcut a merge takes: a copy read before in a file with the same bytes, whose
rows were clean then and which has nothing to write now, is reported unchanged without being
read (see :mod:`r2pcoder.merge.known`). Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence

from r2pcoder.merge.decide import Offer
from r2pcoder.merge.foreign import MasterIndex, Matching
from r2pcoder.merge.identity import Candidate
from r2pcoder.merge.known import KnownCopies
from r2pcoder.merge.lines import CODEBOOK_UNIT
from r2pcoder.merge.report import LayerReport, Stamp

__all__ = ["offer_of", "unchanged_report", "unique_copies"]


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


def unchanged_report(
    c: Candidate, matching: Matching, index: MasterIndex, known: KnownCopies
) -> LayerReport | None:
    """The report of a copy that only needs checking, if the master already knows its rows.

    That is a packet of this master whose file (the same bytes) was read in an earlier merge
    with nothing to say about its rows, of a coder the master has, and whose statements and
    codebook items all match the master's now (so no row is held back or counted for a
    report). Its report is then what reading it would give; otherwise None, and it is read.
    """
    h = c.header
    if c.foreign or h.role != "packet" or h.packet_uuid is None:
        return None
    if c.coder.coder_uuid not in index.coders or not known.is_clean(
        h.file_sha256, c.coder.coder_uuid
    ):
        return None
    if matching.unmatched_documents or matching.unknown_stances or matching.unmatched_themes:
        return None
    return LayerReport(
        h.path.name,
        h.file_sha256,
        c.coder.coder_uuid,
        c.coder.coder_name,
        "unchanged",
        Stamp(h.issue, h.revision),
        codebook=tuple(matching.codebook_issues),
        matches=tuple(matching.matches),
    )
