"""The merge report as lines a researcher reads (the command line and the merge dialog show them).

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.merge.report import LayerReport, MergeReport

__all__ = ["summary_lines"]


def summary_lines(report: MergeReport) -> list[str]:
    """What happened overall, then one block per layer, then the refused files."""
    if report.dry_run:
        lines = ["Dry run: nothing was written."]
        if not report.changed:
            lines.append("Merging these files would change nothing in the coders' layers.")
    elif report.changed:
        lines = ["Merged."]
    else:
        lines = ["Nothing changed: the master already holds all the work these files can bring."]
    lines.extend(report.notes)
    for layer in report.layers:
        lines.extend(_layer_lines(layer, dry_run=report.dry_run))
    for refusal in report.refused:
        lines.append(f"{refusal.file_name}: refused: {refusal.reason}")
        lines.extend(f"  {problem}" for problem in refusal.problems[1:])
    if report.reopened:
        lines.append(
            f"Re-opened {counted(len(report.reopened), 'decided cell')} for review (their gold "
            "decisions are kept):"
        )
        lines.extend(f"  {c.title!r} / {c.theme_key}: {c.reason}" for c in report.reopened)
    if report.backup:
        lines.append(f"Backup of the master before the merge: {report.backup}")
    return lines


def _layer_lines(layer: LayerReport, *, dry_run: bool) -> list[str]:
    c = layer.counts
    lines = [f"{layer.file_name} ({layer.coder_name}, {layer.stamp}): {layer.action}"]
    if layer.status == "merge":
        lines.append(
            f"  {'would add' if dry_run else 'added'} {c.added}, changed {c.changed}, "
            f"removed {counted(c.removed, 'coding')}; {counted(c.memos, 'memo change')} and "
            f"{counted(c.marks, 'done-mark change')}"
        )
    if c.not_merged:
        lines.append(
            f"  {c.not_merged} {'item' if c.not_merged == 1 else 'items'} (codings, memos or "
            "marks) not merged (see below)"
        )
    lines.extend(f"  document {d.title!r}: {d.action}" for d in layer.documents)
    lines.extend(f"  {i.kind} {i.name!r}: {i.problem}; {i.action}" for i in layer.codebook)
    for p in layer.proposals:
        target = f" onto {p.target}" if p.target else ""
        lines.append(
            f"  proposed theme {p.name!r} ({counted(p.codings, 'coding')}): {p.decision}{target}"
        )
    lines.extend(
        f"  {m.kind} {m.name!r}: matched by {m.how}"
        if m.how != "none"
        else f"  {m.kind} {m.name!r}: no match in the master"
        for m in layer.matches
    )
    for conflict in layer.conflicts:
        lines.append(f"  diverged on {conflict.title!r}: {conflict.resolution}")
        lines.extend(f"    {holder}" for holder in conflict.holders)
    lines.extend(f"  {r.kind} {r.identity}: {r.reason}; {r.action}" for r in layer.rows)
    lines.extend(f"  note: {note}" for note in layer.notes)
    return lines
