"""Every difference between a returned file's codebook and the master's, with what the merge does.

A packet carries the codebook of the day it was made; the master's may have moved on (a revised
codebook loaded, themes retired, renamed or moved) and the coder's copy may differ too. The merge
preview lists each difference so that the lead sees, before merging, under which theme each coding
lands: codings always land under the master's theme of the same identity (or, for a foreign file,
of the same name), with the master's name, place and definition. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from r2pcoder.merge.report import CodebookIssue

if TYPE_CHECKING:
    from r2pcoder.merge.foreign import Matching
    from r2pcoder.merge.source import SourceHeader, ThemeTuple

__all__ = ["MasterTheme", "codebook_differences"]

_UNDER_MASTER = "codings are merged under the master's theme"
_TEXTS = ("description", "include", "exclude", "example")


@dataclass(frozen=True)
class MasterTheme:
    """A theme of the master, as the merge compares it."""

    key: str
    name: str
    parent_uuid: str | None
    retired: bool
    description: str
    include: str
    exclude: str
    example: str
    color: str
    proposed_by: str | None


def codebook_differences(
    header: SourceHeader,
    themes: Mapping[str, MasterTheme],
    stances: Mapping[str, tuple[int, str, bool]],
    matching: Matching,
) -> list[CodebookIssue]:
    """Each theme and stance that differs between the file and the master, in file order."""
    issues: list[CodebookIssue] = []
    names = {t.uuid: t.name for t in header.themes}
    for theme in header.themes:
        target = matching.themes.get(theme.uuid)
        if target is not None:
            issues += _theme_issues(theme, themes[target], matching, themes, names)
    seen = set(matching.themes.values())
    for uuid, master in themes.items():
        if uuid not in seen and master.proposed_by is None and not master.retired:
            issues.append(
                CodebookIssue(
                    "theme",
                    uuid,
                    master.name,
                    "added to the master after this file was made",
                    "the coder could not use it; nothing to merge",
                )
            )
    issues += _stance_issues(header, stances, matching)
    return issues


def _theme_issues(
    theme: ThemeTuple,
    master: MasterTheme,
    matching: Matching,
    themes: Mapping[str, MasterTheme],
    names: Mapping[str, str],
) -> list[CodebookIssue]:
    def issue(problem: str, action: str = _UNDER_MASTER) -> CodebookIssue:
        return CodebookIssue("theme", theme.uuid, theme.name, problem, action)

    found = []
    if master.name != theme.name:
        found.append(issue(f"called {master.name!r} in the master"))
    parent = matching.themes.get(theme.parent_uuid) if theme.parent_uuid else None
    if theme.parent_uuid is not None and parent is None:
        parent = "?"
    if parent != master.parent_uuid:
        above = themes.get(master.parent_uuid) if master.parent_uuid else None
        where = above.name if above is not None else "the top"
        was = names.get(theme.parent_uuid or "", "the top")
        found.append(issue(f"placed under {where!r} in the master (under {was!r} here)"))
    if master.retired and not theme.retired:
        found.append(
            issue(
                "retired in the master since this file was made",
                "its codings are merged under the retired theme, where they are kept (not lost) "
                "and can be recoded",
            )
        )
    if theme.retired and not master.retired:
        found.append(issue("retired in this file but in use in the master"))
    texts = [name for name in _TEXTS if getattr(theme, name) != getattr(master, name)]
    if texts:
        verb = "differs" if len(texts) == 1 else "differ"
        found.append(
            issue(
                f"its {', '.join(texts)} {verb} from the master's",
                "the master's definition applies",
            )
        )
    if master.color.lower() != theme.color.lower():
        found.append(
            issue(
                f"coloured {theme.color} here, {master.color} in the master",
                "the master's colour is kept",
            )
        )
    return found


def _stance_issues(
    header: SourceHeader, stances: Mapping[str, tuple[int, str, bool]], matching: Matching
) -> list[CodebookIssue]:
    issues = []
    ids = {stance_id: uuid for uuid, (stance_id, _, _) in stances.items()}
    for uuid, _key, name, retired in header.stances:
        target_id = matching.stances.get(uuid)
        if target_id is None:
            continue  # reported with its count of codings, which are not merged
        _, master_name, master_retired = stances[ids[target_id]]
        if master_name != name:
            issues.append(
                CodebookIssue(
                    "stance",
                    uuid,
                    name,
                    f"called {master_name!r} in the master",
                    "codings keep the master's stance",
                )
            )
        if master_retired and not retired:
            issues.append(
                CodebookIssue(
                    "stance",
                    uuid,
                    name,
                    "retired in the master since this file was made",
                    "its codings are merged with the retired stance, where they are kept",
                )
            )
    used = set(matching.stances.values())
    for uuid, (stance_id, master_name, master_retired) in stances.items():
        if stance_id not in used and not master_retired:
            issues.append(
                CodebookIssue(
                    "stance",
                    uuid,
                    master_name,
                    "added to the master after this file was made",
                    "the coder could not use it; nothing to merge",
                )
            )
    return issues
