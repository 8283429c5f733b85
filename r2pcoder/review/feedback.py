"""Coder feedback: each coder against the gold layer, and one coder's differences from gold.

The training loop of content analysis (Krippendorff 2004, ch. 7; O'Connor & Joffe 2020):
after adjudication each coder learns where they departed from the settled coding.

:func:`agreement_vs_gold` runs the agreement engine of :mod:`r2pcoder.reliability` on two
"coders", gold and the coder, per theme, per stance and overall, with the statement unit: one
unit per *decided* statement x theme cell; gold's value is its decision (the stance of its gold
codings, or "not coded" for a theme decided absent), the coder's value is their statement-level
value there ("not coded" if they worked on the statement without coding the theme; missing if
they never saw it). Cells the lead has not decided are missing for gold: run ``review auto
--rule unanimous`` first to put the cells the coders agree on into gold, or the comparison
covers mostly the disagreements.

:func:`coder_differences` lists, cell by cell, where one coder departs from gold, with the
quotes of both (exactly ``text[start:end]``), for the coder to read. Must not import Qt or
``ui``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from r2pcoder.errors import AgreementInputError, ExportFailed, UnknownEntity
from r2pcoder.export.layers import NOT_CODED, coder_values
from r2pcoder.export.writers import atomic_file
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.reliability.categorical import Options, Slices, headline, pairwise_matrix, slice_rows
from r2pcoder.reliability.compute import fingerprint
from r2pcoder.reliability.corpus import CoderRef, Corpus
from r2pcoder.reliability.intervals import Bootstrap
from r2pcoder.reliability.report import AgreementReport
from r2pcoder.reliability.settings import AgreementSettings
from r2pcoder.reliability.units import MISSING, statement_units
from r2pcoder.review.board import SPAN_THRESHOLD, Board, fetch_codings, load_board, spans_match
from r2pcoder.review.layers import gold_tuples
from r2pcoder.review.model import GoldCoding
from r2pcoder.review.store import read_gold_codings
from r2pcoder.schema import DocumentRow, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "GOLD_LAYER",
    "Difference",
    "agreement_vs_gold",
    "coder_differences",
    "write_differences",
]

GOLD_LAYER = "gold"
"""How a snapshot names the gold layer among the layers it compared."""

UNIT_DESCRIPTION = (
    "Coder against gold: one unit per statement and theme the lead decided. Gold's value is its "
    "decision (the stance of its gold codings, or 'not coded' for a theme decided absent); the "
    "coder's value is their statement-level value there ('not coded' when they worked on the "
    "statement without coding the theme; missing when they never saw it)."
)

_GOLD = CoderRef(0, GOLD_LAYER, GOLD_LAYER)
IntArray = npt.NDArray[np.int64]


def _chosen(board: Board, settings: AgreementSettings) -> list[int]:
    """Positions in the board's corpus of the coders to compare (all by default)."""
    coders = board.corpus.coders
    if settings.coders is None:
        return list(range(len(coders)))
    by_key = {c.uuid: i for i, c in enumerate(coders)} | {c.name: i for i, c in enumerate(coders)}
    missing = [w for w in settings.coders if w not in by_key]
    if missing:
        raise UnknownEntity(f"There is no coder {missing[0]!r} in this project.")
    return list(dict.fromkeys(by_key[w] for w in settings.coders))


def _themes(board: Board, decided: set[tuple[int, int]], wanted: Sequence[str] | None) -> list[int]:
    """Positions of the themes to compare: those decided somewhere, or the ``wanted`` keys."""
    themes = board.corpus.themes
    if wanted is None:
        used = {t for _, t in decided}
        return [i for i, t in enumerate(themes) if t.id in used]
    by_key = {t.key: i for i, t in enumerate(themes)}
    missing = [w for w in wanted if w not in by_key]
    if missing:
        raise UnknownEntity(f"There is no theme {missing[0]!r} in this project's codebook.")
    return [by_key[w] for w in dict.fromkeys(wanted)]


def _renumber(size: int, kept: Sequence[int], start: int = 0) -> npt.NDArray[np.int64]:
    table = np.full(size, -1, dtype=np.int64)
    table[np.asarray(kept, dtype=np.int64)] = np.arange(start, start + len(kept))
    return table


