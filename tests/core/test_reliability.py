"""Statement unit on a hand-built master: values, coefficients by hand, and every bad input.

Template documents: 0 "We support the ACT...", 1 "Sovereignty is responsibility...", 2 "Café...".
Themes prevention, early_warning, veto; stances supports < neutral < opposes (ordinal).
"""

import math
from dataclasses import replace

import numpy as np
import pytest

from tests.conftest import TemplateIds

from r2pcoder import agreement
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import AgreementInputError, Cancelled, UnknownEntity
from r2pcoder.reliability import (
    AgreementReport,
    AgreementSettings,
    MeasureValue,
    compute_agreement,
    disagreements,
)
from r2pcoder.reliability.corpus import load_corpus
from r2pcoder.reliability.units import statement_units

NOMINAL = AgreementSettings(level="nominal", bootstrap_n=0)


def code(
    project: Project,
    ids: TemplateIds,
    who: int,
    doc: int,
    theme: str,
    stance: str | None,
    *,
    span: tuple[int, int] = (0, 5),
) -> None:
    stance_id = project.codebook.stance_by_key(stance).id if stance else None
    project.codings.apply(
        CodingRequest(
            ids.documents[doc],
            ids.coders[who],
            project.codebook.theme_by_key(theme).id,
            span[0],
            span[1],
            stance_id,
        )
    )


def two_themes(project: Project, ids: TemplateIds) -> None:
    """Ana: doc0 prevention S, doc1 veto O, doc2 prevention S; Ben: doc0 prevention S, doc1 veto
    N(eutral), doc2 veto S."""
    ana, ben = 0, 1
    code(project, ids, ana, 0, "prevention", "supports")
    code(project, ids, ana, 1, "veto", "opposes")
    code(project, ids, ana, 2, "prevention", "supports")
    code(project, ids, ben, 0, "prevention", "supports")
    code(project, ids, ben, 1, "veto", "neutral")
    code(project, ids, ben, 2, "veto", "supports")


def values(report: AgreementReport, scope: str, key: str, measure: str) -> MeasureValue:
    row = next(r for r in report.rows if r.scope == scope and r.key == key)
    return row.values[measure]


def test_prevention_statement_alpha_and_kappa_match_hand_computation(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, NOMINAL)
    # Ana [S, nc, S], Ben [S, nc, nc]: o_SS=2, o_NN=2, o_SN=o_NS=1; n_S=n_N=3, n=6.
    # alpha = 1 - (2/6) / (18/30) = 4/9; kappa: p_o=2/3, p_e=2/9+2/9, (2/9)/(5/9) = 0.4.
    assert values(report, "theme", "prevention", "krippendorff_alpha").value == pytest.approx(4 / 9)
    assert values(report, "theme", "prevention", "cohen_kappa").value == pytest.approx(0.4)
    assert values(report, "theme", "prevention", "percent_agreement").value == pytest.approx(2 / 3)


def test_veto_and_overall_alpha_match_hand_computation(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, NOMINAL)
    # veto: Ana [nc, O, nc], Ben [nc, Neu, S]: D_o = 4/6, D_e = (36 - 12)/30 -> 1 - 5/6.
    assert values(report, "theme", "veto", "krippendorff_alpha").value == pytest.approx(1 / 6)
    # Both themes pooled (6 units): D_o = 6/12, D_e = (144 - 54)/132 -> 1 - 0.5 / (90/132).
    assert values(report, "overall", "", "krippendorff_alpha").value == pytest.approx(1 - 66 / 90)
    assert values(report, "overall", "", "percent_agreement").value == pytest.approx(0.5)


def test_per_stance_row_is_binary_agreement_on_that_stance(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, NOMINAL)
    # "supports" over 6 units: (1,1) (0,0) (1,0) (0,0) (0,0) (0,1): n1=4, n0=8, o01=2.
    # alpha = 1 - 11 * 2 / (8 * 4) = 0.3125.
    assert values(report, "stance", "supports", "krippendorff_alpha").value == pytest.approx(0.3125)


def test_pairwise_matrix_holds_the_overall_alpha_for_the_only_pair(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, NOMINAL)
    matrix = report.pairwise[0]
    assert matrix.coders == ("Ana", "Ben")
    assert matrix.values[0][0] is None
    assert matrix.values[0][1] == pytest.approx(1 - 66 / 90)
    assert matrix.values[1][0] == matrix.values[0][1]


def test_band_follows_krippendorff_cut_offs(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, NOMINAL)
    assert values(report, "theme", "prevention", "krippendorff_alpha").band == "unreliable"
    assert values(report, "theme", "prevention", "percent_agreement").band == ""


