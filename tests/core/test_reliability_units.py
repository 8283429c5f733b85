"""Segment, character, overlap and unitized units, segmentation, and the pattern coefficients."""

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from tests.conftest import TEXTS, TemplateIds
from tests.core.test_reliability import code, two_themes

from r2pcoder import agreement
from r2pcoder.agreement import patterns_of
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.reliability import (
    AgreementReport,
    AgreementSettings,
    MeasureValue,
    ResultRow,
    compute_agreement,
    disagreements,
)
from r2pcoder.reliability.corpus import CoderRef, Corpus, DocRef, StanceRef, ThemeRef, load_corpus
from r2pcoder.reliability.measures import measure_value
from r2pcoder.reliability.presence import character_patterns
from r2pcoder.reliability.segmentation import ensure_segments, paragraphs, sentences
from r2pcoder.reliability.units import statement_units
from r2pcoder.schema import SegmentRow

MEASURES = (
    "percent_agreement",
    "krippendorff_alpha",
    "cohen_kappa",
    "scott_pi",
    "fleiss_kappa",
    "conger_kappa",
    "gwet_ac1",
    "brennan_prediger",
)


def only(project: Project, ids: TemplateIds, doc: int) -> tuple[str, ...]:
    return (project.documents.get(ids.documents[doc]).uuid,)


def row(report: AgreementReport, scope: str, key: str, variant: str = "") -> ResultRow:
    return next(
        r for r in report.rows if r.scope == scope and r.key == key and r.variant == variant
    )


# Segmentation


def test_sentences_split_after_stops_but_not_after_abbreviations():
    text = "H.E. Mr. Ban spoke. We agree, e.g. on prevention! Why not? It was 2005. Next.\n\nNew"
    found = [text[s:e] for s, e in sentences(text)]
    assert found == [
        "H.E. Mr. Ban spoke.",
        "We agree, e.g. on prevention!",
        "Why not?",
        "It was 2005.",
        "Next.",
        "New",
    ]


def test_a_paragraph_number_stays_with_its_sentence():
    text = "1. The President convened a dialogue. It met.\n2. Mr. Dieng moderated."
    found = [text[s:e] for s, e in sentences(text)]
    assert found == ["1. The President convened a dialogue.", "It met.", "2. Mr. Dieng moderated."]


def test_paragraphs_are_lines_whatever_the_blank_line_convention():
    text = "  First line.\nSecond line.\n\n\nThird.  \n"
    assert [text[s:e] for s, e in paragraphs(text)] == ["First line.", "Second line.", "Third."]


def test_segments_are_stored_once_and_read_back_unchanged(project, ids):
    doc = ids.documents[0]
    with project.unit_of_work() as s:
        first = ensure_segments(s, "sentence", [doc])
    with project.unit_of_work() as s:
        again = ensure_segments(s, "sentence", [doc])
        stored = s.scalar(select(func.count()).select_from(SegmentRow))
    assert first == again
    assert stored == 3
    text = project.documents.get(doc).text
    assert [text[g.start : g.end] for g in first[doc]] == [
        "We support the ACT Code of Conduct.",
        "Prevention is the best protection.",
        "Early warning must lead to early action.",
    ]


# Sentence unit


def test_sentence_unit_compares_stances_per_sentence(project, ids):
    text = project.documents.get(ids.documents[0]).text
    second = text.index("Prevention")
    third = text.index("Early")
    code(project, ids, 0, 0, "prevention", "supports", span=(second, second + 10))
    # Ben's one coding spans sentences 2 and 3.
    code(project, ids, 1, 0, "prevention", "supports", span=(second, third + 5))
    report = compute_agreement(
        project, AgreementSettings(unit="sentence", level="nominal", bootstrap_n=0)
    )
    # Ana [nc, S, nc], Ben [nc, S, S]: as the statement case, alpha = 4/9, agreement 2/3.
    stance = row(report, "theme", "prevention", "stance")
    assert stance.n_units == 3
    assert stance.values["krippendorff_alpha"].value == pytest.approx(4 / 9)
    assert stance.values["percent_agreement"].value == pytest.approx(2 / 3)
    presence = row(report, "theme", "prevention", "presence")
    assert presence.values["krippendorff_alpha"].value == pytest.approx(4 / 9)
    found = disagreements(project, AgreementSettings(unit="sentence"), "prevention")
    assert [(d.unit, [v.value for v in d.values]) for d in found] == [
        ("sentence 3", ["not coded", "supports"]),
    ]


