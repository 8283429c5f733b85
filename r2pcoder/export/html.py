"""The self-contained HTML report: the layer, warnings, charts, counts, evidence, reliability.

One file with inline CSS and inline SVG (see :mod:`r2pcoder.export.charts`), no script and no
remote resource, so it opens offline in any browser and can be mailed or archived as it is.
Every text is escaped. Large tables (segments, matrices) appear as a short preview with their
row count; the complete tables are in the CSV and XLSX exports. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from html import escape
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from r2pcoder.bands import format_measure
from r2pcoder.export.about import about_rows
from r2pcoder.export.charts import PALETTE, Bar, Part, stacked_bars
from r2pcoder.export.counting import (
    ANY_STANCE,
    OVERALL,
    REGIONAL_GROUP,
    CountKey,
    CountRow,
    count_statements,
    participation,
    unknown_state_warning,
)
from r2pcoder.export.data import UNKNOWN, ExportData
from r2pcoder.export.evidence import evidence_rows
from r2pcoder.export.layers import MIXED, NO_STANCE
from r2pcoder.export.reliability_table import (
    NO_SNAPSHOT,
    OUTDATED,
    below_threshold,
    line_warning,
    reliability_summary,
)
from r2pcoder.export.table import Table
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.export.tables import TableOptions

__all__ = ["EVIDENCE_PER_STANCE", "PREVIEW_ROWS", "render_html"]

EVIDENCE_PER_STANCE = 5
"""Quotes shown per theme and stance; the evidence table holds them all."""
PREVIEW_ROWS = 20
"""Rows shown of the large tables (segments, matrices)."""

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:2em}
.layer{font-size:1.15em;background:#eef4fb;border-left:6px solid #0072B2;padding:.6em 1em}
.warning{background:#fdecea;border:2px solid #b2182b;color:#7a0010;font-weight:bold;
padding:.6em 1em;margin:.6em 0}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f2f2f2;position:sticky;top:0}td.n{text-align:right}
tr.bad td{background:#fdecea}blockquote{margin:.3em 0 .6em 1em;padding-left:.8em;
border-left:3px solid #bbb}.who{color:#555;font-size:.9em}.more{color:#555;font-style:italic}
.chart-title{font-weight:bold;font-size:14px}
"""
_MIXED_COLOR = "#b7a6d9"
_NO_STANCE_COLOR = "#e7e7e7"


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<td></td>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        return f'<td class="n">{text}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], bad: Sequence[bool] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    flagged = ' class="bad"'
    body = "".join(
        f"<tr{flagged if i < len(bad) and bad[i] else ''}>{''.join(_cell(v) for v in row)}</tr>"
        for i, row in enumerate(rows)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _indented(path: tuple[str, ...]) -> str:
    """A theme's own name, indented by its depth (the full path is the bar's tooltip)."""
    return "\u2003" * (len(path) - 1) + path[-1]


def _stance_colors(data: ExportData) -> dict[int, str]:
    # A codebook without stance colours gives every stance the same default grey; the bars
    # would then be unreadable, so such stances take the palette instead.
    shared = Counter(s.color.lower() for s in data.stances)
    colors = {
        s.id: s.color if shared[s.color.lower()] == 1 else PALETTE[i % len(PALETTE)]
        for i, s in enumerate(data.stances)
    }
    colors.update({MIXED: _MIXED_COLOR, NO_STANCE: _NO_STANCE_COLOR})
    return colors


def _used_stances(data: ExportData, counts: dict[CountKey, CountRow]) -> list[int]:
    used = {k.stance for k in counts}
    return [s for s in data.stance_order() if s in used]


def _stance_chart(data: ExportData, counts: dict[CountKey, CountRow]) -> str:
    colors = _stance_colors(data)
    stances = _used_stances(data, counts)
    bars = []
    for theme in data.themes:
        parts = tuple(
            Part(data.stance_name(s), counts[k].statements, colors[s])
            for s in stances
            if (k := CountKey(OVERALL, "all", theme.id, s)) in counts
        )
        if parts:
            bars.append(Bar(" > ".join(theme.path), parts, _indented(theme.path)))
    legend = [(data.stance_name(s), colors[s]) for s in stances]
    return stacked_bars("Statements by theme and stance", bars, legend)


def _group_chart(data: ExportData, counts: dict[CountKey, CountRow]) -> str:
    groups = list(dict.fromkeys(k.group for k in counts if k.breakdown == "regional_group"))
    colors = {
        g: "#dddddd" if g == UNKNOWN else PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)
    }
    bars = []
    for theme in data.themes:
        parts = tuple(
            Part(g, counts[k].statements, colors[g])
            for g in groups
            if (k := CountKey("regional_group", g, theme.id, ANY_STANCE)) in counts
        )
        if parts:
            bars.append(Bar(" > ".join(theme.path), parts, _indented(theme.path)))
    return stacked_bars("Statements by theme and regional group", bars, list(colors.items()))


