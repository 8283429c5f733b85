"""The export tables, built from :class:`~r2pcoder.export.data.ExportData`.

Tables (names as used by ``--what``):

* ``segments``: one row per coding kept by the layer; ``quote`` is exactly ``text[start:end]``;
* ``stance_matrix``: statement x theme, the stance the layer gives (empty: not coded);
* ``presence_matrix``: the same as 0/1, for statistical software;
* ``counts``: theme x stance counts of statements, distinct speakers (and states), overall and by
  the chosen metadata fields (rules in :mod:`r2pcoder.export.counting`);
* ``participation``: who spoke, overall and per group (every statement of the project);
* ``evidence``: per theme and stance, the quotes with their speakers;
* ``reliability``: the latest snapshot's coefficients, with loud warnings;
* ``codebook``: themes and stances with their definitions and usage counts.

An ``about`` table (item, value) always comes along: the layer, the project and the counting
rules (:mod:`r2pcoder.export.about`), so that no output is read without knowing which codings it
reports. Every other table also carries the layer in its first column.

Each table is a :class:`~r2pcoder.export.table.Table`: the segments and evidence tables build
their cells a slice of rows at a time when they are written, so an export of a million codings
holds one slice of one table, never every table at once.

Why not pandas. The tables used to be DataFrames, but only as containers: every writer turned
them back into lists. Measured on the majority layer of a master of 999,600 codings (the
``scale`` benchmark, 2 cores): building the eight tables as DataFrames took 2.5 s of the 9.5 s
spent building tables, and importing pandas 0.9 s more; holding them all at once is what pushed
one coder's export of 500,000 codings to 1.4 GB. The counts need sets (distinct speakers,
States under their own regional group), which a dictionary pass gives in 0.34 s; a pandas
groupby of only the statements and distinct speakers took 0.18 s after a 0.95 s import. So the
tables are plain columns, and the export does not use pandas. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from r2pcoder.errors import ExportFailed
from r2pcoder.export.about import about_rows
from r2pcoder.export.columns import CodingColumns
from r2pcoder.export.counting import ANY_STANCE, count_statements, participation
from r2pcoder.export.data import BY_FIELDS, UNKNOWN, ExportData
from r2pcoder.export.evidence import evidence_rows
from r2pcoder.export.reliability_table import reliability_columns
from r2pcoder.export.table import Columns, Table
from r2pcoder.metadata import STATEMENT_FIELDS
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress

__all__ = [
    "DEFAULT_BY",
    "TABLES",
    "Table",
    "TableOptions",
    "about_rows",
    "build_tables",
    "check_by",
    "preview_rows",
]

TABLES = (
    "segments",
    "stance_matrix",
    "presence_matrix",
    "counts",
    "participation",
    "evidence",
    "reliability",
    "codebook",
)
DEFAULT_BY = ("regional_group", "event")


@dataclass(frozen=True)
class TableOptions:
    """How to build the tables.

    Attributes:
        what: table names (see :data:`TABLES`); ``about`` is always added.
        by: metadata fields the counts are broken down by (besides overall).
        count_members: add a ``states`` column counting the member states of group statements.
    """

    what: tuple[str, ...] = TABLES
    by: tuple[str, ...] = DEFAULT_BY
    count_members: bool = False

    def __post_init__(self) -> None:
        unknown = [w for w in self.what if w not in TABLES]
        if unknown:
            raise ExportFailed(f"Unknown table {unknown[0]!r}; choose from {', '.join(TABLES)}.")
        if not self.what:
            raise ExportFailed("Choose at least one table to export.")


META_COLUMNS = ("document", "document_uuid", *STATEMENT_FIELDS)
MetaRows = dict[int, tuple[str, ...]]


def _meta_rows(data: ExportData) -> MetaRows:
    """Per statement, its values of :data:`META_COLUMNS`."""
    return {
        s.id: (
            s.title,
            s.uuid,
            s.speaker or UNKNOWN,
            s.on_behalf_of,
            s.regional_group or UNKNOWN,
            s.date or UNKNOWN,
            s.event or UNKNOWN,
            s.doc_type or UNKNOWN,
        )
        for s in data.statements.values()
    }


def _meta(doc_ids: Sequence[int], per_doc: MetaRows) -> Columns:
    rows = list(map(per_doc.__getitem__, doc_ids))
    return {name: list(map(itemgetter(i), rows)) for i, name in enumerate(META_COLUMNS)}


def _lookup(name: Callable[[Any], str], keys: list[Any]) -> list[str]:
    """``[name(k) for k in keys]``, calling ``name`` once per distinct key (keys repeat a lot)."""
    names = {k: name(k) for k in set(keys)}
    return [names[k] for k in keys]


def _quotes(
    texts: dict[int, str], docs: list[int], starts: list[int], ends: list[int]
) -> list[str]:
    return [texts[d][s:e] for d, s, e in zip(docs, starts, ends, strict=True)]


SEGMENT_COLUMNS = (
    "layer",
    *META_COLUMNS,
    "coder",
    "theme_key",
    "theme",
    "stance",
    "start",
    "end",
    "quote",
    "memo",
)


def segments_table(data: ExportData) -> Table:
    """One row per coding kept by the layer, with its statement's metadata and its quote."""
    codings = CodingColumns.of(data.selection.codings)
    names = {c.id: c.name for c in data.layer.coders}
    label, per_doc = data.layer.label(), _meta_rows(data)

    def build(start: int, stop: int) -> list[list[Any]]:
        part = codings[start:stop]
        docs, starts, ends = (c.tolist() for c in (part.document_id, part.start, part.end))
        themes = part.theme_id.tolist()
        return [
            [label] * len(docs),
            *_meta(docs, per_doc).values(),
            list(map(names.__getitem__, part.coder_id.tolist())),
            _lookup(data.theme_key, themes),
            _lookup(data.theme_path, themes),
            _lookup(data.stance_name, part.stance_id.tolist()),
            starts,
            ends,
            _quotes(data.texts, docs, starts, ends),
            list(part.memo),
        ]

    return Table(SEGMENT_COLUMNS, len(codings), build)


