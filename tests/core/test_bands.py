"""Bands compare the unrounded value, and the printed value never contradicts its band."""

from __future__ import annotations

import pytest

from r2pcoder.bands import band, format_measure, format_value
from r2pcoder.wording import counted, sentence


@pytest.mark.parametrize(
    ("value", "shown", "expected_band"),
    [
        (0.6666, "0.666", "unreliable"),  # rounds to 0.667, the tentative cut: cut off instead
        (0.66649, "0.666", "unreliable"),
        (0.667, "0.667", "tentative"),
        (0.79996, "0.799", "tentative"),  # would print 0.800, the reliable cut
        (0.8, "0.800", "reliable"),
        (0.81234, "0.812", "reliable"),
        (0.5, "0.500", "unreliable"),
        (-0.25, "-0.250", "unreliable"),
    ],
)
def test_printed_value_agrees_with_its_band(value, shown, expected_band) -> None:
    assert band("krippendorff_alpha", value) == expected_band
    assert format_value(value) == shown


def test_a_threshold_other_than_the_bands_is_respected_too() -> None:
    assert format_value(0.6996, (0.7,)) == "0.699"
    assert format_value(0.6996) == "0.700"


def test_percent_agreement_has_no_band_and_rounds_as_usual() -> None:
    assert band("percent_agreement", 2 / 3) == ""
    assert format_measure("percent_agreement", 2 / 3) == "0.667"
    assert format_measure("krippendorff_alpha", 2 / 3) == "0.666"
    assert band("krippendorff_alpha", None) == ""


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0 codings"), (1, "1 coding"), (2, "2 codings"), (1500, "1,500 codings")]
)
def test_counted_nouns_agree_in_number(n, text) -> None:
    assert counted(n, "coding") == text


def test_irregular_plurals_and_sentences() -> None:
    assert counted(3, "entry", "entries") == "3 entries"
    assert (
        sentence("the file is not a project database).") == "the file is not a project database)."
    )
    assert sentence("no full stop") == "no full stop."
    assert sentence("two full stops..") == "two full stops."
    assert sentence("a question?") == "a question?"
