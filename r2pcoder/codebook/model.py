"""The codebook value types: the theme tree and the stance scale, as frozen dataclasses.

Everything else in the package (validation, files, comparison, the project's store) is built on
these; other modules import them from :mod:`r2pcoder.codebook`. Pure: must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

__all__ = [
    "CODEBOOK_SCHEMA_VERSION",
    "DEFAULT_COLOR",
    "THEME_TEXT",
    "Codebook",
    "Stance",
    "StanceScale",
    "Theme",
]

CODEBOOK_SCHEMA_VERSION = 1
DEFAULT_COLOR = "#808080"
THEME_TEXT = ("description", "include", "exclude", "example")
"""A theme's free-text fields, in the order files write them."""


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook tree, with the criteria coders read before applying it.

    Attributes:
        id: Stable identifier (``[a-z0-9_]+``), unique in the codebook; codings refer to it.
        name: Label shown to coders.
        description: What the theme is about.
        include: When to apply it.
        exclude: When not to apply it (and what to use instead).
        example: A short real phrase that belongs under it.
        color: Highlight colour, ``#rrggbb``.
        shortcut: One lowercase letter, or None; digits are reserved for stances.
        children: Sub-themes, in display order.
    """

    id: str
    name: str
    description: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    color: str = DEFAULT_COLOR
    shortcut: str | None = None
    children: tuple[Theme, ...] = ()


@dataclass(frozen=True)
class Stance:
    """One position a speaker can take on a theme (e.g. "supports").

    Attributes:
        id: Stable identifier (``[a-z0-9_]+``), unique among the stances.
        name: Label shown to coders.
        definition: When a passage takes this stance.
        color: Display colour, ``#rrggbb``.
        shortcut: One key (typically ``"1"``..``"5"``), or None.
    """

    id: str
    name: str
    definition: str = ""
    color: str = DEFAULT_COLOR
    shortcut: str | None = None


@dataclass(frozen=True)
class StanceScale:
    """The stances in scale order, and whether that order is meaningful for agreement statistics.

    Attributes:
        ordinal: True if the stances run from one end of a scale to the other.
        stances: The stances, in scale order.
    """

    ordinal: bool
    stances: tuple[Stance, ...]


@dataclass(frozen=True)
class Codebook:
    """A whole codebook: identity, theme tree and stance scale.

    Attributes:
        id: Stable identifier of the codebook.
        name: Title shown to researchers.
        version: The researchers' own version label (e.g. ``"2026.1"``).
        description: Purpose and coding rules in prose.
        themes: The top-level themes, in display order.
        stances: The stance scale.
    """

    id: str
    name: str
    version: str
    description: str
    themes: tuple[Theme, ...]
    stances: StanceScale

    def walk(self) -> Iterator[tuple[Theme, str | None, int]]:
        """Yield every theme in pre-order as ``(theme, parent id or None, depth from 0)``."""
        stack: list[tuple[Theme, str | None, int]] = [(t, None, 0) for t in reversed(self.themes)]
        while stack:
            theme, parent, depth = stack.pop()
            yield theme, parent, depth
            stack.extend((c, theme.id, depth + 1) for c in reversed(theme.children))

    @cached_property
    def _index(self) -> dict[str, tuple[Theme, str | None]]:
        return {theme.id: (theme, parent) for theme, parent, _ in self.walk()}

    def theme(self, theme_id: str) -> Theme:
        """Return the theme with this id anywhere in the tree; raise ``KeyError`` if unknown."""
        return self._index[theme_id][0]

    def theme_path(self, theme_id: str) -> tuple[str, ...]:
        """Return the names from the root down to this theme; raise ``KeyError`` if unknown."""
        names: list[str] = []
        current: str | None = theme_id
        while current is not None:
            theme, current = self._index[current]
            names.append(theme.name)
        return tuple(reversed(names))

    def stance(self, stance_id: str) -> Stance:
        """Return the stance with this id; raise ``KeyError`` if unknown."""
        for stance in self.stances.stances:
            if stance.id == stance_id:
                return stance
        raise KeyError(stance_id)
