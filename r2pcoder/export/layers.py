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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

import numpy as np
import numpy.typing as npt

from r2pcoder.errors import ExportFailed
from r2pcoder.export.columns import CodingColumns, CodingTuple, IntArray
from r2pcoder.models import CoderRef  # the one read model of a coder, named in exports
from r2pcoder.reliability.units import MODAL_MIXED, MODAL_NONE, modal_values

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
]

Rule = Literal["coder", "all", "majority", "gold", "final"]
RULES: tuple[Rule, ...] = ("coder", "all", "majority", "gold", "final")

NO_STANCE = MODAL_NONE
"""Statement-level value: the theme was coded, but with no stance."""
MIXED = MODAL_MIXED
"""Statement-level value: the codings of the theme carry two or more different stances."""
NOT_CODED = -4
"""Statement-level value of a coder who worked on the statement but did not code the theme."""


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
        codings: the codings standing behind the results (segments and quotes), in document,
            start, end, coder and id order; :class:`~r2pcoder.export.columns.CodingColumns`
            when the export selected them.
        values: statement-level value per ``(document_id, theme_id)``: a stance id,
            :data:`NO_STANCE` or :data:`MIXED`.
        agreeing: per ``(document_id, theme_id)``, the ids of the coders whose value it is.
        worked: documents that a chosen coder coded or marked done (rows of the matrices).
        cells: for ``gold`` and ``final``, how many cells came from each rule (and how many
            await adjudication, under ``awaiting``); empty for the other layers.
    """

    codings: Sequence[CodingTuple]
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


@dataclass(frozen=True, eq=False)
class _Values:
    """Each coder's statement-level value per (coder, document, theme): a *group* of codings.

    Attributes:
        coder, doc, theme, value: per group.
        cell: per group, the index of its (document, theme) cell, in document and theme order.
        group: per coding, the index of its group.
    """

    coder: IntArray
    doc: IntArray
    theme: IntArray
    value: IntArray
    cell: IntArray
    group: IntArray


def _dense(ids: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct ids, sorted, and each id's position among them (row ids are small)."""
    if ids.size == 0:
        return ids, ids
    present = np.zeros(int(ids.max()) + 1, dtype=bool)
    present[ids] = True
    distinct = np.flatnonzero(present)
    return distinct, (np.cumsum(present) - 1)[ids]


