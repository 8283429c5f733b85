"""A coder's rows from a file as the master would hold them, each bad row named with its reason.

:func:`desired_rows` turns a layer (rows as the packet holds them, each with the problem SQLite
found, see :mod:`r2pcoder.merge.validate`) into rows in the master's terms (statement ids, master
theme UUIDs, stance ids), leaving out and naming every row that cannot cross: a problem found in
SQL, a span beyond the end of its statement in the master, an identity several rows share. The
master's own row with such an identity is *protected*: kept as it is, never removed or changed.
:func:`unit_contents` digests a unit's rows so that copies (and the master) can be compared
without writing anything. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from operator import itemgetter

from sqlalchemy import Connection, String, bindparam, select, type_coerce

from r2pcoder.merge.foreign import MasterIndex, Matching
from r2pcoder.merge.lines import CODEBOOK_UNIT
from r2pcoder.merge.report import RowIssue
from r2pcoder.merge.source import CodingTuple, LayerData
from r2pcoder.schema import CodingRow, DocumentStatusRow, ThemeRow
from r2pcoder.schema import MemoRow as StoredMemo

__all__ = ["Desired", "MemoRow", "Row", "UnitRows", "current_rows", "desired_rows", "unit_contents"]

Row = tuple[int, str, int | None, int, int, str, str, str]
"""A coding in the master's terms: statement id, theme UUID, stance id, start, end, memo, times."""
MemoRow = tuple[int | None, str | None, str, str]
"""A memo in the master's terms: statement id or None, theme UUID or None, text, time."""


@dataclass
class UnitRows:
    """One coder's rows by UUID; a unit is a statement id, or ``*`` for memos on themes.

    Codings are kept in one flat dict (a merge moves hundreds of thousands of them; grouping
    each by statement as it arrives costs more than the rest of its way into the master). They
    are grouped by unit once, on the first question about a single unit; the rows must not
    change after that.
    """

    codings: dict[str, Row] = field(default_factory=dict)
    memos: dict[str, MemoRow] = field(default_factory=dict)
    marks: dict[int, str] = field(default_factory=dict)
    _units: dict[int | str, _Unit] | None = field(default=None, repr=False, compare=False)

    def codings_in(self, docs: Set[int]) -> dict[str, Row]:
        """The codings on the given statements, by UUID (the same dict if that is all of them)."""
        if set(map(itemgetter(0), self.codings.values())) <= docs:
            return self.codings
        return {u: r for u, r in self.codings.items() if r[0] in docs}

    def memos_in(self, units: Set[int | str]) -> dict[str, MemoRow]:
        """The memos on the given units, by UUID."""
        return {u: r for u, r in self.memos.items() if _memo_unit(r) in units}

    def unit(self, unit: int | str) -> tuple[list[tuple[str, Row]], list[tuple[str, MemoRow]]]:
        """The codings and memos of one unit, sorted."""
        if self._units is None:
            self._units = self._group()
        found = self._units.get(unit)
        if found is None:
            return [], []
        if not found.sorted:
            found.codings.sort()
            found.memos.sort()
            found.sorted = True
        return found.codings, found.memos

    def same_unit(self, other: UnitRows, unit: int | str) -> bool:
        """True if both hold the same codings, memos and done mark on ``unit``.

        The same answer as comparing :func:`unit_contents`, without digesting either side.
        """
        mark = self.marks.get(unit) if isinstance(unit, int) else None
        theirs = other.marks.get(unit) if isinstance(unit, int) else None
        return mark == theirs and self.unit(unit) == other.unit(unit)

    def _group(self) -> dict[int | str, _Unit]:
        units: dict[int | str, _Unit] = {}
        for uuid, row in self.codings.items():
            units.setdefault(row[0], _Unit()).codings.append((uuid, row))
        for uuid, memo in self.memos.items():
            units.setdefault(_memo_unit(memo), _Unit()).memos.append((uuid, memo))
        return units


@dataclass
class _Unit:
    """One unit's rows, sorted on first use."""

    codings: list[tuple[str, Row]] = field(default_factory=list)
    memos: list[tuple[str, MemoRow]] = field(default_factory=list)
    sorted: bool = False


def _memo_unit(row: MemoRow) -> int | str:
    return row[0] if row[0] is not None else CODEBOOK_UNIT


