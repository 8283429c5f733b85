"""The review board: a master read once into cells, each with every coder's value and its status.

The coders' layers are read as a :class:`~r2pcoder.reliability.corpus.Corpus` and valued with
the reliability module's statement unit (:func:`~r2pcoder.reliability.units.statement_units`):
the same rule, and the same code, that inter-coder agreement measures, so "agreed" in review
means exactly what agreement counts as agreement. Everything then is arrays (themes x coders x
statements), so the queue of 1,500 statements x 3 coders x 50 codings is classified in a
fraction of a second; single cells are read from the same arrays. Passages of a difference
("span differs") use the overlap unit's matching (:func:`~r2pcoder.reliability.units.
overlap_units`). The coder codings themselves (ids, spans, memos) are fetched only for the cells
that need them. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from r2pcoder.export.layers import MIXED, NO_STANCE, NOT_CODED, CoderRef, CodingTuple
from r2pcoder.reliability.corpus import Corpus, whole_corpus
from r2pcoder.reliability.units import overlap_units, statement_units
from r2pcoder.review.model import CellStatus, CoderValue, Decision
from r2pcoder.review.store import read_decisions

__all__ = [
    "SPAN_THRESHOLD",
    "STATUS_CODES",
    "Board",
    "DocInfo",
    "ThemeInfo",
    "fetch_codings",
    "first_coders",
    "load_board",
    "spans_match",
]

SPAN_THRESHOLD = 0.9
"""Two codings of a theme match when their intersection covers at least this share of their
union: the overlap unit's rule and default (MAXQDA's "overlap of codings"; see
:func:`r2pcoder.reliability.units.overlap_units`)."""

STATUS_CODES: tuple[CellStatus | None, ...] = (
    None,
    "awaiting",
    "reopened",
    "agreed",
    "single",
    "decided",
)
"""Status of a cell by the code the board's status array holds (0: no cell)."""
_AWAITING, _REOPENED, _AGREED, _SINGLE, _DECIDED = 1, 2, 3, 4, 5

Cell = tuple[int, int]
Triple = tuple[int, int, int]
"""(document id, theme id, coder id)."""
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class DocInfo:
    """A statement as the queue shows it (no text: the queue never needs it)."""

    id: int
    uuid: str
    title: str
    regional_group: str
    length: int
    rank: int


@dataclass(frozen=True)
class ThemeInfo:
    """A theme as review shows it; ``rank`` is its place in the codebook."""

    id: int
    key: str
    name: str
    rank: int
    retired: bool