def _values(codings: CodingColumns) -> _Values:
    coders, coder = _dense(codings.coder_id)
    docs, doc = _dense(codings.document_id)
    themes, theme = _dense(codings.theme_id)
    cells = docs.size * themes.size
    keys, group = np.unique(coder * cells + doc * themes.size + theme, return_inverse=True)
    group = group.reshape(-1)
    _, value = modal_values(group, codings.stance_id)
    _, cell = np.unique(keys % cells, return_inverse=True)
    return _Values(
        coders[keys // cells],
        docs[keys % cells // themes.size],
        themes[keys % themes.size],
        value,
        cell.reshape(-1),
        group,
    )


def coder_values(codings: Iterable[CodingTuple]) -> dict[tuple[int, int, int], int]:
    """Each coder's statement-level value per ``(coder_id, document_id, theme_id)``."""
    found = _values(CodingColumns.of(codings))
    keys = zip(found.coder.tolist(), found.doc.tolist(), found.theme.tolist(), strict=True)
    return dict(zip(keys, found.value.tolist(), strict=True))


def _workers(
    codings: CodingColumns, done: Iterable[tuple[int, int]], chosen: IntArray
) -> tuple[IntArray, IntArray]:
    """The documents a chosen coder worked on (coded anything or marked done), and how many."""
    marks = np.array([(c, d) for c, d in done], dtype=np.int64).reshape(-1, 2)
    marks = marks[np.isin(marks[:, 0], chosen)]
    coder = np.searchsorted(chosen, np.concatenate([codings.coder_id, marks[:, 0]]))
    doc = np.concatenate([codings.document_id, marks[:, 1]])
    pairs = np.unique(doc * chosen.size + coder)
    docs, count = np.unique(pairs // chosen.size, return_counts=True)
    return docs, count


@dataclass(frozen=True, eq=False)
class _Decided:
    """What a rule over several coders keeps.

    Attributes:
        doc, theme, value, present: per cell.
        agrees: per group, whether its coder gave the cell's value (False in absent cells).
    """

    doc: IntArray
    theme: IntArray
    value: IntArray
    present: npt.NDArray[np.bool_]
    agrees: npt.NDArray[np.bool_]


def _decide(layer: Layer, found: _Values, docs: IntArray, workers: IntArray) -> _Decided:
    """Per cell whether the theme is present and its value; per group whether it agrees."""
    cell = found.cell
    n_cells = int(cell.max(initial=-1)) + 1
    if n_cells == 0:
        none = np.zeros(0, dtype=np.int64)
        return _Decided(none, none, none, np.zeros(0, dtype=bool), np.zeros(0, dtype=bool))
    doc, theme = np.zeros(n_cells, dtype=np.int64), np.zeros(n_cells, dtype=np.int64)
    doc[cell], theme[cell] = found.doc, found.theme
    given = np.bincount(cell, minlength=n_cells)
    worked = workers[np.searchsorted(docs, doc)]
    # Presence: enough of the coders who worked on the statement coded the theme.
    present = given >= _needed(layer, worked)
    # Stance: the commonest value, if enough of the coders who coded the theme gave it.
    values, value_index = np.unique(found.value, return_inverse=True)
    combo, count = np.unique(cell * values.size + value_index.reshape(-1), return_counts=True)
    owner = combo // values.size
    top = np.lexsort((-count, owner))
    first = top[np.r_[True, owner[top][1:] != owner[top][:-1]]]
    cell_value = np.full(n_cells, MIXED, dtype=np.int64)
    short = count[first] < _needed(layer, given[owner[first]])
    cell_value[owner[first]] = np.where(short, MIXED, values[combo[first] % values.size])
    mine = cell_value[cell]
    agrees = present[cell] & ((mine == MIXED) | (found.value == mine))
    return _Decided(doc, theme, cell_value, present, agrees)


def _needed(layer: Layer, workers: IntArray) -> IntArray:
    """:meth:`Layer.needed` of each count of workers."""
    return workers if layer.rule in ("coder", "all") else workers // 2 + 1


def _ordered(codings: CodingColumns, rank: Mapping[int, int]) -> CodingColumns:
    """The codings ordered by document (its rank in the corpus), start, end, coder and id."""
    ids = sorted(rank)
    doc = codings.document_id
    if not all(rank[a] < rank[b] for a, b in pairwise(ids)):
        docs, where = _dense(doc)
        doc = np.array([rank.get(d, d) for d in docs.tolist()], dtype=np.int64)[where]
    if codings.id.size == 0:
        return codings
    # Two keys instead of five when they fit in 63 bits: (document, start, end), (coder, id).
    span = int(codings.end.max()) + 1
    coders, coder = _dense(codings.coder_id)
    if (int(doc.max()) + 1) * span * span < 1 << 62 and coders.size * (
        int(codings.id.max()) + 1
    ) < 1 << 62:
        where = (doc * span + codings.start) * span + codings.end
        order = np.lexsort((coder * (int(codings.id.max()) + 1) + codings.id, where))
    else:
        order = np.lexsort((codings.id, codings.coder_id, codings.end, codings.start, doc))
    return codings.take(order)


def in_order(codings: Sequence[CodingTuple], rank: Mapping[int, int]) -> list[CodingTuple]:
    """The codings ordered by document (its rank in the corpus), start, end, coder and id."""
    return list(_ordered(CodingColumns.of(codings), rank))


def select_codings(
    layer: Layer,
    codings: Sequence[CodingTuple],
    done: Iterable[tuple[int, int]] = (),
    doc_rank: Mapping[int, int] | None = None,
) -> Selection:
    """Apply ``layer`` to every coding of the project.

    Args:
        layer: the resolved layer.
        codings: every coding (other coders' codings are ignored); columns are fastest.
        done: ``(coder_id, document_id)`` "done" marks, so that a statement a chosen coder
            finished without coding anything still appears (as all zeros) in the matrices.
        doc_rank: the rank of each document in the corpus; kept codings come out ordered by
            document, start, end and coder (document id order when not given).
    """
    chosen = np.array(sorted({c.id for c in layer.coders}), dtype=np.int64)
    every = CodingColumns.of(codings)
    picked = np.isin(every.coder_id, chosen)
    mine = every if picked.all() else every.take(np.flatnonzero(picked))
    docs, workers = _workers(mine, done, chosen)
    found = _values(mine)
    cell_of = zip(found.doc.tolist(), found.theme.tolist(), strict=True)
    if chosen.size == 1:
        # One coder: every value of theirs stands, and they are its only coder.
        values = dict(zip(cell_of, found.value.tolist(), strict=True))
        only: tuple[int, ...] = (int(chosen[0]),)
        agreeing = dict.fromkeys(values, only)
        kept = mine
    else:
        decided = _decide(layer, found, docs, workers)
        present = decided.present
        cells = zip(decided.doc[present].tolist(), decided.theme[present].tolist(), strict=True)
        values = dict(zip(cells, decided.value[present].tolist(), strict=True))
        agreeing = _agreeing(found, decided)
        kept = mine.take(np.flatnonzero(decided.agrees[found.group]))
    kept = _ordered(kept, doc_rank or {})
    return Selection(
        codings=kept, values=values, agreeing=agreeing, worked=frozenset(docs.tolist())
    )


def _agreeing(found: _Values, decided: _Decided) -> dict[tuple[int, int], tuple[int, ...]]:
    """Per present cell, the sorted ids of the coders whose value it is."""
    groups = np.flatnonzero(decided.agrees)
    if groups.size == 0:
        return {}
    groups = groups[np.lexsort((found.coder[groups], found.cell[groups]))]
    owners = found.cell[groups]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]).tolist()
    coders = found.coder[groups].tolist()
    docs, themes = decided.doc[owners].tolist(), decided.theme[owners].tolist()
    return {
        (docs[lo], themes[lo]): tuple(coders[lo:hi]) for lo, hi in pairwise([*starts, len(coders)])
    }
