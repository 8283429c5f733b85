"""Inter-coder reliability of a coded master: units, the report, snapshots.

A coded master becomes reliability data per theme (statement, sentence, paragraph, character,
overlap or unitized units), the coefficients of :mod:`r2pcoder.agreement` run on it, and the
result is an :class:`AgreementReport` that can be saved as a snapshot. Entry points:
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