def _overall_table(data: ExportData, counts: dict[CountKey, CountRow], members: bool) -> str:
    stances = _used_stances(data, counts)
    header = ["theme", *(data.stance_name(s) for s in stances), "any stance", "speakers"]
    header += ["states"] if members else []
    rows = []
    for theme in data.themes:
        anyk = CountKey(OVERALL, "all", theme.id, ANY_STANCE)
        if anyk not in counts:
            continue
        cells: list[Any] = [" > ".join(theme.path)]
        for s in stances:
            row = counts.get(CountKey(OVERALL, "all", theme.id, s))
            cells.append(row.statements if row else 0)
        cells += [counts[anyk].statements, len(counts[anyk].speakers)]
        cells += [len(counts[anyk].states)] if members else []
        rows.append(cells)
    return _table(header, rows) if rows else "<p>No statement has a coding in this layer.</p>"


def _breakdown_table(data: ExportData, counts: dict[CountKey, CountRow], field: str) -> str:
    groups = list(dict.fromkeys(k.group for k in counts if k.breakdown == field))
    rows = []
    for theme in data.themes:
        cells = [
            counts[k].statements if (k := CountKey(field, g, theme.id, ANY_STANCE)) in counts else 0
            for g in groups
        ]
        if any(cells):
            rows.append([" > ".join(theme.path), *cells, sum(cells)])
    if not rows:
        return "<p>No statement has a coding in this layer.</p>"
    return _table(["theme", *groups, "total"], rows)


def _participation(data: ExportData, members: bool) -> str:
    rows = [
        [
            group,
            row.statements,
            len(row.speakers),
            *([len(row.states)] if members else []),
            "; ".join(sorted(row.labels, key=str.casefold)),
        ]
        for (breakdown, group), row in participation(data, [REGIONAL_GROUP], members).items()
        if breakdown != OVERALL
    ]
    total = len(data.statements)
    header = ["regional group", "statements", "speakers", *(["states"] if members else []), "who"]
    note = (
        " The states column counts every State under its own regional group, members of group "
        "statements included."
        if members
        else ""
    )
    intro = f"<p>{counted(total, 'statement')} in the project, coded or not.{note}</p>"
    return intro + _table(header, rows)


def _states_table(data: ExportData, counts: dict[CountKey, CountRow]) -> str:
    """Per theme and stance, how many States of each regional group (each under its own)."""
    groups = list(dict.fromkeys(k.group for k in counts if k.breakdown == REGIONAL_GROUP))
    rows = []
    for theme in data.themes:
        for stance in [ANY_STANCE, *_used_stances(data, counts)]:
            overall = counts.get(CountKey(OVERALL, "all", theme.id, stance))
            if overall is None or not overall.states:
                continue
            cells = [
                len(row.states)
                if (row := counts.get(CountKey(REGIONAL_GROUP, g, theme.id, stance)))
                else 0
                for g in groups
            ]
            name = "any stance" if stance == ANY_STANCE else data.stance_name(stance)
            rows.append(
                [
                    " > ".join(theme.path),
                    name,
                    *cells,
                    len(overall.states),
                    "; ".join(sorted(overall.states, key=str.casefold)),
                ]
            )
    if not rows:
        return "<p>No statement has a coding in this layer.</p>"
    intro = (
        "<p>Each State counts under its own regional group, whoever delivered the statement "
        "that named it (a member of a group statement counts under its own group, not its "
        "speaker's).</p>"
    )
    return intro + _table(["theme", "stance", *groups, "States", "which"], rows)


def _columns(table: Table, limit: int | None = None) -> tuple[list[str], list[list[Any]]]:
    return [str(c) for c in table.columns], [list(r) for r in table.rows(limit)]


def _evidence(data: ExportData) -> str:
    rows = evidence_rows(data)
    # Rows come grouped by theme and stance: a group starts where either changes.
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (rows.theme_ids[1:] != rows.theme_ids[:-1]) | (rows.stances[1:] != rows.stances[:-1])
    firsts = np.flatnonzero(new).tolist()
    out = []
    for first, end in pairwise([*firsts, len(rows)]):
        theme, stance = int(rows.theme_ids[first]), int(rows.stances[first])
        heading = f"{data.theme_path(theme)}: {data.stance_name(stance)} ({end - first})"
        out.append(f"<h3>{escape(heading)}</h3>")
        for i in range(first, min(end, first + EVIDENCE_PER_STANCE)):
            st = data.statements[int(rows.documents[i])]
            quote = data.texts[st.id][int(rows.starts[i]) : int(rows.ends[i])]
            on = f" on behalf of {escape(st.on_behalf_of)}" if st.on_behalf_of else ""
            out.append(
                f'<blockquote>“{escape(quote)}”<br><span class="who">'
                f"{escape(st.speaker or UNKNOWN)}{on} (coded by {escape(rows.coders[i])})"
                "</span></blockquote>"
            )
        if end - first > EVIDENCE_PER_STANCE:
            out.append(
                f'<p class="more">and {end - first - EVIDENCE_PER_STANCE} more in the evidence '
                "table (CSV or Excel export).</p>"
            )
    return "".join(out) or "<p>No quotes in this layer.</p>"


