"""Inter-coder reliability of a coded master: units, the report, snapshots.

This package knows projects: it reads a master once (which coders, statements and themes take
part, who worked where), turns its codings into reliability data per theme (statement,
sentence, paragraph, character, overlap or unitized units, with what "not coded" and "missing"
mean there), cuts them into the slices a report shows (per theme, per stance, all themes, per
coder pair, per stratum) and writes the :class:`AgreementReport`, which can be saved as a
snapshot. It computes no coefficient itself: every figure, and every reason a figure is
undefined, comes from the engine of :mod:`r2pcoder.agreement` (pure statistics over value
patterns and segments, which knows nothing of projects). Entry points:
:func:`compute_agreement` and :func:`disagreements`. Must not import Qt or ``ui``.
"""

from r2pcoder.reliability.compute import UNIT_DESCRIPTIONS, compute_agreement
from r2pcoder.reliability.disagreements import disagreements
from r2pcoder.reliability.report import (
    BANDS,
    AgreementReport,
    CoderValue,
    Disagreement,
    MeasureValue,
    PairwiseMatrix,
    ResultRow,
    Stratum,
    band,
    format_measure,
    format_value,
)
from r2pcoder.reliability.segmentation import SegmentSpan, ensure_segments, segment
from r2pcoder.reliability.settings import ALL_MEASURES, UNITS, AgreementSettings
from r2pcoder.reliability.snapshot import (
    SnapshotInfo,
    export_snapshot,
    is_current,
    list_snapshots,
    load_snapshot,
    save_snapshot,
)

__all__ = [
    "ALL_MEASURES",
    "BANDS",
    "UNITS",
    "UNIT_DESCRIPTIONS",
    "AgreementReport",
    "AgreementSettings",
    "CoderValue",
    "Disagreement",
    "MeasureValue",
    "PairwiseMatrix",
    "ResultRow",
    "SegmentSpan",
    "SnapshotInfo",
    "Stratum",
    "band",
    "compute_agreement",
    "disagreements",
    "ensure_segments",
    "export_snapshot",
    "format_measure",
    "format_value",
    "is_current",
    "list_snapshots",
    "load_snapshot",
    "save_snapshot",
    "segment",
]