def test_paragraph_unit_uses_lines(project, ids):
    code(project, ids, 0, 0, "prevention", "supports", span=(0, 5))
    code(project, ids, 1, 0, "prevention", "opposes", span=(40, 45))
    report = compute_agreement(
        project, AgreementSettings(unit="paragraph", level="nominal", bootstrap_n=0)
    )
    # Paragraph 1: Ana S, Ben nc; paragraph 2: Ana nc, Ben O. No agreement at all.
    stance = row(report, "theme", "prevention", "stance")
    assert stance.n_units == 2
    assert stance.values["percent_agreement"].value == 0.0


# Character unit


def character_case(project: Project, ids: TemplateIds, variant: str) -> dict[str, MeasureValue]:
    code(project, ids, 0, 2, "prevention", None, span=(0, 10))
    code(project, ids, 1, 2, "prevention", None, span=(5, 15))
    settings = AgreementSettings(unit="character", documents=only(project, ids, 2))
    report = compute_agreement(project, settings)
    return row(report, "theme", "prevention", variant).values


def test_character_kappa_over_all_text_matches_hand_computation(project, ids):
    # 63 characters: both 5, Ana only 5, Ben only 5, neither 48.
    # p_o = 53/63, p_e = (10/63)^2 + (53/63)^2, kappa = 430/1060.
    got = character_case(project, ids, "all text")
    assert project.documents.get(ids.documents[2]).length == 63
    assert got["cohen_kappa"].value == pytest.approx(430 / 1060)
    assert got["percent_agreement"].value == pytest.approx(53 / 63)
    # alpha: n0 = 106, n1 = 20, o01 = 10 -> 1 - 125 * 10 / (106 * 20).
    assert got["krippendorff_alpha"].value == pytest.approx(1 - 1250 / 2120)


def test_character_kappa_over_coded_text_only_leaves_out_agreed_absence(project, ids):
    # 15 characters: both 5, Ana only 5, Ben only 5: p_o = 1/3, p_e = 5/9, kappa = -0.5.
    got = character_case(project, ids, "coded text only")
    assert got["cohen_kappa"].value == pytest.approx(-0.5)
    assert got["percent_agreement"].value == pytest.approx(1 / 3)


def test_character_unit_matches_the_agreement_package_on_the_expanded_data(project, ids):
    code(project, ids, 0, 0, "prevention", None, span=(0, 30))
    code(project, ids, 1, 0, "prevention", None, span=(10, 50))
    code(project, ids, 0, 1, "veto", None, span=(4, 20))
    code(project, ids, 1, 1, "veto", None, span=(4, 22))
    report = compute_agreement(project, AgreementSettings(unit="character", measures=MEASURES))
    texts = [project.documents.get(d).text for d in ids.documents[:2]]
    offsets = [0, len(texts[0])]
    data = np.zeros((2, sum(map(len, texts))))
    for who, doc, start, end in ((0, 0, 0, 30), (1, 0, 10, 50), (0, 1, 4, 20), (1, 1, 4, 22)):
        if doc == 0:  # prevention only
            data[who, offsets[doc] + start : offsets[doc] + end] = 1
    got = row(report, "theme", "prevention", "all text").values
    for measure in MEASURES:
        kwargs: dict[str, Any] = {"categories": [0.0, 1.0]}
        expected = getattr(agreement, measure)(data, **kwargs)
        assert got[measure].value == pytest.approx(expected), measure


def test_character_unit_counts_unread_statements_as_missing(project, ids):
    code(project, ids, 0, 0, "prevention", None, span=(0, 10))
    code(project, ids, 1, 0, "prevention", None, span=(0, 10))
    code(project, ids, 0, 1, "prevention", None, span=(0, 10))  # Ben never read statement 1
    docs = only(project, ids, 0) + only(project, ids, 1)
    report = compute_agreement(project, AgreementSettings(unit="character", documents=docs))
    got = row(report, "theme", "prevention", "all text")
    assert got.n_units == project.documents.get(ids.documents[0]).length
    assert got.values["cohen_kappa"].value == pytest.approx(1.0)


