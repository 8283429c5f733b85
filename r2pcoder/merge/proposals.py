"""Themes a coder added in a packet: proposals the lead accepts, maps onto a theme, or rejects.

A proposal's decision comes from the merge call (``proposals={theme uuid or key: decision}``), or
else from the master's earlier decision (``theme_proposals``), or is ``pending``. A pending or
accepted proposal becomes a theme of the master with the packet's UUID (pending ones retired, so
nobody codes with them before the lead decides) and keeps its codings; a mapped one moves its
codings to the target theme; a rejected one keeps its codings out of the master. Decisions are
stored, so merging the same packet again gives the same result. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from r2pcoder.errors import MergeRefused
from r2pcoder.merge.foreign import MasterIndex
from r2pcoder.merge.source import ThemeTuple

__all__ = ["Decision", "ProposalDecision", "ResolvedProposal", "resolve", "write_proposals"]

Decision = Literal["pending", "accept", "map", "reject"]

_STORED: dict[str, Decision] = {
    "pending": "pending", "accepted": "accept", "mapped": "map", "rejected": "reject",
}  # fmt: skip
_STATUS = {decision: status for status, decision in _STORED.items()}
_NEW_POSITION = 1_000_000


@dataclass(frozen=True)
class ProposalDecision:
    """The lead's decision on a proposed theme.

    Attributes:
        action: ``accept`` (a theme of the master), ``map`` (codings go to ``target``) or
            ``reject`` (codings are not merged).
        target: for ``map``: the master theme's UUID or key.
    """

    action: Literal["accept", "map", "reject"]
    target: str | None = None


@dataclass(frozen=True)
class ResolvedProposal:
    """A proposal with the decision that applies in this merge."""

    theme: ThemeTuple
    coder_uuid: str
    decision: Decision
    target: str | None
    stored: bool

    @property
    def destination(self) -> str | None:
        """The master theme UUID its codings go to, or None when they are not merged."""
        if self.decision in ("pending", "accept"):
            return self.theme.uuid
        return self.target if self.decision == "map" else None


def resolve(
    theme: ThemeTuple,
    coder_uuid: str,
    index: MasterIndex,
    decisions: Mapping[str, ProposalDecision],
    keys: Mapping[str, str],
) -> ResolvedProposal:
    """Which decision applies to ``theme``: the call's, else the stored one, else pending.

    Raises:
        MergeRefused: a ``map`` decision names no theme of the master.
    """
    explicit = decisions.get(theme.uuid) or decisions.get(theme.key)
    stored = index.proposals.get(theme.uuid)
    if explicit is not None:
        target = None
        if explicit.action == "map":
            target = _target(explicit.target, index, keys, theme)
        unchanged = stored == (_STATUS[explicit.action], target)
        return ResolvedProposal(theme, coder_uuid, explicit.action, target, unchanged)
    if stored is not None:
        return ResolvedProposal(theme, coder_uuid, _STORED[stored[0]], stored[1], True)
    return ResolvedProposal(theme, coder_uuid, "pending", None, False)


def _target(
    wanted: str | None, index: MasterIndex, keys: Mapping[str, str], theme: ThemeTuple
) -> str:
    target = wanted if wanted in index.themes else keys.get(wanted or "")
    if target is None or target == theme.uuid:
        raise MergeRefused(
            f"Proposed theme {theme.name!r} is to be mapped onto {wanted!r}, which is not a theme "
            "of the master."
        )
    return target


def write_proposals(
    raw: sqlite3.Connection, proposals: Sequence[ResolvedProposal], now: str
) -> None:
    """Store proposals and decisions in the master, adding proposed themes where kept.

    Runs inside the merge's transaction on its driver connection.
    """
    for p in proposals:
        keep = p.decision in ("pending", "accept")
        exists = raw.execute("SELECT 1 FROM themes WHERE uuid = ?", (p.theme.uuid,)).fetchone()
        if keep and not exists:
            t = p.theme
            raw.execute(
                "INSERT INTO themes (uuid, key, parent_id, name, description, include, exclude, "
                "example, color, shortcut, position, retired, proposed_by) "
                "VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                (t.uuid, f"{t.key}~{t.uuid[:8]}", t.name, t.description, t.include, t.exclude,
                 t.example, t.color, _NEW_POSITION + t.position, p.decision == "pending",
                 p.coder_uuid),
            )  # fmt: skip
        elif exists:
            raw.execute(
                "UPDATE themes SET retired = ? WHERE uuid = ?",
                (p.decision != "accept", p.theme.uuid),
            )
        if not p.stored:
            raw.execute(
                "INSERT INTO theme_proposals (theme_uuid, coder_uuid, key, name, status, "
                "target_uuid, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(theme_uuid) "
                "DO UPDATE SET status = excluded.status, target_uuid = excluded.target_uuid, "
                "decided_at = excluded.decided_at",
                (p.theme.uuid, p.coder_uuid, p.theme.key, p.theme.name, _STATUS[p.decision],
                 p.target, None if p.decision == "pending" else now),
            )  # fmt: skip
    # Parents are set once every proposed theme exists, whatever order they came in.
    for p in proposals:
        if p.theme.parent_uuid is not None:
            raw.execute(
                "UPDATE themes SET parent_id = (SELECT id FROM themes WHERE uuid = ?) "
                "WHERE uuid = ? AND proposed_by IS NOT NULL",
                (p.theme.parent_uuid, p.theme.uuid),
            )
