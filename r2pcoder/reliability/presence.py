"""The character unit: presence of a theme per character, counted as value patterns.

Each chosen statement's characters are laid end to end. For a coder and a theme, a character is
*present* (1) when one of the coder's codings of the theme covers it, *absent* (0) when the
coder worked on the statement but did not code it, and missing when the coder never worked on
the statement. Holding a million characters per theme as reliability data would be slow; since
every coefficient depends only on how many characters show each combination of values across
coders (a *pattern*: 3 ** coders of them), characters are reduced to pattern counts per stratum,
and the coefficients are computed from those counts (:class:`r2pcoder.agreement.Patterns`).
Cohen's kappa on presence is then the ordinary kappa of the 2 x 2 table of characters both
coders could code.

The counts are found without visiting characters one by one. Every character of a statement
starts with the statement's *base* pattern (absent for each coder who worked on it); a coder's
coded stretch of a theme raises its characters' pattern by ``3 ** coder`` (absent to present).
So the starts and ends of the stretches, sorted, cut a theme into runs of characters with one
pattern each, and only those runs move counts away from the base: the work grows with the
number of codings, not with the length of the text.

Two variants are reported: **all text** counts every character of the statements, so uncoded
text is agreement on absence; **coded text only** keeps the characters some coder coded with
the theme (the union of their codings), so agreement on absence does not inflate the figures.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.reliability.corpus import Corpus

__all__ = ["PatternCounts", "character_patterns"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class PatternCounts:
    """How many characters show each pattern of values, per stratum.

    Attributes:
        counts: strata x patterns; pattern ``p`` has digit ``v_i = (p // 3**i) % 3`` for coder
            ``i``: 0 missing, 1 absent, 2 present.
        n_coders: coders in the patterns.
    """

    counts: IntArray
    n_coders: int

    def total(self) -> IntArray:
        """Counts over every stratum."""
        return np.asarray(self.counts.sum(axis=0), dtype=np.int64)

    def digits(self) -> IntArray:
        """The patterns x coders matrix of digits (0 missing, 1 absent, 2 present)."""
        return _digits(self.n_coders)


@cache
def _digits(n_coders: int) -> IntArray:
    patterns = np.arange(3**n_coders, dtype=np.int64)
    digits: IntArray = (patterns[:, None] // 3 ** np.arange(n_coders)[None, :]) % 3
    digits.flags.writeable = False
    return digits


@cache
def some_present(n_coders: int) -> npt.NDArray[np.bool_]:
    """Per pattern of ``n_coders`` coders, whether some coder is present (digit 2)."""
    keep: npt.NDArray[np.bool_] = (_digits(n_coders) == 2).any(axis=1)  # noqa: PLR2004
    keep.flags.writeable = False
    return keep


def merged_runs(
    corpus: Corpus, pick: npt.NDArray[np.bool_], *, join_touching: bool = True
) -> IntArray:
    """The picked codings merged into runs per (coder, theme, statement).

    Returns rows (coder, theme, doc, start, end): overlapping codings of one coder and theme in
    a statement become one stretch. Touching codings (one ends where the next starts) are
    joined too when ``join_touching`` (for character presence the two readings are the same),
    and kept apart otherwise: for unitizing they are two units (see ``spanunits.py``).
    """
    idx = np.flatnonzero(pick)
    keys = (corpus.coder[idx], corpus.theme[idx], corpus.doc[idx])
    idx = idx[np.lexsort((corpus.start[idx], *keys[::-1]))]
    coder, theme, doc = corpus.coder[idx], corpus.theme[idx], corpus.doc[idx]
    start, end = corpus.start[idx], corpus.end[idx]
    if idx.size == 0:
        return np.zeros((0, 5), dtype=np.int64)
    group = np.cumsum(
        np.r_[True, (coder[1:] != coder[:-1]) | (theme[1:] != theme[:-1]) | (doc[1:] != doc[:-1])]
    )
    # Offsetting each group past the previous one lets one running maximum serve all groups.
    shift = group * (int(end.max()) + 1)
    reach = np.maximum.accumulate(end + shift)
    later = start[1:] + shift[1:]
    new = np.r_[True, later > reach[:-1] if join_touching else later >= reach[:-1]]
    run = np.cumsum(new) - 1
    run_end = np.zeros(int(run[-1]) + 1, dtype=np.int64)
    np.maximum.at(run_end, run, end)
    first = np.flatnonzero(new)
    return np.stack([coder[first], theme[first], doc[first], start[first], run_end], axis=1)


def character_patterns(
    corpus: Corpus,
    stratum_of_doc: IntArray,
    n_strata: int,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[PatternCounts]:
    """Pattern counts of every theme, per stratum (``stratum_of_doc`` maps statement to stratum).

    See the module docstring: each theme's counts are the base counts of the whole text, moved
    by the runs of characters its codings cover.
    """
    n_coders, n_themes = len(corpus.coders), len(corpus.themes)
    n_patterns = 3**n_coders
    lengths = np.array([d.length for d in corpus.documents], dtype=np.int64)
    # Per statement: stratum * 3**coders + base pattern, where the base digit is 1 (absent) for
    # a coder who worked on the statement and 0 (missing) otherwise.
    powers = 3 ** np.arange(n_coders, dtype=np.int64)
    base = stratum_of_doc * n_patterns + corpus.worked.T.astype(np.int64) @ powers
    base_counts = np.bincount(base, weights=lengths, minlength=n_strata * n_patterns)
    check_cancelled(cancelled)
    theme, doc, added, size = _covered(corpus, lengths)
    if progress is not None:
        progress(0.5)
    result = []
    bounds = np.searchsorted(theme, np.arange(n_themes + 1))
    for t in range(n_themes):
        check_cancelled(cancelled)
        lo, hi = bounds[t], bounds[t + 1]
        before = base[doc[lo:hi]]
        moved = np.bincount(before + added[lo:hi], weights=size[lo:hi], minlength=base_counts.size)
        moved -= np.bincount(before, weights=size[lo:hi], minlength=base_counts.size)
        counts = np.rint(base_counts + moved).astype(np.int64)
        result.append(PatternCounts(counts.reshape(n_strata, n_patterns), n_coders))
    if progress is not None:
        progress(1.0)
    return result


def _covered(corpus: Corpus, lengths: IntArray) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """The covered runs of every theme: (theme, statement, pattern added, length), by theme.

    Within a run every character is covered by the same coders; ``3 ** coder`` is added to its
    pattern for each of them.
    """
    runs = merged_runs(corpus, np.ones(corpus.doc.size, dtype=bool))
    n_docs = max(len(corpus.documents), 1)
    span = int(lengths.max(initial=0)) + 1
    # One sortable number per event: theme, statement, position (an end sorts before a start at
    # the same position, which keeps runs of one coder that touch from overlapping).
    group = (runs[:, 1] * n_docs + runs[:, 2]) * span
    keys = np.concatenate([group + runs[:, 4], group + runs[:, 3]])
    gain = 3 ** runs[:, 0]
    delta = np.concatenate([-gain, gain])
    order = np.argsort(keys, kind="stable")
    keys, delta = keys[order], delta[order]
    level = np.cumsum(delta)
    # The run from each event to the next one has the pattern gain reached at the event.
    size = np.diff(keys, append=keys[-1:] if keys.size else keys)
    keep = (level > 0) & (size > 0)
    where = keys[keep] // span
    return where // n_docs, where % n_docs, level[keep], size[keep]
