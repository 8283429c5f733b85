"""A theme's disagreements, unit by unit, with each coder's value and quotes (for adjudication).

For statement, sentence and paragraph units a disagreement is a unit where the coders who read
the statement gave different values. For the span-based units (character, overlap, unitized) it
is a statement where those coders coded different stretches with the theme. Must not import Qt
or ``ui``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from r2pcoder.reliability.corpus import Corpus, load_corpus
from r2pcoder.reliability.report import CoderValue, Disagreement
from r2pcoder.reliability.segmentation import ensure_segments
from r2pcoder.reliability.settings import AgreementSettings
from r2pcoder.reliability.units import CategoricalUnits, segment_units, statement_units

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["NOT_READ", "disagreements"]

NOT_READ = "(did not work on this statement)"


def _quotes(
    corpus: Corpus, text: str, coder: int, doc: int, start: int, end: int
) -> tuple[str, ...]:
    pick = (corpus.coder == coder) & (corpus.doc == doc)
    pick &= (corpus.start < end) & (corpus.end > start)
    order = np.argsort(corpus.start[pick], kind="stable")
    spans = zip(corpus.start[pick][order].tolist(), corpus.end[pick][order].tolist(), strict=True)
    return tuple(text[s:e] for s, e in spans)


def _unit_label(kind: str, ordinal: int) -> str:
    return "whole statement" if kind == "statement" else f"{kind} {ordinal + 1}"


def _categorical(project: Project, corpus: Corpus, kind: str) -> list[Disagreement]:
    units: CategoricalUnits
    if kind == "statement":
        units = statement_units(corpus)
    else:
        with project.unit_of_work() as s:
            segments = ensure_segments(
                s,
                "sentence" if kind == "sentence" else "paragraph",
                [d.id for d in corpus.documents],
            )
        units = segment_units(corpus, segments)
    layer = units.codes[0]
    result = []
    texts: dict[int, str] = {}
    first_of_doc = np.searchsorted(units.unit_doc, units.unit_doc, side="left")
    for u in range(units.n_units):
        given = layer[:, u][layer[:, u] >= 0]
        if np.unique(given).size < 2:  # noqa: PLR2004 - agreement needs two distinct values
            continue
        doc = corpus.documents[int(units.unit_doc[u])]
        text = texts.setdefault(doc.id, project.documents.get(doc.id).text)
        start, end = (int(x) for x in units.unit_span[u])
        values = tuple(
            CoderValue(
                coder.name,
                units.labels[int(layer[i, u])] if layer[i, u] >= 0 else NOT_READ,
                _quotes(corpus, text, i, int(units.unit_doc[u]), start, end),
            )
            for i, coder in enumerate(corpus.coders)
        )
        label = _unit_label(kind, int(u - first_of_doc[u]))
        result.append(Disagreement(doc.id, doc.uuid, doc.title, label, start, end, values))
    return result


def _coverage(corpus: Corpus, coder: int, doc: int, length: int) -> bytes:
    covered = np.zeros(length, dtype=bool)
    pick = (corpus.coder == coder) & (corpus.doc == doc)
    for s, e in zip(corpus.start[pick].tolist(), corpus.end[pick].tolist(), strict=True):
        covered[s:e] = True
    return np.packbits(covered).tobytes()


def _spans(project: Project, corpus: Corpus) -> list[Disagreement]:
    result = []
    for j, doc in enumerate(corpus.documents):
        readers = [i for i in range(len(corpus.coders)) if corpus.worked[i, j]]
        if len({_coverage(corpus, i, j, doc.length) for i in readers}) < 2:  # noqa: PLR2004
            continue
        text = project.documents.get(doc.id).text
        values = []
        for i, coder in enumerate(corpus.coders):
            quotes = _quotes(corpus, text, i, j, 0, doc.length) if corpus.worked[i, j] else ()
            if not corpus.worked[i, j]:
                value = NOT_READ
            else:
                value = f"coded {sum(len(q) for q in quotes)} characters" if quotes else "not coded"
            values.append(CoderValue(coder.name, value, quotes))
        result.append(
            Disagreement(
                doc.id, doc.uuid, doc.title, "whole statement", 0, doc.length, tuple(values)
            )
        )
    return result


def disagreements(
    project: Project, settings: AgreementSettings, theme_key: str
) -> list[Disagreement]:
    """Where the coders disagree on ``theme_key``, with each coder's value and quotes.

    Uses the same coders and statements as :func:`compute_agreement` with ``settings``.
    Statement units compare stances (or "not coded"); sentence and paragraph units compare the
    stance of each segment; the span-based units compare the coded stretches of each statement.

    Raises:
        AgreementInputError, UnknownEntity: as :func:`compute_agreement`.
    """
    corpus = load_corpus(project, replace(settings, themes=(theme_key,)))
    if settings.unit in ("statement", "sentence", "paragraph"):
        return _categorical(project, corpus, settings.unit)
    return _spans(project, corpus)