def _reliability(data: ExportData) -> str:
    snap = data.snapshot
    if snap is None:
        return f'<p class="warning">{escape(NO_SNAPSHOT)}</p>'
    header = ["scope", "label", "variant", "coefficient", "value", "interval", "units", "warning"]
    rows, bad = [], []
    for line in snap.lines:
        warning = line_warning(line, snap.threshold)
        interval = (
            f"[{line.ci_low:.3f}, {line.ci_high:.3f}]"
            if line.ci_low is not None and line.ci_high is not None
            else "no interval"
        )
        shown = None if line.value is None else format_measure(line.measure, line.value)
        rows.append(
            [
                line.scope,
                line.label,
                line.variant,
                line.measure,
                shown,
                interval,
                line.n_units,
                warning,
            ]
        )
        bad.append(bool(warning))
    intro = (
        f"<p>Snapshot {escape(snap.label or snap.uuid)} saved {snap.created_at:%Y-%m-%d %H:%M} "
        f"UTC; unit: <b>{escape(snap.unit)}</b>. {escape(snap.unit_description)} "
        f"{escape(snap.interval_method or 'The interval method was not recorded.')} Threshold: "
        f"{snap.threshold:.3f}.</p>"
    )
    loud = "".join(f'<p class="warning">{escape(w)}</p>' for w in reliability_summary(snap))
    notes = "".join(f'<p class="warning">{escape(w)}</p>' for w in snap.warnings)
    if snap.current is False:
        notes = f'<p class="warning">{escape(OUTDATED)}</p>' + notes
    return intro + loud + notes + _table(header, rows, bad)


def _warnings(data: ExportData, members: bool) -> str:
    out = list(unknown_state_warning(data) if members else [])
    if data.snapshot is None:
        out.append(NO_SNAPSHOT)
    elif data.snapshot.current is False:
        out.append(OUTDATED)
    elif below_threshold(data.snapshot):
        out.append("RELIABILITY: some coefficients fall below the threshold; see Reliability.")
    if not data.selection.codings:
        out.append("NO CODINGS: this layer holds no codings, so every count below is zero.")
    return "".join(f'<p class="warning">{escape(w)}</p>' for w in out)


def _preview(name: str, table: Table) -> str:
    header, rows = _columns(table, PREVIEW_ROWS)
    note = (
        f"<p>{len(table):,} rows; the first {min(len(table), PREVIEW_ROWS)} are shown. The "
        "complete table is in the CSV and Excel exports.</p>"
    )
    return f"<h2>{escape(name.replace('_', ' ').capitalize())}</h2>{note}{_table(header, rows)}"


def render_html(data: ExportData, tables: dict[str, Table], options: TableOptions) -> str:
    """The whole report as one HTML string."""
    members = options.count_members
    counts = count_statements(data, [REGIONAL_GROUP, *options.by], members=members)
    title = f"{data.project_name}: coded statements"
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="layer">Which codings: <b>{escape(data.layer.label())}</b></p>',
        _warnings(data, members),
        "<h2>About this export</h2>",
        _table(["item", "value"], about_rows(data, options)),
        "<h2>Participation by regional group</h2>",
        _participation(data, members),
        "<h2>Charts</h2>",
        _stance_chart(data, counts),
        _group_chart(data, counts),
        "<h2>Statements by theme and stance</h2>",
        _overall_table(data, counts, members),
    ]
    if members:
        parts += [
            "<h2>States by theme, stance and regional group</h2>",
            _states_table(data, counts),
        ]
    for field in dict.fromkeys(options.by):
        parts += [
            f"<h2>Statements by theme and {escape(field.replace('_', ' '))}</h2>",
            _breakdown_table(data, counts, field),
        ]
    if "evidence" in options.what:
        parts += ["<h2>Evidence</h2>", _evidence(data)]
    parts += ["<h2>Reliability</h2>", _reliability(data)]
    if "codebook" in tables:
        parts += ["<h2>Codebook</h2>", _table(*_columns(tables["codebook"].without("layer")))]
    for name in ("segments", "stance_matrix", "presence_matrix"):
        if name in tables:
            parts.append(_preview(name, tables[name]))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
