"""Finding a theme by typing part of its name, key or definition (the quick theme picker).

Matches are ranked so the theme a coder means comes first: the theme's key or shortcut typed
exactly, then names that start with the text, then names with a word starting with it, then
names or paths containing it, then themes whose description, inclusion criteria or example
contain it. Ties keep the codebook's order. Every word typed must match (in any of those
places), so "early act" finds "Early warning and early action". Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence

from r2pcoder.codebook.store import ThemeInfo

__all__ = ["rank_themes"]


def _score(theme: ThemeInfo, words: list[str]) -> int | None:
    name = theme.name.casefold()
    path = " ".join(theme.path).casefold()
    prose = " ".join((theme.description, theme.include, theme.example)).casefold()
    key = theme.key.casefold()
    whole = " ".join(words)
    if whole in (key, (theme.shortcut or "").casefold()):
        return 0
    if not all(w in name or w in path or w in key or w in prose for w in words):
        return None
    name_words = name.replace("-", " ").split()
    tiers = (
        name.startswith(whole),
        all(any(nw.startswith(w) for nw in name_words) for w in words),
        all(w in name or w in path for w in words),
        all(w in name or w in path or w in key for w in words),
    )
    return next((n for n, hit in enumerate(tiers, start=1) if hit), len(tiers) + 1)


def rank_themes(themes: Sequence[ThemeInfo], text: str) -> list[ThemeInfo]:
    """Themes matching ``text``, best first (all of them, in order, for empty text)."""
    words = text.casefold().split()
    if not words:
        return list(themes)
    scored = [
        (score, n, t) for n, t in enumerate(themes) if (score := _score(t, words)) is not None
    ]
    return [t for _, _, t in sorted(scored, key=lambda x: (x[0], x[1]))]