def matrix_themes(data: ExportData) -> list[tuple[int, str]]:
    """Theme (id, key) columns of the matrices: every current theme, plus retired ones in use."""
    used = {theme for _, theme in data.selection.values}
    return [(t.id, t.key) for t in data.themes if not t.retired or t.id in used]


def _matrix(data: ExportData, cell: Callable[[int | None], Any]) -> Table:
    rows = [d for d in data.statements if d in data.selection.worked]
    columns = _meta(rows, _meta_rows(data))
    values = data.selection.values
    for theme_id, key in matrix_themes(data):
        # A theme whose key is also a metadata column name must not overwrite that column.
        name = f"theme:{key}" if key in columns or key == "layer" else key
        columns[name] = [cell(values.get((d, theme_id))) for d in rows]
    return Table.of(columns, data.layer.label())


def stance_matrix(data: ExportData) -> Table:
    """Statement x theme: the stance the layer gives the theme in the statement, "" if none."""
    return _matrix(data, lambda v: "" if v is None else data.stance_name(v))


def presence_matrix(data: ExportData) -> Table:
    """Statement x theme: 1 when the layer has the theme in the statement, else 0."""
    return _matrix(data, lambda v: 0 if v is None else 1)


def counts_table(data: ExportData, by: Sequence[str], count_members: bool) -> Table:
    """Theme x stance counts of statements and distinct speakers, overall and per ``by`` field."""
    counts = count_statements(data, by, members=count_members)
    keys = list(counts)
    columns: Columns = {
        "breakdown": [k.breakdown for k in keys],
        "group": [k.group for k in keys],
        "theme_key": [data.theme_key(k.theme_id) for k in keys],
        "theme": [data.theme_path(k.theme_id) for k in keys],
        "stance": [
            "any stance" if k.stance == ANY_STANCE else data.stance_name(k.stance) for k in keys
        ],
        "statements": [counts[k].statements for k in keys],
        "speakers": [len(counts[k].speakers) for k in keys],
    }
    if count_members:
        columns["states"] = [len(counts[k].states) for k in keys]
        columns["member_states"] = ["; ".join(sorted(counts[k].members)) for k in keys]
    columns["on_behalf_of"] = ["; ".join(sorted(counts[k].on_behalf_of)) for k in keys]
    return Table.of(columns, data.layer.label())


def participation_table(data: ExportData, by: Sequence[str], count_members: bool) -> Table:
    """Who spoke: every statement of the project per group, with the speakers listed."""
    rows = participation(data, by, members=count_members)
    keys = list(rows)
    columns: Columns = {
        "breakdown": [k[0] for k in keys],
        "group": [k[1] for k in keys],
        "statements": [rows[k].statements for k in keys],
        "speakers": [len(rows[k].speakers) for k in keys],
    }
    if count_members:
        columns["states"] = [len(rows[k].states) for k in keys]
        columns["member_states"] = ["; ".join(sorted(rows[k].members)) for k in keys]
    columns["who"] = ["; ".join(sorted(rows[k].labels, key=str.casefold)) for k in keys]
    return Table.of(columns, data.layer.label())


EVIDENCE_COLUMNS = (
    "layer",
    "theme_key",
    "theme",
    "stance",
    "speaker",
    "on_behalf_of",
    "regional_group",
    "date",
    "document",
    "quote",
    "coders",
    "start",
    "end",
)