def gold_corpus(
    project: Project, settings: AgreementSettings
) -> tuple[Corpus, npt.NDArray[np.bool_]]:
    """Gold (row 0) and the chosen coders as a :class:`Corpus` over the decided statements.

    Returns the corpus and a themes x statements mask of the decided cells.

    Raises:
        AgreementInputError: nothing decided yet.
    """
    with project.unit_of_work() as s:
        board = load_board(s)
        gold = read_gold_codings(s)
    decided = set(board.decisions)
    if not decided:
        raise AgreementInputError(
            "The gold layer holds no decision yet, so there is nothing to compare coders with."
        )
    base = board.corpus
    coders, themes = _chosen(board, settings), _themes(board, decided, settings.themes)
    docs = [j for j, d in enumerate(base.documents) if d.id in {d for d, _ in decided}]
    doc_of, theme_of = _renumber(len(base.documents), docs), _renumber(len(base.themes), themes)
    coder_of = _renumber(len(base.coders), coders, start=1)
    keep = (doc_of[base.doc] >= 0) & (coder_of[base.coder] >= 0) & (theme_of[base.theme] >= 0)
    index = {d.id: j for j, d in enumerate(base.documents)}
    tindex = {t.id: i for i, t in enumerate(base.themes)}
    sindex = {st.id: k for k, st in enumerate(base.stances)}
    mine = [g for g in gold if g.theme_id in tindex and theme_of[tindex[g.theme_id]] >= 0]
    g_doc = doc_of[[index[g.document_id] for g in mine]]
    g_theme = theme_of[[tindex[g.theme_id] for g in mine]]
    g_stance = [-1 if g.stance_id is None else sindex[g.stance_id] for g in mine]
    worked = np.vstack([np.ones((1, len(docs)), dtype=bool), base.worked[coders][:, docs]])
    mask = np.zeros((len(themes), len(docs)), dtype=bool)
    for d, t in decided:
        if theme_of[tindex[t]] >= 0:
            mask[theme_of[tindex[t]], doc_of[index[d]]] = True

    def joined(coder_values: npt.NDArray[np.int64], gold_values: Sequence[int]) -> IntArray:
        return np.concatenate([coder_values, np.asarray(gold_values, dtype=np.int64)])

    corpus = Corpus(
        coders=(_GOLD, *(base.coders[i] for i in coders)),
        documents=tuple(base.documents[j] for j in docs),
        themes=tuple(base.themes[i] for i in themes),
        stances=base.stances,
        ordinal=base.ordinal,
        worked=worked,
        doc=joined(doc_of[base.doc[keep]], g_doc.tolist()),
        coder=joined(coder_of[base.coder[keep]], [0] * len(mine)),
        theme=joined(theme_of[base.theme[keep]], g_theme.tolist()),
        stance=joined(base.stance[keep], g_stance),
        start=joined(base.start[keep], [g.start for g in mine]),
        end=joined(base.end[keep], [g.end for g in mine]),
        unused_themes=(),
    )
    return corpus, mask