def spans_match(
    a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]], threshold: float
) -> bool:
    """True when the two coders' spans of a theme match one to one, both ways.

    Every span of ``a`` needs one in ``b`` whose intersection with it covers ``threshold`` of
    their union, and every span of ``b`` one in ``a`` (the overlap unit's matching).
    """

    def found(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
        s, e = span
        for s2, e2 in others:
            inter = min(e, e2) - max(s, s2)
            # A small tolerance keeps e.g. 9/10 >= 0.9 from failing on rounding.
            if inter > 0 and inter / (max(e, e2) - min(s, s2)) >= threshold - 1e-9:
                return True
        return False

    return all(found(x, b) for x in a) and all(found(y, a) for y in b)


def _driver(session: Session) -> sqlite3.Connection:
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


_FETCH = (
    'SELECT c.id, c.document_id, c.coder_id, c.theme_id, c.stance_id, c.start, c."end", c.memo '
    "FROM json_each(?) AS w JOIN codings c ON c.document_id = json_extract(w.value, '$[0]') "
    "AND c.coder_id = json_extract(w.value, '$[2]') AND c.theme_id = json_extract(w.value, '$[1]')"
)


def fetch_codings(session: Session, triples: Iterable[Triple]) -> dict[Triple, list[CodingTuple]]:
    """The coder codings of each (document, theme, coder), by position, memos included."""
    wanted = sorted(set(triples))
    found: dict[Triple, list[CodingTuple]] = {}
    if not wanted:
        return found
    # One query with the cells as a JSON array: SQLite unpacks it in C and walks the codings'
    # (document, coder) index for each.
    rows = _driver(session).execute(_FETCH, (json.dumps(wanted),)).fetchall()
    for row in sorted(map(CodingTuple._make, rows), key=lambda c: (c.start, c.end, c.id)):
        found.setdefault((row.document_id, row.theme_id, row.coder_id), []).append(row)
    return found


@dataclass(eq=False)
class Board:
    """Cells of a master (or of some of its statements), with what review needs about them.

    Attributes:
        corpus: the coders' layers (every coder, statement and theme read).
        codes: themes x coders x statements: the statement unit's category code of each coder
            (-1: never worked on the statement; 0: "not coded"; then the stances, "mixed",
            "no stance"), as :func:`~r2pcoder.reliability.units.statement_units` gives them.
        decisions: per cell ``(document id, theme id)``, the gold decision.
        coders, documents, themes: by id, in project, corpus and codebook order.
        stance_keys: stance id -> codebook key.
        codings: the coder codings of the statements read, when only some were (else empty:
            for the whole master, :func:`fetch_codings` reads the cells that need them).
    """

    corpus: Corpus
    codes: npt.NDArray[np.int8]
    labels: tuple[str, ...]
    decisions: dict[Cell, Decision]
    coders: dict[int, CoderRef]
    documents: dict[int, DocInfo]
    themes: dict[int, ThemeInfo]
    stance_keys: dict[int, str]
    codings: list[CodingTuple] = field(default_factory=list)
    _spans: dict[float, BoolArray] = field(default_factory=dict, repr=False)

    # -- indices and the arrays every question is answered from ----------------------------

    @cached_property
    def _t(self) -> dict[int, int]:
        return {t.id: i for i, t in enumerate(self.corpus.themes)}

    @cached_property
    def _d(self) -> dict[int, int]:
        return {d.id: j for j, d in enumerate(self.corpus.documents)}

    @cached_property
    def _coder_ids(self) -> list[int]:
        return [c.id for c in self.corpus.coders]

    @cached_property
    def value_of_code(self) -> tuple[int, ...]:
        """The value of each category code: stance id, or NOT_CODED, MIXED, NO_STANCE."""
        return (NOT_CODED, *(s.id for s in self.corpus.stances), MIXED, NO_STANCE)

    @cached_property
    def _coded(self) -> npt.NDArray[np.int64]:
        return np.asarray((self.codes > 0).sum(axis=1), dtype=np.int64)

    @cached_property
    def _workers(self) -> npt.NDArray[np.int64]:
        return np.asarray(self.corpus.worked.sum(axis=0), dtype=np.int64)

    @cached_property
    def _same(self) -> BoolArray:
        coded = self.codes > 0
        low = np.where(coded, self.codes, 127).min(axis=1)
        high = np.where(coded, self.codes, -1).max(axis=1)
        return np.asarray(low == high)

    @cached_property
    def status_codes(self) -> npt.NDArray[np.int8]:
        """Themes x statements: the :data:`STATUS_CODES` index of each cell (0: no cell)."""
        coded, workers = self._coded, self._workers[None, :]
        status = np.zeros(coded.shape, dtype=np.int8)
        status[coded > 0] = _AWAITING
        status[(coded > 0) & (workers >= 2) & (coded == workers) & self._same] = _AGREED  # noqa: PLR2004
        status[(coded > 0) & (workers <= 1)] = _SINGLE
        for (doc, theme), decision in self.decisions.items():
            if doc in self._d and theme in self._t:
                code = _REOPENED if decision.reopened else _DECIDED
                status[self._t[theme], self._d[doc]] = code
        return status

    @cached_property
    def theme_missing(self) -> BoolArray:
        """Themes x statements: one coder who worked there coded the theme, another did not."""
        return np.asarray((self._coded > 0) & (self._coded < self._workers[None, :]))

    @cached_property
    def stance_differs(self) -> BoolArray:
        """Themes x statements: the coders who coded the theme gave different values."""
        return np.asarray((self._coded > 1) & ~self._same)

    def span_differs(self, threshold: float = SPAN_THRESHOLD) -> BoolArray:
        """Themes x statements: a passage another coder of the theme there does not match.

        Matching is the overlap unit's: intersection over union of at least ``threshold``.
        """
        if threshold not in self._spans:
            out = np.zeros(self.status_codes.shape, dtype=bool)
            coded = self.codes > 0
            for t, units in enumerate(overlap_units(self.corpus, threshold)):
                docs = units.unit_doc
                if docs.size:
                    bad = ((units.codes[0] == 0) & coded[t][:, docs]).any(axis=0)
                    out[t, docs[bad]] = True
            self._spans[threshold] = out
        return self._spans[threshold]

    # -- cells -----------------------------------------------------------------------------

    def cells(self) -> list[Cell]:
        """Every cell, in corpus order of statements, then codebook order of themes."""
        docs = [d.id for d in self.corpus.documents]
        themes = [t.id for t in self.corpus.themes]
        return [(docs[j], themes[i]) for j, i in np.argwhere(self.status_codes.T > 0).tolist()]

    def index(self, cell: Cell) -> tuple[int, int]:
        """The (theme, statement) position of a cell in the arrays."""
        return self._t[cell[1]], self._d[cell[0]]

    def status(self, cell: Cell) -> CellStatus | None:
        """Where the cell stands (see :mod:`r2pcoder.review.model`).

        ``None``: no cell (nobody coded the theme there and nothing is decided).
        """
        t, d = self.index(cell)
        return STATUS_CODES[int(self.status_codes[t, d])]

    @cached_property
    def workers(self) -> dict[int, frozenset[int]]:
        """Per statement someone worked on, the coders who did (coded anything, or done)."""
        ids = self._coder_ids
        return {
            self.corpus.documents[j].id: frozenset(ids[i] for i in np.flatnonzero(column))
            for j, column in enumerate(self.corpus.worked.T)
            if column.any()
        }

    def worker_values(self, cell: Cell) -> dict[int, int]:
        """Each coder who worked on the statement, with their value (:data:`NOT_CODED` if none)."""
        t, d = self.index(cell)
        column, values, ids = self.codes[t, :, d].tolist(), self.value_of_code, self._coder_ids
        return {ids[i]: values[code] for i, code in enumerate(column) if code >= 0}

    def label(self, value: int) -> str:
        """A value as text: stance key, ``not coded``, ``mixed`` or ``no stance``."""
        if value == NOT_CODED:
            return "not coded"
        if value == MIXED:
            return "mixed"
        if value == NO_STANCE:
            return "no stance"
        return self.stance_keys.get(value, f"stance {value}")

    def coder_values(self, cell: Cell) -> tuple[CoderValue, ...]:
        """The cell's values, one per coder who worked on the statement, in coder order."""
        t, d = self.index(cell)
        coders, values, labels = self.corpus.coders, self.value_of_code, self.labels
        return tuple(
            CoderValue(coders[i].id, coders[i].uuid, coders[i].name, values[code], labels[code])
            for i, code in enumerate(self.codes[t, :, d].tolist())
            if code >= 0
        )

    def codings_of(self, cell: Cell, coder_id: int) -> list[CodingTuple]:
        """One coder's codings of the cell's theme in the statement, by position.

        Only for a board of some statements (see :func:`load_board`); use :func:`fetch_codings`
        for many cells of the whole master.
        """
        return self._by_cell.get((cell[0], cell[1], coder_id), [])

    @cached_property
    def _by_cell(self) -> dict[Triple, list[CodingTuple]]:
        grouped: dict[Triple, list[CodingTuple]] = {}
        for c in sorted(self.codings, key=lambda c: (c.start, c.end, c.id)):
            grouped.setdefault((c.document_id, c.theme_id, c.coder_id), []).append(c)
        return grouped


def load_board(session: Session, *, documents: Collection[int] | None = None) -> Board:
    """Read the cells of every statement (or of ``documents``, with their codings) in one go.

    Args:
        session: an open unit of work on a master.
        documents: only these statements (by id); every statement when ``None``.
    """
    corpus = whole_corpus(session, documents)
    units = statement_units(corpus)
    raw = _driver(session)
    retired = dict(raw.execute("SELECT id, retired FROM themes").fetchall())
    themes = {
        t.id: ThemeInfo(t.id, t.key, t.name, i, bool(retired[t.id]))
        for i, t in enumerate(corpus.themes)
    }
    docs = {
        d.id: DocInfo(d.id, d.uuid, d.title, d.meta.get("regional_group", ""), d.length, j)
        for j, d in enumerate(corpus.documents)
    }
    codings: list[CodingTuple] = []
    if documents is not None:
        marks = ",".join("?" * len(documents))
        rows = raw.execute(
            'SELECT id, document_id, coder_id, theme_id, stance_id, start, "end", memo FROM '
            f"codings WHERE document_id IN ({marks})",
            list(documents),
        )
        codings = list(map(CodingTuple._make, rows.fetchall()))
    return Board(
        corpus=corpus,
        codes=units.codes,
        labels=units.labels,
        decisions=read_decisions(session, documents),
        coders={c.id: CoderRef(c.id, c.uuid, c.name) for c in corpus.coders},
        documents=docs,
        themes=themes,
        stance_keys={s.id: s.key for s in corpus.stances},
        codings=codings,
    )


# Who coded a cell first, for every cell of the statements asked about: one pass over their
# codings by the statement index. (Asking per cell made SQLite walk a theme's codings once per
# cell: minutes on a master of half a million codings.)
_FIRST = (
    "SELECT c.document_id, c.theme_id, c.coder_id, MIN(c.created_at) FROM json_each(?) AS w "
    "JOIN codings c ON c.document_id = w.value GROUP BY 1, 2, 3"
)


def first_coders(session: Session, cells: Iterable[Cell]) -> dict[Cell, list[int]]:
    """Per cell, the coders who coded it, the one who coded it first (earliest coding) first.

    The final layer and the auto rules carry the codings of the first of the agreeing coders;
    equal times fall back to the coders' order in the project.
    """
    wanted = set(cells)
    order: dict[Cell, list[tuple[str, int]]] = {}
    if wanted:
        documents = sorted({doc for doc, _ in wanted})
        rows = _driver(session).execute(_FIRST, (json.dumps(documents),)).fetchall()
        for doc, theme, coder, first in rows:
            if (doc, theme) in wanted:
                order.setdefault((doc, theme), []).append((str(first), coder))
    return {cell: [c for _, c in sorted(found)] for cell, found in order.items()}
