from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTableView

from tests.core.test_export_data import build_coded

from r2pcoder.db import Project

from ui.controller import AppController
from ui.dialogs.export_dialog import ExportDialog, PreviewModel


@pytest.fixture
def controller(qtbot, settings: QSettings, project_path: Path, ids) -> Iterator[AppController]:
    with Project(project_path) as project:
        build_coded(project, ids.documents, ids.coders)
    app_controller = AppController(settings, QUndoStack())
    app_controller.open_project(project_path)
    yield app_controller
    app_controller.shutdown()


def _dialog(qtbot, controller: AppController) -> ExportDialog:
    dialog = ExportDialog(None, controller)
    qtbot.addWidget(dialog)
    return dialog


def _choose_layer(dialog: ExportDialog, text: str) -> None:
    index = dialog.layer.findText(text)
    assert index >= 0
    dialog.layer.setCurrentIndex(index)


def test_layers_offered_are_the_rules_and_each_coder(qtbot, controller: AppController) -> None:
    dialog = _dialog(qtbot, controller)
    names = [dialog.layer.itemText(i) for i in range(dialog.layer.count())]
    assert names[:4] == [
        "Final: gold, else what the coders agree on, else a single coder",
        "Gold: the lead's decisions only",
        "All coders who worked on each statement agree",
        "Majority of the coders who worked on each statement",
    ]
    assert names[4:] == ["Coder: Ana", "Coder: Ben"]


def test_preview_shows_one_tab_per_table_with_row_counts(qtbot, controller: AppController) -> None:
    dialog = _dialog(qtbot, controller)
    _choose_layer(dialog, "Coder: Ana")
    with qtbot.waitSignal(dialog.previewed, timeout=20_000):
        dialog.preview_button.click()
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles[0] == "about (12)"
    assert "segments (5)" in titles
    view = dialog.tabs.widget(titles.index("segments (5)"))
    assert isinstance(view, QTableView)
    model = view.model()
    assert model.rowCount() == 5
    assert model.headerData(0, Qt.Orientation.Horizontal) == "layer"
    assert model.index(0, 0).data() == "coder Ana"
    assert "Layer: coder Ana" in dialog.status.text()
    assert "No reliability snapshot" in dialog.status.text()


def test_export_after_preview_writes_csv_files(
    qtbot, controller: AppController, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, controller)
    _choose_layer(dialog, "All coders who worked on each statement agree")
    with qtbot.waitSignal(dialog.previewed, timeout=20_000):
        dialog.preview_button.click()
    out = tmp_path / "csv"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        dialog.export_button.click()
    assert blocker.args is not None
    # The coders who worked on each statement count: D4, coded by Ana alone, is in (see
    # tests/core/test_export_data.py).
    assert blocker.args[0].rows["segments"] == 10
    with (out / "segments.csv").open(encoding="utf-8", newline="") as handle:
        assert {r["layer"] for r in csv.DictReader(handle)} == {
            "all coders who worked on each statement (2 coders: Ana, Ben)"
        }
    assert "Wrote" in dialog.status.text()


def test_csv_for_excel_gets_a_byte_order_mark(
    qtbot, controller: AppController, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, controller)
    assert dialog.bom.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    assert not dialog.bom.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.bom.setChecked(True)
    out = tmp_path / "excel"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.export_button.click()
    assert (out / "segments.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_export_html_without_preview(qtbot, controller: AppController, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, controller)
    dialog.format.setCurrentIndex(dialog.format.findData("html"))
    out = tmp_path / "report.html"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.export_button.click()
    assert "<svg" in out.read_text(encoding="utf-8")


def test_bad_target_is_refused_before_any_job(
    qtbot, controller: AppController, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, controller)
    qtbot.waitUntil(lambda: controller.runner.running() == 0)  # the final layer's counts
    dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
    dialog.out.setText(str(tmp_path / "missing" / "x.xlsx"))
    assert dialog.export() is None
    assert "does not exist" in dialog.status.text()
    assert controller.runner.running() == 0


def test_a_failed_preview_says_so_in_plain_words(qtbot, controller: AppController) -> None:
    assert controller.project is not None
    controller.project.coders.add("Dee")
    dialog = _dialog(qtbot, controller)
    _choose_layer(dialog, "Coder: Dee")
    assert dialog.preview() is not None
    qtbot.waitUntil(lambda: "Dee coded nothing yet" in dialog.status.text(), timeout=20_000)
    assert dialog.status.text() == "Nothing to export: Dee coded nothing yet."
    qtbot.waitUntil(lambda: controller.runner.running() == 0, timeout=20_000)


def test_preview_model_contract(qtmodeltester) -> None:
    model = PreviewModel(["a", "b"], [["1", "2"], ["3", "4"]])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 1)) == "4"
