"""Krippendorff's alpha for unitized continua: hand-computed cases, documents, bad input."""

from __future__ import annotations

import math
import random
from itertools import pairwise

import pytest

from r2pcoder.agreement import unitizing_alpha, unitizing_outcome
from r2pcoder.agreement.unitizing import _disagreements, _layout
from r2pcoder.errors import AgreementInputError


def test_identical_unitizing_gives_one() -> None:
    marks = [(0, 4, "x"), (6, 9, "y")]
    assert unitizing_alpha([marks, list(marks)], 12) == pytest.approx(1.0)


def test_shifted_start_matches_hand_computation() -> None:
    # A: gap 0-2, unit 2-5, gap 5-10; B: gap 0-3, unit 3-5, gap 5-10. Only the two units
    # differ: (2-3)^2 + (5-5)^2 = 1, so D_o = 2 * 1 / (2 * 1 * 10^2) = 0.01.
    # D_e: units 3 and 2 (N = 2), gaps 2, 3, 5, 5:
    #   l=3: (2*27 - 27 + 3)/3 = 10 plus 9 * ((3-3+1) + 2 * (5-3+1)) = 63 -> 73
    #   l=2: (16 - 12 + 2)/3 = 2 plus 4 * (1 + 2 + 4 + 4) = 44 -> 46
    #   D_e = (2/10) * 119 / (20 * 19 - (6 + 2)) = 23.8 / 372
    coders = [[(2, 5, "x")], [(3, 5, "x")]]
    observed, expected = _disagreements(_layout(coders, 10), "x")
    assert observed == pytest.approx(0.01)
    assert expected == pytest.approx(23.8 / 372)
    assert unitizing_alpha(coders, 10) == pytest.approx(1 - 0.01 / (23.8 / 372))


def test_unit_inside_the_other_coders_gap_costs_its_squared_length() -> None:
    coders = [[(2, 4, "x"), (7, 9, "y")], [(7, 9, "y")]]
    observed, _ = _disagreements(_layout(coders, 10), "x")
    assert observed == pytest.approx(2 * 2**2 / (2 * 1 * 10**2))


def test_category_alpha_ignores_other_categories() -> None:
    coders = [[(0, 3, "x"), (5, 8, "y")], [(0, 3, "x"), (6, 9, "y")]]
    assert unitizing_alpha(coders, 10, category="x") == pytest.approx(1.0)
    assert unitizing_alpha(coders, 10, category="y") < 1.0
    overall = unitizing_alpha(coders, 10)
    assert unitizing_alpha(coders, 10, category="y") < overall < 1.0


def test_segments_of_different_categories_may_overlap() -> None:
    coders = [[(0, 5, "x"), (2, 4, "y")], [(0, 5, "x"), (2, 4, "y")]]
    assert unitizing_alpha(coders, 6) == pytest.approx(1.0)


def test_swapping_coders_changes_nothing() -> None:
    a = [(1, 4, "x"), (6, 9, "x"), (3, 7, "y")]
    b = [(2, 4, "x"), (5, 9, "y")]
    c = [(1, 3, "x"), (7, 9, "x")]
    assert unitizing_alpha([a, b, c], 10) == pytest.approx(unitizing_alpha([c, a, b], 10))


def test_documents_as_list_or_mapping_agree() -> None:
    by_index = [[(0, 1, 4, "x"), (1, 0, 2, "x")], [(0, 2, 4, "x"), (1, 0, 3, "x")]]
    by_key = [[("a", 1, 4, "x"), ("b", 0, 2, "x")], [("a", 2, 4, "x"), ("b", 0, 3, "x")]]
    assert unitizing_alpha(by_index, [5, 5]) == pytest.approx(
        unitizing_alpha(by_key, {"a": 5, "b": 5})
    )


def test_document_boundaries_split_gaps_but_not_observed_disagreement() -> None:
    documents = [[(0, 1, 3, "x"), (1, 1, 3, "x")], [(0, 1, 3, "x"), (1, 2, 3, "x")]]
    joined = [[(1, 3, "x"), (6, 8, "x")], [(1, 3, "x"), (7, 8, "x")]]
    split_o, split_e = _disagreements(_layout(documents, [5, 5]), "x")
    joined_o, joined_e = _disagreements(_layout(joined, 10), "x")
    assert split_o == pytest.approx(joined_o)
    # The gap 3-6 of the joined continuum is two gaps (3-5, 0-1 of the next document).
    assert split_e != pytest.approx(joined_e)