def agreement_vs_gold(
    project: Project,
    settings: AgreementSettings,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> list[AgreementReport]:
    """One report per chosen coder: that coder against gold, per theme, per stance, overall.

    Only the statement unit applies (gold decides statements x themes); ``by`` is refused.
    Each report records its layers as ``("gold", "coder:<uuid>")``.

    Raises:
        AgreementInputError: another unit, ``by``, or nothing decided yet.
    """
    if settings.unit != "statement":
        raise AgreementInputError(
            "Coders are compared with gold on the statement unit only: gold decides statements "
            "and themes, not sentences or spans."
        )
    if settings.by is not None:
        raise AgreementInputError("Comparing with gold does not stratify; leave out --by.")
    corpus, mask = gold_corpus(project, settings)
    units = statement_units(corpus)
    units.codes[:, 0, :][~mask] = MISSING
    level = settings.level or ("ordinal" if corpus.ordinal else "nominal")
    measures = settings.chosen_measures(2)
    resolved = replace(settings, measures=measures, level=level)
    boot = Bootstrap(
        settings.bootstrap_n, settings.bootstrap_seed, settings.threshold, settings.bootstrap_method
    )
    options = Options(measures, level, boot if settings.bootstrap_n else None)
    reports = []
    for i, coder in enumerate(corpus.coders[1:], start=1):
        check_cancelled(cancelled)
        wrap_progress(progress, 0.0, 1.0)((i - 1) / max(1, len(corpus.coders) - 1))
        pair = replace(corpus, coders=(corpus.coders[0], coder), worked=corpus.worked[[0, i]])
        pick = (corpus.coder == 0) | (corpus.coder == i)
        pair = replace(pair.only(pick), coder=np.where(corpus.coder[pick] == 0, 0, 1))
        slices = Slices(
            "",
            [layer[[0, i]] for layer in units.codes],
            units.labels,
            units.stance_codes,
            [units.unit_doc] * len(corpus.themes),
        )
        rows = slice_rows(pair, slices, options)
        matrix = pairwise_matrix(pair, headline(measures), slices, level)
        reports.append(
            AgreementReport(
                settings=resolved,
                computed_at=utcnow().isoformat(timespec="seconds"),
                unit_description=UNIT_DESCRIPTION,
                coders=((GOLD_LAYER, GOLD_LAYER), (coder.uuid, coder.name)),
                documents=tuple((d.uuid, d.sha256, d.title) for d in corpus.documents),
                themes=tuple((t.key, t.name) for t in corpus.themes),
                inputs_fingerprint=fingerprint(pair),
                rows=tuple(rows),
                pairwise=(matrix,),
                layers=(GOLD_LAYER, f"coder:{coder.uuid}"),
            )
        )
    return reports


@dataclass(frozen=True)
class Difference:
    """One decided cell where a coder departs from gold.

    Attributes:
        kind: ``missed`` (gold has the theme, the coder did not code it), ``not in gold``
            (the coder coded a theme gold decided absent), ``stance`` (both have it with other
            statement-level values) or ``span`` (same value, passages that do not match by the
            overlap threshold).
    """

    document_id: int
    document_uuid: str
    title: str
    speaker: str
    theme_key: str
    theme: str
    kind: str
    coder_value: str
    gold_value: str
    coder_quotes: tuple[str, ...]
    gold_quotes: tuple[str, ...]
    decided_by: str
    note: str


def _kind(coder_value: int, gold_value: int, spans_agree: bool) -> str:
    if coder_value == NOT_CODED:
        return "missed"
    if gold_value == NOT_CODED:
        return "not in gold"
    if coder_value != gold_value:
        return "stance"
    return "" if spans_agree else "span"


def coder_differences(
    project: Project, coder: str, threshold: float = SPAN_THRESHOLD
) -> list[Difference]:
    """Where ``coder`` (name or UUID) departs from gold, decided cell by decided cell.

    Only statements the coder worked on are compared; cells in statement order, then codebook
    order of themes.
    """
    found = project.coders.find(coder)
    with project.unit_of_work() as s:
        board = load_board(s)
        gold = read_gold_codings(s)
        docs = {d for d, _ in board.decisions}
        stmt = select(DocumentRow.id, DocumentRow.text, DocumentRow.speaker)
        meta = {i: (t, sp) for i, t, sp in s.execute(stmt.where(DocumentRow.id.in_(docs)))}
        theirs_all = fetch_codings(s, [(d, t, found.id) for d, t in board.decisions])
    gold_by_cell: dict[tuple[int, int], list[GoldCoding]] = {}
    for g in gold:
        gold_by_cell.setdefault((g.document_id, g.theme_id), []).append(g)
    gold_values = {(d, t): v for (_, d, t), v in coder_values(gold_tuples(gold)).items()}
    out = []
    for cell, decision in sorted(board.decisions.items(), key=lambda i: _order(board, i[0])):
        if found.id not in board.workers.get(cell[0], frozenset()):
            continue
        coder_value = board.worker_values(cell)[found.id]
        gold_value = gold_values.get(cell, NOT_CODED) if decision.kind == "coded" else NOT_CODED
        mine = theirs_all.get((*cell, found.id), [])
        theirs = gold_by_cell.get(cell, [])
        agree = spans_match(
            [(c.start, c.end) for c in mine], [(g.start, g.end) for g in theirs], threshold
        )
        kind = _kind(coder_value, gold_value, agree)
        if not kind or (coder_value == gold_value == NOT_CODED):
            continue
        text, speaker = meta[cell[0]]
        theme = board.themes[cell[1]]
        out.append(
            Difference(
                document_id=cell[0],
                document_uuid=board.documents[cell[0]].uuid,
                title=board.documents[cell[0]].title,
                speaker=speaker,
                theme_key=theme.key,
                theme=theme.name,
                kind=kind,
                coder_value=board.label(coder_value),
                gold_value=board.label(gold_value),
                coder_quotes=tuple(text[c.start : c.end] for c in mine),
                gold_quotes=tuple(text[g.start : g.end] for g in theirs),
                decided_by=decision.decided_by,
                note=decision.note,
            )
        )
    return out


def _order(board: Board, cell: tuple[int, int]) -> tuple[int, int]:
    return (board.documents[cell[0]].rank, board.themes[cell[1]].rank)


def write_differences(differences: Sequence[Difference], path: Path) -> Path:
    """Write ``differences`` as one UTF-8 CSV file (atomically: no partial file on failure)."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise ExportFailed(
            f"Feedback is written as CSV: give a file name ending in .csv, not {path.name}."
        )
    header = [
        "statement",
        "statement_uuid",
        "title",
        "speaker",
        "theme_key",
        "theme",
        "difference",
        "coder_value",
        "gold_value",
        "coder_quotes",
        "gold_quotes",
        "decided_by",
        "note",
    ]
    with atomic_file(path) as temp, temp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for d in differences:
            writer.writerow(
                [
                    d.document_id,
                    d.document_uuid,
                    d.title,
                    d.speaker,
                    d.theme_key,
                    d.theme,
                    d.kind,
                    d.coder_value,
                    d.gold_value,
                    " | ".join(d.coder_quotes),
                    " | ".join(d.gold_quotes),
                    d.decided_by,
                    d.note,
                ]
            )
    return path