def test_ordinal_alpha_uses_the_stance_scale_only_and_says_so(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, AgreementSettings(bootstrap_n=0))
    assert report.settings.level == "ordinal"
    # veto on the scale: only doc1 has two stances (opposes, neutral); "not coded" is left out.
    # o_ON = o_NO = 1, n = 2, delta^2 = (2 - 1)^2 = 1: D_o = 2/2 = 1, D_e = 2/(2*1) = 1, alpha 0.
    veto = values(report, "theme", "veto", "krippendorff_alpha")
    assert veto.value == pytest.approx(0.0)
    assert "stance scale only" in veto.note
    # prevention on the scale: one unit, both "supports": no variation, so undefined, not 1.0.
    prevention = values(report, "theme", "prevention", "krippendorff_alpha")
    assert prevention.value is None
    assert "same" in prevention.note


def test_bootstrap_interval_brackets_alpha_and_is_reproducible(project, ids):
    two_themes(project, ids)
    settings = AgreementSettings(level="nominal", bootstrap_n=500, bootstrap_seed=7)
    first = values(compute_agreement(project, settings), "overall", "", "krippendorff_alpha")
    second = values(compute_agreement(project, settings), "overall", "", "krippendorff_alpha")
    assert first.value is not None
    assert first.ci_low is not None
    assert first.ci_high is not None
    assert first.p_below is not None
    assert first.ci_low <= first.value <= first.ci_high
    assert (first.ci_low, first.ci_high, first.p_below) == (
        second.ci_low,
        second.ci_high,
        second.p_below,
    )
    assert 0.0 <= first.p_below <= 1.0


def test_majority_stance_ties_give_mixed_and_stanceless_codings_give_no_stance(project, ids):
    ana, ben = 0, 1
    for stance, span in (("supports", (0, 5)), ("supports", (6, 10)), ("opposes", (0, 5))):
        code(project, ids, ana, 0, "prevention", stance, span=span)
    for stance in ("supports", "opposes"):
        code(project, ids, ben, 0, "prevention", stance)
    code(project, ids, ana, 0, "veto", None)
    code(project, ids, ana, 0, "veto", "neutral")
    code(project, ids, ben, 0, "veto", None)
    corpus = load_corpus(project, AgreementSettings())
    units = statement_units(corpus)
    labels = [[units.labels[c] for c in layer[:, 0]] for layer in units.codes]
    themes = [t.key for t in corpus.themes]
    assert labels[themes.index("prevention")] == ["supports", "mixed"]
    # A stanceless coding does not outvote one with a stance; alone it gives "no stance".
    assert labels[themes.index("veto")] == ["neutral", "no stance"]


def test_not_coded_only_where_the_coder_worked_else_missing(project, ids):
    ana, ben = 0, 1
    code(project, ids, ana, 0, "prevention", "supports")
    code(project, ids, ben, 0, "prevention", "supports")
    code(project, ids, ben, 2, "veto", "supports")
    project.documents.set_done(ids.documents[1], ids.coders[ana])  # read, found nothing
    docs = tuple(project.documents.get(d).uuid for d in ids.documents)
    corpus = load_corpus(project, AgreementSettings(documents=docs))
    units = statement_units(corpus)
    veto = units.codes[[t.key for t in corpus.themes].index("veto")]
    # Ana: doc0 worked (not coded), doc1 done (not coded), doc2 never opened (missing).
    assert veto[0].tolist() == [0, 0, -1]
    # Ben: doc0 and doc2 worked, doc1 never opened.
    assert veto[1].tolist() == [0, -1, veto[1][2]]
    assert units.labels[veto[1][2]] == "supports"


def test_default_documents_are_those_two_coders_worked_on(project, ids):
    code(project, ids, 0, 0, "prevention", "supports")
    code(project, ids, 1, 0, "prevention", "supports")
    code(project, ids, 0, 1, "veto", "supports")
    code(project, ids, 1, 1, "veto", "opposes")
    code(project, ids, 0, 2, "veto", "opposes")  # only Ana: left out by default
    report = compute_agreement(project, NOMINAL)
    assert [title for _, _, title in report.documents] == [
        "Statement of Ghana",
        "Statement of Mexico",
    ]


