"""The character unit: presence of a theme per character, counted as value patterns.

Each chosen statement's characters are laid end to end. For a coder and a theme, a character is
*present* (1) when one of the coder's codings of the theme covers it, *absent* (0) when the
coder worked on the statement but did not code it, and missing when the coder never worked on
the statement. Holding a million characters per theme as reliability data would be slow, and
every coefficient of binary data depends only on how many characters show each combination of
values across coders (a *pattern*: 3 ** coders of them), so characters are reduced to pattern
counts with ``numpy.bincount`` and the coefficients are computed from those counts. The
formulas are the same as in :mod:`r2pcoder.agreement` (the tests check both agree):

* percent agreement: agreeing coder pairs over all coder pairs, averaged over characters with
  two or more values;
* Cohen's kappa (exactly two coders): ``(p_o - p_e) / (1 - p_e)`` over characters both coded,
  ``p_e`` from each coder's own margins;
* Krippendorff's alpha (nominal, binary): ``1 - (n - 1) o_01 / (n_0 n_1)`` with the coincidence
  ``o_01 = sum_u k_u (m_u - k_u) / (m_u - 1)`` over characters with ``m_u >= 2`` values,
  ``k_u`` of them present (Krippendorff 2011).

Two variants are reported: **all text** counts every character of the statements, so uncoded
text is agreement on absence; **coded text only** keeps the characters some coder coded with
the theme (the union of their codings), so agreement on absence does not inflate the figures.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled
from r2pcoder.reliability.corpus import Corpus

__all__ = ["PatternCounts", "alpha_binary", "character_patterns", "cohen_binary", "percent_binary"]

IntArray = npt.NDArray[np.int64]

NO_PAIRS = "No character was coded by two or more coders, so there is nothing to compare."
NO_VARIATION = (
    "Every compared character got the same value from every coder, so agreement cannot be told "
    "apart from chance: the coefficient is undefined."
)


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


def pair_counts(counts: IntArray, n_coders: int, pair: Sequence[int]) -> IntArray:
    """Reduce pattern counts over ``n_coders`` to the 9 patterns of the two coders in ``pair``."""
    patterns = np.arange(3**n_coders, dtype=np.int64)
    a = (patterns // 3 ** pair[0]) % 3
    b = (patterns // 3 ** pair[1]) % 3
    return np.bincount(a + 3 * b, weights=counts, minlength=9).astype(np.int64)


def _mk(counts: IntArray, n_coders: int) -> tuple[IntArray, IntArray, IntArray]:
    digits = (np.arange(counts.size)[:, None] // 3 ** np.arange(n_coders)[None, :]) % 3
    m = (digits > 0).sum(axis=1)
    k = (digits == 2).sum(axis=1)  # noqa: PLR2004 - digit 2 = present
    keep = (m >= 2) & (counts > 0)  # noqa: PLR2004 - a unit needs two values to be pairable
    return m[keep], k[keep], counts[keep]


def percent_binary(counts: IntArray, n_coders: int) -> tuple[float | None, str | None]:
    """Percent agreement from pattern counts; (None, reason) when undefined."""
    m, k, w = _mk(counts, n_coders)
    if w.sum() == 0:
        return None, NO_PAIRS
    agree = (k * (k - 1) + (m - k) * (m - k - 1)) / (m * (m - 1))
    return float((agree * w).sum() / w.sum()), None


def alpha_binary(counts: IntArray, n_coders: int) -> tuple[float | None, str | None]:
    """Krippendorff's alpha (nominal) from pattern counts; (None, reason) when undefined."""
    m, k, w = _mk(counts, n_coders)
    if w.sum() == 0:
        return None, NO_PAIRS
    n1 = float((w * k).sum())
    n0 = float((w * (m - k)).sum())
    if n0 == 0 or n1 == 0:
        return None, NO_VARIATION
    o01 = float((w * k * (m - k) / (m - 1)).sum())
    return 1.0 - (n0 + n1 - 1.0) * o01 / (n0 * n1), None


def cohen_binary(counts: IntArray, n_coders: int) -> tuple[float | None, str | None]:
    """Cohen's kappa from pattern counts of exactly two coders; (None, reason) when undefined."""
    if n_coders != 2:  # noqa: PLR2004
        return None, (
            f"Cohen's kappa compares exactly two coders; there are {n_coders} "
            "(see the pairwise matrix)."
        )
    table = counts.reshape(3, 3)[1:, 1:].astype(np.float64)  # [b digit, a digit], both present
    n = table.sum()
    if n == 0:
        return None, NO_PAIRS
    p = table / n
    observed = p[0, 0] + p[1, 1]
    a_yes, b_yes = p[:, 1].sum(), p[1, :].sum()
    chance = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if chance >= 1.0:
        return None, NO_VARIATION
    return float((observed - chance) / (1.0 - chance)), None
