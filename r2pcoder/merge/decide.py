"""Which copy decides each unit of a coder's layer: the newest, or none where copies diverged.

For one coder and one unit (a statement, or ``*``), the versions in play are those of the copies
given now and those the master keeps (merged, waiting, set aside; see
:mod:`r2pcoder.merge.ledger`). The rules, in order:

1. the highest issue among them decides: a re-issued packet supersedes the earlier one on the
   statements it holds (versions of lower issues are ``older``);
2. a copy whose version precedes a merged one is ``older`` (equal: ``same``), one that precedes a
   set-aside version stays set aside, one that precedes a waiting version waits with it;
3. of the rest and the master's own version, the *maximal* versions (preceded by no other) are
   what the coder's work there amounts to. If there is one, or all of them hold the same content
   there, it decides. Otherwise the copies **diverged** on this unit: nothing of them is merged
   there (the master keeps what it had) and the conflict is reported with what each holds, until
   the lead prefers one file (``prefer``); the others' versions are then set aside.

A version never counts as older because its copy has fewer writes: only the histories decide,
so the result depends on the set of copies ever merged, not on their order (while no copies
diverge; where they do, the master keeps what it had until the lead chooses). Must not import Qt
or ``ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from r2pcoder.merge.ledger import Stored
from r2pcoder.merge.lines import Line, Version, precedes
from r2pcoder.merge.report import Conflict, Holder

__all__ = ["CoderDecision", "Offer", "Preference", "Verdict", "decide_coder"]

Verdict = Literal["write", "same", "older", "superseded", "conflict", "set_aside"]
Counts3 = tuple[int, int, int]
Content = Callable[[str, "Offer | None"], tuple[str, Counts3]]
"""``content(unit, offer)``: digest and counts (codings, memos, marks) of the unit's work in a
copy given now, or in the master's layer when ``offer`` is None."""


@dataclass(frozen=True)
class Offer:
    """One coder's work in one file given now, as versions of the units it holds."""

    index: int
    path: Path
    file_sha256: str
    line: Line
    units: Mapping[str, Version]

    @property
    def file_name(self) -> str:
        """The file's name, as reports show it."""
        return self.path.name


@dataclass(frozen=True)
class Preference:
    """The lead's choice where copies diverged: files given now, or names of merged files."""

    offers: frozenset[int] = frozenset()
    names: frozenset[str] = frozenset()


@dataclass
class CoderDecision:
    """What to do with each copy of one coder's work, and what the master keeps afterwards."""

    verdicts: dict[int, dict[str, Verdict]] = field(default_factory=dict)
    store: dict[str, list[Stored]] = field(default_factory=dict)
    conflicts: dict[int, list[Conflict]] = field(default_factory=dict)
    notes: dict[int, list[str]] = field(default_factory=dict)

    def units(self, offer: int, *verdicts: Verdict) -> set[str]:
        """The units of ``offer`` with one of ``verdicts``."""
        return {u for u, v in self.verdicts.get(offer, {}).items() if v in verdicts}


@dataclass
class _Node:
    kind: Literal["merged", "pending", "offered"]
    versions: list[Version]
    stored: list[Stored] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)


@dataclass(frozen=True)
class _Unit:
    """Everything one unit's decision needs."""

    unit: str
    title: str
    lines: Sequence[Line]
    content: Content
    prefer: Preference
    now: datetime


def decide_coder(
    offers: Sequence[Offer],
    stored: Mapping[str, Sequence[Stored]],
    lines: Sequence[Line],
    *,
    content: Content,
    prefer: Preference,
    titles: Mapping[str, str],
    now: datetime,
) -> CoderDecision:
    """Decide every unit any of ``offers`` holds (one coder's copies given now)."""
    decision = CoderDecision()
    for unit in sorted({u for o in offers for u in o.units}):
        holding = [(o, o.units[unit]) for o in offers if unit in o.units]
        ctx = _Unit(unit, titles.get(unit, unit), lines, content, prefer, now)
        _decide_unit(ctx, holding, list(stored.get(unit, ())), decision)
    return decision


