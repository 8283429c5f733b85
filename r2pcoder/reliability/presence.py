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


def character_patterns(
    corpus: Corpus,
    stratum_of_doc: IntArray,
    n_strata: int,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[PatternCounts]:
    """Pattern counts of every theme, per stratum (``stratum_of_doc`` maps statement to stratum)."""
    n_coders = len(corpus.coders)
    lengths = np.array([d.length for d in corpus.documents], dtype=np.int64)
    offsets = np.zeros(lengths.size + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    total = int(offsets[-1])
    doc_of_char = np.repeat(np.arange(lengths.size), lengths)
    stratum_of_char = stratum_of_doc[doc_of_char] * 3**n_coders
    # Digit 0 (missing) where the coder never worked on the statement, 1 (absent) elsewhere.
    base = np.zeros(total, dtype=np.int64)
    for i in range(n_coders):
        base += np.repeat(corpus.worked[i].astype(np.int64), lengths) * 3**i
    result = []
    n_themes = len(corpus.themes)
    for theme in range(n_themes):
        check_cancelled(cancelled)
        code = base.copy()
        for i in range(n_coders):
            covered = _covered(corpus, theme, i, offsets, total)
            code += covered * 3**i
        counts = np.bincount(stratum_of_char + code, minlength=n_strata * 3**n_coders)
        result.append(PatternCounts(counts.reshape(n_strata, 3**n_coders), n_coders))
        if progress is not None:
            progress((theme + 1) / max(n_themes, 1))
    return result


def _covered(corpus: Corpus, theme: int, coder: int, offsets: IntArray, total: int) -> IntArray:
    pick = (corpus.theme == theme) & (corpus.coder == coder)
    delta = np.zeros(total + 1, dtype=np.int64)
    np.add.at(delta, corpus.start[pick] + offsets[corpus.doc[pick]], 1)
    np.add.at(delta, corpus.end[pick] + offsets[corpus.doc[pick]], -1)
    return (np.cumsum(delta[:-1]) > 0).astype(np.int64)
