"""Reading a coded master once into plain arrays: chosen coders, documents, themes and codings.

Every unit kind is built from the same :class:`Corpus`, read in one transaction with bulk
queries (no ORM objects per coding), so 100,000 codings load in a fraction of a second. This is
also where the choice of coders, documents and themes is resolved and where the bad inputs that
make any measurement impossible (fewer than two coders, no statement in common) are refused.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.errors import AgreementInputError, UnknownEntity
from r2pcoder.models import CoderRef  # the one read model of a coder, as reported
from r2pcoder.reliability.settings import AgreementSettings
from r2pcoder.schema import (
    CoderRow,
    DocumentRow,
    DocumentStatusRow,
    ProjectRow,
    StanceRow,
    ThemeRow,
)

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "CoderRef",
    "Corpus",
    "DocRef",
    "StanceRef",
    "ThemeRef",
    "load_corpus",
    "whole_corpus",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class DocRef:
    """A statement taking part in the measurement."""

    id: int
    uuid: str
    title: str
    length: int
    sha256: str
    meta: dict[str, str]


@dataclass(frozen=True)
class ThemeRef:
    """A theme taking part in the measurement."""

    id: int
    key: str
    name: str


@dataclass(frozen=True)
class StanceRef:
    """A stance of the scale; ``position`` is its rank."""

    id: int
    key: str
    name: str
    position: int


@dataclass(frozen=True, eq=False)
class Corpus:
    """The chosen coders, documents and themes, and their codings as parallel arrays.

    Attributes:
        worked: coders x documents; True where the coder worked on the statement (coded it at
            least once, any theme, or marked it done). Only then does "not coded" mean "absent".
        doc, coder, theme, stance: per coding, indices into ``documents``, ``coders``,
            ``themes`` and ``stances`` (stance -1: none given). Codings of other themes,
            coders or documents are left out.
        start, end: per coding, its span (code points, end exclusive).
    """

    coders: tuple[CoderRef, ...]
    documents: tuple[DocRef, ...]
    themes: tuple[ThemeRef, ...]
    stances: tuple[StanceRef, ...]
    ordinal: bool
    worked: BoolArray
    doc: IntArray
    coder: IntArray
    theme: IntArray
    stance: IntArray
    start: IntArray
    end: IntArray
    unused_themes: tuple[str, ...]

    @property
    def n_codings(self) -> int:
        """Number of codings taking part."""
        return int(self.doc.size)

    def only(self, keep: BoolArray) -> Corpus:
        """The same corpus with only the codings in ``keep`` (who worked where is unchanged)."""
        return replace(
            self,
            doc=self.doc[keep],
            coder=self.coder[keep],
            theme=self.theme[keep],
            stance=self.stance[keep],
            start=self.start[keep],
            end=self.end[keep],
        )


def _coders(session: Session, wanted: Sequence[str] | None) -> tuple[CoderRef, ...]:
    rows = session.execute(select(CoderRow.id, CoderRow.uuid, CoderRow.name).order_by(CoderRow.id))
    every = [CoderRef(i, u, n) for i, u, n in rows]
    if wanted is None:
        chosen = every
    else:
        every_name = [c.name for c in every]
        # A name names a coder only when no other coder shares it; UUIDs always do.
        by_name = {c.name: c for c in every if every_name.count(c.name) == 1}
        by_key = {c.uuid: c for c in every} | by_name
        missing = [w for w in wanted if w not in by_key]
        if missing:
            shared = (
                " (several coders have that name; use the UUID)" if missing[0] in every_name else ""
            )
            raise UnknownEntity(f"There is no coder {missing[0]!r} in this project{shared}.")
        chosen = list(dict.fromkeys(by_key[w] for w in wanted))
    if len(chosen) < 2:  # noqa: PLR2004 - agreement is between two coders at least
        names = ", ".join(c.name for c in chosen) or "none"
        raise AgreementInputError(
            f"Agreement needs at least two coders; {len(chosen)} chosen ({names})."
        )
    return tuple(chosen)


def _documents(session: Session) -> list[DocRef]:
    query = select(
        DocumentRow.id,
        DocumentRow.uuid,
        DocumentRow.title,
        DocumentRow.length,
        DocumentRow.sha256,
        DocumentRow.speaker,
        DocumentRow.on_behalf_of,
        DocumentRow.regional_group,
        DocumentRow.date,
        DocumentRow.event,
        DocumentRow.doc_type,
        DocumentRow.attributes,
    ).order_by(DocumentRow.position, DocumentRow.id)
    docs = []
    for row in session.execute(query):
        meta = {str(k): str(v) for k, v in (row.attributes or {}).items()}
        meta.update(
            speaker=row.speaker,
            on_behalf_of=row.on_behalf_of,
            regional_group=row.regional_group,
            date=row.date,
            event=row.event,
            doc_type=row.doc_type,
            title=row.title,
        )
        docs.append(DocRef(row.id, row.uuid, row.title, row.length, row.sha256, meta))
    return docs


def _worked(
    session: Session, coders: Sequence[CoderRef], docs: Sequence[DocRef], table: IntArray
) -> BoolArray:
    """Who worked where: a coding of any theme there, or a "done" mark."""
    done = session.execute(select(DocumentStatusRow.coder_id, DocumentStatusRow.document_id)).all()
    coder_ids = np.concatenate([table[:, 1], np.array([c for c, _ in done], dtype=np.int64)])
    doc_ids = np.concatenate([table[:, 0], np.array([d for _, d in done], dtype=np.int64)])
    rows = _lookup([c.id for c in coders], coder_ids)
    cols = _lookup([d.id for d in docs], doc_ids)
    keep = (rows >= 0) & (cols >= 0)
    worked = np.zeros((len(coders), len(docs)), dtype=bool)
    worked[rows[keep], cols[keep]] = True
    return worked


def _codings(session: Session, documents: Collection[int] | None = None) -> IntArray:
    """Every coding as a row (document, coder, theme, stance or 0, start, end).

    With ``documents``, only the codings of those statements.
    """
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    # Plain driver tuples, flattened: SQLAlchemy rows would cost seconds per 150,000 codings.
    cursor = dbapi.cursor()
    sql = (
        'SELECT document_id, coder_id, theme_id, COALESCE(stance_id, 0), start, "end" FROM codings'
    )
    if documents is None:
        cursor.execute(sql)
    else:
        cursor.execute(
            f"{sql} WHERE document_id IN ({','.join('?' * len(documents))})", list(documents)
        )
    flat = np.fromiter(chain.from_iterable(cursor.fetchall()), dtype=np.int64)
    return flat.reshape(-1, 6)


def _choose_documents(
    docs: list[DocRef], worked: BoolArray, wanted: Sequence[str] | None
) -> npt.NDArray[np.int64]:
    if wanted is None:
        chosen = np.flatnonzero(worked.sum(axis=0) >= 2)  # noqa: PLR2004
        if chosen.size == 0:
            raise AgreementInputError(
                "No statement was coded by two or more of the chosen coders, so there is "
                "nothing to compare yet."
            )
        return chosen.astype(np.int64)
    index = {d.uuid: j for j, d in enumerate(docs)}
    missing = [w for w in wanted if w not in index]
    if missing:
        raise UnknownEntity(f"There is no statement {missing[0]!r} in this project.")
    chosen = np.array(sorted({index[w] for w in wanted}), dtype=np.int64)
    if not (worked[:, chosen].sum(axis=0) >= 2).any():  # noqa: PLR2004
        raise AgreementInputError(
            "None of the chosen statements was coded by two or more of the chosen coders."
        )
    return chosen


def _themes_and_stances(session: Session) -> tuple[list[ThemeRef], list[StanceRef], bool]:
    themes = [
        ThemeRef(i, k, n)
        for i, k, n in session.execute(
            select(ThemeRow.id, ThemeRow.key, ThemeRow.name).order_by(ThemeRow.position)
        )
    ]
    stances = [
        StanceRef(i, k, n, p)
        for i, k, n, p in session.execute(
            select(StanceRow.id, StanceRow.key, StanceRow.name, StanceRow.position).order_by(
                StanceRow.position, StanceRow.id
            )
        )
    ]
    ordinal = bool(session.scalar(select(ProjectRow.stances_ordinal)))
    return themes, stances, ordinal


def load_corpus(project: Project, settings: AgreementSettings) -> Corpus:
    """Read what ``settings`` asks to compare from ``project``.

    Raises:
        AgreementInputError: fewer than two coders, or no statement worked on by two of them.
        UnknownEntity: a coder, statement or theme named in ``settings`` does not exist.
    """
    with project.reading() as s:
        coders = _coders(s, settings.coders)
        all_docs = _documents(s)
        table = _codings(s)
        all_worked = _worked(s, coders, all_docs, table)
        chosen = _choose_documents(all_docs, all_worked, settings.documents)
        themes, stances, ordinal = _themes_and_stances(s)
    docs = [all_docs[j] for j in chosen]
    doc_of = _lookup([d.id for d in docs], table[:, 0])
    coder_of = _lookup([c.id for c in coders], table[:, 1])
    keep = (doc_of >= 0) & (coder_of >= 0)
    used = set(np.unique(table[keep, 2]).tolist())
    chosen_themes, unused = _choose_themes(themes, used, settings.themes)
    corpus = _assemble(coders, docs, chosen_themes, (stances, ordinal), table)
    return replace(corpus, worked=all_worked[:, chosen], unused_themes=tuple(unused))


def _assemble(
    coders: Sequence[CoderRef],
    docs: Sequence[DocRef],
    themes: Sequence[ThemeRef],
    scale: tuple[Sequence[StanceRef], bool],
    table: IntArray,
) -> Corpus:
    """The corpus of ``table``'s codings that fall on these coders, documents and themes."""
    doc_of = _lookup([d.id for d in docs], table[:, 0])
    coder_of = _lookup([c.id for c in coders], table[:, 1])
    theme_of = _lookup([t.id for t in themes], table[:, 2])
    keep = (doc_of >= 0) & (coder_of >= 0) & (theme_of >= 0)
    stances, ordinal = scale
    return Corpus(
        coders=tuple(coders),
        documents=tuple(docs),
        themes=tuple(themes),
        stances=tuple(stances),
        ordinal=ordinal,
        worked=np.zeros((len(coders), len(docs)), dtype=bool),
        doc=doc_of[keep],
        coder=coder_of[keep],
        theme=theme_of[keep],
        stance=_lookup([st.id for st in stances], table[keep, 3]),
        start=table[keep, 4],
        end=table[keep, 5],
        unused_themes=(),
    )