# Overlap unit


@pytest.mark.parametrize(("threshold", "percent", "bp"), [(0.3, 1.0, 1.0), (0.9, 0.0, -1.0)])
def test_overlap_unit_matches_codings_by_share_of_their_union(project, ids, threshold, percent, bp):
    # Ana 0-10, Ben 5-15: intersection 5 over union 15 = one third.
    code(project, ids, 0, 2, "prevention", None, span=(0, 10))
    code(project, ids, 1, 2, "prevention", None, span=(5, 15))
    report = compute_agreement(
        project, AgreementSettings(unit="overlap", overlap_threshold=threshold)
    )
    got = row(report, "theme", "prevention").values
    assert got["percent_agreement"].value == pytest.approx(percent)
    assert got["brennan_prediger"].value == pytest.approx(bp)


# Unitized unit


def test_unitizing_alpha_is_one_for_identical_codings_and_lower_otherwise(project, ids):
    code(project, ids, 0, 0, "prevention", None, span=(0, 10))
    code(project, ids, 1, 0, "prevention", None, span=(0, 10))
    code(project, ids, 0, 0, "veto", None, span=(20, 40))
    code(project, ids, 1, 0, "veto", None, span=(30, 60))
    report = compute_agreement(project, AgreementSettings(unit="unitized"))
    assert row(report, "theme", "prevention").values["krippendorff_alpha"].value == pytest.approx(
        1.0
    )
    veto = row(report, "theme", "veto").values["krippendorff_alpha"].value
    length = project.documents.get(ids.documents[0]).length
    expected = agreement.unitizing_alpha(
        [[(20, 40, "veto")], [(30, 60, "veto")]], length, category="veto"
    )
    assert veto is not None
    assert veto == pytest.approx(expected)
    assert veto < 1.0


def test_unitized_merges_a_coders_overlapping_codings_of_one_theme(project, ids):
    code(project, ids, 0, 0, "prevention", None, span=(0, 10))
    code(project, ids, 0, 0, "prevention", None, span=(5, 20))
    code(project, ids, 1, 0, "prevention", None, span=(0, 20))
    report = compute_agreement(project, AgreementSettings(unit="unitized"))
    assert row(report, "theme", "prevention").values["krippendorff_alpha"].value == pytest.approx(
        1.0
    )


# The hand-computed case of two touching codings: statement of L = 50 characters, m = 2.
# Ana marks the theme at 0-5 and 5-10 (two units), Ben at 0-10 (one unit); gaps 10-50.
# Observed: Ana 0-5 vs Ben 0-10: 0^2 + 5^2 = 25; Ana 5-10 vs Ben 0-10: 5^2 + 0^2 = 25;
#   D_o = 2 * 50 / (2 * 1 * 50^2) = 0.02.
# Expected: units 5, 5, 10 (N = 3), gaps 40, 40.
#   l = 5:  (N - 1)(2*125 - 3*25 + 5)/3 = 120, plus 25 * 2 * (40 - 5 + 1) = 1,800 -> 1,920 (x2)
#   l = 10: (N - 1)(2*1000 - 3*100 + 10)/3 = 1,140, plus 100 * 2 * (40 - 10 + 1) = 6,200
#   sum 11,180; denominator m L (m L - 1) - sum l(l - 1) = 9,900 - 130 = 9,770;
#   D_e = (2 / 50) * 11,180 / 9,770 = 447.2 / 9,770.
# alpha = 1 - 0.02 * 9,770 / 447.2 = 1 - 195.4 / 447.2 = 0.563. Joined into 0-10, Ana's two
# units would equal Ben's one and give 1.0.
TOUCHING_ALPHA = 1 - 195.4 / 447.2


def test_two_touching_units_of_one_coder_stay_two_units_in_unitizing_alpha():
    coders = [[(0, 5, "x"), (5, 10, "x")], [(0, 10, "x")]]
    assert agreement.unitizing_alpha(coders, 50) == pytest.approx(TOUCHING_ALPHA)
    assert round(TOUCHING_ALPHA, 3) == 0.563


