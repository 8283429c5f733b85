"""The Export dialog's gold and final layers, with the counts review reports."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from tests.core.review_setup import Built
from tests.ui.review_setup import coded_master

from r2pcoder.db import Project
from r2pcoder.review import Decider

from ui.controller import AppController
from ui.dialogs.export_dialog import ExportDialog


@pytest.fixture
def controller(
    qtbot, settings: QSettings, project_path: Path, tmp_path: Path
) -> Iterator[AppController]:
    built: Built = coded_master(project_path)
    with Project(project_path) as project:
        project.review.auto("unanimous", by=Decider("Lena"))  # D1 prevention, D2 veto
        project.review.mark_absent(built.docs[0], built.themes["veto"], by=Decider("Lena"))
    settings.setValue("coder/name", "Lena")
    app_controller = AppController(settings, QUndoStack())
    app_controller.open_project(project_path)
    yield app_controller
    app_controller.shutdown()


def _dialog(qtbot, controller: AppController, layer: str) -> ExportDialog:
    dialog = ExportDialog(None, controller)
    qtbot.addWidget(dialog)
    dialog.layer.setCurrentIndex(dialog.layer.findData(layer))
    return dialog


def test_the_final_layer_shows_what_review_decided_and_what_awaits(
    qtbot, controller: AppController, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, controller, "final")
    assert dialog.layer.currentIndex() == 0  # the layer a paper's numbers come from
    qtbot.waitUntil(lambda: dialog.counts.text().startswith("Final:"))
    assert dialog.counts.text().startswith(
        "Final: 3 cells decided (2 by a rule), 0 agreed by the coders, 1 from a single coder; "
        "0 cells await adjudication and are left out."
    )
    assert "No reliability snapshot" in dialog.counts.text()
    out = tmp_path / "final"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        dialog.export_button.click()
    assert blocker.args is not None
    with (out / "segments.csv").open(encoding="utf-8", newline="") as handle:
        layers = {r["layer"] for r in csv.DictReader(handle)}
    assert layers == {
        "final (gold 2 coded, 1 absent; agreed 0; single coder 1; 0 cells awaiting "
        "adjudication, left out)"
    }


def test_the_gold_layer_counts_what_it_leaves_out(qtbot, controller: AppController) -> None:
    dialog = _dialog(qtbot, controller, "gold")
    qtbot.waitUntil(lambda: dialog.counts.text().startswith("Gold:"))
    assert dialog.counts.text().startswith(
        "Gold: 3 cells decided (2 by a rule); 1 undecided cells are left out."
    )
    with qtbot.waitSignal(dialog.previewed, timeout=20_000):
        dialog.preview_button.click()
    assert "Layer: gold (adjudicated: 2 coded, 1 absent; 1 undecided cells left out)" in (
        dialog.status.text()
    )
    dialog.layer.setCurrentIndex(dialog.layer.findData("all"))
    assert dialog.counts.isHidden()