def test_strata_split_statements_by_regional_group(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, replace(NOMINAL, by="regional_group"))
    strata = {s.value: s for s in report.strata}
    assert set(strata) == {"African", "Latin American and Caribbean", "Western European and Others"}
    assert strata["African"].n_documents == 1
    # Ghana: prevention (S, S) and veto (nc, nc): two categories, perfect agreement.
    overall = next(r for r in strata["African"].rows if r.scope == "overall")
    assert overall.values["krippendorff_alpha"].value == pytest.approx(1.0)


def test_strata_by_year_take_the_year_of_each_statements_date(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, replace(NOMINAL, by="year"))
    # Ghana and Mexico spoke on 2017-09-06, the Nordic countries on 2013-09-11.
    assert {s.value: s.n_documents for s in report.strata} == {"2013": 1, "2017": 2}


def test_disagreements_list_each_coders_value_and_quote(project, ids):
    two_themes(project, ids)
    found = disagreements(project, AgreementSettings(), "veto")
    assert [d.title for d in found] == ["Statement of Mexico", "Statement of the Nordic countries"]
    mexico = found[0]
    assert [(v.coder, v.value) for v in mexico.values] == [("Ana", "opposes"), ("Ben", "neutral")]
    assert mexico.values[0].quotes == ("Sover",)
    nordic = found[1]
    assert [(v.coder, v.value, v.quotes) for v in nordic.values] == [
        ("Ana", "not coded", ()),
        ("Ben", "supports", ("Café ",)),
    ]


def test_report_round_trips_through_a_dict(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, replace(NOMINAL, by="regional_group", bootstrap_n=100))
    again = type(report).from_dict(report.to_dict())
    assert again == report


# Bad input: a clear message, never a crash and never a silent 1.0 or 0.0.


def test_fewer_than_two_coders_is_refused_in_plain_words(project, ids):
    two_themes(project, ids)
    ana = project.coders.get(ids.coders[0]).uuid
    with pytest.raises(AgreementInputError, match="at least two coders"):
        compute_agreement(project, AgreementSettings(coders=(ana,)))


def test_unknown_coder_is_named(project):
    with pytest.raises(UnknownEntity, match="Zoe"):
        compute_agreement(project, AgreementSettings(coders=("Ana", "Zoe")))


def test_no_overlapping_documents_is_refused(project, ids):
    code(project, ids, 0, 0, "prevention", "supports")
    code(project, ids, 1, 1, "veto", "supports")
    with pytest.raises(AgreementInputError, match="two or more of the chosen coders"):
        compute_agreement(project, AgreementSettings())


def test_empty_master_is_refused(project):
    with pytest.raises(AgreementInputError, match="nothing to compare"):
        compute_agreement(project, AgreementSettings())


def test_a_theme_nobody_used_is_undefined_not_perfect(project, ids):
    two_themes(project, ids)
    report = compute_agreement(project, replace(NOMINAL, themes=("early_warning", "veto")))
    row = next(r for r in report.rows if r.key == "early_warning")
    assert all(v.value is None for v in row.values.values())
    assert "Nobody coded" in row.note
    assert any("early_warning" in w for w in report.warnings)


def test_all_values_identical_gives_undefined_chance_corrected_and_says_why(project, ids):
    for doc in (0, 1):
        code(project, ids, 0, doc, "prevention", "supports")
        code(project, ids, 1, doc, "prevention", "supports")
    report = compute_agreement(project, NOMINAL)
    row = next(r for r in report.rows if r.key == "prevention")
    assert row.values["krippendorff_alpha"].value is None
    assert row.values["cohen_kappa"].value is None
    assert "same" in row.values["krippendorff_alpha"].note
    assert row.values["percent_agreement"].value == 1.0
    assert "same value" in row.values["percent_agreement"].note


def test_cohen_kappa_with_three_coders_is_explained_not_crashing(project, ids):
    carl = project.coders.add("Carl")
    two_themes(project, ids)
    prevention = project.codebook.theme_by_key("prevention").id
    project.codings.apply(CodingRequest(ids.documents[0], carl.id, prevention, 0, 5))
    report = compute_agreement(project, replace(NOMINAL, measures=("cohen_kappa", "fleiss_kappa")))
    overall = next(r for r in report.rows if r.scope == "overall")
    assert overall.values["cohen_kappa"].value is None
    assert "exactly two coders" in overall.values["cohen_kappa"].note
    assert overall.values["fleiss_kappa"].value is not None
    assert len(report.pairwise[0].values) == 3


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"unit": "words"}, "Unknown unit"),
        ({"measures": ("kappa",)}, "Unknown measure"),
        ({"measures": ()}, "at least one measure"),
        ({"overlap_threshold": 1.5}, "overlap threshold"),
        ({"bootstrap_n": -1}, "cannot be negative"),
    ],
)
def test_bad_settings_are_refused_in_plain_words(settings, message):
    with pytest.raises(AgreementInputError, match=message):
        AgreementSettings(**settings)


