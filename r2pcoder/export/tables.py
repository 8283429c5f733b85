"""The export tables as pandas DataFrames, built from :class:`~r2pcoder.export.data.ExportData`.

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
rules, so that no output is read without knowing which codings it reports. Every other table also
carries the layer in its first column. pandas is imported inside functions only: a cold import
costs a third of a second that the GUI should not pay at start-up. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from r2pcoder.errors import ExportFailed
from r2pcoder.export.counting import ANY_STANCE, count_statements, participation
from r2pcoder.export.data import BY_FIELDS, UNKNOWN, ExportData
from r2pcoder.export.evidence import evidence_rows
from r2pcoder.export.layers import CodingTuple
from r2pcoder.export.reliability_table import reliability_columns
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.regional_groups import regional_groups

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_BY",
    "TABLES",
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

Columns = dict[str, list[Any]]


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


META_COLUMNS = (
    "document", "document_uuid", "speaker", "on_behalf_of", "regional_group", "date", "event",
    "doc_type",
)  # fmt: skip


def _meta(data: ExportData, doc_ids: Sequence[int]) -> Columns:
    per_doc = {
        s.id: (s.title, s.uuid, s.speaker or UNKNOWN, s.on_behalf_of, s.regional_group or UNKNOWN,
               s.date or UNKNOWN, s.event or UNKNOWN, s.doc_type or UNKNOWN)
        for s in data.statements.values()
    }  # fmt: skip
    rows = list(map(per_doc.__getitem__, doc_ids))
    return {name: list(map(itemgetter(i), rows)) for i, name in enumerate(META_COLUMNS)}


def _lookup(name: Callable[[Any], str], keys: list[Any]) -> list[str]:
    """``[name(k) for k in keys]``, calling ``name`` once per distinct key (keys repeat a lot)."""
    names = {k: name(k) for k in set(keys)}
    return [names[k] for k in keys]


def _frame(columns: Columns, label: str) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415

    n = len(next(iter(columns.values()))) if columns else 0
    series = {"layer": pd.Series([label] * n, dtype=object)}
    for name, values in columns.items():
        # Text stays plain Python objects: letting pandas infer its string dtype checks every
        # value again, which costs more than the rest of building a large table.
        text = any(isinstance(v, str) for v in values[:1]) or not values
        series[name] = pd.Series(values, dtype=object) if text else pd.Series(values)
    return pd.DataFrame(series)


def _field(codings: Sequence[CodingTuple], name: str) -> list[Any]:
    # map + attrgetter runs in C: about twice as fast as a comprehension over 500,000 codings.
    return list(map(attrgetter(name), codings))


def segments_table(data: ExportData) -> pd.DataFrame:
    """One row per coding kept by the layer, with its statement's metadata and its quote."""
    codings = data.selection.codings
    names = {c.id: c.name for c in data.layer.coders}
    texts = data.texts
    docs, starts, ends = (_field(codings, f) for f in ("document_id", "start", "end"))
    columns = _meta(data, docs)
    themes = _field(codings, "theme_id")
    columns.update(
        coder=list(map(names.__getitem__, _field(codings, "coder_id"))),
        theme_key=_lookup(data.theme_key, themes),
        theme=_lookup(data.theme_path, themes),
        stance=_lookup(data.stance_name, _field(codings, "stance_id")),
        start=starts,
        end=ends,
        quote=[texts[d][s:e] for d, s, e in zip(docs, starts, ends, strict=True)],
        memo=_field(codings, "memo"),
    )
    return _frame(columns, data.layer.label())


def matrix_themes(data: ExportData) -> list[tuple[int, str]]:
    """Theme (id, key) columns of the matrices: every current theme, plus retired ones in use."""
    used = {theme for _, theme in data.selection.values}
    return [(t.id, t.key) for t in data.themes if not t.retired or t.id in used]


def _matrix(data: ExportData, cell: Callable[[int | None], Any]) -> pd.DataFrame:
    rows = [d for d in data.statements if d in data.selection.worked]
    columns = _meta(data, rows)
    values = data.selection.values
    for theme_id, key in matrix_themes(data):
        # A theme whose key is also a metadata column name must not overwrite that column.
        name = f"theme:{key}" if key in columns or key == "layer" else key
        columns[name] = [cell(values.get((d, theme_id))) for d in rows]
    return _frame(columns, data.layer.label())