def test_unitized_keeps_a_coders_touching_codings_of_one_theme_apart(project, ids):
    doc = project.documents.add_text("x" * 49 + "\n", replace(TEXTS[0][1], title="Fifty"))
    theme = project.codebook.theme_by_key("prevention").id
    ana, ben = ids.coders
    for coder, start, end in ((ana, 0, 5), (ana, 5, 10), (ben, 0, 10)):
        project.codings.apply(CodingRequest(doc.id, coder, theme, start, end))
    settings = AgreementSettings(unit="unitized", documents=(doc.uuid,))
    report = compute_agreement(project, settings)
    value = row(report, "theme", "prevention").values["krippendorff_alpha"].value
    assert doc.length == 50
    assert value == pytest.approx(TOUCHING_ALPHA)


# Pattern coefficients against the agreement package


def test_pattern_coefficients_equal_the_agreement_package_on_random_data():
    rng = np.random.default_rng(3)
    for _ in range(60):
        coders, units, k = (
            int(rng.integers(2, 5)),
            int(rng.integers(2, 40)),
            int(rng.integers(2, 5)),
        )
        codes = rng.integers(-1, k, size=(coders, units))
        data = np.where(codes < 0, np.nan, codes.astype(float))
        patterns = patterns_of(codes, k, np.arange(float(k)))
        for measure in MEASURES:
            for level in (
                ("nominal", "ordinal", "interval")
                if measure == "krippendorff_alpha"
                else ("nominal",)
            ):
                kwargs: dict[str, Any] = {"categories": [float(c) for c in range(k)]}
                if measure == "krippendorff_alpha":
                    kwargs["level"] = level
                if measure in ("cohen_kappa", "scott_pi") and coders != 2:
                    assert measure_value(patterns, measure).value is None
                    continue
                expected = getattr(agreement, measure)(data, **kwargs)
                mine = measure_value(patterns, measure, level)
                if np.isnan(expected):
                    assert mine.value is None
                    assert mine.note
                else:
                    assert mine.value == pytest.approx(expected), (measure, level)


def test_pattern_alpha_reproduces_krippendorffs_published_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four coders,
    # 12 units, missing values; nominal alpha = 0.743.
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    codes = np.array([[-1 if v is None else v - 1 for v in r] for r in data])
    value = measure_value(patterns_of(codes, 5), "krippendorff_alpha").value
    assert value == pytest.approx(0.743, abs=0.0005)


def test_span_units_have_per_stance_rows_over_every_theme(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, AgreementSettings(unit="overlap"))
    # Codings with "supports": Ana doc0 prevention and doc2 prevention, Ben doc0 prevention and
    # doc2 veto. Only the two doc0 codings match each other: units (1,1) (1,1) (1,0) (0,1).
    supports = row(report, "stance", "supports").values
    assert supports["percent_agreement"].value == pytest.approx(0.5)
    assert supports["brennan_prediger"].value == pytest.approx(0.0)
    assert [r.scope for r in report.rows][-1] == "overall"
    for unit in ("character", "unitized"):
        scopes = [r.scope for r in compute_agreement(project, AgreementSettings(unit=unit)).rows]
        assert scopes.count("stance") == 3 * (2 if unit == "character" else 1)


def test_every_row_equals_the_agreement_package_on_the_raw_units(tmp_path):
    from bench.synth import build_corpus, synthetic_codebook  # noqa: PLC0415 - test-only data

    info = build_corpus(
        tmp_path / "synthetic.r2p",
        n_docs=25,
        n_coders=3,
        codings_per_doc=8,
        codebook=synthetic_codebook(12),
    )
    measures = (
        "percent_agreement",
        "krippendorff_alpha",
        "fleiss_kappa",
        "conger_kappa",
        "gwet_ac1",
        "brennan_prediger",
    )
    settings = AgreementSettings(measures=measures, level="nominal", bootstrap_n=0)
    with Project(info.path) as project:
        report = compute_agreement(project, settings)
        corpus = load_corpus(project, settings)
    units = statement_units(corpus)
    declared = [0.0, *(float(c) for c in units.stance_codes)]

    def expected(codes: np.ndarray, measure: str, categories: list[float]) -> float | None:
        data = np.where(codes < 0, np.nan, codes.astype(float))
        cats = sorted(set(categories) | set(np.unique(data[~np.isnan(data)]).tolist()))
        value = getattr(agreement, measure)(data, categories=cats)
        return None if np.isnan(value) else value

    pooled = np.concatenate(list(units.codes), axis=1)
    checks = [
        (row(report, "theme", t.key), units.codes[i], declared) for i, t in enumerate(corpus.themes)
    ]
    checks.append((row(report, "overall", ""), pooled, declared))
    for stance_code, stance in zip(units.stance_codes, corpus.stances, strict=True):
        binary = np.where(pooled < 0, -1, pooled == stance_code)
        checks.append((row(report, "stance", stance.key), binary, [0.0, 1.0]))
    for got, codes, cats in checks:
        for measure in measures:
            assert got.values[measure].value == pytest.approx(expected(codes, measure, cats)), (
                got.label,
                measure,
            )
    alpha_01 = agreement.krippendorff_alpha(np.where(pooled[:2] < 0, np.nan, pooled[:2]))
    assert report.pairwise[0].values[0][1] == pytest.approx(alpha_01)


