"""The auto rules with 2, 3 and 4 coders, ties, and coders who did not see a statement.

Plan (statements of tests/conftest.py plus one extra; who worked where follows from the codings):
  D1 Ana, Ben       prevention  Ana supports, Ben supports          unanimous (2 coders)
                    veto        Ana supports, Ben neutral           disagree; too few for majority
  D2 Ana, Ben, Cy   veto        Ana supports, Ben supports, Cy neutral     majority supports
                    prevention  Cy neutral (Ana and Ben: not coded)        majority "not coded"
  D3 all four       veto        everyone opposes                     unanimous (4 coders)
                    prevention  Ana, Ben supports; Cy, Dee neutral   tie 2:2, left for the lead
  D4 Ana alone      prevention  Ana neutral                          one coder: never auto
Dee never saw D1, D2 or D4, so she counts nowhere but D3.
"""

from __future__ import annotations

import pytest

from tests.core.review_setup import GOLD_TABLES, build, dump

from r2pcoder.review import AutoReport, Decider

LEAD = Decider("Lena")
D1_PREV = "Prevention is the best protection."
D2_VETO = "The veto must not block action."
D3 = "mediation and good offices"
EXTRA = "An extra statement on prevention.\n"
PLAN = [
    ("Ana", 0, "prevention", "supports", D1_PREV),
    ("Ana", 0, "veto", "supports", "We support the ACT Code of Conduct."),
    ("Ben", 0, "prevention", "supports", "Prevention is the best"),
    ("Ben", 0, "veto", "neutral", "We support the ACT Code of Conduct."),
    ("Ana", 1, "veto", "supports", D2_VETO),
    ("Ben", 1, "veto", "supports", D2_VETO),
    ("Cy", 1, "veto", "neutral", D2_VETO),
    ("Cy", 1, "prevention", "neutral", "Sovereignty is responsibility"),
    ("Ana", 2, "veto", "opposes", D3),
    ("Ben", 2, "veto", "opposes", D3),
    ("Cy", 2, "veto", "opposes", "good offices"),
    ("Dee", 2, "veto", "opposes", D3),
    ("Ana", 2, "prevention", "supports", "prevent atrocities"),
    ("Ben", 2, "prevention", "supports", "prevent atrocities"),
    ("Cy", 2, "prevention", "neutral", "prevent atrocities"),
    ("Dee", 2, "prevention", "neutral", "prevent atrocities"),
    ("Ana", 3, "prevention", "neutral", "An extra statement"),
]


@pytest.fixture
def built(project):
    return build(project, PLAN, extra_texts=[EXTRA])


def _decided(report: AutoReport) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return sorted((p.title, p.theme_key, p.value, p.coders) for p in report.decided)


def test_unanimous_takes_cells_every_coder_who_worked_there_agrees_on(project, built):
    report = project.review.auto("unanimous", by=LEAD)
    assert _decided(report) == [
        ("Statement of Ghana", "prevention", "supports", ("Ana", "Ben")),
        ("Statement of the Nordic countries", "veto", "opposes", ("Ana", "Ben", "Cy", "Dee")),
    ]
    # D1 veto, D2 veto, D2 prevention, D3 prevention disagree; D4 has one coder.
    assert (report.no_majority, report.too_few, report.already) == (4, 1, 0)


def test_majority_needs_three_coders_and_leaves_ties(project, built):
    report = project.review.auto("majority", by=LEAD)
    assert _decided(report) == [
        ("Statement of Mexico", "prevention", "not coded", ("Ana", "Ben")),
        ("Statement of Mexico", "veto", "supports", ("Ana", "Ben")),
        ("Statement of the Nordic countries", "veto", "opposes", ("Ana", "Ben", "Cy", "Dee")),
    ]
    # The 2:2 tie on D3 prevention; D1's two cells (two coders) and D4 (one) are too few.
    assert (report.no_majority, report.too_few) == (1, 3)
    d2 = built.docs[1]
    absent = project.review.cell(d2, built.themes["prevention"])
    assert absent.decision is not None
    assert (absent.decision.kind, absent.decision.auto_rule, absent.codings) == (
        "absent",
        "majority",
        (),
    )


def test_auto_decisions_copy_the_first_agreeing_coders_codings_and_say_they_are_auto(
    project, built
):
    project.review.auto("majority", by=LEAD)
    state = project.review.cell(built.docs[1], built.themes["veto"])
    assert state.decision is not None
    ana, ben = (project.coders.get(built.coders[n]).uuid for n in ("Ana", "Ben"))
    assert (state.decision.auto_rule, state.decision.decided_by) == ("majority", "Lena")
    assert state.decision.source_coders == (ana, ben)
    (gold,) = state.codings
    assert (gold.origin, gold.auto_rule, gold.source_coders) == ("accepted", "majority", (ana,))
    assert gold.sources == (built.codings[("Ana", 1, "veto", D2_VETO)],)
    assert project.review.status().auto == 3


def test_dry_run_reports_exactly_what_a_run_writes_and_writes_nothing(project, project_path, built):
    before = dump(project_path, GOLD_TABLES)
    preview = project.review.auto("majority", by=LEAD, dry_run=True)
    assert preview.dry_run
    assert "Dry run: nothing was written." in preview.summary()
    assert dump(project_path, GOLD_TABLES) == before
    real = project.review.auto("majority", by=LEAD)
    assert not real.dry_run
    assert real.decided == preview.decided


def test_rules_are_idempotent_and_never_touch_decided_cells(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    project.review.accept(d1, veto, built.coders["Ben"], by=LEAD)
    first = project.review.auto("unanimous", by=LEAD)
    after_first = dump(project_path, GOLD_TABLES)
    second = project.review.auto("unanimous", by=LEAD)
    assert (len(first.decided), len(second.decided)) == (2, 0)
    assert (first.already, second.already) == (1, 3)
    assert dump(project_path, GOLD_TABLES) == after_first
    third = project.review.auto("majority", by=LEAD)
    # D3 veto is decided already; D2's two cells remain for the majority rule.
    assert len(third.decided) == 2
    decision = project.review.cell(d1, veto).decision
    assert decision is not None
    assert decision.auto_rule is None


def test_a_coder_who_marked_a_statement_done_without_coding_a_theme_counts_as_not_coded(
    project,
):
    built = build(project, PLAN[:4], done=[("Cy", 0)])
    # D1 now has three coders: prevention is 2 supports against 1 not coded.
    unanimous = project.review.auto("unanimous", by=LEAD, dry_run=True)
    assert _decided(unanimous) == []
    majority = project.review.auto("majority", by=LEAD, dry_run=True)
    assert _decided(majority) == [("Statement of Ghana", "prevention", "supports", ("Ana", "Ben"))]
    lanes = project.review.statement(built.docs[0]).lanes
    assert [(lane.name, len(lane.codings)) for lane in lanes] == [
        ("Ana", 2),
        ("Ben", 2),
        ("Cy", 0),
        ("gold", 0),
    ]
    assert set(lanes[2].missing) == {built.themes["prevention"], built.themes["veto"]}
