"""Keeping the current coder's code frequencies in step with the project (for the codebook).

Functions of the controller, not an object it holds (an object holding the controller would tie
the two in a reference cycle). A coder's counts are loaded once when the project or coder
changes, at once for a small project and as a background job for a large one; after each coding
action only the statements it touched are counted again, from the cached codings of the open
statement when they are at hand.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from r2pcoder.frequencies import ThemeFrequencies, document_counts, load_frequencies

if TYPE_CHECKING:
    from ui.controller import AppController

__all__ = ["COUNT_AT_ONCE", "load", "recount"]

COUNT_AT_ONCE = 50_000
"""Below this many codings in the project, counts load on the spot; above, in the background."""


def load(c: AppController) -> None:
    """Load the current coder's counts; ``frequencies_changed`` tells when they are there."""
    project, coder = c.project, c.coder
    c.frequencies = None
    if project is None or coder is None:
        c.frequencies_changed.emit()
        return
    if project.codings.count() <= COUNT_AT_ONCE:
        c.frequencies = load_frequencies(project, coder.id)
        c.frequencies_changed.emit()
        return
    c.counting = set()
    coder_id = coder.id
    job = c.runner.start(
        lambda _p, _c: load_frequencies(project, coder_id), name="code counts", writes=False
    )
    job.observe(
        c, success=lambda table: _loaded(c, table), failure=c.failure_reporter("Code counts")
    )


def _loaded(c: AppController, table: ThemeFrequencies) -> None:
    dirty, c.counting = c.counting or set(), None
    if c.project is None or c.coder is None:
        return
    for doc_id in dirty:  # changed while the counts were loading
        table.replace_document(doc_id, document_counts(c.project, doc_id, c.coder.id))
    c.frequencies = table
    c.frequencies_changed.emit()


def recount(c: AppController, documents: frozenset[int]) -> None:
    """Count again the statements a coding action touched."""
    if c.counting is not None:
        c.counting |= documents
    if c.frequencies is None or c.project is None or c.coder is None:
        return
    for doc_id in documents:
        cached = c.cached_codings(doc_id)
        if cached is not None:
            counts = dict(Counter(coding.theme_id for coding in cached))
        else:
            counts = document_counts(c.project, doc_id, c.coder.id)
        c.frequencies.replace_document(doc_id, counts)
    c.frequencies_changed.emit()