def test_overlap_pairwise_cell_equals_the_two_coder_measurement(project, ids):
    two_themes(project, ids)
    carl = project.coders.add("Carl")
    prevention = project.codebook.theme_by_key("prevention").id
    project.codings.apply(CodingRequest(ids.documents[0], carl.id, prevention, 0, 5))
    settings = AgreementSettings(unit="overlap", overlap_threshold=0.5)
    matrix = compute_agreement(project, settings).pairwise[0]
    assert matrix.coders == ("Ana", "Ben", "Carl")
    ana, ben = (project.coders.get(i).uuid for i in ids.coders)
    pair = compute_agreement(project, replace(settings, coders=(ana, ben)))
    overall = row(pair, "overall", "").values[matrix.measure].value
    assert matrix.values[0][1] == pytest.approx(overall)
    assert matrix.values[0][2] is not None


def _random_corpus(rng: np.random.Generator) -> Corpus:
    n_coders, n_docs, n_themes = int(rng.integers(2, 4)), int(rng.integers(1, 4)), 2
    lengths = [int(rng.integers(1, 30)) for _ in range(n_docs)]
    worked = rng.random((n_coders, n_docs)) < 0.8
    rows = []
    for c in range(n_coders):
        for d in range(n_docs):
            if not worked[c, d]:
                continue
            for _ in range(int(rng.integers(0, 5))):
                start = int(rng.integers(0, lengths[d]))
                end = int(rng.integers(start + 1, lengths[d] + 1))
                rows.append(
                    (d, c, int(rng.integers(0, n_themes)), int(rng.integers(-1, 2)), start, end)
                )
    table = np.array(rows, dtype=np.int64).reshape(-1, 6)
    return Corpus(
        coders=tuple(CoderRef(c, f"u{c}", f"C{c}") for c in range(n_coders)),
        documents=tuple(DocRef(d, f"d{d}", f"D{d}", lengths[d], "", {}) for d in range(n_docs)),
        themes=tuple(ThemeRef(t, f"t{t}", f"T{t}") for t in range(n_themes)),
        stances=(StanceRef(1, "s0", "S0", 0), StanceRef(2, "s1", "S1", 1)),
        ordinal=False,
        worked=worked,
        doc=table[:, 0],
        coder=table[:, 1],
        theme=table[:, 2],
        stance=table[:, 3],
        start=table[:, 4],
        end=table[:, 5],
        unused_themes=(),
    )


def test_character_patterns_equal_a_count_character_by_character():
    rng = np.random.default_rng(21)
    for _ in range(60):
        corpus = _random_corpus(rng)
        n_docs, n_coders = len(corpus.documents), len(corpus.coders)
        stratum = rng.integers(0, 2, size=n_docs)
        found = character_patterns(corpus, stratum, 2)
        for t in range(len(corpus.themes)):
            expected = np.zeros((2, 3**n_coders), dtype=np.int64)
            for d, doc in enumerate(corpus.documents):
                for x in range(doc.length):
                    pattern = 0
                    for c in range(n_coders):
                        covered = (
                            (corpus.doc == d)
                            & (corpus.coder == c)
                            & (corpus.theme == t)
                            & (corpus.start <= x)
                            & (corpus.end > x)
                        ).any()
                        digit = 0 if not corpus.worked[c, d] else 2 if covered else 1
                        pattern += digit * 3**c
                    expected[stratum[d], pattern] += 1
            assert (found[t].counts == expected).all()
