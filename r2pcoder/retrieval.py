"""Retrieval: every coded passage of one or several themes across the statements.

The coding-and-retrieving step of qualitative analysis (Seidel and Kelle 1995, "Different
functions of coding in the analysis of textual data"; the "coded segments" or "retrieval" views
of MAXQDA, ATLAS.ti and QualCoder): pick themes, optionally filter by stance and statement
metadata, and read every passage with its statement, speaker, regional group, stance and quote.

Whose codings: the given coders (the workbench asks for the current coder), every coder, or, in
a master, a *layer* as the exports define it (:mod:`r2pcoder.export.layers`: one coder, agreed by
all, majority, and whatever rules that module resolves), so a passage list matches the exported
evidence exactly.

Everything is read in one transaction with bulk queries into plain values; quotes are slices of
the stored text (code points, end exclusive). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.codebook.store import ThemeInfo
from r2pcoder.errors import R2pError
from r2pcoder.metadata import GROUPING_FIELDS, STATEMENT_FIELDS, year_of
from r2pcoder.models import CoderRef, CodingTuple
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.schema import CoderRow, CodingRow, DocumentRow, DocumentStatusRow

if TYPE_CHECKING:
    from r2pcoder.db import Project
    from r2pcoder.export.layers import LayerChoice

__all__ = [
    "FILTER_FIELDS",
    "MISSING",
    "NO_STANCE",
    "Passage",
    "RetrievalQuery",
    "RetrievalResult",
    "passages_table",
    "passages_tsv",
    "retrieve",
    "write_passages_csv",
]

NO_STANCE = 0
"""In :attr:`RetrievalQuery.stances`: codings that carry no stance (stance ids are >= 1)."""

MISSING = "\N{EM DASH}"
"""How an empty metadata field is shown (and matched by a filter): never silently dropped."""

FILTER_FIELDS = GROUPING_FIELDS
"""Metadata fields a retrieval may filter on (:data:`r2pcoder.metadata.GROUPING_FIELDS`); other
names are free attributes (``attr:x``)."""

HEADER = (
    "statement",
    "speaker",
    "group",
    "date",
    "event",
    "coder",
    "theme",
    "stance",
    "start",
    "end",
    "quote",
    "memo",
)


@dataclass(frozen=True)
class RetrievalQuery:
    """What to retrieve.

    Attributes:
        themes: theme ids; at least one.
        subthemes: also retrieve the sub-themes (at any depth) of the given themes.
        stances: keep only codings with these stance ids (:data:`NO_STANCE` for codings without
            a stance); empty keeps every stance.
        metadata: keep only statements whose field equals the value (:data:`FILTER_FIELDS`,
            or ``attr:<name>``); :data:`MISSING` matches an empty field.
        coders: whose codings (coder ids); empty means every coder. Ignored with a layer.
        layer: in a master, a layer as the exports define it (overrides ``coders``), or its
            text as :func:`r2pcoder.export.layers.parse_layer` reads it (``all``, ``Ana``).
    """

    themes: tuple[int, ...]
    subthemes: bool = False
    stances: frozenset[int] = frozenset()
    metadata: Mapping[str, str] = field(default_factory=dict)
    coders: tuple[int, ...] = ()
    layer: LayerChoice | str | None = None


@dataclass(frozen=True)
class Passage:
    """One retrieved coding with what a reader needs to judge it."""

    coding_id: int
    document_id: int
    title: str
    speaker: str
    regional_group: str
    date: str
    event: str
    coder: str
    theme_id: int
    theme: str
    stance_id: int | None
    stance: str
    start: int
    end: int
    quote: str
    memo: str


@dataclass(frozen=True)
class RetrievalResult:
    """The passages in corpus order, and the layer or coders they come from, in words."""

    passages: list[Passage]
    source: str
    statements: int


@dataclass(frozen=True)
class _Doc:
    title: str
    speaker: str
    on_behalf_of: str
    regional_group: str
    date: str
    event: str
    doc_type: str
    position: int
    attributes: dict[str, str]

    def value(self, name: str) -> str:
        if name == "year":
            text = year_of(self.date)
        elif name.startswith("attr:"):
            text = self.attributes.get(name[5:], "")
        elif name in FILTER_FIELDS:
            text = str(getattr(self, name))
        else:
            raise R2pError(
                f"Unknown filter {name!r}; use one of {', '.join(FILTER_FIELDS)} or attr:<name>."
            )
        return text.strip() or MISSING


def _expand(themes: Sequence[ThemeInfo], chosen: Iterable[int], subthemes: bool) -> set[int]:
    wanted = set(chosen)
    known = {t.id for t in themes}
    unknown = sorted(wanted - known)
    if unknown:
        raise R2pError(f"There is no theme with id {unknown[0]} in this project's codebook.")
    if not subthemes:
        return wanted
    children: dict[int, list[int]] = {}
    for t in themes:
        if t.parent_id is not None:
            children.setdefault(t.parent_id, []).append(t.id)
    stack = list(wanted)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in wanted:
                wanted.add(child)
                stack.append(child)
    return wanted


def _driver(s: Session) -> sqlite3.Connection:
    driver = s.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def _codings(s: Session, themes: set[int], coders: Sequence[int]) -> list[CodingTuple]:
    # Straight to the driver (as the export does): the theme index narrows the scan, and plain
    # tuples cost a fraction of ORM rows.
    sql = (
        'SELECT id, document_id, coder_id, theme_id, stance_id, start, "end", memo '
        f"FROM {CodingRow.__tablename__} WHERE theme_id IN ({','.join('?' * len(themes))})"
    )
    params: list[int] = sorted(themes)
    if coders:
        sql += f" AND coder_id IN ({','.join('?' * len(coders))})"
        params += list(coders)
    return list(map(CodingTuple._make, _driver(s).execute(sql, params).fetchall()))


def _documents(s: Session) -> dict[int, _Doc]:
    columns = (
        DocumentRow.id,
        DocumentRow.title,
        *(getattr(DocumentRow, name) for name in STATEMENT_FIELDS),
        DocumentRow.position,
        DocumentRow.attributes,
    )
    docs = {}
    for row in s.execute(select(*columns)):
        speaker = row.speaker + (f" (for {row.on_behalf_of})" if row.on_behalf_of else "")
        attributes = {str(k): str(v) for k, v in dict(row.attributes or {}).items()}
        docs[row.id] = _Doc(
            row.title,
            speaker,
            row.on_behalf_of,
            row.regional_group,
            row.date,
            row.event,
            row.doc_type,
            row.position,
            attributes,
        )
    return docs


def _texts(s: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    # Only the statements that have a passage; chunked below SQLite's variable limit.
    found: dict[int, str] = {}
    ordered = sorted(ids)
    for n in range(0, len(ordered), 900):
        chunk = ordered[n : n + 900]
        sql = (
            f"SELECT id, text FROM {DocumentRow.__tablename__} "
            f"WHERE id IN ({','.join('?' * len(chunk))})"
        )
        found.update(_driver(s).execute(sql, chunk).fetchall())
    return found


def _layer_codings(
    s: Session, choice: LayerChoice | str, codings: list[CodingTuple], coders: Sequence[CoderRef]
) -> tuple[list[CodingTuple], str]:
    # Loaded here, on the caller's (worker) thread: the export package brings numpy.
    from r2pcoder.export.layers import (  # noqa: PLC0415
        parse_layer,
        resolve_layer,
        select_codings,
    )

    chosen = parse_layer(choice) if isinstance(choice, str) else choice
    layer = resolve_layer(chosen, coders)
    done = [
        (int(c), int(d))
        for c, d in s.execute(select(DocumentStatusRow.coder_id, DocumentStatusRow.document_id))
    ]
    # The rules decide per statement and theme, so reading only the chosen themes is exact.
    return list(select_codings(layer, codings, done).codings), layer.label()


def retrieve(
    project: Project,
    query: RetrievalQuery,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> RetrievalResult:
    """Every passage coded with the query's themes, filtered as asked, in corpus order.

    Raises:
        R2pError: no theme chosen, an unknown theme or filter field, or a layer that cannot be
            resolved (unknown coder, a layer the project does not have).
        Cancelled: when ``cancelled()`` turns true.
    """
    if not query.themes:
        raise R2pError("Choose at least one theme to retrieve its passages.")
    infos = project.codebook.themes(include_retired=True)
    wanted = _expand(infos, query.themes, query.subthemes)
    names = {t.id: " > ".join(t.path) for t in infos}
    stance_names = {s.id: s.name for s in project.codebook.stances(include_retired=True)}
    if progress is not None:
        progress(0.0)
    with project.reading() as s:
        coders = [
            CoderRef(*r)
            for r in s.execute(
                select(CoderRow.id, CoderRow.uuid, CoderRow.name).order_by(CoderRow.id)
            )
        ]
        docs = _documents(s)
        use = () if query.layer is not None else query.coders
        codings = _codings(s, wanted, use)
        check_cancelled(cancelled)
        if query.layer is not None:
            codings, source = _layer_codings(s, query.layer, codings, coders)
        else:
            chosen = [c.name for c in coders if c.id in set(query.coders)]
            source = f"coder {', '.join(chosen)}" if chosen else "every coder"
        codings = _filter(codings, docs, query)
        texts = _texts(s, {c.document_id for c in codings})
    check_cancelled(cancelled)
    coder_names = {c.id: c.name for c in coders}
    codings.sort(
        key=lambda c: (
            docs[c.document_id].position,
            c.document_id,
            c.start,
            c.end,
            c.coder_id,
            c.id,
        )
    )
    passages = [
        _passage(c, docs[c.document_id], texts[c.document_id], names, stance_names, coder_names)
        for c in codings
    ]
    if progress is not None:
        progress(1.0)
    return RetrievalResult(passages, source, len({p.document_id for p in passages}))


def _filter(
    codings: list[CodingTuple], docs: Mapping[int, _Doc], query: RetrievalQuery
) -> list[CodingTuple]:
    if query.stances:
        codings = [c for c in codings if (c.stance_id or NO_STANCE) in query.stances]
    if query.metadata:
        keep = {
            doc_id
            for doc_id, doc in docs.items()
            if all(doc.value(k) == (v.strip() or MISSING) for k, v in query.metadata.items())
        }
        codings = [c for c in codings if c.document_id in keep]
    return codings


def _passage(
    c: CodingTuple,
    doc: _Doc,
    text: str,
    themes: Mapping[int, str],
    stances: Mapping[int, str],
    coders: Mapping[int, str],
) -> Passage:
    return Passage(
        coding_id=c.id,
        document_id=c.document_id,
        title=doc.title,
        speaker=doc.speaker,
        regional_group=doc.regional_group or MISSING,
        date=doc.date,
        event=doc.event,
        coder=coders.get(c.coder_id, "?"),
        theme_id=c.theme_id,
        theme=themes.get(c.theme_id, "?"),
        stance_id=c.stance_id,
        stance=stances.get(c.stance_id, "?") if c.stance_id is not None else "",
        start=c.start,
        end=c.end,
        quote=text[c.start : c.end],
        memo=c.memo,
    )


def passages_table(passages: Iterable[Passage]) -> list[tuple[str, ...]]:
    """The passages as rows of text under :data:`HEADER` (what Copy and CSV write)."""
    rows: list[tuple[str, ...]] = [HEADER]
    for p in passages:
        rows.append(
            (
                p.title,
                p.speaker,
                p.regional_group,
                p.date,
                p.event,
                p.coder,
                p.theme,
                p.stance,
                str(p.start),
                str(p.end),
                p.quote,
                p.memo,
            )
        )
    return rows


def passages_tsv(passages: Iterable[Passage]) -> str:
    """Tab-separated rows for the clipboard (spreadsheets paste them as cells)."""
    out = io.StringIO()
    csv.writer(out, dialect="excel-tab", lineterminator="\n").writerows(passages_table(passages))
    return out.getvalue()


def write_passages_csv(passages: Iterable[Passage], path: Path) -> Path:
    """Write the passages as UTF-8 CSV (with BOM, for spreadsheets); atomic: all or nothing."""
    target = Path(path)
    rows = passages_table(passages)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
