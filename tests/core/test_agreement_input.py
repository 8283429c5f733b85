"""Malformed reliability data raise AgreementInputError; undefined coefficients say why."""

from __future__ import annotations

import math

import numpy as np
import pytest

from r2pcoder import agreement
from r2pcoder.errors import AgreementInputError, R2pError

ALL_MULTI = [
    agreement.percent_agreement,
    agreement.fleiss_kappa,
    agreement.conger_kappa,
    agreement.gwet_ac1,
    agreement.brennan_prediger,
    agreement.krippendorff_alpha,
]
TWO_ONLY = [agreement.cohen_kappa, agreement.scott_pi]


def test_agreement_input_error_is_an_r2p_error() -> None:
    assert issubclass(AgreementInputError, R2pError)


@pytest.mark.parametrize("measure", ALL_MULTI + TWO_ONLY)
def test_ragged_rows_are_refused_naming_the_coder(measure) -> None:
    with pytest.raises(AgreementInputError, match="coder 2 has 2"):
        measure([[1, 2, 3], [1, 2]])


@pytest.mark.parametrize("measure", ALL_MULTI + TWO_ONLY)
def test_text_and_numbers_in_one_dataset_are_refused(measure) -> None:
    with pytest.raises(AgreementInputError, match="mix number and text"):
        measure([["a", "b", 1], ["a", "b", "a"]])


@pytest.mark.parametrize("measure", ALL_MULTI + TWO_ONLY)
def test_a_single_coder_is_refused(measure) -> None:
    with pytest.raises(AgreementInputError, match="at least 2 coders"):
        measure([[1, 2, 3]])


@pytest.mark.parametrize("measure", TWO_ONLY)
def test_two_coder_measures_refuse_three_coders(measure) -> None:
    with pytest.raises(AgreementInputError, match="exactly two coders"):
        measure([[1, 2], [1, 2], [1, 2]])


@pytest.mark.parametrize("level", ["interval", "ratio", "ordinal"])
def test_text_values_are_refused_where_numbers_are_needed(level) -> None:
    with pytest.raises(AgreementInputError, match=r"numeric|order"):
        agreement.krippendorff_alpha([["a", "b"], ["a", "a"]], level)


def test_ordinal_text_is_accepted_with_an_explicit_order() -> None:
    data = [["low", "mid", "high", "high"], ["low", "high", "high", "mid"]]
    by_text = agreement.krippendorff_alpha(data, "ordinal", categories=["low", "mid", "high"])
    as_ranks = agreement.krippendorff_alpha([[1, 2, 3, 3], [1, 3, 3, 2]], "ordinal")
    assert by_text == pytest.approx(as_ranks)


def test_ordinal_order_comes_from_the_declared_categories_not_the_alphabet() -> None:
    data = [["b", "a", "c"], ["b", "c", "c"]]
    # Declared order b < a < c puts the disagreement a/c one step apart instead of two.
    natural = agreement.krippendorff_alpha(data, "ordinal", categories=["a", "b", "c"])
    reordered = agreement.krippendorff_alpha(data, "ordinal", categories=["b", "a", "c"])
    assert natural != pytest.approx(reordered)


def test_ratio_level_refuses_negative_values() -> None:
    with pytest.raises(AgreementInputError, match="zero or more"):
        agreement.krippendorff_alpha([[-1, 2], [1, 2]], "ratio")


def test_unknown_level_is_refused() -> None:
    with pytest.raises(AgreementInputError, match="Unknown level"):
        agreement.krippendorff_alpha([[1, 2], [1, 2]], "cardinal")  # type: ignore[arg-type]


def test_values_outside_declared_categories_are_refused() -> None:
    with pytest.raises(AgreementInputError, match="not among the declared"):
        agreement.fleiss_kappa([["a", "b"], ["a", "z"]], categories=["a", "b"])
    with pytest.raises(AgreementInputError, match="not among the declared"):
        agreement.krippendorff_alpha([[1, 2], [1, 7]], categories=[1, 2, 3])


def test_infinite_values_are_refused() -> None:
    with pytest.raises(AgreementInputError, match="infinite"):
        agreement.krippendorff_alpha([[1.0, math.inf], [1.0, 2.0]], "interval")


def test_a_flat_list_is_not_reliability_data() -> None:
    with pytest.raises(AgreementInputError, match="not a list of values"):
        agreement.percent_agreement([1, 2, 3])  # type: ignore[list-item]


def test_numpy_array_with_nan_equals_the_list_with_none() -> None:
    rows = [[1, 2, None, 4, 4], [1, 3, 3, None, 4], [2, 2, 3, 4, None]]
    array = np.array([[np.nan if v is None else v for v in row] for row in rows])
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert agreement.krippendorff_alpha(array, level) == pytest.approx(
            agreement.krippendorff_alpha(rows, level)
        )
    assert agreement.fleiss_kappa(array) == pytest.approx(agreement.fleiss_kappa(rows))


