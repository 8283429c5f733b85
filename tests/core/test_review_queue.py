"""The review queue with its filters, one statement's lanes, the progress counts and warnings.

Plan (D1 Ghana, African; D2 Mexico, Latin American and Caribbean; D3 Denmark, Western European
and Others; see tests/core/review_setup.py):
  D1 Ana, Ben, Cy  prevention  Ana supports "Prevention is the best protection."
                               Ben supports "Prevention is the best"       (span differs)
                               Cy  supports "Prevention is the best protection."
                   veto        Ana supports, Ben neutral on "We support the ACT Code of Conduct."
                               Cy did not code the veto          (stance differs, theme missing)
  D2 Ana, Ben      veto        Ana supports, Ben supports on "The veto must not block action."
  D3 Ben           prevention  Ben opposes "mediation and good offices"    (one coder)
Cells: D1 prevention agreed (spans differ), D1 veto awaiting, D2 veto agreed, D3 single.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.frames import frames
from tests.core.review_setup import build, span

from r2pcoder.errors import UnknownEntity
from r2pcoder.export.data import load_export_data
from r2pcoder.export.layers import MIXED, parse_layer
from r2pcoder.export.tables import TableOptions, build_tables
from r2pcoder.reliability import AgreementSettings, compute_agreement, save_snapshot
from r2pcoder.review import NO_SNAPSHOT_WARNING, Decider, QueueFilter, QueueItem
from r2pcoder.review.feedback import agreement_vs_gold

LEAD = Decider("Lena")
ACT = "We support the ACT Code of Conduct."
PLAN = [
    ("Ana", 0, "prevention", "supports", "Prevention is the best protection."),
    ("Ana", 0, "veto", "supports", ACT),
    ("Ben", 0, "prevention", "supports", "Prevention is the best"),
    ("Ben", 0, "veto", "neutral", ACT),
    ("Cy", 0, "prevention", "supports", "Prevention is the best protection."),
    ("Ana", 1, "veto", "supports", "The veto must not block action."),
    ("Ben", 1, "veto", "supports", "The veto must not block action."),
    ("Ben", 2, "prevention", "opposes", "mediation and good offices"),
]


@pytest.fixture
def built(project):
    return build(project, PLAN)


def _cells(items: list[QueueItem]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(i.title, i.theme_key, i.status, i.kinds) for i in items]


def test_status_counts_statements_and_cells(project, built):
    status = project.review.status()
    assert (status.statements, status.worked_on, status.cells) == (3, 3, 4)
    assert (status.agreed, status.awaiting, status.single, status.decided) == (2, 1, 1, 0)
    assert status.to_dict()["single_coder"] == 1


def test_the_queue_lists_what_awaits_with_each_coders_value(project, built):
    (item,) = project.review.queue()
    assert (item.title, item.theme_key, item.status) == ("Statement of Ghana", "veto", "awaiting")
    assert item.kinds == ("theme_missing", "stance_differs")
    assert [(v.coder, v.label) for v in item.values] == [
        ("Ana", "supports"),
        ("Ben", "neutral"),
        ("Cy", "not coded"),
    ]


def test_queue_filters_by_status_theme_coder_group_and_kind(project, built):
    every = QueueFilter(statuses=("awaiting", "agreed", "single", "decided", "reopened"))
    assert _cells(project.review.queue(every)) == [
        ("Statement of Ghana", "prevention", "agreed", ("span_differs",)),
        ("Statement of Ghana", "veto", "awaiting", ("theme_missing", "stance_differs")),
        ("Statement of Mexico", "veto", "agreed", ()),
        ("Statement of the Nordic countries", "prevention", "single", ()),
    ]
    by = project.review.queue

    def pick(**kw: Any) -> list[tuple[str, str]]:
        return [(i.title, i.theme_key) for i in by(QueueFilter(statuses=every.statuses, **kw))]

    assert pick(themes=("veto",)) == [
        ("Statement of Ghana", "veto"),
        ("Statement of Mexico", "veto"),
    ]
    assert pick(coders=("Cy",)) == [
        ("Statement of Ghana", "prevention"),
        ("Statement of Ghana", "veto"),
    ]
    assert pick(regional_groups=("latin american and caribbean",)) == [
        ("Statement of Mexico", "veto")
    ]
    assert pick(kinds=("span_differs",)) == [("Statement of Ghana", "prevention")]
    assert pick(documents=(built.docs[2],)) == [("Statement of the Nordic countries", "prevention")]
    with pytest.raises(UnknownEntity, match="no theme 'vetoo'"):
        pick(themes=("vetoo",))
    with pytest.raises(UnknownEntity, match="no coder called 'Zed'"):
        pick(coders=("Zed",))


def test_a_decided_cell_leaves_the_queue_and_counts_as_decided(project, built):
    project.review.accept(built.docs[0], built.themes["veto"], built.coders["Ben"], by=LEAD)
    assert project.review.queue() == []
    status = project.review.status()
    assert (status.awaiting, status.decided) == (0, 1)


def test_a_statement_in_review_shows_each_coders_lane_with_differences_marked(project, built):
    view = project.review.statement(built.docs[0])
    assert [(lane.kind, lane.key, lane.name) for lane in view.lanes] == [
        ("coder", 1, "Ana"),
        ("coder", 2, "Ben"),
        ("coder", 3, "Cy"),
        ("gold", 0, "gold"),
    ]
    ana, ben, cy, gold = view.lanes
    act = span(project, built.docs[0], ACT)
    best = span(project, built.docs[0], "Prevention is the best")
    assert [(c.theme_key, c.stance, (c.start, c.end), c.marks) for c in ana.codings] == [
        ("veto", "supports", act, ("theme_missing", "stance_differs")),
        ("prevention", "supports", (best[0], best[0] + 34), ("span_differs",)),
    ]
    assert [c.marks for c in ben.codings] == [
        ("theme_missing", "stance_differs"),
        ("span_differs",),
    ]
    assert cy.missing == (built.themes["veto"],)
    assert all(c.uuid for lane in (ana, ben, cy) for c in lane.codings)
    assert gold.codings == ()
    assert view.lane(2).name == "Ben"
    assert [(c.theme_key, c.status) for c in view.cells] == [
        ("prevention", "agreed"),
        ("veto", "awaiting"),
    ]
    assert view.text[act[0] : act[1]] == ACT
    project.review.accept(built.docs[0], built.themes["veto"], built.coders["Ana"], by=LEAD)
    gold = project.review.statement(built.docs[0]).lanes[-1]
    assert [(c.theme_key, c.stance, (c.start, c.end)) for c in gold.codings] == [
        ("veto", "supports", act)
    ]


def test_adjudication_warns_until_a_snapshot_of_the_coders_layers_is_saved(project, built):
    first = project.review.accept(built.docs[0], built.themes["veto"], built.coders["Ana"], by=LEAD)
    assert first.warnings == (NO_SNAPSHOT_WARNING,)
    second = project.review.mark_absent(built.docs[0], built.themes["veto"], by=LEAD)
    assert second.warnings == ()  # adjudication had started already
    assert project.review.status().warnings == (NO_SNAPSHOT_WARNING,)
    report = compute_agreement(project, AgreementSettings(bootstrap_n=0))
    assert report.layers == tuple(f"coder:{c}" for c, _ in report.coders)
    save_snapshot(project, report, "before adjudication")
    assert project.review.status().warnings == ()


def test_a_snapshot_of_coders_against_gold_is_not_a_reliability_snapshot(project, built):
    project.review.accept(built.docs[0], built.themes["veto"], built.coders["Ana"], by=LEAD)
    for report in agreement_vs_gold(project, AgreementSettings(bootstrap_n=0)):
        assert report.layers[0] == "gold"
        save_snapshot(project, report, "feedback")
    assert project.review.status().warnings == (NO_SNAPSHOT_WARNING,)
    data = load_export_data(project, parse_layer("Ana"))
    assert data.snapshot is None


@pytest.mark.parametrize(
    ("stances", "expected"),
    [
        (("supports", "supports", "neutral", "neutral"), "mixed"),
        (("supports", "supports", "supports", "neutral"), "supports"),
        (("supports", "neutral", None, None), "absent"),
    ],
)
def test_presence_and_stance_are_separate_questions_under_majority(project, stances, expected):
    # Four coders worked on D1 (each coded something there); prevention as given (None: not
    # coded). Two against two: the theme is present (every coder coded it), its stance mixed.
    passage = "Prevention is the best protection."
    names = ("Ana", "Ben", "Cy", "Dee")
    plan = [(n, 0, "veto", "supports", "We support") for n in names]
    plan += [(n, 0, "prevention", st, passage) for n, st in zip(names, stances, strict=True) if st]
    built = build(project, plan)
    data = load_export_data(project, parse_layer("majority"))
    cell = (built.docs[0], built.themes["prevention"])
    value = {"mixed": MIXED, "supports": built.stances["supports"]}.get(expected)
    assert data.selection.values.get(cell) == value
    tables = frames(build_tables(data, TableOptions(what=("presence_matrix", "counts"), by=())))
    assert list(tables["presence_matrix"].prevention) == [0 if value is None else 1]
    counts = tables["counts"]
    rows = counts[(counts.theme_key == "prevention")].set_index("stance").statements.to_dict()
    stance = "mixed stances" if expected == "mixed" else "Supports"
    assert rows == ({} if value is None else {"any stance": 1, stance: 1})
