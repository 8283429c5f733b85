from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from tests.conftest import TemplateIds
from tests.core.test_reliability import two_themes

from r2pcoder.db import Project
from r2pcoder.reliability import list_snapshots

from ui.controller import AppController
from ui.dialogs.agreement_dialog import BAND_COLORS, AgreementDialog


@pytest.fixture
def controller(qtbot, settings: QSettings, project_path: Path) -> Iterator[AppController]:
    app_controller = AppController(settings, QUndoStack())
    app_controller.open_project(project_path)
    yield app_controller
    app_controller.shutdown()


@pytest.fixture
def project(controller: AppController) -> Project:
    return controller.require()


@pytest.fixture
def dialog(qtbot, project: Project, ids: TemplateIds, controller: AppController) -> AgreementDialog:
    two_themes(project, ids)
    widget = AgreementDialog(None, controller)
    qtbot.addWidget(widget)
    widget.level.setCurrentText("nominal")
    widget.bootstrap.setValue(200)
    return widget


def compute(qtbot, dialog: AgreementDialog):
    with qtbot.waitSignal(dialog.computed, timeout=10_000) as blocker:
        dialog.compute()
    return blocker.args[0]


def test_compute_fills_the_theme_table_with_values_intervals_and_bands(qtbot, dialog):
    report = compute(qtbot, dialog)
    labels = [dialog.table.item(i, 0).text() for i in range(dialog.table.rowCount())]
    assert labels[:3] == ["Overall: All themes", "Prevention", "Veto restraint"]
    alpha_column = 2 + list(report.measures).index("krippendorff_alpha")
    prevention_alpha = dialog.table.item(1, alpha_column)
    assert prevention_alpha.text().startswith("0.444  [")
    assert prevention_alpha.background().color().name() == BAND_COLORS["unreliable"]
    assert dialog.progress.value() == 1000


def test_pairwise_matrix_shows_each_pair_once_per_side(qtbot, dialog):
    compute(qtbot, dialog)
    assert dialog.matrix.rowCount() == 2
    assert dialog.matrix.item(0, 0).text() == "—"
    assert dialog.matrix.item(0, 1).text() == dialog.matrix.item(1, 0).text() == "0.267"


def test_clicking_a_theme_lists_its_disagreements(qtbot, dialog):
    compute(qtbot, dialog)
    with qtbot.waitSignal(dialog.disagreements_shown, timeout=10_000) as blocker:
        dialog.table.cellClicked.emit(2, 0)  # Veto restraint (the overall row comes first)
    found = blocker.args[0]
    assert [d.title for d in found] == ["Statement of Mexico", "Statement of the Nordic countries"]
    model = dialog.disagreements
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Statement", "Where", "Ana", "Ben"]
    assert model.data(model.index(0, 2)).startswith("opposes")
    assert model.data(model.index(0, 3)).startswith("neutral")
    assert "2 disagreements on Veto restraint" in dialog.details_label.text()
    with qtbot.waitSignal(dialog.review_requested) as requested:
        dialog.details.activated.emit(model.index(1, 0))
    assert requested.args == [found[1].document_id, "veto"]


def test_strata_are_one_choice_away(qtbot, dialog):
    dialog.by.setCurrentText("regional_group")
    compute(qtbot, dialog)
    assert dialog.stratum.count() == 4
    dialog.stratum.setCurrentIndex(1)
    assert dialog.table.item(1, 1).text() == "1"  # one statement per regional group here


def test_save_then_export_a_snapshot(qtbot, dialog, project, tmp_path: Path):
    compute(qtbot, dialog)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save("before adjudication")
    assert [s.label for s in list_snapshots(project)] == ["before adjudication"]
    assert dialog.export_button.isEnabled()
    target = tmp_path / "snapshot.json"
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as blocker:
        dialog.export(target)
    assert blocker.args[0] == target
    assert "before adjudication" in target.read_text(encoding="utf-8")


def test_a_master_nobody_coded_twice_gives_a_message_not_a_crash(qtbot, controller):
    widget = AgreementDialog(None, controller)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.failed, timeout=10_000) as blocker:
        widget.compute()
    assert "nothing to compare" in blocker.args[0]
    qtbot.waitUntil(widget.compute_button.isEnabled)
    assert widget.table.rowCount() == 0


def test_choosing_one_coder_is_refused_in_plain_words(qtbot, dialog):
    dialog.coders.item(0).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as blocker:
        dialog.compute()
    assert "at least two coders" in blocker.args[0]


def test_cancel_stops_the_computation(qtbot, dialog):
    dialog.bootstrap.setValue(100_000)
    with qtbot.waitSignal(dialog.failed, timeout=20_000) as blocker:
        dialog.compute()
        dialog.cancel()
    assert blocker.args[0] in {"Cancelled.", "Cancelled; nothing was changed."}
