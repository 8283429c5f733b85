"""The review board: a master read once into cells, each with every coder's value and its status.

One transaction and bulk driver-level queries (no ORM object per coding) read the coders,
statements, themes, stances, codings, done marks and gold decisions, so the queue of 1,500
statements x 3 coders x 50 codings is built in well under a second, and one statement (for the
review view) in milliseconds. Each coder's value in a cell is the statement unit's value, computed
by :func:`r2pcoder.export.layers.coder_values` (the one implementation of that rule for layers
and review). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from r2pcoder.export.layers import (
    MIXED,
    NO_STANCE,
    NOT_CODED,
    CodingTuple,
    coder_values,
    worked_on,
)
from r2pcoder.review.model import CellStatus, CoderValue, Decision, DiffKind
from r2pcoder.review.store import read_decisions

__all__ = [
    "SPAN_THRESHOLD",
    "Board",
    "CoderInfo",
    "DocInfo",
    "ThemeInfo",
    "first_coders",
    "load_board",
    "spans_match",
]

SPAN_THRESHOLD = 0.9
"""Two codings of a theme match when their intersection covers at least this share of their
union: the overlap unit's rule and default (MAXQDA's "overlap of codings"; see
:func:`r2pcoder.reliability.units.overlap_units`)."""

Cell = tuple[int, int]


@dataclass(frozen=True)
class CoderInfo:
    """A coder as review shows one."""

    id: int
    uuid: str
    name: str


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


@dataclass(eq=False)
class Board:
    """Cells of a master (or of some of its statements), with what the review needs about them.

    Attributes:
        coders, documents, themes: by id, in project, corpus and codebook order.
        stance_keys: stance id -> codebook key.
        codings: every coder coding read (``memo`` only when asked for).
        workers: per statement, the coders who worked on it (coded anything, or marked it done).
        values: per cell, each coder's value, for the coders who coded the theme there.
        decisions: per cell, the gold decision.
    """

    coders: dict[int, CoderInfo]
    documents: dict[int, DocInfo]
    themes: dict[int, ThemeInfo]
    stance_keys: dict[int, str]
    codings: list[CodingTuple]
    workers: dict[int, frozenset[int]]
    values: dict[Cell, dict[int, int]]
    decisions: dict[Cell, Decision]
    _grouped: dict[Cell, dict[int, list[CodingTuple]]] | None = field(default=None, repr=False)

    def cells(self) -> list[Cell]:
        """Every cell, in corpus order of statements, then codebook order of themes."""
        keys = self.values.keys() | self.decisions.keys()
        docs, themes = self.documents, self.themes
        return sorted(
            (k for k in keys if k[0] in docs and k[1] in themes),
            key=lambda k: (docs[k[0]].rank, themes[k[1]].rank),
        )

    def status(self, cell: Cell) -> CellStatus:
        """Where the cell stands (see :mod:`r2pcoder.review.model`)."""
        decision = self.decisions.get(cell)
        if decision is not None:
            return "reopened" if decision.reopened else "decided"
        workers = self.workers.get(cell[0], frozenset())
        if len(workers) <= 1:
            return "single"
        given = self.values.get(cell, {})
        if len(given) == len(workers) and len(set(given.values())) == 1:
            return "agreed"
        return "awaiting"

    def worker_values(self, cell: Cell) -> dict[int, int]:
        """Each coder who worked on the statement, with their value (:data:`NOT_CODED` if none)."""
        given = self.values.get(cell, {})
        workers = sorted(self.workers.get(cell[0], frozenset()))
        return {c: given.get(c, NOT_CODED) for c in workers}

    def _by_cell(self) -> dict[Cell, dict[int, list[CodingTuple]]]:
        if self._grouped is None:
            grouped: dict[Cell, dict[int, list[CodingTuple]]] = {}
            for c in self.codings:
                grouped.setdefault((c.document_id, c.theme_id), {}).setdefault(
                    c.coder_id, []
                ).append(c)
            self._grouped = grouped
        return self._grouped

    def codings_of(self, cell: Cell, coder_id: int) -> list[CodingTuple]:
        """One coder's codings of the cell's theme in the statement, by position."""
        found = self._by_cell().get(cell, {}).get(coder_id, [])
        return sorted(found, key=lambda c: (c.start, c.end, c.id))

    def spans(self, cell: Cell) -> dict[int, list[tuple[int, int]]]:
        """Per coder, the spans of the cell's theme they coded in the statement."""
        return {
            coder: [(c.start, c.end) for c in found]
            for coder, found in self._by_cell().get(cell, {}).items()
        }

    def kinds(self, cell: Cell, threshold: float = SPAN_THRESHOLD) -> tuple[DiffKind, ...]:
        """How the coders who worked on the statement differ in this cell (may be none)."""
        values = self.worker_values(cell)
        coded = {c: v for c, v in values.items() if v != NOT_CODED}
        out: list[DiffKind] = []
        if coded and len(coded) < len(values):
            out.append("theme_missing")
        if len(set(coded.values())) > 1:
            out.append("stance_differs")
        if len(coded) > 1:
            spans = self.spans(cell)
            first, *rest = (spans.get(c, []) for c in coded)
            if not all(spans_match(first, other, threshold) for other in rest):
                out.append("span_differs")
        return tuple(out)

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
        return tuple(
            CoderValue(c, self.coders[c].uuid, self.coders[c].name, v, self.label(v))
            for c, v in self.worker_values(cell).items()
        )