def test_nothing_marked_is_undefined_with_a_reason() -> None:
    outcome = unitizing_outcome([[], []], 10)
    assert math.isnan(outcome.value)
    assert outcome.reason is not None
    marked = unitizing_outcome([[(0, 2, "x")], []], 10, category="y")
    assert math.isnan(marked.value)
    assert "this category" in str(marked.reason)


@pytest.mark.parametrize(
    ("coders", "length", "message"),
    [
        ([[(0, 2, "x")]], 10, "at least 2 coders"),
        ([[(0, 4, "x"), (3, 6, "x")], []], 10, "overlapping"),
        ([[(5, 5, "x")], []], 10, "empty or outside"),
        ([[(8, 12, "x")], []], 10, "empty or outside"),
        ([[(0, 2)], []], 10, "not \\(start, end, category\\)"),
        ([[(0, 2, "x")], []], [10], "not \\(document, start"),
        ([[("c", 0, 2, "x")], []], {"a": 10}, "unknown document"),
        ([[(0.5, 2, "x")], []], 10, "non-integer"),
    ],
)
def test_malformed_segments_are_refused(coders, length, message) -> None:
    with pytest.raises(AgreementInputError, match=message):
        unitizing_alpha(coders, length)


def _sections(units: list[tuple[int, int]], length: int) -> list[tuple[int, int, bool]]:
    """A coder's sections of one document: units and the gaps between them (start, end, unit)."""
    cuts = sorted({0, length, *(p for u in units for p in u)})
    starts = {s for s, _ in units}
    return [(a, b, a in starts) for a, b in pairwise(cuts) if a < b]


def _delta(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    """The difference of two sections of two coders (module docstring)."""
    (bg, eg, ug), (bh, eh, uh) = g, h
    if min(eg, eh) <= max(bg, bh):
        return 0  # they do not overlap
    if ug and uh:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if ug and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if uh and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def _by_the_formulas(coders, lengths, category) -> tuple[float, float]:
    """D_o(k) and D_e(k) straight from the module docstring, section pair by section pair."""
    m, total = len(coders), sum(lengths)
    sections = [
        [
            _sections([(s, e) for d2, s, e, k in marks if d2 == d and k == category], n)
            for d, n in enumerate(lengths)
        ]
        for marks in coders
    ]
    observed = sum(
        _delta(g, h)
        for i in range(m)
        for j in range(m)
        if i != j
        for d in range(len(lengths))
        for g in sections[i][d]
        for h in sections[j][d]
    )
    flat = [s for per_coder in sections for per_doc in per_coder for s in per_doc]
    units = [e - b for b, e, u in flat if u]
    gaps = [e - b for b, e, u in flat if not u]
    if not units or total == 0:
        return observed / (m * (m - 1) * total * total) if total else 0.0, 0.0
    n = len(units)
    numerator = sum(
        (n - 1) * (2 * lg**3 - 3 * lg**2 + lg) / 3
        + lg**2 * sum(lh - lg + 1 for lh in gaps if lh >= lg)
        for lg in units
    )
    denominator = m * total * (m * total - 1) - sum(lg * (lg - 1) for lg in units)
    return observed / (m * (m - 1) * total * total), 2 / total * numerator / denominator


def _random_marks(rng, n_coders: int, lengths: list[int], categories: str):
    coders = []
    for _ in range(n_coders):
        marks = []
        for d, length in enumerate(lengths):
            for k in categories:
                position = rng.randint(0, 3)
                while position < length and rng.random() < 0.6:
                    end = rng.randint(position + 1, length)
                    marks.append((d, position, end, k))
                    position = end + rng.choice([0, 0, 1, 2, 4])
        rng.shuffle(marks)
        coders.append(marks)
    return coders


def test_the_array_arithmetic_equals_the_formulas_section_by_section() -> None:
    rng = random.Random(11)
    for _ in range(150):
        lengths = [rng.randint(0, 25) for _ in range(rng.randint(1, 3))]
        coders = _random_marks(rng, rng.randint(2, 4), lengths, "xy")
        layout = _layout(coders, lengths)
        observed_sum = expected_sum = 0.0
        for k in "xy":
            observed, expected = _by_the_formulas(coders, lengths, k)
            assert _disagreements(layout, k) == pytest.approx((observed, expected), abs=1e-12)
            observed_sum, expected_sum = observed_sum + observed, expected_sum + expected
        alpha = unitizing_alpha(coders, lengths)
        if expected_sum > 0:
            assert alpha == pytest.approx(1 - observed_sum / expected_sum)
        else:
            assert math.isnan(alpha)
