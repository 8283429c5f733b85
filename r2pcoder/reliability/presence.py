"""The character unit: presence of a theme per character, counted as value patterns.

Each chosen statement's characters are laid end to end. For a coder and a theme, a character is
*present* (1) when one of the coder's codings of the theme covers it, *absent* (0) when the
coder worked on the statement but did not code it, and missing when the coder never worked on
the statement. Holding a million characters per theme as reliability data would be slow; since
every coefficient depends only on how many characters show each combination of values across
coders (a *pattern*: 3 ** coders of them), characters are reduced to pattern counts with
``numpy.bincount``, per stratum, and the coefficients are computed from those counts
(:mod:`r2pcoder.reliability.patterns`). Cohen's kappa on presence is then the ordinary kappa of
the 2 x 2 table of characters both coders could code.

Two variants are reported: **all text** counts every character of the statements, so uncoded
text is agreement on absence; **coded text only** keeps the characters some coder coded with
the theme (the union of their codings), so agreement on absence does not inflate the figures.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        patterns = np.arange(3**self.n_coders, dtype=np.int64)
        return (patterns[:, None] // 3 ** np.arange(self.n_coders)[None, :]) % 3

    def coded_only(self) -> IntArray:
        """A counts vector (all strata) keeping only patterns where some coder is present."""
        keep = (self.digits() == 2).any(axis=1)  # noqa: PLR2004 - digit 2 = present
        return np.where(keep, self.total(), 0)


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
    group = np.cumsum(np.r_[True, (coder[1:] != coder[:-1]) | (theme[1:] != theme[:-1])
                            | (doc[1:] != doc[:-1])])  # fmt: skip
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


def _positions(runs: IntArray, offsets: IntArray) -> IntArray:
    """Every character position (in the laid-end-to-end text) covered by ``runs``."""
    starts = runs[:, 3] + offsets[runs[:, 2]]
    sizes = runs[:, 4] - runs[:, 3]
    return np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))


def character_patterns(
    corpus: Corpus,
    stratum_of_doc: IntArray,
    n_strata: int,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[PatternCounts]:
    """Pattern counts of every theme, per stratum (``stratum_of_doc`` maps statement to stratum).

    Only the coded characters of a theme differ from the all-absent pattern of their statement,
    so each theme starts from the counts of that base and moves its coded characters only: the
    work grows with the coded text, not with the whole corpus.
    """
    n_coders = len(corpus.coders)
    n_patterns = 3**n_coders
    lengths = np.array([d.length for d in corpus.documents], dtype=np.int64)
    offsets = np.zeros(lengths.size + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    # Per character: stratum * 3**coders + base pattern, where the base digit is 1 (absent) for
    # a coder who worked on the statement and 0 (missing) otherwise.
    weights = (corpus.worked.astype(np.int64) * (3 ** np.arange(n_coders))[:, None]).sum(axis=0)
    per_doc = stratum_of_doc * n_patterns + weights
    base = np.repeat(per_doc, lengths)
    base_counts = np.bincount(base, minlength=n_strata * n_patterns)
    runs = merged_runs(corpus, np.ones(corpus.doc.size, dtype=bool))
    runs = runs[np.argsort(runs[:, 1], kind="stable")]
    bounds = np.searchsorted(runs[:, 1], np.arange(len(corpus.themes) + 1))
    result = []
    for theme in range(len(corpus.themes)):
        check_cancelled(cancelled)
        mine = runs[bounds[theme] : bounds[theme + 1]]
        positions = _positions(mine, offsets)
        # A covered character gains 3**coder for each coder covering it (digit 1 -> 2).
        gain = np.repeat(3 ** mine[:, 0], mine[:, 4] - mine[:, 3])
        where, inverse = np.unique(positions, return_inverse=True)
        added = np.bincount(inverse.reshape(-1), weights=gain, minlength=where.size)
        before = base[where]
        counts = base_counts - np.bincount(before, minlength=base_counts.size)
        counts += np.bincount(before + added.astype(np.int64), minlength=base_counts.size)
        result.append(PatternCounts(counts.reshape(n_strata, n_patterns), n_coders))
        if progress is not None:
            progress((theme + 1) / max(len(corpus.themes), 1))
    return result