def evidence_table(data: ExportData) -> Table:
    """Per theme and stance, each distinct quote once, with its speaker and the coders behind it.

    The stance is the coding's own. Identical passages coded by several coders of a rule layer
    are merged into one row whose ``coders`` lists them.
    """
    rows = evidence_rows(data)
    label, per_doc = data.layer.label(), _meta_rows(data)

    def build(start: int, stop: int) -> list[list[Any]]:
        docs, starts, ends = (
            c[start:stop].tolist() for c in (rows.documents, rows.starts, rows.ends)
        )
        meta = _meta(docs, per_doc)
        themes = rows.theme_ids[start:stop].tolist()
        return [
            [label] * len(docs),
            _lookup(data.theme_key, themes),
            _lookup(data.theme_path, themes),
            _lookup(data.stance_name, rows.stances[start:stop].tolist()),
            *(meta[name] for name in ("speaker", "on_behalf_of", "regional_group", "date")),
            meta["document"],
            _quotes(data.texts, docs, starts, ends),
            rows.coders[start:stop],
            starts,
            ends,
        ]

    return Table(EVIDENCE_COLUMNS, len(rows), build)


def reliability_table(data: ExportData) -> Table:
    """The latest snapshot's coefficients; a loud warning row when there is none."""
    return Table.of(reliability_columns(data), data.layer.label())


def codebook_table(data: ExportData) -> Table:
    """Themes then stances, with definitions and how often the layer uses each."""
    kept = CodingColumns.of(data.selection.codings)
    codings = Counter(kept.theme_id.tolist())
    stance_codings = Counter(kept.stance_id.tolist())
    statements = Counter(theme_id for _, theme_id in data.selection.values)
    stance_statements = Counter(data.selection.values.values())
    themes, stances = data.themes, data.stances
    columns: Columns = {
        "kind": ["theme"] * len(themes) + ["stance"] * len(stances),
        "key": [t.key for t in themes] + [s.key for s in stances],
        "name": [" > ".join(t.path) for t in themes] + [s.name for s in stances],
        "definition": [t.description for t in themes] + [s.definition for s in stances],
        "include": [t.include for t in themes] + [""] * len(stances),
        "exclude": [t.exclude for t in themes] + [""] * len(stances),
        "example": [t.example for t in themes] + [""] * len(stances),
        "retired": [t.retired for t in themes] + [s.retired for s in stances],
        "codings": [codings.get(t.id, 0) for t in themes]
        + [stance_codings.get(s.id, 0) for s in stances],
        "statements": [statements.get(t.id, 0) for t in themes]
        + [stance_statements.get(s.id, 0) for s in stances],
    }
    return Table.of(columns, data.layer.label())


def _about(data: ExportData, options: TableOptions) -> Table:
    rows = about_rows(data, options)
    return Table.of({"item": [r[0] for r in rows], "value": [r[1] for r in rows]})


def check_by(data: ExportData, by: Sequence[str]) -> None:
    """Refuse a breakdown field that is neither known nor an attribute of any statement."""
    known = set(BY_FIELDS)
    for statement in data.statements.values():
        known.update(statement.attributes)
    unknown = [b for b in by if b not in known]
    if unknown:
        raise ExportFailed(
            f"No statement has a field {unknown[0]!r} to break the counts down by; use "
            f"{', '.join(BY_FIELDS)} or a custom attribute."
        )


def build_tables(
    data: ExportData,
    options: TableOptions,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> dict[str, Table]:
    """The chosen tables, ``about`` first, in :data:`TABLES` order.

    The segments and evidence tables build their cells when they are read (see
    :class:`~r2pcoder.export.table.Table`); the others are built here.
    """
    builders: dict[str, Callable[[], Table]] = {
        "segments": lambda: segments_table(data),
        "stance_matrix": lambda: stance_matrix(data),
        "presence_matrix": lambda: presence_matrix(data),
        "counts": lambda: counts_table(data, options.by, options.count_members),
        "participation": lambda: participation_table(data, options.by, options.count_members),
        "evidence": lambda: evidence_table(data),
        "reliability": lambda: reliability_table(data),
        "codebook": lambda: codebook_table(data),
    }
    check_by(data, options.by)
    chosen = [name for name in TABLES if name in options.what]
    tables = {"about": _about(data, options)}
    for i, name in enumerate(chosen):
        check_cancelled(cancelled)
        wrap_progress(progress, 0.0, 1.0)(i / len(chosen))
        tables[name] = builders[name]()
    wrap_progress(progress, 0.0, 1.0)(1.0)
    return tables


def preview_rows(table: Table, limit: int = 200) -> tuple[list[str], list[list[str]]]:
    """Column names and the first ``limit`` rows as text, for previews (the GUI)."""
    return list(table.columns), [
        ["" if v is None else str(v) for v in row] for row in table.rows(limit)
    ]