def stance_matrix(data: ExportData) -> pd.DataFrame:
    """Statement x theme: the stance the layer gives the theme in the statement, "" if none."""
    return _matrix(data, lambda v: "" if v is None else data.stance_name(v))


def presence_matrix(data: ExportData) -> pd.DataFrame:
    """Statement x theme: 1 when the layer has the theme in the statement, else 0."""
    return _matrix(data, lambda v: 0 if v is None else 1)


def counts_table(data: ExportData, by: Sequence[str], count_members: bool) -> pd.DataFrame:
    """Theme x stance counts of statements and distinct speakers, overall and per ``by`` field."""
    counts = count_statements(data, by, members=count_members)
    keys = list(counts)
    columns: Columns = {
        "breakdown": [k.breakdown for k in keys],
        "group": [k.group for k in keys],
        "theme_key": [data.theme_key(k.theme_id) for k in keys],
        "theme": [data.theme_path(k.theme_id) for k in keys],
        "stance": ["any stance" if k.stance == ANY_STANCE else data.stance_name(k.stance)
                   for k in keys],
        "statements": [counts[k].statements for k in keys],
        "speakers": [len(counts[k].speakers) for k in keys],
    }  # fmt: skip
    if count_members:
        columns["states"] = [len(counts[k].states) for k in keys]
        columns["member_states"] = ["; ".join(sorted(counts[k].members)) for k in keys]
    columns["on_behalf_of"] = ["; ".join(sorted(counts[k].on_behalf_of)) for k in keys]
    return _frame(columns, data.layer.label())


def participation_table(data: ExportData, by: Sequence[str], count_members: bool) -> pd.DataFrame:
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
    return _frame(columns, data.layer.label())


def evidence_table(data: ExportData) -> pd.DataFrame:
    """Per theme and stance, each distinct quote once, with its speaker and the coders behind it.

    The stance is the coding's own. Identical passages coded by several coders of a rule layer
    are merged into one row whose ``coders`` lists them.
    """
    rows = evidence_rows(data)
    docs = rows.documents
    meta = _meta(data, docs)
    texts = data.texts
    columns: Columns = {
        "theme_key": _lookup(data.theme_key, rows.theme_ids),
        "theme": _lookup(data.theme_path, rows.theme_ids),
        "stance": _lookup(data.stance_name, rows.stances),
        "speaker": meta["speaker"],
        "on_behalf_of": meta["on_behalf_of"],
        "regional_group": meta["regional_group"],
        "date": meta["date"],
        "document": meta["document"],
        "quote": [texts[d][s:e] for d, s, e in zip(docs, rows.starts, rows.ends, strict=True)],
        "coders": rows.coders,
        "start": rows.starts,
        "end": rows.ends,
    }
    return _frame(columns, data.layer.label())


def reliability_table(data: ExportData) -> pd.DataFrame:
    """The latest snapshot's coefficients; a loud warning row when there is none."""
    return _frame(reliability_columns(data), data.layer.label())


def codebook_table(data: ExportData) -> pd.DataFrame:
    """Themes then stances, with definitions and how often the layer uses each."""
    codings = Counter(_field(data.selection.codings, "theme_id"))
    stance_codings = Counter(_field(data.selection.codings, "stance_id"))
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
    return _frame(columns, data.layer.label())


_LAYER_RULES = {
    "coder": "Every value and coding of one coder.",
    "all": "Per statement, the chosen coders who worked on it (coded anything there or marked it "
    "done) count: a theme is present where every one of them coded it; its stance is their "
    "common stance, else 'mixed stances'. Coders who never saw a statement do not count.",
    "majority": "Per statement, the chosen coders who worked on it (coded anything there or "
    "marked it done) count: a theme is present where more than half of them coded it; its "
    "stance is the one more than half of those coders gave, else 'mixed stances'.",
    "gold": "The lead's adjudicated decisions only (accepted, edited or added codings, and "
    "themes decided absent).",
    "final": "Per statement and theme: the gold decision; else the value every coder who worked "
    "on the statement gave; else, when one coder worked on it, that coder's codings; else the "
    "cell awaits adjudication and is left out.",
}


