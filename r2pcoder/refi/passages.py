"""Sources onto statements and selections onto codings, inside the import's one transaction.

A source's text is normalised as on every import (:func:`r2pcoder.textnorm.normalize_text`); a
statement with the same text already in the project (same SHA-256) is matched, never duplicated
or changed, and file metadata that differs from it is reported as left out. Two sources of one
file with the same text become one statement.

Each ``<PlainTextSelection>`` with its ``<Coding>``s becomes codings of the coder the attribution
rule names (:mod:`r2pcoder.refi.people`): per coder, every theme code on the selection gives one
coding, and a stance code on the same selection gives them its stance (this is how an r2pcoder
export writes theme and stance; a second stance code is left out). Positions go through the
file's reading (:mod:`r2pcoder.refi.offsets`) into the stored text. A ``<Coding>`` directly in a
source codes the whole text. A selection that carries only a description or notes (MAXQDA and
NVivo write such annotations) has no theme, which r2pcoder requires: its text is kept in the
statement memo with the quote, and the span is reported as left out. A coding whose UUID, or
whose statement, coder, theme, stance and span, the project already holds is not added twice.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.documents import find_by_hash, insert_document, last_position
from r2pcoder.metadata import DocumentMeta
from r2pcoder.progress import CancelCheck, check_cancelled
from r2pcoder.refi.codes import CodeMap
from r2pcoder.refi.guids import guid_key, uuid_for
from r2pcoder.refi.model import RefiCase, RefiCoding, RefiNote, RefiSelection
from r2pcoder.refi.notes import NoteBook
from r2pcoder.refi.offsets import Detection
from r2pcoder.refi.people import Coders
from r2pcoder.refi.read import LoadedFile, LoadedSource
from r2pcoder.refi.report import Counts, LeftOut
from r2pcoder.refi.stored import StoredMap
from r2pcoder.refi.variables import meta_for
from r2pcoder.schema import CodingRow, DocumentRow, new_uuid, utcnow
from r2pcoder.textnorm import content_hash
from r2pcoder.wording import counted

__all__ = ["Context", "ImportLog", "Placed", "place_codings", "place_documents"]

_Identity = tuple[int, int, int, int | None, int, int]


@dataclass(frozen=True)
class Placed:
    """A source with its statement: the id, the map into its stored text, whether it is new."""

    loaded: LoadedSource
    document_id: int
    stored: StoredMap
    new: bool


class ImportLog:
    """Where an import notes warnings, left-out items and counts as it goes."""

    def __init__(self, warnings: list[str], left_out: list[LeftOut], counts: Counts) -> None:
        self.warnings, self.left_out, self.counts = warnings, left_out, counts

    def out(self, item: str, reason: str) -> None:
        """Record ``item`` as left out because of ``reason``."""
        self.left_out.append(LeftOut(item, reason))


def _differences(row: DocumentRow, meta: DocumentMeta, name: str, log: ImportLog) -> None:
    keeps = f"the project's statement {row.title!r} keeps"
    for f in fields(DocumentMeta):
        ours, theirs = getattr(row, f.name), getattr(meta, f.name)
        if f.name == "attributes":
            for key, value in theirs.items():
                if ours.get(key) != value:
                    log.out(f"source {name!r}: attribute {key} {value!r}", f"{keeps} its own")
        elif theirs and theirs != ours and not (f.name == "title" and theirs == name):
            log.out(f"source {name!r}: {f.name} {theirs!r}", f"{keeps} {ours!r}")


def _cases(loaded: LoadedFile, log: ImportLog) -> dict[str, list[RefiCase]]:
    cases: dict[str, list[RefiCase]] = defaultdict(list)
    for case in loaded.data.cases:
        for ref in case.sources:
            cases[guid_key(ref)].append(case)
        if case.other_members:
            reason = (
                f"{case.other_members} of its members are codes or selections; r2pcoder "
                "keeps cases as statement attributes only"
            )
            log.out(f"case {case.name or case.guid!r}", reason)
    return cases


class _Statements:
    """Matches or inserts statements, one source at a time."""

    def __init__(self, s: Session, loaded: LoadedFile, log: ImportLog) -> None:
        self.s, self.loaded, self.log = s, loaded, log
        self.variables = {guid_key(v.guid): v for v in loaded.data.variables}
        self.cases = _cases(loaded, log)
        self.used_uuids = set(s.scalars(select(DocumentRow.uuid)))
        self.position = last_position(s)
        self.by_hash: dict[str, int] = {}

    def place(self, item: LoadedSource, stored: StoredMap, name: str) -> Placed:
        source = item.source
        meta = meta_for(
            source, self.variables, self.cases.get(guid_key(source.guid), []), self.log.warnings
        )
        digest = content_hash(stored.stored)
        if digest in self.by_hash:
            self.log.warnings.append(
                f"source {name!r} has the same text as an earlier source; "
                "their codings go to one statement"
            )
            return Placed(item, self.by_hash[digest], stored, new=False)
        row = find_by_hash(self.s, digest)
        new = row is None
        if row is not None:
            _differences(row, meta, name, self.log)
            self.log.counts.statements_matched += 1
        else:
            uuid = uuid_for(source.guid, "source") if source.guid else new_uuid()
            uuid = uuid if uuid not in self.used_uuids else new_uuid()
            self.used_uuids.add(uuid)
            file = self.loaded.path.name
            where = f"{file}:{item.member}" if item.member else file
            row = insert_document(
                self.s, stored.stored, meta, source_file=where, uuid=uuid, after=self.position
            )
            self.position = row.position
            self.log.counts.statements_added += 1
        self.by_hash[digest] = row.id
        return Placed(item, row.id, stored, new)


def place_documents(
    s: Session, loaded: LoadedFile, log: ImportLog, cancelled: CancelCheck | None
) -> list[Placed]:
    """Match or add a statement for every source that has text."""
    statements = _Statements(s, loaded, log)
    names: Counter[str] = Counter()
    placed: list[Placed] = []
    for item in loaded.sources:
        check_cancelled(cancelled)
        if item.text is None:
            continue
        stored = StoredMap(item.text.raw)
        name = item.source.name or item.source.guid
        names[name] += 1
        if not stored.stored.strip():
            log.out(f"source {name!r}", "its text is empty")
            continue
        placed.append(statements.place(item, stored, name))
    log.warnings.extend(f"{n} sources are called {name!r}" for name, n in names.items() if n > 1)
    return placed


@dataclass
class _Batch:
    rows: list[tuple[object, ...]]
    uuids: set[str]
    identities: set[_Identity]


# Straight to the driver, with timestamps in the form UtcDateTime stores (naive UTC): binding
# 100,000 rows through SQLAlchemy's types cost as much as the insert itself. The same
# transaction, since it is the session's connection.
_INSERT = (
    'INSERT INTO codings (uuid, document_id, coder_id, theme_id, stance_id, start, "end", memo, '
    "created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _stored(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _existing(s: Session, placed: list[Placed]) -> _Batch:
    uuids = set(s.scalars(select(CodingRow.uuid)))
    old = [p.document_id for p in placed if not p.new]
    identities: set[_Identity] = set()
    if old:
        stmt = select(
            CodingRow.document_id,
            CodingRow.coder_id,
            CodingRow.theme_id,
            CodingRow.stance_id,
            CodingRow.start,
            CodingRow.end,
        ).where(CodingRow.document_id.in_(old))
        identities = {(r[0], r[1], r[2], r[3], r[4], r[5]) for r in s.execute(stmt)}
    return _Batch([], uuids, identities)


def _when(*stamps: datetime | None) -> datetime:
    return next((t for t in stamps if t is not None), None) or utcnow()


@dataclass(frozen=True)
class Context:
    """What turning selections into codings needs besides the source."""

    codes: CodeMap
    coders: Coders
    notes: NoteBook
    detection: Detection | None


class _Row(NamedTuple):
    coder: int
    theme: int
    stance: int | None
    memo: str
    created: datetime
    modified: datetime


class _Coder:
    """Turns the selections of one source into coding rows."""

    def __init__(self, place: Placed, context: Context, batch: _Batch, log: ImportLog) -> None:
        self.place, self.context, self.batch, self.log = place, context, batch, log
        self.codes, self.coders, self.notes = context.codes, context.coders, context.notes
        self.name = place.loaded.source.name
        self.adjusted = 0

    def span(self, selection: RefiSelection) -> tuple[int, int] | None:
        text, detection = self.place.loaded.text, self.context.detection
        assert text is not None
        assert detection is not None
        reading = text.effective(detection.reading)
        a, b = text.to_raw(selection.start, reading), text.end_to_raw(selection.end, reading)
        where = f"selection {selection.start}-{selection.end} in {self.name!r}"
        if a.at is None or b.at is None or a.at >= b.at:
            self.log.out(
                where,
                "it lies outside the text or splits a character under the "
                "file's reading of positions",
            )
            return None
        stored = self.place.stored.span(a.at, b.at)
        if stored.start >= stored.end:
            self.log.out(where, "it holds nothing but a line break")
            return None
        self.adjusted += stored.adjusted or a.split or b.split
        return stored.start, stored.end

    def add(self, span: tuple[int, int], coding: RefiCoding, row: _Row) -> None:
        identity = (self.place.document_id, row.coder, row.theme, row.stance, span[0], span[1])
        uuid = uuid_for(coding.guid, "coding") if coding.guid else new_uuid()
        if uuid in self.batch.uuids or identity in self.batch.identities:
            if identity in self.batch.identities or not self.place.new:
                self.log.counts.codings_present += 1
                return
            uuid = new_uuid()
        self.batch.uuids.add(uuid)
        self.batch.identities.add(identity)
        self.batch.rows.append(
            (
                uuid,
                identity[0],
                row.coder,
                row.theme,
                row.stance,
                span[0],
                span[1],
                row.memo,
                _stored(row.created),
                _stored(row.modified),
            )
        )
        self.log.counts.codings_added += 1

    def selection(self, selection: RefiSelection) -> None:
        source = self.place.loaded.source
        if not selection.codings:
            self.annotation(selection)
            return
        span = self.span(selection)
        if span is None:
            return
        by_coder: dict[int, list[RefiCoding]] = defaultdict(list)
        for coding in selection.codings:
            coder = self.coders.attribute(coding.user, selection.user, source.user)
            by_coder[coder].append(coding)
        shared = self.notes.texts(selection.note_refs, selection.guid)
        if selection.description.strip():
            shared.insert(0, selection.description)
        for coder, codings in by_coder.items():
            self.for_coder(selection, span, coder, codings, shared)

    def for_coder(
        self,
        selection: RefiSelection,
        span: tuple[int, int],
        coder: int,
        codings: list[RefiCoding],
        shared: list[str],
    ) -> None:
        themes = [c for c in codings if guid_key(c.code) in self.codes.themes]
        stances = [c for c in codings if guid_key(c.code) in self.codes.stances]
        where = f"selection {selection.start}-{selection.end} in {self.name!r}"
        for c in codings:
            if c not in themes and c not in stances:
                self.log.out(
                    f"a coding of {where}",
                    f"it names code {c.code}, which the file's codebook does not hold",
                )
        stance = self.codes.stances[guid_key(stances[0].code)] if stances else None
        for extra in stances[1:]:
            self.log.out(
                f"stance code {extra.code} on {where}",
                "the selection already carries a stance for this coder; a coding takes one stance",
            )
        if stances and not themes:
            self.log.out(f"stance on {where}", "it has no theme on the same selection")
        stance_notes = [t for c in stances for t in self.notes.texts(c.note_refs)]
        for coding in themes:
            notes = [*shared, *self.notes.texts(coding.note_refs), *stance_notes]
            created = _when(coding.created, selection.created)
            theme = self.codes.themes[guid_key(coding.code)]
            row = _Row(
                coder,
                theme,
                stance,
                "\n\n".join(dict.fromkeys(notes)),
                created,
                _when(selection.modified, created),
            )
            self.add(span, coding, row)

    def annotation(self, selection: RefiSelection) -> None:
        texts = self.notes.texts(selection.note_refs, selection.guid)
        if selection.description.strip():
            texts.insert(0, selection.description.strip())
        if not texts:
            return
        span = self.span(selection)
        if span is None:
            return
        quote = self.place.stored.stored[span[0] : span[1]]
        text = f"On \u00ab{quote}\u00bb ({span[0]}-{span[1]}): " + "\n\n".join(texts)
        coder = self.coders.id_for(selection.user) if selection.user else None
        self.notes.add("document", self.place.document_id, coder, text)
        reason = (
            "a passage with a note but no code has no theme; its note is kept in the statement memo"
        )
        self.log.out(f"annotation {span[0]}-{span[1]} in {self.name!r}", reason)

    def note_on_span(self, note: RefiNote, ref: str) -> None:
        """A note that names a span of the source itself: an annotation, like a bare selection."""
        assert note.selection is not None
        start, end = note.selection
        texts = self.notes.texts([ref])
        span = RefiSelection(
            guid=note.guid,
            name="",
            start=start,
            end=end,
            user=note.user,
            created=note.created,
            modified=None,
            description="\n\n".join(texts),
        )
        self.annotation(span)

    def whole(self) -> None:
        source = self.place.loaded.source
        span = (0, len(self.place.stored.stored))
        for coding in source.codings:
            theme = self.codes.themes.get(guid_key(coding.code))
            if theme is None:
                self.log.out(f"a coding of all of {source.name!r}", "its code is not a theme")
                continue
            coder = self.coders.attribute(coding.user, None, source.user)
            created = _when(coding.created, source.created)
            self.add(span, coding, _Row(coder, theme, None, "", created, created))
        if source.codings:
            n = len(source.codings)
            self.log.warnings.append(
                f"{counted(n, 'coding')} of the whole source {source.name!r} became codings of "
                "its text"
            )


def place_codings(
    s: Session,
    placed: list[Placed],
    context: Context,
    log: ImportLog,
    cancelled: CancelCheck | None,
) -> None:
    """Add the codings of every placed source (bulk insert) and queue their notes as memos."""
    batch = _existing(s, placed)
    adjusted = 0
    for place in placed:
        check_cancelled(cancelled)
        worker = _Coder(place, context, batch, log)
        source = place.loaded.source
        plain = []
        for ref in source.note_refs:
            note = context.notes.note(guid_key(ref))
            if note is not None and note.selection is not None:
                worker.note_on_span(note, ref)  # QualCoder writes annotations so
            else:
                plain.append(ref)
        context.notes.on_document(place.document_id, plain)
        if source.description.strip():
            context.notes.add("document", place.document_id, None, source.description)
        for selection in source.selections:
            worker.selection(selection)
        worker.whole()
        if source.other_selections:
            log.out(
                counted(source.other_selections, f"{source.kind} selection")
                + f" in {source.name!r}",
                "they mark areas of a page or times in a recording, not text",
            )
        adjusted += worker.adjusted
    if adjusted:
        log.warnings.append(
            f"{counted(adjusted, 'selection')} split a line break or a letter and its accent; "
            "their ends were moved outward to whole characters"
        )
    if batch.rows:
        driver = s.connection().connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        driver.executemany(_INSERT, batch.rows)