def test_declared_unused_category_changes_ac1_and_brennan_prediger_but_not_kappa() -> None:
    data = [["a", "a", "b", "a"], ["a", "b", "b", "a"]]
    wider = {"categories": ["a", "b", "c"]}
    # q = 2: p_e = 1/2, (3/4 - 1/2)/(1/2) = 0.5; q = 3: p_e = 1/3, (3/4 - 1/3)/(2/3) = 0.625.
    assert agreement.brennan_prediger(data) == pytest.approx(0.5)
    assert agreement.brennan_prediger(data, **wider) == pytest.approx(0.625)
    assert agreement.gwet_ac1(data, **wider) != pytest.approx(agreement.gwet_ac1(data))
    assert agreement.cohen_kappa(data, **wider) == pytest.approx(agreement.cohen_kappa(data))


def test_cohen_kappa_drops_units_with_a_missing_value() -> None:
    with_gap = [["a", "b", "a", None, "b"], ["a", "b", "b", "a", None]]
    complete = [["a", "b", "a"], ["a", "b", "b"]]
    assert agreement.cohen_kappa(with_gap) == pytest.approx(agreement.cohen_kappa(complete))
    assert agreement.scott_pi(with_gap) == pytest.approx(agreement.scott_pi(complete))


def test_hand_computed_cohen_and_scott_on_a_small_table() -> None:
    # Table a/a 2, a/b 1, b/b 1: p_o = 3/4; coder 1 a = 3/4, coder 2 a = 1/2.
    data = [["a", "a", "a", "b"], ["a", "a", "b", "b"]]
    # Cohen p_e = 3/4*1/2 + 1/4*1/2 = 1/2 -> 0.5; Scott pooled a = 5/8, p_e = 25/64 + 9/64 = 34/64.
    assert agreement.cohen_kappa(data) == pytest.approx(0.5)
    assert agreement.scott_pi(data) == pytest.approx((3 / 4 - 34 / 64) / (1 - 34 / 64))


@pytest.mark.parametrize("measure", ALL_MULTI + TWO_ONLY)
def test_no_pairable_unit_gives_nan_with_a_reason(measure) -> None:
    data = [["a", None, None], [None, "b", None]]
    assert math.isnan(measure(data))
    reason = agreement.why_undefined(data, measure.__name__)
    assert reason is not None
    assert "two or more coders" in reason or "both coders" in reason


@pytest.mark.parametrize(
    "measure",
    [
        agreement.fleiss_kappa,
        agreement.conger_kappa,
        agreement.krippendorff_alpha,
        agreement.cohen_kappa,
        agreement.scott_pi,
    ],
)
def test_no_variation_gives_nan_with_a_reason(measure) -> None:
    data = [["a", "a", "a"], ["a", "a", "a"]]
    assert math.isnan(measure(data))
    reason = agreement.why_undefined(data, measure.__name__)
    assert reason is not None
    assert "chance" in reason.lower()


def test_no_variation_with_declared_categories_leaves_ac1_and_bp_defined() -> None:
    data = [["a", "a", "a"], ["a", "a", "a"]]
    assert agreement.gwet_ac1(data, categories=["a", "b"]) == pytest.approx(1.0)
    assert agreement.brennan_prediger(data, categories=["a", "b"]) == pytest.approx(1.0)
    assert agreement.why_undefined(data, "gwet_ac1", categories=["a", "b"]) is None
    assert "one category" in str(agreement.why_undefined(data, "gwet_ac1"))


def test_why_undefined_returns_none_for_a_defined_coefficient() -> None:
    assert agreement.why_undefined([[1, 2, 1], [1, 2, 2]], "krippendorff_alpha") is None


def test_why_undefined_reports_too_few_coders_instead_of_raising() -> None:
    assert "Only 1 coder" in str(agreement.why_undefined([[1, 2, 3]]))
    silent: list[list[int | None]] = [[1, 2, 3], [None, None, None]]
    assert "Only 1 coder" in str(agreement.why_undefined(silent, "fleiss_kappa"))
    assert "3 are needed" in str(agreement.why_undefined([[1], [1], [None]], coders_needed=3))


def test_why_undefined_refuses_an_unknown_measure() -> None:
    with pytest.raises(AgreementInputError, match="Unknown measure"):
        agreement.why_undefined([[1], [1]], "cronbach")


def test_empty_data_are_undefined_not_an_error() -> None:
    assert math.isnan(agreement.krippendorff_alpha([[], []]))
    assert math.isnan(agreement.fleiss_kappa([[], []]))
    assert math.isnan(agreement.cohen_kappa([[], []]))


def test_float_nan_marks_a_missing_text_value_as_pandas_does() -> None:
    with_nan = [["a", "b", math.nan, "a"], ["a", "b", "b", math.nan]]
    with_none = [["a", "b", None, "a"], ["a", "b", "b", None]]
    assert agreement.krippendorff_alpha(with_nan) == pytest.approx(
        agreement.krippendorff_alpha(with_none)
    )
    with pytest.raises(AgreementInputError, match="mix"):
        agreement.krippendorff_alpha([["a", 1.5], ["a", "b"]])
