"""Which codings an export reports: one coder's layer, a rule over several coders, gold or final.

A *layer* answers two questions for every statement and theme: which stance the statement takes
on the theme (the statement-level result used by matrices and counts), and which coded passages
stand behind that result (the segments and quotes).

One coder's view of a statement, the same as the reliability module's statement unit
(:mod:`r2pcoder.reliability.units`): the stance of a theme in a statement is the stance carried
by most of that coder's codings of the theme there that carry one; a tie between stances makes
it ``MIXED``; codings that all lack a stance make it ``NO_STANCE``. A coder who worked on the
statement (coded anything in it or marked it done) but never coded the theme there said
:data:`NOT_CODED`; a coder who never worked on the statement says nothing about it.
:func:`coder_values` is that rule, the one every layer and the review use.

Rules over several coders (``coders`` empty = every coder of the project) count, per statement,
the chosen coders **who worked on that statement**, never those who did not see it (a split
corpus gives most statements to one coder). Presence and stance are separate questions:

* ``all``: the theme is present where every chosen coder who worked on the statement coded it;
  its stance is their common value, or ``MIXED`` when they differ;
* ``majority``: the theme is present where more than half of the chosen coders who worked on the
  statement coded it; its stance is the value of more than half of those who coded it, else
  ``MIXED`` (four coders, two "supports" and two "neutral": present, mixed).

Under a rule, the segments and quotes of a (statement, theme) are the codings of the coders who
gave the layer's stance (all coders who coded the theme when it is mixed); the others' codings
of that theme in that statement are left out. A single coder's layer is every value of that
coder. The adjudicated ``gold`` layer and the ``final`` layer (gold decisions, else what the
coders agree on, else a single coder's codings) come from :mod:`r2pcoder.review.layers`;
everything downstream only sees :class:`Layer` and :class:`Selection`.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter
from typing import Literal, NamedTuple

from r2pcoder.errors import ExportFailed
from r2pcoder.models import CoderRef  # the one read model of a coder, named in exports

__all__ = [
    "GOLD_CODER",
    "MIXED",
    "NOT_CODED",
    "NO_STANCE",
    "RULES",
    "CoderRef",
    "CodingTuple",
    "Layer",
    "LayerChoice",
    "Rule",
    "Selection",
    "coder_values",
    "in_order",
    "parse_layer",
    "resolve_layer",
    "select_codings",
    "worked_on",
]

Rule = Literal["coder", "all", "majority", "gold", "final"]
RULES: tuple[Rule, ...] = ("coder", "all", "majority", "gold", "final")

NO_STANCE = -1
"""Statement-level value: the theme was coded, but with no stance."""
MIXED = -2
"""Statement-level value: the codings of the theme carry two or more different stances."""
NOT_CODED = -4
"""Statement-level value of a coder who worked on the statement but did not code the theme."""


class CodingTuple(NamedTuple):
    """One coding as plain values (no ORM object), as read in bulk for an export."""

    id: int
    document_id: int
    coder_id: int
    theme_id: int
    stance_id: int | None
    start: int
    end: int
    memo: str


@dataclass(frozen=True)
class LayerChoice:
    """What the researcher asked for, before coder names are looked up.

    Attributes:
        rule: ``coder`` (one coder's codings), ``all`` (all chosen coders who worked on each
            statement), ``majority`` (more than half of them), ``gold`` (the adjudicated layer)
            or ``final`` (gold, else the coders' common value, else a single coder's codings).
        coders: coder names or UUIDs; for ``coder`` exactly one, for a rule none (every coder)
            or several; none for ``gold`` and ``final``.
    """

    rule: Rule
    coders: tuple[str, ...] = ()


def _coders(n: int) -> str:
    return f"{n} coder" if n == 1 else f"{n} coders"


@dataclass(frozen=True)
class Layer:
    """A resolved layer: the rule and the coders it reads.

    Attributes:
        rule: see :class:`LayerChoice`.
        coders: the coders read; for ``gold`` and ``final`` the first is the gold layer itself
            (id :data:`GOLD_CODER`).
        summary: for ``gold`` and ``final``, how many statement x theme cells came from each
            rule and how many await adjudication (printed with the label).
    """

    rule: Rule
    coders: tuple[CoderRef, ...]
    summary: str = ""

    def needed(self, workers: int) -> int:
        """How many of ``workers`` coders (who worked on a statement) must code a theme there."""
        return workers if self.rule in ("coder", "all") else workers // 2 + 1

    def label(self) -> str:
        """The layer in plain words, printed in every output."""
        names = ", ".join(c.name for c in self.coders)
        if self.rule == "coder":
            return f"coder {names}"
        if self.rule == "all":
            return f"all coders who worked on each statement ({_coders(len(self.coders))}: {names})"
        if self.rule == "majority":
            return (
                "majority of the coders who worked on each statement "
                f"({_coders(len(self.coders))}: {names})"
            )
        return f"{self.rule} ({self.summary})" if self.summary else self.rule


GOLD_CODER = 0
"""The coder id under which gold codings appear in a :class:`Selection` (no real coder has 0)."""


@dataclass(frozen=True)
class Selection:
    """What a layer keeps.

    Attributes:
        codings: the codings standing behind the results (segments and quotes).
        values: statement-level value per ``(document_id, theme_id)``: a stance id,
            :data:`NO_STANCE` or :data:`MIXED`.
        agreeing: per ``(document_id, theme_id)``, the ids of the coders whose value it is.
        worked: documents that a chosen coder coded or marked done (rows of the matrices).
        cells: for ``gold`` and ``final``, how many cells came from each rule (and how many
            await adjudication, under ``awaiting``); empty for the other layers.
    """

    codings: list[CodingTuple]
    values: dict[tuple[int, int], int]
    agreeing: dict[tuple[int, int], tuple[int, ...]]
    worked: frozenset[int]
    cells: dict[str, int] = field(default_factory=dict)


def parse_layer(spec: str) -> LayerChoice:
    """Read a layer from text.

    Accepted: ``Ana`` or ``coder:Ana`` (a coder's name or UUID), ``all``, ``all:Ana,Ben``,
    ``majority``, ``majority:Ana,Ben,Cy``, ``gold`` and ``final``. A coder actually called
    "all" (or "gold", "final") is written ``coder:all``.
    """
    text = spec.strip()
    if not text:
        raise ExportFailed("Choose a layer: a coder's name, 'all', 'majority', 'gold' or 'final'.")
    head, sep, tail = text.partition(":")
    rule = head.strip().lower()
    names = tuple(n.strip() for n in tail.split(",") if n.strip())
    if rule == "all":
        return LayerChoice(rule="all", coders=names)
    if rule == "majority":
        return LayerChoice(rule="majority", coders=names)
    if rule in ("gold", "final"):
        if names:
            raise ExportFailed(f"The {rule} layer takes no coder names.")
        return LayerChoice(rule="gold" if rule == "gold" else "final")
    if rule == "coder" and sep:
        if len(names) != 1:
            raise ExportFailed("Name exactly one coder after 'coder:', e.g. coder:Ana.")
        return LayerChoice(rule="coder", coders=names)
    return LayerChoice(rule="coder", coders=(text,))


def _find(coders: Sequence[CoderRef], ref: str) -> CoderRef:
    by_uuid = [c for c in coders if c.uuid == ref]
    by_name = [c for c in coders if c.name.casefold() == ref.casefold()]
    found = by_uuid or by_name
    if not found:
        known = ", ".join(c.name for c in coders) or "none"
        raise ExportFailed(f"There is no coder {ref!r} in this project (coders: {known}).")
    if len(found) > 1:
        raise ExportFailed(f"Several coders are called {ref!r}; give the coder's UUID instead.")
    return found[0]


def resolve_layer(choice: LayerChoice, coders: Sequence[CoderRef]) -> Layer:
    """Look up the chosen coders.

    ``gold`` and ``final`` are resolved by :mod:`r2pcoder.review.layers`, not here.

    Raises:
        ExportFailed: an unknown, ambiguous or repeated coder, no coder at all.
    """
    if choice.rule in ("gold", "final"):
        raise ExportFailed(f"The {choice.rule} layer is read from the review, not from coders.")
    if choice.rule == "coder" and len(choice.coders) != 1:
        raise ExportFailed("A coder's layer names exactly one coder.")
    chosen = tuple(_find(coders, ref) for ref in choice.coders) if choice.coders else tuple(coders)
    if not chosen:
        raise ExportFailed("This project has no coders yet, so there is nothing to export.")
    if len({c.id for c in chosen}) != len(chosen):
        raise ExportFailed("A coder is named twice in the layer; name each coder once.")
    return Layer(rule=choice.rule, coders=chosen)


def _value(stances: list[int | None]) -> int:
    given = [s for s in stances if s is not None]
    if not given:
        return NO_STANCE
    first = given[0]
    if given.count(first) == len(given):
        return first
    (top, n_top), (_, n_next) = Counter(given).most_common(2)
    return MIXED if n_top == n_next else top


def coder_values(codings: Iterable[CodingTuple]) -> dict[tuple[int, int, int], int]:
    """Each coder's statement-level value per ``(coder_id, document_id, theme_id)``."""
    stances: dict[tuple[int, int, int], list[int | None]] = {}
    get = stances.get
    for c in codings:
        key = (c.coder_id, c.document_id, c.theme_id)
        given = get(key)
        if given is None:
            stances[key] = [c.stance_id]
        else:
            given.append(c.stance_id)
    return {key: _value(given) for key, given in stances.items()}


def worked_on(
    codings: Iterable[CodingTuple], done: Iterable[tuple[int, int]], coders: Iterable[int]
) -> dict[int, frozenset[int]]:
    """Per document, which of ``coders`` worked on it: coded anything there or marked it done."""
    chosen = set(coders)
    found: dict[int, set[int]] = defaultdict(set)
    for c in codings:
        if c.coder_id in chosen:
            found[c.document_id].add(c.coder_id)
    for coder, doc in done:
        if coder in chosen:
            found[doc].add(coder)
    return {doc: frozenset(who) for doc, who in found.items()}


def _decide(
    layer: Layer,
    per_coder: dict[tuple[int, int, int], int],
    workers: Mapping[int, frozenset[int]],
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], tuple[int, ...]]]:
    if len(layer.coders) == 1:
        # One coder: every value of theirs stands, and they are its only coder.
        return (
            {(doc, theme): v for (_, doc, theme), v in per_coder.items()},
            {(doc, theme): (coder,) for (coder, doc, theme) in per_coder},
        )
    by_cell: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for (coder, doc, theme), value in per_coder.items():
        by_cell[(doc, theme)][coder] = value
    values: dict[tuple[int, int], int] = {}
    agreeing: dict[tuple[int, int], tuple[int, ...]] = {}
    for cell, given in by_cell.items():
        # Presence: enough of the coders who worked on the statement coded the theme.
        if len(given) < layer.needed(len(workers[cell[0]])):
            continue
        value, count = Counter(given.values()).most_common(1)[0]
        # Stance: asked of the coders who coded the theme; short of the bar it is mixed.
        if count < layer.needed(len(given)):
            value = MIXED
        values[cell] = value
        agreeing[cell] = tuple(sorted(c for c, v in given.items() if value in (v, MIXED)))
    return values, agreeing