@dataclass
class Desired:
    """What a copy asks the master to hold, what it cannot, and counts for the report."""

    rows: UnitRows = field(default_factory=UnitRows)
    issues: list[tuple[int | None, RowIssue]] = field(default_factory=list)
    """Rows not merged, with the statement id they belong to (None: none known)."""
    protected: set[str] = field(default_factory=set)
    per_document: Counter[str] = field(default_factory=Counter)
    per_stance: Counter[str] = field(default_factory=Counter)
    per_theme: Counter[str] = field(default_factory=Counter)
    held_back: Counter[int] = field(default_factory=Counter)
    """Per statement id: codings left out for codebook reasons (rejected theme, unknown stance)."""


def desired_rows(
    layer: LayerData,
    matching: Matching,
    destinations: Mapping[str, str | None],
    index: MasterIndex,
) -> Desired:
    """The layer's rows in the master's terms, every row that cannot cross named."""
    out = Desired()
    _codings(layer, matching, destinations, index, out)
    _memos(layer, matching, destinations, out)
    _marks(layer, matching, out)
    return out


def _codings(
    layer: LayerData,
    matching: Matching,
    destinations: Mapping[str, str | None],
    index: MasterIndex,
    out: Desired,
) -> None:
    rows = layer.codings
    # Counted (in C) only where a report needs the count: this runs once per coding of a packet.
    if matching.unmatched_documents:
        out.per_document = Counter(map(str, map(itemgetter(1), rows)))
    if matching.unmatched_themes:
        out.per_theme = Counter(map(str, map(itemgetter(2), rows)))
    if matching.unknown_stances:
        out.per_stance = Counter(s for s in map(itemgetter(3), rows) if s is not None)
    documents, stances, wanted = matching.documents, matching.stances, out.rows.codings
    valid = 0
    for uuid, doc, theme, stance, start, end, memo, created, modified, found in rows:
        target = documents.get(doc)  # type: ignore[arg-type]
        problem = found
        if problem is None and target is not None and end > target.length:  # type: ignore[operator]
            problem = (
                f"its span {start}-{end} lies outside the statement {target.title!r} "
                f"(0-{target.length})"
            )
        if problem is not None:
            _refuse(
                out,
                None if target is None else target.id,
                RowIssue("coding", _label(uuid), problem),
            )
        elif target is not None:  # else its statement is unknown or differs: reported as such
            theme_to = destinations.get(theme)  # type: ignore[arg-type]
            stance_id = None if stance is None else stances.get(stance)
            if theme_to is None or (stance is not None and stance_id is None):
                out.held_back[target.id] += 1  # a rejected proposal or an unknown stance
            else:
                row = (target.id, theme_to, stance_id, start, end, memo, created, modified)
                wanted[uuid] = row  # type: ignore[index,assignment]
                valid += 1
    if len(wanted) != valid or len(set(map(itemgetter(0), rows))) != len(rows):
        _shared_identities(rows, _valid_counts(rows, matching, destinations), out)


def _valid_counts(
    rows: Sequence[CodingTuple], matching: Matching, destinations: Mapping[str, str | None]
) -> Counter[str]:
    """Per identity, how many of its rows would have crossed (only asked when some share one)."""
    valid: Counter[str] = Counter()
    for uuid, doc, theme, stance, _start, end, *_, found in rows:
        target = matching.documents.get(str(doc))
        if found is not None or target is None or end > target.length:  # type: ignore[operator]
            continue
        if destinations.get(str(theme)) is None:
            continue
        if stance is None or matching.stances.get(stance) is not None:
            valid[str(uuid)] += 1
    return valid


def _shared_identities(rows: Sequence[Sequence[object]], valid: Counter[str], out: Desired) -> None:
    """Rows sharing one identity (a packet table without its unique index): none is merged."""
    counts = Counter(row[0] for row in rows)
    for uuid, count in counts.items():
        if count > 1 and isinstance(uuid, str):
            row = out.rows.codings.pop(uuid, None)
            out.protected.add(uuid)
            out.issues.append(
                (
                    None if row is None else row[0],
                    RowIssue(
                        "coding",
                        uuid,
                        f"{count} codings of the packet share this identity",
                        "none of them is merged; the master's coding with it is kept",
                        valid[uuid],
                    ),
                )
            )