def _driver(session: Session) -> sqlite3.Connection:
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def _where(column: str, documents: Collection[int] | None) -> tuple[str, list[int]]:
    if documents is None:
        return "", []
    return f" WHERE {column} IN ({','.join('?' * len(documents))})", list(documents)


def load_board(
    session: Session, *, documents: Collection[int] | None = None, memo: bool = False
) -> Board:
    """Read the cells of every statement (or of ``documents``) in one go.

    Args:
        session: an open unit of work on a master.
        documents: only these statements (by id); every statement when ``None``.
        memo: also read the codings' memos (exports need them, the queue does not).
    """
    raw = _driver(session)
    coders = {
        i: CoderInfo(i, u, n)
        for i, u, n in raw.execute("SELECT id, uuid, name FROM coders ORDER BY id")
    }
    where, params = _where("id", documents)
    docs = {
        row[0]: DocInfo(row[0], row[1], row[2], row[3], row[4], rank)
        for rank, row in enumerate(
            raw.execute(
                "SELECT id, uuid, title, regional_group, length FROM documents"
                f"{where} ORDER BY position, id",
                params,
            )
        )
    }
    themes = {
        row[0]: ThemeInfo(row[0], row[1], row[2], rank, bool(row[3]))
        for rank, row in enumerate(
            raw.execute("SELECT id, key, name, retired FROM themes ORDER BY position, id")
        )
    }
    stance_keys = dict(raw.execute("SELECT id, key FROM stances ORDER BY position, id").fetchall())
    where, params = _where("document_id", documents)
    memo_sql = "memo" if memo else "''"
    codings = list(
        map(
            CodingTuple._make,
            raw.execute(
                'SELECT id, document_id, coder_id, theme_id, stance_id, start, "end", '
                f"{memo_sql} FROM codings{where}",
                params,
            ).fetchall(),
        )
    )
    done = raw.execute(f"SELECT coder_id, document_id FROM document_status{where}", params)
    workers = worked_on(codings, done.fetchall(), coders)
    values: dict[Cell, dict[int, int]] = defaultdict(dict)
    for (coder, doc, theme), value in coder_values(codings).items():
        values[(doc, theme)][coder] = value
    decisions = read_decisions(session, documents)
    return Board(coders, docs, themes, stance_keys, codings, workers, dict(values), decisions)


def first_coders(
    session: Session, documents: Collection[int] | None = None
) -> dict[Cell, list[int]]:
    """Per cell, the coders who coded it, the one who coded it first (earliest coding) first.

    The final layer carries the codings of the first of the agreeing coders; equal times fall
    back to the coders' order in the project.
    """
    where, params = _where("document_id", documents)
    rows = _driver(session).execute(
        "SELECT document_id, theme_id, coder_id, MIN(created_at) FROM codings"
        f"{where} GROUP BY document_id, theme_id, coder_id",
        params,
    )
    order: dict[Cell, list[tuple[str, int]]] = defaultdict(list)
    for doc, theme, coder, first in rows:
        order[(doc, theme)].append((str(first), coder))
    return {cell: [c for _, c in sorted(found)] for cell, found in order.items()}