_ORDER = attrgetter("document_id", "start", "end", "coder_id", "id")


def in_order(codings: list[CodingTuple], rank: Mapping[int, int]) -> list[CodingTuple]:
    """The codings ordered by document (its rank in the corpus), start, end, coder and id."""
    ids = sorted(rank)
    if all(rank[a] < rank[b] for a, b in pairwise(ids)):
        # Documents ranked in id order (the usual case): a C-level key sorts fastest.
        return sorted(codings, key=_ORDER)
    decorated = [(rank.get(c.document_id, c.document_id), *_ORDER(c), c) for c in codings]
    decorated.sort()
    return [d[-1] for d in decorated]


def select_codings(
    layer: Layer,
    codings: Sequence[CodingTuple],
    done: Iterable[tuple[int, int]] = (),
    doc_rank: Mapping[int, int] | None = None,
) -> Selection:
    """Apply ``layer`` to every coding of the project.

    Args:
        layer: the resolved layer.
        codings: every coding (other coders' codings are ignored).
        done: ``(coder_id, document_id)`` "done" marks, so that a statement a chosen coder
            finished without coding anything still appears (as all zeros) in the matrices.
        doc_rank: the rank of each document in the corpus; kept codings come out ordered by
            document, start, end and coder (document id order when not given).
    """
    chosen = {c.id for c in layer.coders}
    mine = [c for c in codings if c.coder_id in chosen]
    done = list(done)
    workers = worked_on(mine, done, chosen)
    values, agreeing = _decide(layer, coder_values(mine), workers)
    if len(chosen) == 1:
        kept = mine  # one coder always agrees with themselves
    else:
        agree_sets = {cell: set(ids) for cell, ids in agreeing.items()}
        kept = [c for c in mine if c.coder_id in agree_sets.get((c.document_id, c.theme_id), ())]
    kept = in_order(kept, doc_rank or {})
    return Selection(codings=kept, values=values, agreeing=agreeing, worked=frozenset(workers))
