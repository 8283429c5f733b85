"""How codings look and read: theme colours, names and stances, as one plain value.

Views receive a :class:`CodebookLook` whenever the codebook changes, instead of callbacks into
the window or controller: a view that stored a bound method of its window would tie the two in a
reference cycle (see the lifetime rule in :mod:`ui.workers`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field

from r2pcoder.codebook.store import StanceInfo, ThemeInfo
from r2pcoder.coding import Coding

from ui.stripes import StripeItem

__all__ = ["NO_COLOR", "CodebookLook"]

NO_COLOR = "#cccccc"


@dataclass(frozen=True)
class CodebookLook:
    """Themes and stances by id (retired themes included: old codings may use them)."""

    themes: Mapping[int, ThemeInfo] = field(default_factory=dict)
    stances: Mapping[int, StanceInfo] = field(default_factory=dict)
    coders: Mapping[int, str] = field(default_factory=dict)

    def theme(self, theme_id: int) -> ThemeInfo | None:
        return self.themes.get(theme_id)

    def stance(self, stance_id: int | None) -> StanceInfo | None:
        return None if stance_id is None else self.stances.get(stance_id)

    def color(self, coding: Coding) -> str:
        theme = self.themes.get(coding.theme_id)
        return theme.color if theme else NO_COLOR

    def theme_name(self, theme_id: int) -> str:
        theme = self.themes.get(theme_id)
        return theme.name if theme else "?"

    def stance_name(self, stance_id: int | None) -> str:
        stance = self.stance(stance_id)
        return stance.name if stance else "no stance"

    def describe(self, coding: Coding, coder: str = "") -> str:
        """One line of rich text: theme, stance and, for another coder's coding, the coder."""
        who = f" <i>({html.escape(coder)})</i>" if coder else ""
        return (
            f"<b>{html.escape(self.theme_name(coding.theme_id))}</b> - "
            f"{html.escape(self.stance_name(coding.stance_id))}{who}"
        )

    def stripe(self, coding: Coding, *, other: bool = False) -> StripeItem:
        stance = self.stance(coding.stance_id)
        coder = self.coders.get(coding.coder_id, "?") if other else ""
        label = self.theme_name(coding.theme_id)
        return StripeItem(
            key=coding.uuid,
            start=coding.start,
            end=coding.end,
            color=self.color(coding),
            label=f"{coder}: {label}" if other else label,
            tooltip=self.describe(coding, coder),
            stance_color=stance.color if stance else None,
            stance_mark=(stance.shortcut or stance.name[:1]) if stance else "",
            other=other,
        )
