"""Review's table models pass Qt's model tests and say what a cell holds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.review_setup import coded_master

from r2pcoder.db import Project
from r2pcoder.review import Decider, QueueFilter

from ui.review.models import AutoPlanModel, CellsModel, QueueModel, decision_text, provenance

EVERY = QueueFilter(statuses=("awaiting", "reopened", "agreed", "single", "decided"))


def test_the_queue_model_keeps_statement_order_when_one_statements_rows_change(
    qtmodeltester, project_path: Path
) -> None:
    built = coded_master(project_path)
    with Project(project_path) as project:
        items = project.review.queue(EVERY)
        model = QueueModel()
        order = {d: n for n, d in enumerate(built.docs)}
        model.set_items(items, order)
        qtmodeltester.check(model)
        assert [model.item(r).title for r in range(model.rowCount())] == [
            "Statement of Ghana",
            "Statement of Ghana",
            "Statement of Mexico",
            "Statement of the Nordic countries",
        ]
        model.replace_document(built.docs[1], [])
        assert model.rowCount() == 3
        model.replace_document(built.docs[1], [i for i in items if i.document_id == built.docs[1]])
        assert [model.item(r).document_id for r in range(4)] == [1, 1, 2, 3]
        assert model.row_of((built.docs[1], built.themes["veto"])) == 2
        assert model.first_row_from(built.docs[1]) == 2
        qtmodeltester.check(model)


def test_the_cells_model_has_a_column_per_coder_and_gold(qtmodeltester, project_path: Path) -> None:
    built = coded_master(project_path)
    with Project(project_path) as project:
        veto = built.themes["veto"]
        project.review.accept(
            built.docs[0],
            veto,
            built.coders["Ben"],
            by=Decider("Lena"),
            note="neutral, on reflection",
        )
        review = project.review.statement(built.docs[0])
    model = CellsModel()
    model.set_review(review)
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Theme", "Status", "Differences", "1 Ana", "2 Ben", "3 Cy", "Gold"]
    row = model.row_of(veto)
    texts = [model.data(model.index(row, c)) for c in range(model.columnCount())]
    assert texts == [
        "Veto restraint",
        "decided",
        "theme missing, stance differs",
        "supports",
        "neutral",
        "not coded",
        "neutral",
    ]
    tip = str(model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole))
    assert "decided by hand by Lena" in tip
    assert "Note: neutral, on reflection" in tip
    assert "accepted" in tip
    model.set_review(None)
    assert model.rowCount() == 0


def test_the_auto_plan_model(qtmodeltester, project_path: Path) -> None:
    coded_master(project_path)
    with Project(project_path) as project:
        report = project.review.auto("unanimous", by=Decider("Lena"), dry_run=True)
    model = AutoPlanModel()
    model.set_rows([("unanimous", p) for p in report.decided])
    qtmodeltester.check(model)
    assert [model.data(model.index(r, 2)) for r in range(model.rowCount())] == [
        "prevention",
        "veto",
    ]


def test_what_a_decision_reads_as() -> None:
    from r2pcoder.review import Decision  # noqa: PLC0415

    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    absent = Decision("u", 1, 2, "absent", ("c1", "c2"), "majority", "Lena", None, when, "")
    assert decision_text(absent) == "absent"
    assert decision_text(None) == ""
    coded = Decision("u", 1, 2, "coded", (), None, "Lena", None, when, "", when, "merge")
    assert decision_text(coded, ["supports", "supports"]) == "supports (2 codings) · re-opened"
    assert "by the rule <i>majority</i>" in provenance(absent)
    assert "2 coders gave this value" in provenance(absent)
    assert "<b>Re-opened</b>: merge" in provenance(coded)
    assert provenance(None) == "Not decided."
