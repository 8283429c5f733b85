"""Properties of the coefficients, and agreement with statsmodels, scikit-learn and krippendorff."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from r2pcoder import agreement
from r2pcoder.agreement import patterns
from r2pcoder.agreement._data import Level, encode
from r2pcoder.agreement.alpha import _coincidences_from_counts, _coincidences_from_pairs

LEVELS: list[Level] = ["nominal", "ordinal", "interval", "ratio"]


# Property tests against reference packages: hundreds of generated cases each.
pytestmark = pytest.mark.slow


@st.composite
def reliability(draw, *, min_coders=2, max_coders=5, missing=True, coders=None):
    n_coders = coders or draw(st.integers(min_coders, max_coders))
    n_units = draw(st.integers(1, 25))
    n_values = draw(st.integers(1, 5))
    cell = st.integers(1, n_values)
    if missing:
        cell = st.one_of(cell, cell, cell, st.none())
    rows = draw(
        st.lists(
            st.lists(cell, min_size=n_units, max_size=n_units), min_size=n_coders, max_size=n_coders
        )
    )
    return rows


def _values(rows: list[list[int | None]]) -> set[int]:
    return {v for row in rows for v in row if v is not None}


def _to_array(rows: list[list[int | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def _alpha_defined(rows) -> bool:
    return not math.isnan(agreement.krippendorff_alpha(rows))


@settings(max_examples=80, deadline=None)
@given(rows=reliability(), level=st.sampled_from(LEVELS))
def test_alpha_matches_the_krippendorff_package(rows, level) -> None:
    assume(len(_values(rows)) >= 2 and _alpha_defined(rows))
    ours = agreement.krippendorff_alpha(rows, level)
    theirs = krippendorff.alpha(reliability_data=_to_array(rows), level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(rows=reliability(), level=st.sampled_from(LEVELS), data=st.data())
def test_alpha_is_invariant_under_permuting_units_and_coders(rows, level, data) -> None:
    assume(_alpha_defined(rows))
    units = data.draw(st.permutations(range(len(rows[0]))))
    coders = data.draw(st.permutations(range(len(rows))))
    shuffled = [[rows[c][u] for u in units] for c in coders]
    assert agreement.krippendorff_alpha(shuffled, level) == pytest.approx(
        agreement.krippendorff_alpha(rows, level)
    )


@settings(max_examples=60, deadline=None)
@given(rows=reliability(), data=st.data())
def test_nominal_alpha_and_kappas_are_invariant_under_relabelling(rows, data) -> None:
    values = sorted(_values(rows))
    names = data.draw(st.permutations(["w", "x", "y", "z", "v"]))
    relabel = dict(zip(values, names, strict=False))
    renamed = [[None if v is None else relabel[v] for v in row] for row in rows]
    for measure in (agreement.krippendorff_alpha, agreement.fleiss_kappa, agreement.gwet_ac1):
        ours, relabelled = measure(rows), measure(renamed)
        assert (math.isnan(ours) and math.isnan(relabelled)) or ours == pytest.approx(relabelled)


@settings(max_examples=60, deadline=None)
@given(rows=reliability())
def test_percent_agreement_is_a_share(rows) -> None:
    value = agreement.percent_agreement(rows)
    assert math.isnan(value) or 0.0 <= value <= 1.0


@settings(max_examples=60, deadline=None)
@given(rows=reliability(), level=st.sampled_from(LEVELS))
def test_alpha_never_exceeds_one(rows, level) -> None:
    value = agreement.krippendorff_alpha(rows, level)
    assert math.isnan(value) or value <= 1.0 + 1e-12


@settings(max_examples=60, deadline=None)
@given(
    truth=st.lists(st.integers(1, 4), min_size=2, max_size=30),
    n_coders=st.integers(2, 5),
)
def test_every_coefficient_is_one_on_perfect_agreement_with_variation(truth, n_coders) -> None:
    assume(len(set(truth)) >= 2)
    rows = [list(truth) for _ in range(n_coders)]
    measures = [
        agreement.percent_agreement,
        agreement.fleiss_kappa,
        agreement.conger_kappa,
        agreement.gwet_ac1,
        agreement.brennan_prediger,
        agreement.krippendorff_alpha,
    ]
    if n_coders == 2:
        measures += [agreement.cohen_kappa, agreement.scott_pi]
    for measure in measures:
        assert measure(rows) == pytest.approx(1.0)
    for level in LEVELS:
        assert agreement.krippendorff_alpha(rows, level) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(rows=reliability(coders=2, missing=False))
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_cohen_kappa_matches_scikit_learn_and_statsmodels(rows) -> None:
    # Imported lazily: each takes seconds to import and only these two tests need them.
    from sklearn.metrics import cohen_kappa_score  # noqa: PLC0415
    from statsmodels.stats.inter_rater import cohens_kappa, to_table  # noqa: PLC0415

    assume(len(_values(rows)) >= 2)
    ours = agreement.cohen_kappa(rows)
    assert ours == pytest.approx(cohen_kappa_score(rows[0], rows[1]), abs=1e-9)
    table = to_table(np.array(rows).T)[0]
    assert ours == pytest.approx(cohens_kappa(table).kappa, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(rows=reliability(missing=False))
def test_fleiss_kappa_matches_statsmodels_on_complete_data(rows) -> None:
    from statsmodels.stats.inter_rater import aggregate_raters  # noqa: PLC0415
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa  # noqa: PLC0415

    assume(len(_values(rows)) >= 2)
    counts, _ = aggregate_raters(np.array(rows).T)
    expected = sm_fleiss_kappa(counts, method="fleiss")
    assert agreement.fleiss_kappa(rows) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(rows=reliability(coders=2, missing=False))
def test_with_two_complete_coders_fleiss_is_scott_and_conger_is_cohen(rows) -> None:
    assume(len(_values(rows)) >= 2)
    assert agreement.fleiss_kappa(rows) == pytest.approx(agreement.scott_pi(rows))
    assert agreement.conger_kappa(rows) == pytest.approx(agreement.cohen_kappa(rows))


@settings(max_examples=60, deadline=None)
@given(rows=reliability())
def test_both_coincidence_builders_agree(rows) -> None:
    coded = encode(rows)
    assume(coded.n_categories > 0)
    np.testing.assert_allclose(
        _coincidences_from_counts(coded), _coincidences_from_pairs(coded), atol=1e-12
    )


def test_chunked_counts_give_the_same_coefficients(monkeypatch) -> None:
    rng = np.random.default_rng(7)
    data = rng.integers(0, 6, size=(4, 3000)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    whole = [agreement.fleiss_kappa(data), agreement.krippendorff_alpha(data, "ordinal")]
    monkeypatch.setattr(patterns, "_CHUNK_CELLS", 64)
    chunked = [agreement.fleiss_kappa(data), agreement.krippendorff_alpha(data, "ordinal")]
    assert chunked == pytest.approx(whole)


def test_many_distinct_interval_values_use_pairs_and_match_the_package() -> None:
    rng = np.random.default_rng(3)
    # Kept small: the reference package needs units x values^2 memory.
    truth = rng.normal(size=60)
    data = np.vstack([truth + rng.normal(scale=0.3, size=60) for _ in range(3)])
    coded = encode(data)
    assert coded.n_categories**2 > 16 * 3 * 2  # the pairs builder is the one used
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert agreement.krippendorff_alpha(data, "interval") == pytest.approx(expected, abs=1e-9)
