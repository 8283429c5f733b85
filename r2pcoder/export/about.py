"""What every output says about itself: the ``about`` rows (layer, project, counting rules).

No table, file or report of an export is read without knowing which codings it reports, how
statements were counted and whether reliability was measured; these rows say so, in the
``about`` table of the CSV and XLSX exports and at the top of the HTML report. Must not import Qt
or ``ui``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from r2pcoder.export.data import UNKNOWN, ExportData
from r2pcoder.regional_groups import regional_groups

if TYPE_CHECKING:
    from r2pcoder.export.tables import TableOptions

__all__ = ["about_rows"]

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
        (
            "statement rule",
            "A statement counts once per theme, under the stance most of its "
            "codings of the theme carry; a tie between stances makes it 'mixed stances'.",
        ),
        ("layer rule", _LAYER_RULES[data.layer.rule]),
        (
            "group statements",
            "A statement on behalf of a group counts once, as its speaker's; the "
            "group is listed under on_behalf_of"
            + (
                ", and its listed members are counted under states."
                if options.count_members
                else "."
            ),
        ),
        *_states_rows(options),
        ("missing metadata", f"Shown as '{UNKNOWN}', counted in its own group, never dropped."),
        (
            "reliability",
            "none saved: agreement has not been measured"
            if snap is None
            else f"snapshot '{snap.label}' of {snap.created_at:%Y-%m-%d %H:%M} (unit {snap.unit})",
        ),
    ]
    rows += _review_rows(data)
    if not data.selection.codings:
        rows.append(("warning", "This layer holds no codings: every count is zero."))
    return rows


def _states_rows(options: TableOptions) -> list[tuple[str, str]]:
    if not options.count_members:
        return []
    table = regional_groups()
    return [
        (
            "states",
            "The distinct States behind the statements: speakers that are States and "
            "the members listed in the 'members' attribute. By regional group, every State counts "
            "under its own group, not under its speaker's; a member the table does not know counts "
            f"under '{UNKNOWN}'. The statements and speakers columns stay those of the group's "
            "speakers.",
        ),
        ("regional groups table", f"{table.citation()}. {table.counting}"),
    ]


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
