"""The gold and final layers in the export tables.

Plan (see tests/core/review_setup.py):
  D1 Ana, Ben  prevention  Ben supports "Prevention is the best"        (Ben coded first)
                           Ana supports "Prevention is the best protection."   -> agreed
               veto        Ana supports, Ben neutral on the ACT sentence        -> awaiting
  D2 Ana       veto        Ana supports "The veto must not block action."      -> one coder
  D3 nobody
"""

from __future__ import annotations

import pytest

from tests.core.frames import frames
from tests.core.review_setup import build

from r2pcoder.errors import ExportFailed
from r2pcoder.export import TableOptions, export_project, parse_layer
from r2pcoder.export.data import load_export_data
from r2pcoder.export.run import export_warnings
from r2pcoder.export.tables import build_tables
from r2pcoder.review import Decider

LEAD = Decider("Lena")
ACT = "We support the ACT Code of Conduct."
PLAN = [
    ("Ben", 0, "prevention", "supports", "Prevention is the best"),
    ("Ana", 0, "prevention", "supports", "Prevention is the best protection."),
    ("Ana", 0, "veto", "supports", ACT),
    ("Ben", 0, "veto", "neutral", ACT),
    ("Ana", 1, "veto", "supports", "The veto must not block action."),
]


@pytest.fixture
def built(project):
    return build(project, PLAN)


def test_final_before_adjudication_keeps_agreement_and_single_coders_and_counts_the_rest(
    project, built
):
    data = load_export_data(project, parse_layer("final"))
    assert data.selection.cells == {
        "gold": 0,
        "gold absent": 0,
        "reopened": 0,
        "agreed": 1,
        "single coder": 1,
        "awaiting": 1,
    }
    assert data.layer.label() == (
        "final (gold 0 coded, 0 absent; agreed 1; single coder 1; 1 cells awaiting "
        "adjudication, left out)"
    )
    tables = frames(build_tables(data, TableOptions(by=())))
    seg = tables["segments"]
    # The agreed cell carries the codings of Ben, who coded prevention in D1 first.
    assert list(zip(seg.coder, seg.theme_key, seg.quote, strict=True)) == [
        ("Ben", "prevention", "Prevention is the best"),
        ("Ana", "veto", "The veto must not block action."),
    ]
    about = dict(zip(tables["about"].item, tables["about"].value, strict=True))
    assert about["cells awaiting adjudication (left out)"] == "1"
    assert about["cells from the only coder who worked on the statement"] == "1"
    assert "coded the theme in the statement first" in about["final layer spans"]
    assert any("1 statement x theme cell(s) await adjudication" in w for w in export_warnings(data))


def test_gold_and_final_after_decisions(project, built):
    d1 = built.docs[0]
    project.review.accept(d1, built.themes["veto"], built.coders["Ben"], by=LEAD)
    project.review.add(
        d1,
        built.themes["early_warning"],
        built.stances["opposes"],
        (65, 80),
        by=LEAD,
        note="the lead's own reading",
    )
    gold = load_export_data(project, parse_layer("gold"))
    assert gold.selection.cells == {"gold": 2, "gold absent": 0, "reopened": 0, "undecided": 2}
    tables = frames(build_tables(gold, TableOptions(by=())))
    seg = tables["segments"]
    text = project.documents.get(d1).text
    assert list(zip(seg.coder, seg.theme_key, seg.stance, seg.quote, seg.memo, strict=True)) == [
        ("gold", "veto", "Neutral", ACT, ""),
        ("gold", "early_warning", "Opposes", text[65:80], "the lead's own reading"),
    ]
    assert list(tables["stance_matrix"].speaker) == ["Ghana"]
    final = load_export_data(project, parse_layer("final"))
    assert final.selection.cells["awaiting"] == 0
    values = {(d, t): v for (d, t), v in final.selection.values.items()}
    assert values[(d1, built.themes["veto"])] == built.stances["neutral"]
    assert len(values) == 4


def test_gold_without_decisions_is_refused_in_plain_words(project, built, tmp_path):
    with pytest.raises(ExportFailed, match=r"holds no decision yet.*'final' layer"):
        export_project(project, parse_layer("gold"), "csv", tmp_path / "g", TableOptions())
    assert not (tmp_path / "g").exists()


def test_a_gold_layer_of_absent_decisions_exports_empty_and_says_so(project, built, tmp_path):
    project.review.mark_absent(built.docs[0], built.themes["veto"], by=LEAD)
    report = export_project(project, parse_layer("gold"), "csv", tmp_path / "g", TableOptions())
    assert report.rows["segments"] == 0
    assert "This layer holds no codings: every count is zero." in report.warnings
    # Cells: D1 prevention, D1 veto (decided), D2 veto.
    assert report.layer == "gold (adjudicated: 0 coded, 1 absent; 2 undecided cells left out)"
