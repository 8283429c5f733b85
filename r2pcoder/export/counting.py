"""Counting statements and speakers per theme and stance, overall and by a metadata field.

The unit is the statement: a statement counts once for a theme, under the stance the layer gives
it there (a stance, "mixed stances" or "no stance given"; see :mod:`r2pcoder.export.layers`), and
once under "any stance". So the stance rows of a theme add up to its "any stance" row, and the
groups of a breakdown add up to the overall figure.

Group statements: a statement delivered on behalf of a group (``on_behalf_of`` set) is one
statement by its speaker; the groups are listed in the ``on_behalf_of`` column. With
``count_members`` the ``states`` column counts the distinct states behind the statements: each
speaker plus the members listed in the statement's ``members`` attribute (``"; "``-separated),
and ``member_states`` lists those members.

Distinct speakers: statements with the same speaker count as one speaker; a statement whose
speaker is unknown counts as a speaker of its own (two unknown speakers cannot be told apart, so
they are not merged). Statements with a missing breakdown value are counted in an explicit
``unknown`` group. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from r2pcoder.export.data import UNKNOWN, ExportData, Statement

__all__ = [
    "ANY_STANCE",
    "OVERALL",
    "CountKey",
    "CountRow",
    "count_statements",
    "participation",
    "speaker_label",
]

ANY_STANCE = -3
"""Stance value of the rows counting a theme whatever the stance."""

OVERALL = "overall"
"""The breakdown name of the rows over all statements (their group is ``all``)."""


class CountKey(NamedTuple):
    """Where a count belongs: breakdown field, its value, theme id and stance value."""

    breakdown: str
    group: str
    theme_id: int
    stance: int


@dataclass
class CountRow:
    """Statements, distinct speakers and (optionally) states in one cell of the counts."""

    statements: int = 0
    speakers: set[str] = field(default_factory=set)
    states: set[str] = field(default_factory=set)
    on_behalf_of: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)


def speaker_label(statement: Statement) -> str:
    """The speaker as listed in participation: ``Latvia (on behalf of Baltic States)``."""
    name = statement.speaker or UNKNOWN
    return f"{name} (on behalf of {statement.on_behalf_of})" if statement.on_behalf_of else name


def participation(data: ExportData, by: Sequence[str]) -> dict[tuple[str, str], CountRow]:
    """Every statement of the project (coded or not) per breakdown group: who spoke.

    Participation is about the corpus, not the layer, so statements nobody coded count too.
    Keys are ``(breakdown, group)``: the overall row first, then ``by`` in order, groups
    alphabetically with ``unknown`` last.
    """
    rows: dict[tuple[str, str], CountRow] = defaultdict(CountRow)
    breakdowns = [OVERALL, *dict.fromkeys(b for b in by if b != OVERALL)]
    for statement in data.statements.values():
        for breakdown in breakdowns:
            group = "all" if breakdown == OVERALL else statement.value(breakdown)
            _add(rows[(breakdown, group)], statement)
    rank = {b: i for i, b in enumerate(breakdowns)}
    return {key: rows[key] for key in sorted(rows, key=lambda k: (rank[k[0]], _group_order(k[1])))}


def _speaker_key(statement: Statement) -> str:
    return statement.speaker or f"(unknown speaker of statement {statement.uuid})"


def _add(row: CountRow, statement: Statement) -> None:
    row.statements += 1
    speaker = _speaker_key(statement)
    row.speakers.add(speaker)
    row.states.add(speaker)
    row.states.update(statement.members)
    row.members.update(statement.members)
    if statement.on_behalf_of:
        row.on_behalf_of.add(statement.on_behalf_of)
    row.labels.add(speaker_label(statement))


def _row(data: ExportData, doc_ids: list[int], names: dict[int, tuple[str, str]]) -> CountRow:
    speakers = {names[d][0] for d in doc_ids}
    grouped = [
        st for st in map(data.statements.__getitem__, doc_ids) if st.on_behalf_of or st.members
    ]
    members = {m for st in grouped for m in st.members}
    return CountRow(
        statements=len(doc_ids), speakers=speakers, states=speakers | members,
        on_behalf_of={st.on_behalf_of for st in grouped if st.on_behalf_of},
        labels={names[d][1] for d in doc_ids}, members=members,
    )  # fmt: skip


def _group_order(group: str) -> tuple[int, str]:
    return (1 if group == UNKNOWN else 0, group.casefold())


def count_statements(data: ExportData, by: Sequence[str]) -> dict[CountKey, CountRow]:
    """Counts for every (breakdown, group, theme, stance) with at least one statement.

    Keys come out ordered: the overall breakdown first, then ``by`` in the given order; within
    one, groups alphabetically with ``unknown`` last, then codebook order of themes, then scale
    order of stances with :data:`ANY_STANCE` first.
    """
    breakdowns = [OVERALL, *dict.fromkeys(b for b in by if b != OVERALL)]
    # Each statement's groups are looked up once, and documents are collected per cell before
    # any set is built: a layer of 500,000 codings has some 60,000 statement x theme values.
    groups_of = {
        doc_id: [(b, "all" if b == OVERALL else st.value(b)) for b in breakdowns]
        for doc_id, st in data.statements.items()
    }
    # Plain tuples while collecting: building a NamedTuple costs several times more.
    members: dict[tuple[str, str, int, int], list[int]] = defaultdict(list)
    for (doc_id, theme_id), value in data.selection.values.items():
        for breakdown, group in groups_of[doc_id]:
            members[(breakdown, group, theme_id, ANY_STANCE)].append(doc_id)
            members[(breakdown, group, theme_id, value)].append(doc_id)
    names = {d: (_speaker_key(st), speaker_label(st)) for d, st in data.statements.items()}
    counts = {CountKey(*key): _row(data, doc_ids, names) for key, doc_ids in members.items()}
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
