"""``r2pcoder agreement`` and ``r2pcoder snapshot``: reliability from the command line.

``agreement MASTER`` measures inter-coder agreement (any unit, measures, coders, strata) and
prints a table, JSON or CSV; ``--save LABEL`` keeps the result as a snapshot in the master, and
``--disagreements THEME`` lists where the coders differ on a theme. ``snapshot list`` and
``snapshot export`` show and write the saved snapshots. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from r2pcoder.agreement import BOOTSTRAP_METHODS
from r2pcoder.cli.commands import add_command
from r2pcoder.cli.common import add_json_flag, emit, open_project, project_arg
from r2pcoder.errors import AgreementInputError
from r2pcoder.reliability import (
    ALL_MEASURES,
    UNITS,
    AgreementReport,
    AgreementSettings,
    MeasureValue,
    ResultRow,
    compute_agreement,
    disagreements,
    export_snapshot,
    format_measure,
    list_snapshots,
    save_snapshot,
)

__all__ = ["register"]

ALIASES = {
    "percent": "percent_agreement",
    "agreement": "percent_agreement",
    "alpha": "krippendorff_alpha",
    "kappa": "cohen_kappa",
    "cohen": "cohen_kappa",
    "pi": "scott_pi",
    "scott": "scott_pi",
    "fleiss": "fleiss_kappa",
    "conger": "conger_kappa",
    "ac1": "gwet_ac1",
    "gwet": "gwet_ac1",
    "bp": "brennan_prediger",
}
SHORT = {
    "percent_agreement": "agree",
    "krippendorff_alpha": "alpha",
    "cohen_kappa": "kappa",
    "scott_pi": "pi",
    "fleiss_kappa": "fleiss",
    "conger_kappa": "conger",
    "gwet_ac1": "AC1",
    "brennan_prediger": "BP",
}


def register(sub: Any) -> None:
    """Add the ``agreement`` and ``snapshot`` commands."""
    cmd = add_command(
        sub,
        "agreement",
        description="Measure inter-coder agreement per theme, per stance and overall, with a "
        "pairwise coder matrix and, with --by, per stratum. Alpha gets a bootstrap interval and "
        "a band (>= .800 reliable, >= .667 tentative).",
    )
    cmd.add_argument("project", type=Path, metavar="MASTER", help="the coded master (.r2p)")
    cmd.add_argument("--unit", choices=UNITS, default="statement", help="what a unit is")
    cmd.add_argument(
        "--measure",
        action="append",
        metavar="NAME",
        help=f"a measure (repeat or comma-separate): {', '.join(ALL_MEASURES)}, "
        "or alpha, kappa, pi, fleiss, conger, ac1, bp, percent",
    )
    cmd.add_argument("--coders", help="comma-separated coder names or UUIDs (default: all)")
    cmd.add_argument("--themes", help="comma-separated theme ids (default: every theme used)")
    cmd.add_argument(
        "--by", metavar="FIELD", help="stratify by a metadata field, e.g. regional_group"
    )
    cmd.add_argument(
        "--level",
        choices=("nominal", "ordinal", "interval", "ratio"),
        help="alpha's level (default: ordinal if the stance scale is ordinal)",
    )
    cmd.add_argument(
        "--overlap",
        type=float,
        default=90.0,
        metavar="PERCENT",
        help="least overlap for the overlap unit, in %% of the spans' union",
    )
    cmd.add_argument(
        "--bootstrap",
        type=int,
        default=1000,
        metavar="N",
        help="bootstrap samples for alpha's interval (0: none)",
    )
    cmd.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    cmd.add_argument(
        "--bootstrap-method",
        choices=BOOTSTRAP_METHODS,
        default="units",
        help="units: BCa interval over units (default, coverage checked); pairs: "
        "Krippendorff's bootstrap of value pairs, as in KALPHA",
    )
    cmd.add_argument("--format", choices=("table", "json", "csv"), default="table")
    cmd.add_argument("--json", action="store_true", help="print JSON for scripts (--format json)")
    cmd.add_argument("--save", metavar="LABEL", help="keep the result as a snapshot in the master")
    cmd.add_argument(
        "--disagreements",
        metavar="THEME",
        help="list where the coders differ on this theme instead",
    )
    cmd.add_argument(
        "--vs",
        choices=("gold",),
        help="compare each coder with the adjudicated gold layer (coder feedback) instead",
    )
    cmd.set_defaults(handler=_agreement)

    snap = add_command(sub, "snapshot")
    actions = snap.add_subparsers(dest="action", required=True, metavar="ACTION")
    lst = actions.add_parser("list", help="list the snapshots in a master")
    project_arg(lst)
    add_json_flag(lst)
    lst.set_defaults(handler=_list)
    exp = actions.add_parser("export", help="write a snapshot as JSON")
    project_arg(exp)
    exp.add_argument("uuid", help="the snapshot's UUID (see snapshot list)")
    exp.add_argument("output", type=Path, help="the JSON file to write")
    add_json_flag(exp)
    exp.set_defaults(handler=_export)


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _measures(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    names = [n for v in values for n in (_split(v) or ())]
    return tuple(ALIASES.get(n.lower(), n.lower()) for n in names)


def settings_from(args: argparse.Namespace, coders: tuple[str, ...] | None) -> AgreementSettings:
    """The settings the command-line options ask for (``coders`` already resolved to UUIDs)."""
    return AgreementSettings(
        unit=args.unit,
        measures=_measures(args.measure),
        coders=coders,
        themes=_split(args.themes),
        by=args.by,
        overlap_threshold=args.overlap / 100.0,
        bootstrap_n=args.bootstrap,
        bootstrap_seed=args.seed,
        bootstrap_method=args.bootstrap_method,
        level=args.level,
    )


def _agreement(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        names = _split(args.coders)
        coders = tuple(project.coders.find(n).uuid for n in names) if names else None
        if coders is not None and len(coders) < 2 and args.vs is None:  # noqa: PLR2004
            raise AgreementInputError("Agreement needs at least two coders; give two or more.")
        settings = settings_from(args, coders)
        if args.vs == "gold":
            from r2pcoder.cli.review_cmds import vs_gold  # noqa: PLC0415 - only this branch

            return vs_gold(args, project, settings)
        if args.disagreements:
            found = disagreements(project, settings, args.disagreements)
            return _print_disagreements(args, found)
        report = compute_agreement(project, settings)
        if args.save is not None:
            info = save_snapshot(project, report, args.save)
            sys.stderr.write(f"Saved snapshot {info.uuid} ({info.label or 'no label'}).\n")
    out = {"table": table, "json": as_json, "csv": as_csv}[_format(args)](report)
    sys.stdout.write(out)
    return 0


def _format(args: argparse.Namespace) -> str:
    if args.json and args.format not in ("table", "json"):
        raise AgreementInputError(
            f"--json and --format {args.format} ask for two formats; give one."
        )
    return "json" if args.json else str(args.format)


def _print_disagreements(args: argparse.Namespace, found: list[Any]) -> int:
    if _format(args) == "json":
        from dataclasses import asdict  # noqa: PLC0415 - only this branch needs it

        sys.stdout.write(
            json.dumps([asdict(d) for d in found], indent=2, ensure_ascii=False) + "\n"
        )
        return 0
    lines = []
    for d in found:
        lines.append(f"{d.title} ({d.unit}, {d.start}-{d.end})")
        for v in d.values:
            quotes = "; ".join(repr(q) for q in v.quotes)
            lines.append(f"  {v.coder}: {v.value}{'  ' + quotes if quotes else ''}")
    lines.append(f"{len(found)} disagreement{'s' if len(found) != 1 else ''}.")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _cell(measure: str, value: MeasureValue) -> str:
    if value.value is None:
        return "n/a*"
    text = f"{format_measure(measure, value.value)}{'*' if value.note else ''}"
    if value.ci_low is not None and value.ci_high is not None:
        text += f" [{value.ci_low:.3f}, {value.ci_high:.3f}]"
    if value.band:
        text += {"reliable": " R", "tentative": " T", "unreliable": " U"}[value.band]
    return text


def _table_lines(rows: list[ResultRow], measures: tuple[str, ...]) -> Iterator[str]:
    header = ["", "variant", "units", *(SHORT.get(m, m) for m in measures)]
    body = [
        [
            f"{r.scope}: {r.label}" if r.scope != "theme" else r.label,
            r.variant,
            str(r.n_units),
            *(_cell(m, r.values[m]) for m in measures),
        ]
        for r in rows
    ]
    if not any(r[1] for r in body):
        header.pop(1)
        body = [[r[0], *r[2:]] for r in body]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    for line in [header, *body]:
        yield "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()


def table(report: AgreementReport) -> str:
    """The report as aligned text: rows, notes, pairwise matrix and strata."""
    measures = report.measures
    lines = [
        f"Unit: {report.settings.unit}. {report.unit_description}",
        f"Coders: {', '.join(n for _, n in report.coders)}; statements: "
        f"{len(report.documents)}; level: {report.settings.level}.",
        "",
    ]
    lines += _table_lines(list(report.rows), measures)
    lines += ["", "R reliable (>= .800), T tentative (>= .667), U unreliable; [95% interval]."]
    if report.interval_method:
        lines.append(report.interval_method)
    notes = {
        f"{r.label}, {m}: {v.note}" for r in report.rows for m, v in r.values.items() if v.note
    }
    lines += [f"* {n}" for n in sorted(notes)]
    for matrix in report.pairwise:
        lines += [
            "",
            f"Pairwise {matrix.measure}{' (' + matrix.variant + ')' if matrix.variant else ''}:",
        ]
        width = max(len(c) for c in matrix.coders)
        for name, values in zip(matrix.coders, matrix.values, strict=True):
            cells = ["  -  " if v is None else format_measure(matrix.measure, v) for v in values]
            lines.append(f"  {name.ljust(width)}  {'  '.join(cells)}")
    for stratum in report.strata:
        lines += ["", f"{stratum.field} = {stratum.value} ({stratum.n_documents} statements):"]
        lines += _table_lines(list(stratum.rows), measures)
    lines += [f"Warning: {w}" for w in report.warnings]
    return "\n".join(lines) + "\n"


def as_json(report: AgreementReport) -> str:
    """The report as JSON."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def as_csv(report: AgreementReport) -> str:
    """One CSV line per row and measure (strata included, with their field and value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "stratum_field",
            "stratum_value",
            "scope",
            "key",
            "label",
            "variant",
            "n_units",
            "measure",
            "value",
            "ci_low",
            "ci_high",
            "p_below",
            "band",
            "note",
        ]
    )
    groups = [("", "", report.rows)] + [(s.field, s.value, s.rows) for s in report.strata]
    for field, value, rows in groups:
        for r in rows:
            for m, v in r.values.items():
                writer.writerow(
                    [
                        field,
                        value,
                        r.scope,
                        r.key,
                        r.label,
                        r.variant,
                        r.n_units,
                        m,
                        "" if v.value is None else f"{v.value:.6f}",
                        "" if v.ci_low is None else f"{v.ci_low:.6f}",
                        "" if v.ci_high is None else f"{v.ci_high:.6f}",
                        "" if v.p_below is None else f"{v.p_below:.4f}",
                        v.band,
                        v.note,
                    ]
                )
    return buffer.getvalue()


def _list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        snapshots = list_snapshots(project)
    data = [
        {
            "uuid": s.uuid,
            "created_at": s.created_at.isoformat(timespec="seconds"),
            "label": s.label,
            "unit": s.unit,
            "coders": s.n_coders,
            "documents": s.n_documents,
            "layers": list(s.layers),
        }
        for s in snapshots
    ]
    lines = [f"{d['uuid']}  {d['created_at']}  {d['unit']:<9}  {d['label']}" for d in data]
    emit(args, data, lines or ["No snapshots yet (save one with agreement --save LABEL)."])
    return 0


def _export(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        path = export_snapshot(project, args.uuid, args.output)
    emit(args, {"file": str(path), "uuid": args.uuid}, [f"Wrote {path}."])
    return 0
