"""Every published worked example reproduces to its published precision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from r2pcoder import agreement
from r2pcoder.agreement.unitizing import _disagreements, _layout

DATA = Path(__file__).parents[1] / "data"
# Published worked examples (Krippendorff 2011, Fleiss 1971), each with its citation in the file.
SHARED = DATA / "reference_cases.json"
LITERATURE = DATA / "agreement_literature.json"


def _cases(path: Path) -> list[Any]:
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return [pytest.param(case, id=case["id"]) for case in cases]


def _compute(case: dict[str, Any]) -> float:
    measure = case["measure"]
    if measure == "unitizing_alpha":
        segments = [[tuple(s) for s in coder] for coder in case["segments"]]
        if case["quantity"] == "alpha":
            return agreement.unitizing_alpha(segments, case["length"], category=case["category"])
        observed, expected = _disagreements(_layout(segments, case["length"]), case["category"])
        return observed if case["quantity"] == "observed" else expected
    function = getattr(agreement, measure)
    kwargs = {"categories": case["categories"]} if case.get("categories") else {}
    if measure == "krippendorff_alpha":
        return float(function(case["data"], case.get("level", "nominal"), **kwargs))
    return float(function(case["data"], **kwargs))


@pytest.mark.parametrize("case", _cases(SHARED))
def test_shared_reference_case_reproduces_published_value(case: dict[str, Any]) -> None:
    expected = case["expected"]
    assert _compute(case) == pytest.approx(expected["value"], abs=expected["tolerance"])


@pytest.mark.parametrize("case", _cases(LITERATURE))
def test_literature_case_reproduces_published_value(case: dict[str, Any]) -> None:
    expected = case["expected"]
    assert _compute(case) == pytest.approx(expected["value"], abs=expected["tolerance"])


def test_literature_file_cites_every_case_and_covers_every_coefficient() -> None:
    cases = json.loads(LITERATURE.read_text(encoding="utf-8"))["cases"]
    assert all(len(case["source"]) > 40 for case in cases)
    covered = {case["measure"] for case in cases}
    assert covered >= {
        "cohen_kappa",
        "scott_pi",
        "fleiss_kappa",
        "conger_kappa",
        "gwet_ac1",
        "brennan_prediger",
        "percent_agreement",
        "krippendorff_alpha",
        "unitizing_alpha",
    }