def whole_corpus(session: Session, documents: Collection[int] | None = None) -> Corpus:
    """Every coder, every statement (or those in ``documents``) and every theme, unchosen.

    Review reads the whole master this way: nothing is refused for having fewer than two
    coders, and statements one coder worked on stay in.
    """
    rows = session.execute(select(CoderRow.id, CoderRow.uuid, CoderRow.name).order_by(CoderRow.id))
    coders = [CoderRef(i, u, n) for i, u, n in rows]
    docs = [d for d in _documents(session) if documents is None or d.id in documents]
    table = _codings(session, documents)
    themes, stances, ordinal = _themes_and_stances(session)
    corpus = _assemble(coders, docs, themes, (stances, ordinal), table)
    return replace(corpus, worked=_worked(session, coders, docs, table))


def _lookup(ids: Sequence[int], values: IntArray) -> IntArray:
    """The position of each value in ``ids``, or -1 when it is not there."""
    table = np.full(max([*ids, int(values.max(initial=0))]) + 1, -1, dtype=np.int64)
    table[np.asarray(ids, dtype=np.int64)] = np.arange(len(ids))
    return table[values]


def _choose_themes(
    themes: list[ThemeRef], used: set[int], wanted: Sequence[str] | None
) -> tuple[list[ThemeRef], list[str]]:
    if wanted is None:
        chosen = [t for t in themes if t.id in used]
        if not chosen:
            raise AgreementInputError(
                "None of the chosen coders used any theme in these statements, so there is "
                "nothing to compare."
            )
        return chosen, []
    by_key = {t.key: t for t in themes}
    missing = [w for w in wanted if w not in by_key]
    if missing:
        raise UnknownEntity(f"There is no theme {missing[0]!r} in this project's codebook.")
    chosen = [by_key[w] for w in dict.fromkeys(wanted)]
    return chosen, [t.key for t in chosen if t.id not in used]
