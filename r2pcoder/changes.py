"""The ``Changes`` value a mutation reports, so views can decide whether to refresh.

The core never emits signals; services return results and the ui controller broadcasts a
``Changes``. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Changes"]


@dataclass(frozen=True)
class Changes:
    """What an operation changed: codings of which documents, the codebook, the corpus, coders."""

    codings: frozenset[int] = field(default_factory=frozenset)
    codebook: bool = False
    documents: bool = False
    coders: bool = False
    everything: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            codings=self.codings | other.codings,
            codebook=self.codebook or other.codebook,
            documents=self.documents or other.documents,
            coders=self.coders or other.coders,
            everything=self.everything or other.everything,
        )

    def touches_document(self, document_id: int) -> bool:
        """True if the codings of ``document_id`` (or everything) may have changed."""
        return self.everything or self.documents or document_id in self.codings
