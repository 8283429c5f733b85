"""What changed between two versions of a codebook, for review before a project adopts the new one.

Owns :class:`CodebookDiff` and :func:`diff_codebooks`; both are re-exported by
:mod:`r2pcoder.codebook`. Themes and stances are matched by id, so a rename keeps its codings.
Pure: no database, and it must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass

from r2pcoder.codebook.model import Codebook, Stance, Theme

__all__ = ["CodebookDiff", "diff_codebooks"]

_THEME_FIELDS = ("description", "include", "exclude", "example", "color", "shortcut")
_STANCE_FIELDS = ("definition", "color", "shortcut")


@dataclass(frozen=True)
class CodebookDiff:
    """Differences from an old codebook to a new one; ids are the match key.

    Attributes:
        added: Ids of themes only in the new codebook (new codebook order).
        removed: Ids of themes only in the old codebook (old codebook order).
        renamed: ``(id, old name, new name)`` for themes whose name changed.
        moved: ``(id, old parent id, new parent id)``; None means top level.
        changed: Ids of kept themes whose description, criteria, example, colour or shortcut
            changed.
        stances_added: Ids of stances only in the new codebook.
        stances_removed: Ids of stances only in the old codebook.
        stances_renamed: ``(id, old name, new name)`` for stances whose name changed.
        stances_changed: Ids of kept stances whose definition, colour or shortcut changed.
        scale_changed: True if the stance order or the ordinal flag changed.
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str, str], ...] = ()
    moved: tuple[tuple[str, str | None, str | None], ...] = ()
    changed: tuple[str, ...] = ()
    stances_added: tuple[str, ...] = ()
    stances_removed: tuple[str, ...] = ()
    stances_renamed: tuple[tuple[str, str, str], ...] = ()
    stances_changed: tuple[str, ...] = ()
    scale_changed: bool = False

    def is_empty(self) -> bool:
        """Return True if the two codebooks code the same way (nothing above differs)."""
        return self == CodebookDiff()

    def summary(self) -> list[str]:
        """Return one plain sentence per difference, themes first, then stances."""
        lines = [f"Theme {i} was added." for i in self.added]
        lines += [f"Theme {i} was removed." for i in self.removed]
        lines += [f"Theme {i} was renamed from '{a}' to '{b}'." for i, a, b in self.renamed]
        lines += [f"Theme {i} was moved from {_place(a)} to {_place(b)}." for i, a, b in self.moved]
        lines += [f"Theme {i} has a changed definition, colour or shortcut." for i in self.changed]
        lines += [f"Stance {i} was added." for i in self.stances_added]
        lines += [f"Stance {i} was removed." for i in self.stances_removed]
        lines += [
            f"Stance {i} was renamed from '{a}' to '{b}'." for i, a, b in self.stances_renamed
        ]
        lines += [
            f"Stance {i} has a changed definition, colour or shortcut."
            for i in self.stances_changed
        ]
        if self.scale_changed:
            lines.append("The order of the stance scale, or whether it is ordinal, changed.")
        return lines


def _place(parent: str | None) -> str:
    return "the top level" if parent is None else f"under {parent}"


def _differs(old: Theme | Stance, new: Theme | Stance, fields: tuple[str, ...]) -> bool:
    return any(getattr(old, name) != getattr(new, name) for name in fields)


def diff_codebooks(old: Codebook, new: Codebook) -> CodebookDiff:
    """Compare two codebooks theme by theme and stance by stance, matching on id.

    Args:
        old: The codebook in use.
        new: The candidate replacement.

    Returns:
        The differences; ``is_empty()`` if they code the same way. Codebook name, version and
        description, and the order of sibling themes, are not compared.
    """
    before = {t.id: (t, parent) for t, parent, _ in old.walk()}
    after = {t.id: (t, parent) for t, parent, _ in new.walk()}
    kept = [i for i in after if i in before]
    old_stances = {s.id: s for s in old.stances.stances}
    new_stances = {s.id: s for s in new.stances.stances}
    kept_stances = [i for i in new_stances if i in old_stances]
    common_old = [s for s in old_stances if s in new_stances]
    return CodebookDiff(
        added=tuple(i for i in after if i not in before),
        removed=tuple(i for i in before if i not in after),
        renamed=tuple(
            (i, before[i][0].name, after[i][0].name)
            for i in kept
            if before[i][0].name != after[i][0].name
        ),
        moved=tuple((i, before[i][1], after[i][1]) for i in kept if before[i][1] != after[i][1]),
        changed=tuple(i for i in kept if _differs(before[i][0], after[i][0], _THEME_FIELDS)),
        stances_added=tuple(i for i in new_stances if i not in old_stances),
        stances_removed=tuple(i for i in old_stances if i not in new_stances),
        stances_renamed=tuple(
            (i, old_stances[i].name, new_stances[i].name)
            for i in kept_stances
            if old_stances[i].name != new_stances[i].name
        ),
        stances_changed=tuple(
            i for i in kept_stances if _differs(old_stances[i], new_stances[i], _STANCE_FIELDS)
        ),
        scale_changed=old.stances.ordinal != new.stances.ordinal or common_old != kept_stances,
    )