def test_unknown_stratum_field_is_refused(project, ids):
    two_themes(project, ids)
    with pytest.raises(AgreementInputError, match="no_such_field"):
        compute_agreement(project, AgreementSettings(by="no_such_field"))


def test_unknown_theme_is_refused(project, ids):
    two_themes(project, ids)
    with pytest.raises(UnknownEntity, match="nope"):
        compute_agreement(project, AgreementSettings(themes=("nope",)))


def test_no_value_is_ever_nan_in_a_report(project, ids):
    for doc in (0, 1):
        code(project, ids, 0, doc, "prevention", "supports")
        code(project, ids, 1, doc, "prevention", "supports")
    report = compute_agreement(project, AgreementSettings(themes=("prevention", "veto")))
    for row in report.rows:
        for value in row.values.values():
            assert value.value is None or not math.isnan(value.value)
            assert value.value is not None or value.note


def test_progress_reaches_one_and_cancel_stops(project, ids):
    two_themes(project, ids)
    seen: list[float] = []
    compute_agreement(project, NOMINAL, progress=seen.append)
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    with pytest.raises(Cancelled):
        compute_agreement(project, NOMINAL, cancelled=lambda: True)


def test_statement_values_do_not_depend_on_coding_order(project, ids):
    two_themes(project, ids)
    first = statement_units(load_corpus(project, AgreementSettings())).codes.copy()
    for coding in project.codings.for_document(ids.documents[0]):
        project.codings.restore(project.codings.discard(coding.uuid))
    again = statement_units(load_corpus(project, AgreementSettings())).codes
    assert np.array_equal(first, again)


def test_a_shared_coder_name_must_be_given_as_uuid(project, ids):
    two_themes(project, ids)
    project.coders.add("Ana")
    with pytest.raises(UnknownEntity, match="several coders have that name"):
        compute_agreement(project, AgreementSettings(coders=("Ana", "Ben")))


def test_every_interval_comes_from_the_same_draws_of_statements(project, ids):
    two_themes(project, ids)
    settings = AgreementSettings(level="nominal", bootstrap_n=1000, bootstrap_seed=3)
    report = compute_agreement(project, settings)
    corpus = load_corpus(project, settings)
    units = statement_units(corpus)
    n_docs = len(corpus.documents)
    draws = agreement.draw_clusters(n_docs, 1000, np.random.default_rng(3))
    labels = list(units.labels)
    declared = sorted({0, *units.stance_codes})

    def expected(codes: np.ndarray, docs: np.ndarray) -> agreement.AlphaBootstrap:
        keep = sorted(set(declared) | set(np.unique(codes[codes >= 0]).tolist()))
        table = np.full(len(labels) + 1, -1)
        table[np.array(keep) + 1] = np.arange(len(keep))
        mapped = table[codes.astype(int) + 1]
        data = np.where(mapped < 0, np.nan, mapped + 1.0)
        return agreement.bootstrap_alpha(
            data,
            categories=[float(c) for c in range(1, len(keep) + 1)],
            clusters=docs,
            draws=draws,
        )

    themes = [t.key for t in corpus.themes]
    prevention = values(report, "theme", "prevention", "krippendorff_alpha")
    mine = expected(units.codes[themes.index("prevention")], units.unit_doc)
    assert (prevention.ci_low, prevention.ci_high) == (mine.ci_low, mine.ci_high)
    pooled = np.concatenate(list(units.codes), axis=1)
    docs = np.concatenate([units.unit_doc] * len(units.codes))
    overall = values(report, "overall", "", "krippendorff_alpha")
    mine = expected(pooled, docs)
    assert (overall.ci_low, overall.ci_high) == (mine.ci_low, mine.ci_high)
    assert "from 1,000 resamples of the statements compared" in report.interval_method


def test_three_statements_in_perfect_agreement_get_one_one_and_the_reason(project, ids):
    for doc, stance in ((0, "supports"), (1, "opposes"), (2, "supports")):
        for who in (0, 1):
            code(project, ids, who, doc, "prevention", stance)
    report = compute_agreement(project, AgreementSettings(level="nominal"))
    alpha = values(report, "theme", "prevention", "krippendorff_alpha")
    assert (alpha.value, alpha.ci_low, alpha.ci_high) == (1.0, 1.0, 1.0)
    assert "The interval [1, 1] is not informative: none of the 3 compared units" in alpha.note