def about_rows(data: ExportData, options: TableOptions) -> list[tuple[str, str]]:
    """What every output says about itself: layer, project, time, counting rules, warnings."""
    snap = data.snapshot
    rows = [
        ("layer", data.layer.label()),
        ("project", data.project_name),
        ("codebook", data.codebook or "not named"),
        ("exported at (UTC)", data.created_at.strftime("%Y-%m-%d %H:%M")),
        ("statements with codings in this layer", str(len({d for d, _ in data.selection.values}))),
        ("codings in this layer", str(len(data.selection.codings))),
        ("counts broken down by", ", ".join(options.by) or "nothing (overall only)"),
        ("statement rule", "A statement counts once per theme, under the stance most of its "
         "codings of the theme carry; a tie between stances makes it 'mixed stances'."),
        ("layer rule", _LAYER_RULES[data.layer.rule]),
        ("group statements", "A statement on behalf of a group counts once, as its speaker's; the "
         "group is listed under on_behalf_of" + (", and its listed members are counted under "
         "states." if options.count_members else ".")),
        *_states_rows(options),
        ("missing metadata", f"Shown as '{UNKNOWN}', counted in its own group, never dropped."),
        ("reliability", "none saved: agreement has not been measured" if snap is None
         else f"snapshot '{snap.label}' of {snap.created_at:%Y-%m-%d %H:%M} (unit {snap.unit})"),
    ]  # fmt: skip
    rows += _review_rows(data)
    if not data.selection.codings:
        rows.append(("warning", "This layer holds no codings: every count is zero."))
    return rows


def _states_rows(options: TableOptions) -> list[tuple[str, str]]:
    if not options.count_members:
        return []
    table = regional_groups()
    return [
        ("states", "The distinct States behind the statements: speakers that are States and "
         "the members listed in the 'members' attribute. By regional group, every State counts "
         "under its own group, not under its speaker's; a member the table does not know counts "
         f"under '{UNKNOWN}'. The statements and speakers columns stay those of the group's "
         "speakers."),
        ("regional groups table", f"{table.citation()}. {table.counting}"),
    ]  # fmt: skip


_CELL_RULES = (
    ("gold", "cells from gold decisions (coded)"),
    ("gold absent", "cells decided absent in gold (not in any table)"),
    ("reopened", "of the decided cells, re-opened by a later merge (gold kept)"),
    ("agreed", "cells agreed by every coder who worked on the statement"),
    ("single coder", "cells from the only coder who worked on the statement"),
    ("awaiting", "cells awaiting adjudication (left out)"),
    ("undecided", "cells not decided (left out of gold)"),
)


def _review_rows(data: ExportData) -> list[tuple[str, str]]:
    """How many statement x theme cells each rule of a gold or final layer gave."""
    cells = data.selection.cells
    if not cells:
        return []
    rows = [(label, str(cells[key])) for key, label in _CELL_RULES if key in cells]
    if data.layer.rule == "final":
        spans = "Where coders agree on a stance, the codings of the coder who coded the theme "
        rows.append(("final layer spans", spans + "in the statement first; quotes are exact."))
    return rows


def _about(data: ExportData, options: TableOptions) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415

    rows = about_rows(data, options)
    return pd.DataFrame({"item": [r[0] for r in rows], "value": [r[1] for r in rows]})


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
) -> dict[str, pd.DataFrame]:
    """The chosen tables, ``about`` first, in :data:`TABLES` order."""
    builders: dict[str, Callable[[], pd.DataFrame]] = {
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


def preview_rows(frame: pd.DataFrame, limit: int = 200) -> tuple[list[str], list[list[str]]]:
    """Column names and the first ``limit`` rows as text.

    For previews that must not import pandas themselves (the GUI).
    """
    head = frame.head(limit)
    return [str(c) for c in head.columns], [
        ["" if v is None else str(v) for v in row] for row in head.itertuples(index=False)
    ]
