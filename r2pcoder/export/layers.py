"""Which codings an export reports: one coder's layer, or a rule over several coders.

A *layer* answers two questions for every statement and theme: which stance the statement takes
on the theme (the statement-level result used by matrices and counts), and which coded passages
stand behind that result (the segments and quotes).

One coder's view of a statement, the same as the reliability module's statement unit: the
stance of a theme in a statement is the stance carried by most of that coder's codings of the
theme there that carry one; a tie between stances makes it ``MIXED``; codings that all lack a
stance make it ``NO_STANCE``. A theme the coder never coded in the statement has no value.

Rules over several coders (``coders`` empty = every coder of the project):

* ``all`` (agreed by all): every chosen coder coded the theme in the statement and all of them
  reached the same value;
* ``majority``: more than half of the chosen coders reached the same value.

Under a rule, the segments and quotes of a (statement, theme) are the codings of the coders who
agreed; the others' codings of that theme in that statement are left out. A single coder's layer
is the rule ``all`` over that one coder. An adjudicated (gold) layer will be one more ``rule``
whose codings come from the adjudication; :func:`resolve_layer` is where it will be looked up,
and everything downstream only sees :class:`Layer` and :class:`Selection`.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter
from typing import Literal, NamedTuple

from r2pcoder.errors import ExportFailed

__all__ = [
    "MIXED",
    "NO_STANCE",
    "RULES",
    "CoderRef",
    "CodingTuple",
    "Layer",
    "LayerChoice",
    "Rule",
    "Selection",
    "coder_values",
    "parse_layer",
    "resolve_layer",
    "select_codings",
]

Rule = Literal["coder", "all", "majority", "gold"]
RULES: tuple[Rule, ...] = ("coder", "all", "majority", "gold")

NO_STANCE = -1
"""Statement-level value: the theme was coded, but with no stance."""
MIXED = -2
"""Statement-level value: the codings of the theme carry two or more different stances."""


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
class CoderRef:
    """A coder as named in an export."""

    id: int
    uuid: str
    name: str


@dataclass(frozen=True)
class LayerChoice:
    """What the researcher asked for, before coder names are looked up.

    Attributes:
        rule: ``coder`` (one coder's codings), ``all`` (agreed by all chosen coders),
            ``majority`` (more than half of the chosen coders) or ``gold`` (adjudicated layer).
        coders: coder names or UUIDs; for ``coder`` exactly one, for a rule none (every coder)
            or several.
    """

    rule: Rule
    coders: tuple[str, ...] = ()


def _coders(n: int) -> str:
    return f"{n} coder" if n == 1 else f"{n} coders"


@dataclass(frozen=True)
class Layer:
    """A resolved layer: the rule and the coders it reads."""

    rule: Rule
    coders: tuple[CoderRef, ...]

    @property
    def needed(self) -> int:
        """How many chosen coders must agree on a value for it to count."""
        n = len(self.coders)
        return n if self.rule in ("coder", "all") else n // 2 + 1

    def label(self) -> str:
        """The layer in plain words, printed in every output."""
        names, count = ", ".join(c.name for c in self.coders), _coders(len(self.coders))
        if self.rule == "coder":
            return f"coder {names}"
        if self.rule == "all":
            return f"agreed by all of {count} ({names})"
        if self.rule == "majority":
            return f"majority of {count}, at least {self.needed} agreeing ({names})"
        return "adjudicated (gold) layer"


@dataclass(frozen=True)
class Selection:
    """What a layer keeps.

    Attributes:
        codings: the codings standing behind the results (segments and quotes).
        values: statement-level value per ``(document_id, theme_id)``: a stance id,
            :data:`NO_STANCE` or :data:`MIXED`.
        agreeing: per ``(document_id, theme_id)``, the ids of the coders whose value it is.
        worked: documents that a chosen coder coded or marked done (rows of the matrices).
    """

    codings: list[CodingTuple]
    values: dict[tuple[int, int], int]
    agreeing: dict[tuple[int, int], tuple[int, ...]]
    worked: frozenset[int]


def parse_layer(spec: str) -> LayerChoice:
    """Read a layer from text.

    Accepted: ``Ana`` or ``coder:Ana`` (a coder's name or UUID), ``all``, ``all:Ana,Ben``,
    ``majority``, ``majority:Ana,Ben,Cy`` and ``gold``. A coder actually called "all" is
    written ``coder:all``.
    """
    text = spec.strip()
    if not text:
        raise ExportFailed("Choose a layer: a coder's name, 'all', 'majority' or 'gold'.")
    head, sep, tail = text.partition(":")
    rule = head.strip().lower()
    names = tuple(n.strip() for n in tail.split(",") if n.strip())
    if rule == "all":
        return LayerChoice(rule="all", coders=names)
    if rule == "majority":
        return LayerChoice(rule="majority", coders=names)
    if rule == "gold":
        if names:
            raise ExportFailed("The gold layer takes no coder names.")
        return LayerChoice(rule="gold")
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

    Raises:
        ExportFailed: an unknown, ambiguous or repeated coder, no coder at all, or a gold layer
            the project does not have yet.
    """
    if choice.rule == "gold":
        raise ExportFailed(
            "This project has no adjudicated (gold) layer yet; choose a coder, 'all' or 'majority'."
        )
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


def _decide(
    layer: Layer, per_coder: dict[tuple[int, int, int], int]
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
    needed = layer.needed
    for cell, given in by_cell.items():
        if len(given) < needed:
            continue  # too few coders coded the theme here for any value to reach the bar
        value, count = Counter(given.values()).most_common(1)[0]
        if count >= needed:
            values[cell] = value
            agreeing[cell] = tuple(sorted(c for c, v in given.items() if v == value))
    return values, agreeing


_ORDER = attrgetter("document_id", "start", "end", "coder_id", "id")


def _in_order(codings: list[CodingTuple], rank: Mapping[int, int]) -> list[CodingTuple]:
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
    values, agreeing = _decide(layer, coder_values(mine))
    if len(chosen) == 1:
        kept = mine  # one coder always agrees with themselves
    else:
        agree_sets = {cell: set(ids) for cell, ids in agreeing.items()}
        kept = [c for c in mine if c.coder_id in agree_sets.get((c.document_id, c.theme_id), ())]
    kept = _in_order(kept, doc_rank or {})
    worked = {c.document_id for c in mine} | {doc for coder, doc in done if coder in chosen}
    return Selection(codings=kept, values=values, agreeing=agreeing, worked=frozenset(worked))
