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
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from r2pcoder.merge.foreign import MasterIndex, Matching
from r2pcoder.merge.lines import CODEBOOK_UNIT
from r2pcoder.merge.report import RowIssue
from r2pcoder.merge.source import LayerData

__all__ = ["Desired", "MemoRow", "Row", "UnitRows", "current_rows", "desired_rows", "unit_contents"]

Row = tuple[int, str, int | None, int, int, str, str, str]
"""A coding in the master's terms: statement id, theme UUID, stance id, start, end, memo, times."""
MemoRow = tuple[int | None, str | None, str, str]
"""A memo in the master's terms: statement id or None, theme UUID or None, text, time."""


@dataclass
class UnitRows:
    """One coder's rows, grouped by unit (statement id, or ``*`` for memos on themes)."""

    codings: dict[int, dict[str, Row]] = field(default_factory=dict)
    memos: dict[int | str, dict[str, MemoRow]] = field(default_factory=dict)
    marks: dict[int, str] = field(default_factory=dict)

    def add_coding(self, uuid: str, row: Row) -> None:
        """Add a coding under its statement."""
        self.codings.setdefault(row[0], {})[uuid] = row

    def add_memo(self, uuid: str, row: MemoRow) -> None:
        """Add a memo under its statement, or under ``*`` if it is on a theme."""
        unit: int | str = row[0] if row[0] is not None else CODEBOOK_UNIT
        self.memos.setdefault(unit, {})[uuid] = row

    def codings_in(self, docs: Iterable[int]) -> dict[str, Row]:
        """The codings on the given statements, by UUID."""
        return {u: r for d in docs for u, r in self.codings.get(d, {}).items()}

    def memos_in(self, units: Iterable[int | str]) -> dict[str, MemoRow]:
        """The memos on the given units, by UUID."""
        return {u: r for unit in units for u, r in self.memos.get(unit, {}).items()}


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
    seen: dict[object, tuple[int | None, int]] = {}
    valid: Counter[str] = Counter()
    for uuid, doc, theme, stance, start, end, memo, created, modified, found in layer.codings:
        out.per_document[str(doc)] += 1
        out.per_theme[str(theme)] += 1
        if stance is not None:
            out.per_stance[stance] += 1
        target = matching.documents.get(doc) if doc is not None else None
        doc_id = None if target is None else target.id
        problem = found
        if problem is None and target is not None and end > target.length:  # type: ignore[operator]
            problem = (
                f"its span {start}-{end} lies outside the statement {target.title!r} "
                f"(0-{target.length})"
            )
        previous = seen.get(uuid)
        seen[uuid] = (doc_id, 1 + (previous[1] if previous else 0))
        if problem is not None:
            _refuse(out, doc_id, RowIssue("coding", _label(uuid), problem))
            continue
        if doc is not None and target is None:
            continue  # its statement is unknown or differs: a document issue says so
        assert target is not None
        assert isinstance(uuid, str)
        theme_to = destinations.get(str(theme))
        stance_id = None if stance is None else matching.stances.get(stance)
        if theme_to is None or (stance is not None and stance_id is None):
            out.held_back[target.id] += 1  # a rejected proposal or an unknown stance: reported
            continue
        row = (target.id, theme_to, stance_id, start, end, memo, created, modified)
        out.rows.add_coding(uuid, row)  # type: ignore[arg-type]
        valid[uuid] += 1
    _shared_identities(seen, valid, out)


def _shared_identities(
    seen: Mapping[object, tuple[int | None, int]], valid: Counter[str], out: Desired
) -> None:
    for uuid, (doc_id, count) in seen.items():
        if count > 1 and isinstance(uuid, str):
            for rows in out.rows.codings.values():
                rows.pop(uuid, None)
            out.protected.add(uuid)
            out.issues.append((doc_id, RowIssue(
                "coding", uuid, f"{count} codings of the packet share this identity",
                "none of them is merged; the master's coding with it is kept", valid[uuid],
            )))  # fmt: skip


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
            out.rows.add_memo(str(uuid), (doc_id, theme_to, str(text), str(modified)))


def _marks(layer: LayerData, matching: Matching, out: Desired) -> None:
    counts = Counter(m[0] for m in layer.marks)
    for doc, done, _row_id, found in layer.marks:
        target = matching.documents.get(doc) if doc is not None else None
        problem = found
        if problem is None and counts[doc] > 1:
            problem = "the statement is marked done more than once"
        if problem is not None:
            label = target.title if target is not None else str(doc or "?")
            out.issues.append((None if target is None else target.id,
                               RowIssue("done mark", repr(label), problem)))  # fmt: skip
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


def current_rows(raw: sqlite3.Connection, coder_id: int | None) -> UnitRows:
    """One coder's rows in the master, in the same terms as :func:`desired_rows`."""
    rows = UnitRows()
    if coder_id is None:
        return rows
    for uuid, *rest in raw.execute(
        'SELECT c.uuid, c.document_id, t.uuid, c.stance_id, c.start, c."end", c.memo, '
        "c.created_at, c.modified_at FROM codings c JOIN themes t ON t.id = c.theme_id "
        "WHERE c.coder_id = ?",
        (coder_id,),
    ):
        rows.add_coding(uuid, tuple(rest))
    for uuid, doc_id, theme, text, modified in raw.execute(
        "SELECT m.uuid, m.document_id, t.uuid, m.text, m.modified_at FROM memos m "
        "LEFT JOIN themes t ON t.id = m.theme_id WHERE m.coder_id = ?",
        (coder_id,),
    ):
        rows.add_memo(uuid, (doc_id, theme, text, modified))
    rows.marks = dict(
        raw.execute(
            "SELECT document_id, done_at FROM document_status WHERE coder_id = ?", (coder_id,)
        ).fetchall()
    )
    return rows


def unit_contents(rows: UnitRows, unit: int | str) -> tuple[str, tuple[int, int, int]]:
    """Digest and counts (codings, memos, done marks) of one unit's rows."""
    codings = sorted(rows.codings.get(unit, {}).items()) if isinstance(unit, int) else []
    memos = sorted(rows.memos.get(unit, {}).items())
    mark = rows.marks.get(unit) if isinstance(unit, int) else None
    text = repr((codings, memos, mark)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(text).hexdigest(), (len(codings), len(memos), int(mark is not None))
