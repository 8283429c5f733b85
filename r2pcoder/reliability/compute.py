"""The one entry point of an agreement measurement: :func:`compute_agreement`.

Reads the master once (:func:`~r2pcoder.reliability.corpus.load_corpus`), builds the units the
settings ask for, and returns an :class:`~r2pcoder.reliability.report.AgreementReport` with
rows per theme, per stance and overall, a pairwise coder matrix and, with ``by``, the same per
stratum. Sentence and paragraph segments are stored in the master the first time they are
needed (one short write). Must not import Qt or ``ui``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from r2pcoder.agreement import describe_method
from r2pcoder.errors import AgreementInputError
from r2pcoder.metadata import GROUPING_FIELDS, year_of
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.reliability.categorical import (
    Options,
    Slices,
    headline,
    pairwise_matrix,
    slice_rows,
    stratum_layers,
)
from r2pcoder.reliability.corpus import Corpus, load_corpus
from r2pcoder.reliability.intervals import Bootstrap
from r2pcoder.reliability.measures import evaluate_codes
from r2pcoder.reliability.presence import character_patterns
from r2pcoder.reliability.report import AgreementReport, PairwiseMatrix, ResultRow, Stratum
from r2pcoder.reliability.segmentation import SegmentKind, ensure_segments
from r2pcoder.reliability.settings import AgreementSettings, LevelName
from r2pcoder.reliability.spanunits import CHARACTER_VARIANTS, character_pairwise, character_rows
from r2pcoder.reliability.unitized import Unitized, unitized_pairwise, unitized_rows
from r2pcoder.reliability.units import (
    CategoricalUnits,
    overlap_units,
    segment_units,
    statement_units,
)
from r2pcoder.schema import utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["UNIT_DESCRIPTIONS", "build_units", "compute_agreement", "strata_of"]

UNIT_DESCRIPTIONS = {
    "statement": "One unit per statement and theme. A coder's value is the stance most of their "
    "codings of the theme in the statement carry ('mixed' on a tie, 'no stance' when none carries "
    "one), or 'not coded' when they worked on the statement without coding the theme; missing "
    "when they never worked on it.",
    "sentence": "One unit per stored sentence and theme, valued as for statements from the "
    "codings overlapping the sentence; 'presence' rows reduce the value to coded / not coded.",
    "paragraph": "One unit per stored paragraph and theme, valued as for statements from the "
    "codings overlapping the paragraph; 'presence' rows reduce the value to coded / not coded.",
    "character": "One unit per character of the compared statements: coded with the theme or "
    "not. 'all text' counts uncoded text as agreement on absence; 'coded text only' keeps the "
    "characters some coder coded with the theme. The first ('all text') is the headline. No "
    "bootstrap interval: neighbouring characters are not independent units.",
    "overlap": "One unit per coding of the theme; another coder agrees when one of their codings "
    "of the theme overlaps it by at least {threshold:.0%} of the two spans' union (MAXQDA "
    "style; matched pairs count from each side).",
    "unitized": "Krippendorff's alpha for unitizing (|u alpha) per theme, over the statements "
    "every compared coder worked on, laid end to end (no unit or gap crosses a statement's end); "
    "uncoded stretches count as 'not this theme'. Each coding is a unit: two codings of a theme "
    "by one coder that touch are two units, two that overlap are joined into one. No bootstrap "
    "interval is drawn for this unit.",
}


def _level(settings: AgreementSettings, corpus: Corpus) -> LevelName:
    if settings.level is not None:
        return settings.level
    stances = settings.unit in ("statement", "sentence", "paragraph")
    return "ordinal" if stances and corpus.ordinal else "nominal"


def strata_of(corpus: Corpus, by: str | None) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
    """Stratum index of each statement and the stratum values (one stratum without ``by``)."""
    if by is None:
        return np.zeros(len(corpus.documents), dtype=np.int64), ("",)
    if by not in GROUPING_FIELDS and not any(by in d.meta for d in corpus.documents):
        raise AgreementInputError(
            f"No compared statement has a metadata field {by!r}; "
            f"use one of {', '.join(GROUPING_FIELDS)} or a custom attribute."
        )
    if by == "year":
        raw = [year_of(d.meta.get("date", "")) or "(none)" for d in corpus.documents]
    else:
        raw = [d.meta.get(by, "") or "(none)" for d in corpus.documents]
    values = tuple(sorted(set(raw)))
    index = {v: i for i, v in enumerate(values)}
    return np.array([index[v] for v in raw], dtype=np.int64), values


def build_units(
    project: Project,
    corpus: Corpus,
    settings: AgreementSettings,
    coders: tuple[int, ...] | None = None,
) -> list[Slices]:
    """The variants of categorical units (statement, sentence, paragraph, overlap)."""
    if settings.unit == "statement":
        return [Slices.of(statement_units(corpus, coders), "")]
    if settings.unit in ("sentence", "paragraph"):
        kind: SegmentKind = "sentence" if settings.unit == "sentence" else "paragraph"
        with project.unit_of_work() as s:
            segments = ensure_segments(s, kind, [d.id for d in corpus.documents])
        units = segment_units(corpus, segments, coders)
        return [Slices.of(units, "stance"), Slices.of(units.presence(), "presence")]
    per_theme = overlap_units(corpus, settings.overlap_threshold, coders)
    return [_stack_overlap(per_theme)]


def _stack_overlap(per_theme: list[CategoricalUnits]) -> Slices:
    labels = per_theme[0].labels if per_theme else ("not matched", "coded")
    layers = [u.codes[0] for u in per_theme]
    return Slices("", layers, labels, (), [u.unit_doc for u in per_theme])


def _overlap_stance_rows(
    corpus: Corpus, settings: AgreementSettings, options: Options
) -> list[ResultRow]:
    """Per stance: the codings with that stance, of every theme, matched by overlap."""
    rows = []
    for k, stance in enumerate(corpus.stances):
        units = overlap_units(corpus.only(corpus.stance == k), settings.overlap_threshold)
        slices = _stack_overlap(units)
        pooled = slices.pooled_patterns()
        values = evaluate_codes(pooled, options.measures, slices.spec("nominal"))
        rows.append(
            ResultRow("stance", stance.key, stance.name, "", int(pooled.pairable()), values)
        )
    return rows


def _categorical(
    project: Project,
    corpus: Corpus,
    settings: AgreementSettings,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
) -> tuple[list[ResultRow], list[PairwiseMatrix], list[Stratum]]:
    assert settings.measures is not None
    assert settings.level is not None
    variants = build_units(project, corpus, settings)
    boot = Bootstrap(
        settings.bootstrap_n, settings.bootstrap_seed, settings.threshold, settings.bootstrap_method
    )
    options = Options(settings.measures, settings.level, boot)
    rows: list[ResultRow] = []
    for i, slices in enumerate(variants):
        part = wrap_progress(progress, 0.7 * i / len(variants), 0.7 * (i + 1) / len(variants))
        rows += slice_rows(corpus, slices, options, progress=part, cancelled=cancelled)
    if settings.unit == "overlap":
        # The overall row stays last, after the per-stance rows.
        rows[-1:-1] = _overlap_stance_rows(corpus, settings, options)
    check_cancelled(cancelled)

    def pooled_for(pair: tuple[int, int]) -> npt.NDArray[np.int8]:
        return build_units(project, corpus, settings, pair)[0].pooled()

    rebuild = pooled_for if settings.unit == "overlap" else None
    measure = headline(settings.measures)
    pairs = [pairwise_matrix(corpus, measure, variants[0], settings.level, rebuild)]
    progress(0.8)
    strata: list[Stratum] = []
    if settings.by is not None:
        stratum, values = strata_of(corpus, settings.by)
        for k, value in enumerate(values):
            check_cancelled(cancelled)
            sub_rows = slice_rows(corpus, stratum_layers(variants[0], stratum, k), options)
            n_docs = int((stratum == k).sum())
            strata.append(Stratum(settings.by, value, n_docs, tuple(sub_rows)))
    return rows, pairs, strata


def _character(
    corpus: Corpus,
    settings: AgreementSettings,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
) -> tuple[list[ResultRow], list[PairwiseMatrix], list[Stratum]]:
    assert settings.measures is not None
    stratum, values = strata_of(corpus, settings.by)
    patterns = character_patterns(
        corpus,
        stratum,
        len(values),
        progress=wrap_progress(progress, 0.0, 0.6),
        cancelled=cancelled,
    )
    by_stance = []
    for k in range(len(corpus.stances)):
        check_cancelled(cancelled)
        by_stance.append(character_patterns(corpus.only(corpus.stance == k), stratum, len(values)))
        progress(0.6 + 0.2 * (k + 1) / len(corpus.stances))
    rows = [
        r
        for v in CHARACTER_VARIANTS
        for r in character_rows(corpus, patterns, settings.measures, v, by_stance=by_stance)
    ]
    measure = headline(settings.measures)
    pairs = [character_pairwise(corpus, patterns, measure, v) for v in CHARACTER_VARIANTS]
    strata = []
    if settings.by is not None:
        for k, value in enumerate(values):
            sub = character_rows(corpus, patterns, settings.measures, CHARACTER_VARIANTS[0], [k])
            strata.append(Stratum(settings.by, value, int((stratum == k).sum()), tuple(sub)))
    return rows, pairs, strata


def _unitized(
    corpus: Corpus,
    settings: AgreementSettings,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
) -> tuple[list[ResultRow], list[PairwiseMatrix], list[Stratum]]:
    docs = list(range(len(corpus.documents)))
    measured = Unitized.of(corpus, progress=wrap_progress(progress, 0, 0.9), cancelled=cancelled)
    rows = unitized_rows(measured, docs)
    pairs = [unitized_pairwise(measured)]
    strata = []
    if settings.by is not None:
        stratum, values = strata_of(corpus, settings.by)
        for k, value in enumerate(values):
            check_cancelled(cancelled)
            mine = [d for d in docs if stratum[d] == k]
            strata.append(
                Stratum(settings.by, value, len(mine), tuple(unitized_rows(measured, mine)))
            )
    return rows, pairs, strata


def fingerprint(corpus: Corpus) -> str:
    """SHA-256 over what was compared: coders, statements, who worked where, and the codings.

    Codings enter as (statement, coder, theme key, stance key, start, end), sorted, so the
    fingerprint changes exactly when a measured coding changes, whatever the row order.
    """
    digest = hashlib.sha256()
    for coder in corpus.coders:
        digest.update(f"c|{coder.uuid}\n".encode())
    for doc in corpus.documents:
        digest.update(f"d|{doc.uuid}|{doc.sha256}\n".encode())
    for theme in corpus.themes:
        digest.update(f"t|{theme.key}\n".encode())
    for stance in corpus.stances:
        digest.update(f"s|{stance.key}\n".encode())
    digest.update(np.ascontiguousarray(corpus.worked).tobytes())
    columns = (corpus.doc, corpus.coder, corpus.theme, corpus.stance, corpus.start, corpus.end)
    order = np.lexsort(columns[::-1])
    digest.update(np.ascontiguousarray(np.stack([c[order] for c in columns])).tobytes())
    return digest.hexdigest()


def _interval_method(settings: AgreementSettings) -> str:
    measures = settings.measures or ()
    drawn = settings.unit not in ("character", "unitized") and "krippendorff_alpha" in measures
    if not drawn or settings.bootstrap_n == 0:
        return ""
    method = describe_method(
        settings.bootstrap_method,
        settings.bootstrap_n,
        settings.bootstrap_seed,
        0.95,
        clusters="statements",
    )
    shared = (
        " Every theme's interval and the all-themes one use the same resamples."
        if settings.bootstrap_method == "units"
        else ""
    )
    return f"Alpha's interval: {method}{shared}"


def compute_agreement(
    project: Project,
    settings: AgreementSettings,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> AgreementReport:
    """Measure inter-coder agreement in a coded master.

    Args:
        project: the master (or any project holding several coders' codings).
        settings: unit, measures, coders, statements, themes, strata, interval options.
        progress: receives the fraction done.
        cancelled: polled between themes; the computation then raises ``Cancelled``.

    Returns:
        The report; undefined coefficients are ``None`` with their reason.

    Raises:
        AgreementInputError: fewer than two coders, no statement coded by two of them, no theme
            used, an unknown ``by`` field.
        UnknownEntity: a coder, statement or theme in ``settings`` does not exist.
        Cancelled: ``cancelled`` returned True.
    """
    report: Callable[[float], None] = wrap_progress(progress, 0.0, 1.0)
    corpus = load_corpus(project, settings)
    report(0.1)
    resolved = replace(
        settings,
        measures=settings.chosen_measures(len(corpus.coders)),
        level=_level(settings, corpus),
    )
    rest = wrap_progress(progress, 0.1, 1.0)
    if resolved.unit == "character":
        rows, pairs, strata = _character(corpus, resolved, rest, cancelled)
    elif resolved.unit == "unitized":
        rows, pairs, strata = _unitized(corpus, resolved, rest, cancelled)
    else:
        rows, pairs, strata = _categorical(project, corpus, resolved, rest, cancelled)
    report(1.0)
    warnings = tuple(
        f"Nobody used theme {key!r} in these statements." for key in corpus.unused_themes
    )
    return AgreementReport(
        interval_method=_interval_method(resolved),
        settings=resolved,
        computed_at=utcnow().isoformat(timespec="seconds"),
        unit_description=UNIT_DESCRIPTIONS[resolved.unit].format(
            threshold=resolved.overlap_threshold
        ),
        coders=tuple((c.uuid, c.name) for c in corpus.coders),
        documents=tuple((d.uuid, d.sha256, d.title) for d in corpus.documents),
        themes=tuple((t.key, t.name) for t in corpus.themes),
        inputs_fingerprint=fingerprint(corpus),
        rows=tuple(rows),
        pairwise=tuple(pairs),
        strata=tuple(strata),
        warnings=warnings,
        layers=tuple(f"coder:{c.uuid}" for c in corpus.coders),
    )