def _decide_unit(
    ctx: _Unit, offers: list[tuple[Offer, Version]], stored: list[Stored], out: CoderDecision
) -> None:
    top = max([v.issue for _, v in offers] + [s.version.issue for s in stored])
    current = [s for s in stored if s.version.issue == top]
    merged = [s for s in current if s.state == "merged"]
    pending = [s for s in current if s.state == "pending"]
    aside = [s for s in current if s.state == "set_aside"]
    fresh = _in_play(ctx, offers, (top, merged, aside, pending), out)
    # A waiting version given again is in play as the copy given (its file can now be chosen).
    pending = [p for p in pending if p.version not in fresh]
    nodes = [_Node("merged", [s.version for s in merged], merged)] if merged else []
    nodes += [_Node("pending", [p.version], [p]) for p in pending]
    nodes += [_Node("offered", [v], offers=given) for v, given in fresh.items()]
    maximal = [n for n in nodes if not any(m is not n and _le(n, m, ctx.lines) for m in nodes)]
    for node in nodes:
        if node not in maximal:
            by_given = any(m.kind == "offered" and _le(node, m, ctx.lines) for m in maximal)
            for offer in node.offers:
                _set(out, offer, ctx.unit, "superseded" if by_given else "older")
    if maximal == [n for n in nodes if n.kind == "merged"]:
        _keep(out, ctx.unit, stored, [*merged, *aside])
        return
    groups = _groups(ctx, maximal)
    winner = groups[0] if len(groups) == 1 else _preferred(ctx, groups, offers, stored)
    if winner is not None and any(n.kind in ("merged", "offered") for n in winner):
        _settle(ctx, winner, [n for n in maximal if n not in winner], (stored, aside), out)
        if len(groups) > 1:
            _report(
                ctx,
                maximal,
                out,
                "the lead preferred {chosen}; the other copies' work "
                "here is set aside (it stays in their files)",
                winner,
            )
        return
    missing = winner is not None and len(groups) > 1
    _wait(ctx, maximal, (stored, merged, aside), out, chosen_missing=missing)


def _in_play(
    ctx: _Unit,
    offers: list[tuple[Offer, Version]],
    kept: tuple[int, list[Stored], list[Stored], list[Stored]],
    out: CoderDecision,
) -> dict[Version, list[Offer]]:
    """Set the verdict of every given version already placed; return the others, by version."""
    top, merged, aside, pending = kept
    fresh: dict[Version, list[Offer]] = {}
    newer_given = any(v.issue == top for _, v in offers)
    for offer, v in offers:
        verdict = _placed(v, top, merged, aside, pending, ctx.lines)
        if verdict == "older" and v.issue < top and newer_given:
            verdict = "superseded"
        if verdict is None:
            fresh.setdefault(v, []).append(offer)
        else:
            _set(out, offer, ctx.unit, verdict)
    return fresh


def _wait(
    ctx: _Unit,
    maximal: list[_Node],
    kept: tuple[list[Stored], list[Stored], list[Stored]],
    out: CoderDecision,
    *,
    chosen_missing: bool,
) -> None:
    """Diverged: nothing is merged here; the versions in play wait for the lead's choice."""
    stored, merged, aside = kept
    for node in maximal:
        for offer in node.offers:
            _set(out, offer, ctx.unit, "conflict")
    waiting = [_as_stored(ctx, n, "pending") for n in maximal if n.kind != "merged"]
    _keep(out, ctx.unit, stored, [*merged, *[s for w in waiting for s in w], *aside])
    resolution = (
        "not merged: the copies changed it differently and the master keeps what it had; "
        "choose one with --prefer FILE"
    )
    if any(v.key.startswith(("legacy:", "foreign:")) for n in maximal for v in n.versions):
        resolution += (
            " (files without a change history, made by an earlier r2pcoder or by "
            "another master, cannot be ordered by it)"
        )
    if chosen_missing:
        resolution = "not merged: the preferred copy is not given in this merge; give it too"
    _report(ctx, maximal, out, resolution, None)


def _placed(
    v: Version,
    top: int,
    merged: Sequence[Stored],
    aside: Sequence[Stored],
    pending: Sequence[Stored],
    lines: Sequence[Line],
) -> Verdict | None:
    """Where a given version stands against what the master keeps (None: it is in play)."""
    if v.issue < top:
        return "older"
    if any(v == s.version for s in merged):
        return "same"
    if any(precedes(v, s.version, lines) for s in merged):
        return "older"
    if any(precedes(v, s.version, lines) for s in aside):
        return "set_aside"
    if any(precedes(v, s.version, lines) and v != s.version for s in pending):
        return "conflict"
    return None


def _le(a: _Node, b: _Node, lines: Sequence[Line]) -> bool:
    return any(precedes(x, y, lines) for x in a.versions for y in b.versions)


def _digest(ctx: _Unit, node: _Node) -> str:
    if node.kind == "merged":
        return ctx.content(ctx.unit, None)[0]
    if node.kind == "pending":
        return node.stored[0].content
    return ctx.content(ctx.unit, node.offers[0])[0]


