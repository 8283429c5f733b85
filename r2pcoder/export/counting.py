"""Counting statements, speakers and States per theme and stance, overall and by a field.

The unit is the statement: a statement counts once for a theme, under the stance the layer gives
it there (a stance, "mixed stances" or "no stance given"; see :mod:`r2pcoder.export.layers`), and
once under "any stance". So the stance rows of a theme add up to its "any stance" row, and the
groups of a breakdown add up to the overall figure.

Group statements: a statement delivered on behalf of a group (``on_behalf_of`` set) is one
statement by its speaker; the groups are listed in the ``on_behalf_of`` column. With
``members`` the ``states`` column counts the distinct States behind the statements: the speaker
and the members listed in the statement's ``members`` attribute (``"; "``-separated).

States are named as the UN regional groups table names them (:mod:`r2pcoder.regional_groups`),
so "Russia" and "Russian Federation" are one State. In a breakdown by ``regional_group`` every
State counts under its own group, not under the group of the speaker whose statement listed
it: Chile, a member of a group statement delivered by Switzerland, counts under Latin American
and Caribbean. A member the table does not know counts under ``unknown`` and is listed by
:func:`unknown_states`, never dropped or guessed. A speaker the table does not know counts
under its statement's regional group, unless that group is ``none`` (the UN Secretariat,
organisations, civil society): such a speaker is not a State. The ``statements`` and
``speakers`` columns of a group stay those of the statements its speakers delivered. Other
breakdowns (event, year, ...) count a statement's States under the statement's own value.

Distinct speakers: statements with the same speaker count as one speaker; a statement whose
speaker is unknown counts as a speaker of its own (two unknown speakers cannot be told apart, so
they are not merged). Statements with a missing breakdown value are counted in an explicit
``unknown`` group. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from r2pcoder.export.data import UNKNOWN, ExportData, Statement
from r2pcoder.regional_groups import regional_groups
from r2pcoder.wording import counted

__all__ = [
    "ANY_STANCE",
    "OVERALL",
    "REGIONAL_GROUP",
    "CountKey",
    "CountRow",
    "StateRef",
    "count_statements",
    "participation",
    "speaker_label",
    "statement_states",
    "unknown_state_warning",
    "unknown_states",
]

ANY_STANCE = -3
"""Stance value of the rows counting a theme whatever the stance."""

OVERALL = "overall"
"""The breakdown name of the rows over all statements (their group is ``all``)."""

REGIONAL_GROUP = "regional_group"
"""The breakdown whose States count under their own group."""


class CountKey(NamedTuple):
    """Where a count belongs: breakdown field, its value, theme id and stance value."""

    breakdown: str
    group: str
    theme_id: int
    stance: int


@dataclass
class CountRow:
    """Statements, distinct speakers and (optionally) States in one cell of the counts."""

    statements: int = 0
    speakers: set[str] = field(default_factory=set)
    states: set[str] = field(default_factory=set)
    on_behalf_of: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class StateRef:
    """A State behind a statement.

    Attributes:
        name: the table's name, or the name as written when the table does not know it.
        group: the group it counts under in a regional-group breakdown; ``None`` for the
            statement's own group (a speaker the table does not know).
        member: listed in the ``members`` attribute (else the speaker).
        known: whether the regional groups table knows the name.
    """

    name: str
    group: str | None
    member: bool
    known: bool


def speaker_label(statement: Statement) -> str:
    """The speaker as listed in participation: ``Latvia (on behalf of Baltic States)``."""
    name = statement.speaker or UNKNOWN
    return f"{name} (on behalf of {statement.on_behalf_of})" if statement.on_behalf_of else name


def _speaker_key(statement: Statement) -> str:
    if not statement.speaker:
        return f"(unknown speaker of statement {statement.uuid})"
    state = regional_groups().find(statement.speaker)
    return state.name if state is not None else statement.speaker


def statement_states(statement: Statement) -> tuple[StateRef, ...]:
    """The States behind a statement: its speaker (unless not a State) and listed members."""
    table = regional_groups()
    refs: list[StateRef] = []
    speaker = table.find(statement.speaker) if statement.speaker else None
    if speaker is not None:
        refs.append(StateRef(speaker.name, speaker.group, member=False, known=True))
    elif statement.regional_group != "none":
        refs.append(StateRef(_speaker_key(statement), None, member=False, known=False))
    for name in statement.members:
        state = table.find(name)
        if state is not None:
            refs.append(StateRef(state.name, state.group, member=True, known=True))
        else:
            refs.append(StateRef(name, UNKNOWN, member=True, known=False))
    return tuple(refs)


def unknown_states(data: ExportData) -> dict[str, list[str]]:
    """Names counted as States that the regional groups table does not know.

    Each comes with the titles of the statements naming it: listed members, and speakers of
    statements whose regional group is not ``none``. A statement without a speaker names no
    one.
    """
    found: dict[str, list[str]] = defaultdict(list)
    for statement in data.statements.values():
        for ref in statement_states(statement):
            if not ref.known and (ref.member or statement.speaker):
                found[ref.name].append(statement.title)
    return dict(found)


def unknown_state_warning(data: ExportData) -> list[str]:
    """The warning naming every name counted as a State that the table does not know."""
    unknown = unknown_states(data)
    if not unknown:
        return []
    named = "; ".join(
        f"{name!r} (in {', '.join(repr(t) for t in titles[:3])}"
        f"{f' and {len(titles) - 3} more' if len(titles) > 3 else ''})"  # noqa: PLR2004
        for name, titles in sorted(unknown.items(), key=lambda item: item[0].casefold())
    )
    return [
        f"{counted(len(unknown), 'name')} counted as "
        f"{'a State is' if len(unknown) == 1 else 'States are'} not in the UN regional groups "
        f"table, so {'it counts' if len(unknown) == 1 else 'they count'} under 'unknown' "
        f"(members) or under the statement's regional group (speakers): {named}. Correct the "
        "spelling, or give a speaker that is not a State the regional group 'none'."
    ]


def _group_order(group: str) -> tuple[int, str]:
    return (1 if group == UNKNOWN else 0, group.casefold())


def _breakdowns(by: Sequence[str]) -> list[str]:
    return [OVERALL, *dict.fromkeys(b for b in by if b != OVERALL)]


def _own_groups(
    data: ExportData, doc_ids: Iterable[int], states_of: dict[int, tuple[StateRef, ...]]
) -> dict[str, tuple[set[str], set[str]]]:
    """The States behind ``doc_ids`` by their own regional group: (states, members) per group."""
    groups: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for doc_id in doc_ids:
        for ref in states_of[doc_id]:
            own = ref.group or data.statements[doc_id].value(REGIONAL_GROUP)
            states, members = groups[own]
            states.add(ref.name)
            if ref.member:
                members.add(ref.name)
    return groups


def participation(
    data: ExportData, by: Sequence[str], members: bool = False
) -> dict[tuple[str, str], CountRow]:
    """Every statement of the project (coded or not) per breakdown group: who spoke.

    Participation is about the corpus, not the layer, so statements nobody coded count too.
    Keys are ``(breakdown, group)``: the overall row first, then ``by`` in order, groups
    alphabetically with ``unknown`` last. With ``members``, States count under their own
    group in a regional-group breakdown (see the module docstring).
    """
    rows: dict[tuple[str, str], CountRow] = defaultdict(CountRow)
    breakdowns = _breakdowns(by)
    states_of = {d: statement_states(st) if members else () for d, st in data.statements.items()}
    for doc_id, statement in data.statements.items():
        for breakdown in breakdowns:
            group = "all" if breakdown == OVERALL else statement.value(breakdown)
            _add(rows[(breakdown, group)], statement, states_of[doc_id])
    if members and REGIONAL_GROUP in breakdowns:
        for key in [k for k in rows if k[0] == REGIONAL_GROUP]:
            rows[key].states, rows[key].members = set(), set()
        for group, (states, listed) in _own_groups(data, data.statements, states_of).items():
            row = rows[(REGIONAL_GROUP, group)]
            row.states, row.members = states, listed
    rank = {b: i for i, b in enumerate(breakdowns)}
    return {key: rows[key] for key in sorted(rows, key=lambda k: (rank[k[0]], _group_order(k[1])))}


def _add(row: CountRow, statement: Statement, states: tuple[StateRef, ...]) -> None:
    row.statements += 1
    row.speakers.add(_speaker_key(statement))
    row.states.update(ref.name for ref in states)
    row.members.update(ref.name for ref in states if ref.member)
    if statement.on_behalf_of:
        row.on_behalf_of.add(statement.on_behalf_of)
    row.labels.add(speaker_label(statement))


def _row(
    data: ExportData,
    doc_ids: list[int],
    names: dict[int, tuple[str, str]],
    states_of: dict[int, tuple[StateRef, ...]] | None,
) -> CountRow:
    """One cell; its States only when they are counted (``states_of`` given)."""
    grouped = [st for st in map(data.statements.__getitem__, doc_ids) if st.on_behalf_of]
    refs = [ref for d in doc_ids for ref in states_of[d]] if states_of is not None else []
    return CountRow(
        statements=len(doc_ids),
        speakers={names[d][0] for d in doc_ids},
        states={ref.name for ref in refs},
        on_behalf_of={st.on_behalf_of for st in grouped},
        labels={names[d][1] for d in doc_ids},
        members={ref.name for ref in refs if ref.member},
    )


def _regroup(
    data: ExportData,
    counts: dict[CountKey, CountRow],
    docs: dict[tuple[str, str, int, int], list[int]],
    states_of: dict[int, tuple[StateRef, ...]],
) -> None:
    """Put every State of a regional-group breakdown under its own group."""
    for key, row in counts.items():
        if key.breakdown == REGIONAL_GROUP:
            row.states, row.members = set(), set()
    for (breakdown, _, theme_id, stance), doc_ids in docs.items():
        if breakdown != OVERALL:
            continue
        for group, (states, listed) in _own_groups(data, doc_ids, states_of).items():
            row = counts.setdefault(CountKey(REGIONAL_GROUP, group, theme_id, stance), CountRow())
            row.states, row.members = states, listed


def count_statements(
    data: ExportData, by: Sequence[str], members: bool = False
) -> dict[CountKey, CountRow]:
    """Counts for every (breakdown, group, theme, stance) with at least one statement.

    States are counted only with ``members`` (``states`` stays empty otherwise). With
    ``members`` and a ``regional_group`` breakdown, a group also gets a row where only its
    States (members of other groups' statements) took the stance: ``statements`` 0.

    Keys come out ordered: the overall breakdown first, then ``by`` in the given order; within
    one, groups alphabetically with ``unknown`` last, then codebook order of themes, then scale
    order of stances with :data:`ANY_STANCE` first.
    """
    breakdowns = _breakdowns(by)
    # Each statement's groups are looked up once, and documents are collected per cell before
    # any set is built: a layer of 500,000 codings has some 60,000 statement x theme values.
    groups_of = {
        doc_id: [(b, "all" if b == OVERALL else st.value(b)) for b in breakdowns]
        for doc_id, st in data.statements.items()
    }
    # Plain tuples while collecting: building a NamedTuple costs several times more.
    docs: dict[tuple[str, str, int, int], list[int]] = defaultdict(list)
    for (doc_id, theme_id), value in data.selection.values.items():
        for breakdown, group in groups_of[doc_id]:
            docs[(breakdown, group, theme_id, ANY_STANCE)].append(doc_id)
            docs[(breakdown, group, theme_id, value)].append(doc_id)
    names = {d: (_speaker_key(st), speaker_label(st)) for d, st in data.statements.items()}
    coded = {doc_id for doc_id, _ in data.selection.values}
    states_of = {d: statement_states(data.statements[d]) for d in coded} if members else None
    counts = {
        CountKey(*key): _row(data, doc_ids, names, states_of) for key, doc_ids in docs.items()
    }
    if states_of is not None and REGIONAL_GROUP in breakdowns:
        _regroup(data, counts, docs, states_of)
    theme_rank = {t.id: i for i, t in enumerate(data.themes)}
    stance_rank = {s: i for i, s in enumerate([ANY_STANCE, *data.stance_order()])}
    by_rank = {b: i for i, b in enumerate(breakdowns)}

    def order(key: CountKey) -> tuple[int, tuple[int, str], int, int]:
        return (
            by_rank[key.breakdown],
            _group_order(key.group),
            theme_rank.get(key.theme_id, len(theme_rank)),
            stance_rank.get(key.stance, len(stance_rank)),
        )

    return {key: counts[key] for key in sorted(counts, key=order)}
