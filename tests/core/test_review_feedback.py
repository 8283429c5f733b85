"""Coders against gold, per theme and overall, and one coder's differences, counted by hand.

  D1 prevention  Ana supports "Prevention is the best protection."  (first)
                 Ben supports "Prevention is the best"               -> unanimous: gold = Ana's
  D1 veto        Ana supports, Ben neutral on the ACT sentence       -> lead accepts Ben
  D2 veto        Ana supports "The veto must not block action."      -> lead: absent
  D2 prevention  Ben neutral "Sovereignty is responsibility"         -> lead accepts Ben
  D3 prevention  Ana opposes, Ben opposes "mediation and good offices" -> unanimous

Ana against gold, five decided cells (gold, Ana): (S,S) (N,S) (NC,S) (N,NC) (O,O):
  percent agreement 2/5 = 0.4; nominal alpha: n = 10 values (S 4, N 2, NC 2, O 2),
  D_o = 6/10, D_e = (100 - 28)/90 = 0.8, alpha = 1 - 0.6/0.8 = 0.25.
  prevention (S,S) (N,NC) (O,O): 2/3; veto (N,S) (NC,S): 0/2.
Ben against gold: every value matches, 5/5, alpha 1.
"""

from __future__ import annotations

import csv
from typing import Any

import pytest

from tests.core.review_setup import build

from r2pcoder.errors import AgreementInputError, ExportFailed
from r2pcoder.reliability import AgreementReport, AgreementSettings
from r2pcoder.review import Decider
from r2pcoder.review.feedback import agreement_vs_gold, coder_differences, write_differences

LEAD = Decider("Lena")
ACT = "We support the ACT Code of Conduct."
PLAN = [
    ("Ana", 0, "prevention", "supports", "Prevention is the best protection."),
    ("Ana", 0, "veto", "supports", ACT),
    ("Ben", 0, "prevention", "supports", "Prevention is the best"),
    ("Ben", 0, "veto", "neutral", ACT),
    ("Ana", 1, "veto", "supports", "The veto must not block action."),
    ("Ben", 1, "prevention", "neutral", "Sovereignty is responsibility"),
    ("Ana", 2, "prevention", "opposes", "mediation and good offices"),
    ("Ben", 2, "prevention", "opposes", "mediation and good offices"),
]
SETTINGS = AgreementSettings(level="nominal", bootstrap_n=0)


@pytest.fixture
def adjudicated(project):
    built = build(project, PLAN)
    review, (d1, d2, _) = project.review, built.docs
    review.auto("unanimous", by=LEAD)
    review.accept(d1, built.themes["veto"], built.coders["Ben"], by=LEAD)
    review.mark_absent(d2, built.themes["veto"], by=LEAD, note="not about the veto")
    review.accept(d2, built.themes["prevention"], built.coders["Ben"], by=LEAD)
    return built


def _value(report: AgreementReport, scope: str, key: str, measure: str) -> tuple[int, Any]:
    row = next(r for r in report.rows if r.scope == scope and r.key == key)
    return row.n_units, row.values[measure].value


def test_each_coder_against_gold_per_theme_and_overall(project, adjudicated):
    ana, ben = agreement_vs_gold(project, SETTINGS)
    assert ana.coders[1][1] == "Ana"
    assert ana.layers == ("gold", f"coder:{ana.coders[1][0]}")
    assert _value(ana, "overall", "", "percent_agreement") == (5, pytest.approx(0.4))
    assert _value(ana, "overall", "", "krippendorff_alpha") == (5, pytest.approx(0.25))
    assert _value(ana, "theme", "prevention", "percent_agreement") == (3, pytest.approx(2 / 3))
    assert _value(ana, "theme", "veto", "percent_agreement") == (2, pytest.approx(0.0))
    assert _value(ben, "overall", "", "percent_agreement") == (5, pytest.approx(1.0))
    assert _value(ben, "overall", "", "krippendorff_alpha") == (5, pytest.approx(1.0))
    assert ana.pairwise[0].values[0][1] == pytest.approx(0.25)


def test_a_coder_who_never_saw_a_decided_statement_is_missing_there(project, adjudicated):
    build(project, [("Cy", 2, "prevention", "neutral", "mediation")])
    (cy,) = agreement_vs_gold(
        project, AgreementSettings(coders=("Cy",), level="nominal", bootstrap_n=0)
    )
    # Cy worked on D3 only: one unit, (O, N).
    assert _value(cy, "overall", "", "percent_agreement") == (1, pytest.approx(0.0))


def test_comparing_with_gold_needs_decisions_and_the_statement_unit(project):
    build(project, PLAN)
    with pytest.raises(AgreementInputError, match="holds no decision yet"):
        agreement_vs_gold(project, SETTINGS)
    with pytest.raises(AgreementInputError, match="statement unit only"):
        agreement_vs_gold(project, AgreementSettings(unit="sentence"))


def test_a_coders_differences_from_gold_with_exact_quotes(project, adjudicated, tmp_path):
    found = coder_differences(project, "Ana")
    assert [(d.title, d.theme_key, d.kind, d.coder_value, d.gold_value) for d in found] == [
        ("Statement of Ghana", "veto", "stance", "supports", "neutral"),
        ("Statement of Mexico", "prevention", "missed", "not coded", "neutral"),
        ("Statement of Mexico", "veto", "not in gold", "supports", "not coded"),
    ]
    assert (found[0].coder_quotes, found[0].gold_quotes) == ((ACT,), (ACT,))
    assert found[1].gold_quotes == ("Sovereignty is responsibility",)
    assert (found[2].coder_quotes, found[2].note) == (
        ("The veto must not block action.",),
        "not about the veto",
    )
    (ben,) = coder_differences(project, "Ben")
    assert (ben.kind, ben.coder_quotes, ben.gold_quotes) == (
        "span",
        ("Prevention is the best",),
        ("Prevention is the best protection.",),
    )
    out = write_differences(found, tmp_path / "ana.csv")
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["difference"] for r in rows] == ["stance", "missed", "not in gold"]
    assert rows[0]["coder_quotes"] == ACT
    with pytest.raises(ExportFailed, match=r"ending in \.csv"):
        write_differences(found, tmp_path / "ana.xlsx")
