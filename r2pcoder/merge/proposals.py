"""Themes a coder added in a packet: proposals the lead accepts, maps onto a theme, or rejects.

A proposal's decision comes from the merge call (``proposals={theme uuid or key: decision}``), or
else from the master's earlier decision (``theme_proposals``), or is ``pending``. A pending or
accepted proposal becomes a theme of the master with the packet's UUID (pending ones retired, so
nobody codes with them before the lead decides) and keeps its codings; a mapped one moves its
codings to the target theme; a rejected one keeps its codings out of the master. Decisions are
stored, so merging the same packet again gives the same result. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects.sqlite import insert as upsert

from r2pcoder.errors import MergeRefused
from r2pcoder.merge.foreign import MasterIndex
from r2pcoder.merge.source import ThemeTuple
from r2pcoder.schema import ThemeProposalRow, ThemeRow

__all__ = ["Decision", "ProposalDecision", "ResolvedProposal", "resolve", "write_proposals"]

Decision = Literal["pending", "accept", "map", "reject"]

_STORED: dict[str, Decision] = {
    "pending": "pending",
    "accepted": "accept",
    "mapped": "map",
    "rejected": "reject",
}
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


def write_proposals(conn: Connection, proposals: Sequence[ResolvedProposal], now: datetime) -> None:
    """Store proposals and decisions in the master, adding proposed themes where kept.

    Runs inside the merge's transaction, on its connection.
    """
    for p in proposals:
        keep = p.decision in ("pending", "accept")
        exists = conn.execute(select(ThemeRow.id).where(ThemeRow.uuid == p.theme.uuid)).first()
        if keep and not exists:
            t = p.theme
            conn.execute(
                insert(ThemeRow).values(
                    uuid=t.uuid,
                    key=f"{t.key}~{t.uuid[:8]}",
                    parent_id=None,
                    name=t.name,
                    description=t.description,
                    include=t.include,
                    exclude=t.exclude,
                    example=t.example,
                    color=t.color,
                    shortcut=None,
                    position=_NEW_POSITION + t.position,
                    retired=p.decision == "pending",
                    proposed_by=p.coder_uuid,
                )
            )
        elif exists:
            conn.execute(
                update(ThemeRow)
                .where(ThemeRow.uuid == p.theme.uuid)
                .values(retired=p.decision != "accept")
            )
        if not p.stored:
            decided = None if p.decision == "pending" else now
            proposal = upsert(ThemeProposalRow).values(
                theme_uuid=p.theme.uuid,
                coder_uuid=p.coder_uuid,
                key=p.theme.key,
                name=p.theme.name,
                status=_STATUS[p.decision],
                target_uuid=p.target,
                decided_at=decided,
            )
            conn.execute(
                proposal.on_conflict_do_update(
                    index_elements=[ThemeProposalRow.theme_uuid],
                    set_={
                        name: proposal.excluded[name]
                        for name in ("status", "target_uuid", "decided_at")
                    },
                )
            )
    # Parents are set once every proposed theme exists, whatever order they came in.
    parents = [
        {"parent": p.theme.parent_uuid, "theme": p.theme.uuid}
        for p in proposals
        if p.theme.parent_uuid is not None
    ]
    if parents:
        conn.execute(_SET_PARENT, parents)


_SET_PARENT = (
    update(ThemeRow)
    .where(ThemeRow.uuid == bindparam("theme"), ThemeRow.proposed_by.is_not(None))
    .values(
        parent_id=select(ThemeRow.id).where(ThemeRow.uuid == bindparam("parent")).scalar_subquery()
    )
)
