"""Merging returned coder packets into the master project (see :func:`merge_packets`).

The package owns the merge: reading packets read-only (``source``), matching identities
(``foreign``), theme proposals (``proposals``), planning per coder (``plan``), the all-or-nothing
write (``apply``) and the report (``report``). Must not import Qt or ``ui``.
"""

from r2pcoder.merge.apply import merge_packets
from r2pcoder.merge.proposals import ProposalDecision
from r2pcoder.merge.report import (
    CodebookIssue,
    Counts,
    DocumentIssue,
    LayerReport,
    Match,
    MergeReport,
    PacketsRefused,
    ProposalInfo,
    Refusal,
    Stamp,
)

__all__ = [
    "CodebookIssue",
    "Counts",
    "DocumentIssue",
    "LayerReport",
    "Match",
    "MergeReport",
    "PacketsRefused",
    "ProposalDecision",
    "ProposalInfo",
    "Refusal",
    "Stamp",
    "merge_packets",
]