def _groups(ctx: _Unit, maximal: list[_Node]) -> list[list[_Node]]:
    """Maximal versions grouped by what they hold on the unit (one group: no conflict)."""
    if len(maximal) == 1:
        return [maximal]
    groups: dict[str, list[_Node]] = {}
    for node in maximal:
        groups.setdefault(_digest(ctx, node), []).append(node)
    return list(groups.values())


def _preferred(
    ctx: _Unit,
    groups: list[list[_Node]],
    offers: Iterable[tuple[Offer, Version]],
    stored: Iterable[Stored],
) -> list[_Node] | None:
    chosen = [v for o, v in offers if o.index in ctx.prefer.offers]
    chosen += [s.version for s in stored if s.file_name in ctx.prefer.names]
    picked = [
        g
        for g in groups
        if any(precedes(c, v, ctx.lines) for n in g for v in n.versions for c in chosen)
    ]
    return picked[0] if len(picked) == 1 else None


def _settle(
    ctx: _Unit,
    winner: list[_Node],
    losers: list[_Node],
    kept: tuple[list[Stored], list[Stored]],
    out: CoderDecision,
) -> None:
    """The winner's version decides; the losers' are set aside."""
    stored, aside = kept
    # Of copies holding the same work here, the one with the longest history writes it: the
    # others are older copies of it (or hold the same).
    given = sorted(
        (o for n in winner for o in n.offers),
        key=lambda o: (-o.line.length, o.file_sha256, o.index),
    )
    writer = None if any(n.kind == "merged" for n in winner) else given[0]
    for offer in given:
        _set(out, offer, ctx.unit, "write" if offer is writer else "same")
    for node in losers:
        for offer in node.offers:
            _set(out, offer, ctx.unit, "set_aside")
    keep = [s for n in winner for s in _as_stored(ctx, n, "merged", with_content=False)]
    keep += aside + [s for n in losers for s in _as_stored(ctx, n, "set_aside")]
    _keep(out, ctx.unit, stored, keep)


def _as_stored(
    ctx: _Unit,
    node: _Node,
    state: Literal["merged", "pending", "set_aside"],
    *,
    with_content: bool = True,
) -> list[Stored]:
    if node.kind != "offered":
        return [
            Stored(s.version, state, s.content, s.counts, s.file_name, s.file_sha256, s.recorded_at)
            for s in node.stored
        ]
    offer = node.offers[0]
    digest, counts = ctx.content(ctx.unit, offer) if with_content else ("", (0, 0, 0))
    return [
        Stored(node.versions[0], state, digest, counts, offer.file_name, offer.file_sha256, ctx.now)
    ]


def _keep(out: CoderDecision, unit: str, before: Sequence[Stored], after: list[Stored]) -> None:
    """Record the unit's new versions if they differ from what the master kept."""

    def key(s: Stored) -> tuple[Version, str]:
        return s.version, s.state

    if sorted(map(key, before)) != sorted(map(key, after)):
        out.store[unit] = after


def _set(out: CoderDecision, offer: Offer, unit: str, verdict: Verdict) -> None:
    out.verdicts.setdefault(offer.index, {})[unit] = verdict


def _report(
    ctx: _Unit,
    maximal: list[_Node],
    out: CoderDecision,
    resolution: str,
    winner: list[_Node] | None,
) -> None:
    holders = []
    for node in maximal:
        if node.kind == "merged":
            counts = ctx.content(ctx.unit, None)[1]
            holders.append(Holder(node.stored[0].file_name or "the master", "merged", *counts))
        elif node.kind == "pending":
            s = node.stored[0]
            holders.append(Holder(s.file_name, "waiting", *s.counts))
        else:
            counts = ctx.content(ctx.unit, node.offers[0])[1]
            holders += [Holder(o.file_name, "given", *counts) for o in node.offers]
    chosen = ""
    if winner is not None:
        names = [o.file_name for n in winner for o in n.offers]
        names += [s.file_name for n in winner for s in n.stored]
        chosen = " and ".join(dict.fromkeys(names))
    conflict = Conflict(ctx.unit, ctx.title, tuple(holders), resolution.format(chosen=chosen))
    involved = {o.index for n in maximal for o in n.offers}
    involved |= {i for i, units in out.verdicts.items() if units.get(ctx.unit) == "conflict"}
    for index in sorted(involved):
        out.conflicts.setdefault(index, []).append(conflict)
