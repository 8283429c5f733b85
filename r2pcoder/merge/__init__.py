"""Merging returned coder packets into the master project (see :func:`merge_packets`).

The package owns the merge: opening files from elsewhere safely (``untrusted``), reading and
checking them (``source``, ``validate``), telling which packet a file is (``identity``), matching
identities (``foreign``, ``codebook_check``), theme proposals (``proposals``), ordering copies by
their change histories (``lines``, ``decide``, ``ledger``), planning per copy (``rows``,
``plan``), writing (``apply``, ``run``), backups (``backup``) and the report (``report``). Must
not import Qt or ``ui``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Loaded on first use (PEP 562), so that the command line's parser can name the default time
# limit without loading the merge and SQLAlchemy.
_HOMES = {
    "BACKUPS_KEPT": ("r2pcoder.merge.backup", "KEPT"),
    "DEFAULT_TIME_LIMIT": ("r2pcoder.merge.untrusted", "DEFAULT_TIME_LIMIT"),
    "ProposalDecision": ("r2pcoder.merge.proposals", "ProposalDecision"),
    "merge_packets": ("r2pcoder.merge.run", "merge_packets"),
    **{
        name: ("r2pcoder.merge.report", name)
        for name in (
            "CodebookIssue",
            "Conflict",
            "Counts",
            "DocumentIssue",
            "Holder",
            "LayerReport",
            "Match",
            "MergeReport",
            "PacketsRefused",
            "ProposalInfo",
            "Refusal",
            "RowIssue",
            "Stamp",
        )
    },
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'r2pcoder.merge' has no attribute {name!r}")
    value = getattr(importlib.import_module(home[0]), home[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
