"""Merging returned coder packets into the master project (see :func:`merge_packets`).

The package owns the merge: opening files from elsewhere safely (``untrusted``), reading and
checking them (``source``, ``validate``), telling which packet a file is (``identity``), matching
identities (``foreign``, ``codebook_check``), theme proposals (``proposals``), ordering copies by
their change histories (``lines``, ``decide``, ``ledger``), planning per copy (``rows``,
``plan``), writing (``apply``, ``run``), backups (``backup``) and the report (``report``). Must
not import Qt or ``ui``.
"""

from r2pcoder.merge.backup import KEPT as BACKUPS_KEPT
from r2pcoder.merge.proposals import ProposalDecision
from r2pcoder.merge.report import (
    CodebookIssue,
    Conflict,
    Counts,
    DocumentIssue,
    Holder,
    LayerReport,
    Match,
    MergeReport,
    PacketsRefused,
    ProposalInfo,
    Refusal,
    RowIssue,
    Stamp,
)
from r2pcoder.merge.run import merge_packets
from r2pcoder.merge.untrusted import DEFAULT_TIME_LIMIT

__all__ = [
    "BACKUPS_KEPT",
    "DEFAULT_TIME_LIMIT",
    "CodebookIssue",
    "Conflict",
    "Counts",
    "DocumentIssue",
    "Holder",
    "LayerReport",
    "Match",
    "MergeReport",
    "PacketsRefused",
    "ProposalDecision",
    "ProposalInfo",
    "Refusal",
    "RowIssue",
    "Stamp",
    "merge_packets",
]