def _memos(
    layer: LayerData, matching: Matching, destinations: Mapping[str, str | None], out: Desired
) -> None:
    counts = Counter(m[0] for m in layer.memos)
    for uuid, doc, theme, text, modified, found in layer.memos:
        target = matching.documents.get(doc) if doc is not None else None
        doc_id = None if target is None else target.id
        problem = found
        if problem is None and counts[uuid] > 1:
            problem = f"{counts[uuid]} memos of the packet share this identity"
        if problem is not None:
            _refuse(out, doc_id, RowIssue("memo", _label(uuid), problem))
            continue
        theme_to = destinations.get(theme) if theme is not None else None
        if doc_id is not None or theme_to is not None:
            out.rows.memos[str(uuid)] = (doc_id, theme_to, str(text), str(modified))


def _marks(layer: LayerData, matching: Matching, out: Desired) -> None:
    counts = Counter(m[0] for m in layer.marks)
    for doc, done, _row_id, found in layer.marks:
        target = matching.documents.get(doc) if doc is not None else None
        problem = found
        if problem is None and counts[doc] > 1:
            problem = "the statement is marked done more than once"
        if problem is not None:
            label = target.title if target is not None else str(doc or "?")
            out.issues.append(
                (None if target is None else target.id, RowIssue("done mark", repr(label), problem))
            )
        elif target is not None:
            out.rows.marks[target.id] = str(done)


def _refuse(out: Desired, doc_id: int | None, issue: RowIssue) -> None:
    out.issues.append((doc_id, issue))
    if issue.identity and len(issue.identity) == 36:  # noqa: PLR2004 - a UUID's length
        out.protected.add(issue.identity)


def _label(uuid: object) -> str:
    """A row's identity as shown: itself if it reads as one, else its repr (cut short)."""
    readable = isinstance(uuid, str) and uuid.isprintable() and uuid.strip() == uuid != ""
    return str(uuid) if readable and len(str(uuid)) <= 80 else repr(uuid)[:80]  # noqa: PLR2004


# The master's stored time stamps are compared as stored (text), as the packet's are read: both
# are checked to be in the one form SQLAlchemy writes, so equal text is an equal time.
_CODINGS = (
    select(
        CodingRow.uuid,
        CodingRow.document_id,
        ThemeRow.uuid,
        CodingRow.stance_id,
        CodingRow.start,
        CodingRow.end,
        CodingRow.memo,
        type_coerce(CodingRow.created_at, String),
        type_coerce(CodingRow.modified_at, String),
    )
    .join(ThemeRow, ThemeRow.id == CodingRow.theme_id)
    .where(CodingRow.coder_id == bindparam("coder"))
)
_MEMOS = (
    select(
        StoredMemo.uuid,
        StoredMemo.document_id,
        ThemeRow.uuid,
        StoredMemo.text,
        type_coerce(StoredMemo.modified_at, String),
    )
    .outerjoin(ThemeRow, ThemeRow.id == StoredMemo.theme_id)
    .where(StoredMemo.coder_id == bindparam("coder"))
)
_MARKS = select(
    DocumentStatusRow.document_id, type_coerce(DocumentStatusRow.done_at, String)
).where(DocumentStatusRow.coder_id == bindparam("coder"))


def current_rows(conn: Connection, coder_id: int | None) -> UnitRows:
    """One coder's rows in the master, in the same terms as :func:`desired_rows`."""
    rows = UnitRows()
    if coder_id is None:
        return rows
    coder = {"coder": coder_id}
    rows.codings = {uuid: tuple(rest) for uuid, *rest in conn.execute(_CODINGS, coder)}  # type: ignore[misc]
    rows.memos = {
        uuid: (doc, theme, text, modified)
        for uuid, doc, theme, text, modified in conn.execute(_MEMOS, coder)
    }
    rows.marks = {doc: done for doc, done in conn.execute(_MARKS, coder)}  # noqa: C416
    return rows


def unit_contents(rows: UnitRows, unit: int | str) -> tuple[str, tuple[int, int, int]]:
    """Digest and counts (codings, memos, done marks) of one unit's rows."""
    codings, memos = rows.unit(unit)
    mark = rows.marks.get(unit) if isinstance(unit, int) else None
    text = repr((codings, memos, mark)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(text).hexdigest(), (len(codings), len(memos), int(mark is not None))
