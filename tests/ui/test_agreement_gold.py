"""The Agreement window after adjudication: rows lead to review mode; coders against gold."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.core.review_setup import Built

from r2pcoder.db import Project
from r2pcoder.review import Decider

from ui.dialogs.agreement_dialog import AgreementDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(review_master: Built, review_win: MainWindow) -> MainWindow:
    return review_win  # on the master Ana, Ben and Cy coded


def _dialog(qtbot, window: MainWindow) -> AgreementDialog:
    before = set(QApplication.topLevelWidgets())  # a closed dialog may linger until deleted
    window.flows.open_dialog("agreement")
    (dialog,) = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    assert isinstance(dialog, AgreementDialog)
    qtbot.addWidget(dialog)
    dialog.bootstrap.setValue(0)
    dialog.level.setCurrentText("nominal")
    return dialog


def test_a_disagreement_opens_its_statement_and_theme_in_review_mode(
    qtbot, window: MainWindow, review_master: Built
) -> None:
    dialog = _dialog(qtbot, window)
    with qtbot.waitSignal(dialog.computed, timeout=10_000):
        dialog.compute()
    labels = [dialog.table.item(r, 0) for r in range(dialog.table.rowCount())]
    row = next(r for r, item in enumerate(labels) if item and item.text() == "Veto restraint")
    with qtbot.waitSignal(dialog.disagreements_shown, timeout=10_000):
        dialog.table.cellClicked.emit(row, 0)
    model = dialog.disagreements
    assert model.rowCount() == 1
    dialog.details.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(dialog.details, Qt.Key.Key_Return)  # Enter, as a double-click
    mode = window.review
    assert mode is not None
    assert mode.active
    assert mode.cell == (review_master.docs[0], review_master.themes["veto"])
    assert mode.review is not None
    assert mode.review.title == "Statement of Ghana"
    qtbot.waitUntil(lambda: mode.loading is None)
    assert mode.cell == (review_master.docs[0], review_master.themes["veto"])


def test_coders_against_gold_per_theme_and_one_coders_differences_with_quotes(
    qtbot, window: MainWindow, project_path: Path, review_master: Built, tmp_path: Path
) -> None:
    project = window.controller.project
    assert project is not None
    lead = Decider("Lena")
    project.review.auto("unanimous", by=lead)
    project.review.accept(
        review_master.docs[0], review_master.themes["veto"], review_master.coders["Ben"], by=lead
    )
    dialog = _dialog(qtbot, window)
    with qtbot.waitSignal(dialog.gold.compared, timeout=10_000):
        dialog.gold.compare_button.click()
    model = dialog.gold.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:4] == ["Theme", "Ana: agreement", "Ana: alpha", "Ana: cells"]
    assert len(headers) == 1 + 3 * 3
    table = [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    # Hand-counted: decided cells D1 prevention (supports), D1 veto (Ben: neutral), D2 veto
    # (supports). Ana: 1 of 1 prevention, 1 of 2 veto (supports against neutral).
    assert table[0][0] == "All themes"
    assert table[0][1:4] == ["0.667", "0.000", "3"]
    assert [r[0] for r in table[1:]] == ["Prevention", "Veto restraint"]
    assert table[2][1] == "0.500"
    assert table[2][4:7] == ["1.000", "1.000", "2"]  # Ben agrees with gold on the veto
    dialog.gold.coder.setCurrentIndex(dialog.gold.coder.findText("Ana"))
    out = tmp_path / "ana.csv"
    with qtbot.waitSignal(dialog.gold.feedback_written, timeout=10_000) as written:
        dialog.gold.export(str(dialog.gold.coder.currentData()), out)
    assert written.args[0] == (out, 1)
    with out.open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["title"], row["theme_key"], row["difference"]) == (
        "Statement of Ghana",
        "veto",
        "stance",
    )
    assert (row["coder_value"], row["gold_value"]) == ("supports", "neutral")
    assert row["coder_quotes"] == row["gold_quotes"] == "We support the ACT Code of Conduct."
    assert "wrote 1 difference" in dialog.gold.status.text().lower()


def test_comparing_with_gold_before_any_decision_says_so(
    qtbot, window: MainWindow, project_path: Path
) -> None:
    dialog = _dialog(qtbot, window)
    dialog.gold.compare_button.click()
    qtbot.waitUntil(lambda: "no decision yet" in dialog.gold.status.text())
    with Project(project_path) as project:
        assert project.review.status().decided == 0
