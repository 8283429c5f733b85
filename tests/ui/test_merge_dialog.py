from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox

from tests.core.test_merge import code, layer, make_packets, packet_layer, proposal_packet
from tests.ui.conftest import make_window

from r2pcoder.db import Project

from ui.controller import AppController
from ui.dialogs.merge_dialog import MergeDialog
from ui.dialogs.packets_dialog import PacketsDialog


@pytest.fixture
def packets(project_path: Path, tmp_path: Path) -> dict[str, Path]:
    made = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    code(made["Ana"], (0, 0, 5), (1, 2, 7))
    return made


@pytest.fixture
def controller(
    qtbot, settings: QSettings, project_path: Path, packets: dict[str, Path]
) -> Iterator[AppController]:
    app_controller = AppController(settings, QUndoStack())
    app_controller.open_project(project_path)
    yield app_controller
    app_controller.shutdown()


def _cell(dialog: MergeDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def _dialog(qtbot, controller: AppController, files: list[Path]) -> MergeDialog:
    dialog = MergeDialog(None, controller)
    qtbot.addWidget(dialog)
    dialog.add_files(files)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.preview_button.click()
    return dialog


def test_preview_lists_each_coder_and_merge_fills_the_master(
    qtbot, controller: AppController, packets: dict[str, Path], project_path: Path
) -> None:
    dialog = _dialog(qtbot, controller, list(packets.values()))
    cells = [[_cell(dialog, r, c) for c in (1, 4)] for r in range(dialog.table.rowCount())]
    assert cells == [["Ana", "2"], ["Ben", "0"]]
    assert dialog.merge_button.isEnabled()
    assert controller.project is not None
    assert controller.project.codings.count() == 0
    with qtbot.waitSignals([dialog.merged, controller.changed], timeout=10_000):
        dialog.merge_button.click()
    assert controller.project.codings.count() == 2
    assert layer(project_path, "Ana") == packet_layer(packets["Ana"])
    assert not dialog.merge_button.isEnabled()
    assert "Merged" in dialog.status.text()


def test_refused_file_is_shown_and_blocks_the_merge(
    qtbot, controller: AppController, packets: dict[str, Path], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.r2p"
    junk.write_text("not a project", encoding="utf-8")
    dialog = _dialog(qtbot, controller, [packets["Ana"], junk])
    texts = [_cell(dialog, r, 3) for r in range(dialog.table.rowCount())]
    assert any(t.startswith("refused:") for t in texts)
    assert not dialog.merge_button.isEnabled()


def test_proposed_theme_can_be_mapped_from_the_preview(
    qtbot, settings: QSettings, project_path: Path, tmp_path: Path
) -> None:
    packet, uuid = proposal_packet(project_path, tmp_path / "p")
    app_controller = AppController(settings, QUndoStack())
    app_controller.open_project(project_path)
    try:
        dialog = _dialog(qtbot, app_controller, [packet])
        assert dialog.proposals.rowCount() == 1
        combo = dialog.proposals.cellWidget(0, 3)
        assert isinstance(combo, QComboBox)
        assert combo.currentText() == "Keep pending"
        assert dialog.decisions() == {}
        with qtbot.waitSignal(dialog.previewed, timeout=10_000):
            combo.setCurrentIndex(combo.findText("Map onto: Veto restraint"))
        assert dialog.decisions()[uuid].action == "map"
        assert dialog.merge_button.isEnabled()
        with qtbot.waitSignal(dialog.merged, timeout=10_000):
            dialog.merge_button.click()
    finally:
        app_controller.shutdown()
    with Project(project_path) as project:
        veto = project.codebook.theme_by_key("veto").id
        codings = project.codings.for_document(project.documents.list()[0].id)
    assert veto in {c.theme_id for c in codings}


def test_packets_dialog_writes_one_packet_per_chosen_coder(
    qtbot, controller: AppController, tmp_path: Path
) -> None:
    dialog = PacketsDialog(None, controller)
    qtbot.addWidget(dialog)
    dialog.out_dir.setText(str(tmp_path / "made"))
    dialog.new_coders.setText("Cy")
    dialog.overlap.setValue(34.0)
    dialog.seed.setValue(4)
    dialog.discard_unmerged.setChecked(True)  # Ana's and Ben's first packets are still out
    with qtbot.waitSignal(dialog.created, timeout=10_000) as blocker:
        dialog.create_button.click()
    report = blocker.args[0]
    assert [p.coder_name for p in report.packets] == ["Ana", "Ben", "Cy"]
    assert all(p.path.exists() for p in report.packets)
    assert "issue" in dialog.summary_view.toPlainText()


def test_team_menu_opens_both_dialogs(
    qtbot, settings: QSettings, project_path: Path, tmp_path: Path
) -> None:
    window = make_window(qtbot, settings, tmp_path / "data", project_path)
    window.flows.open_dialog("packets")
    window.flows.open_dialog("merge")
    packets_dialog = window.findChild(PacketsDialog)
    merge_dialog = window.findChild(MergeDialog)
    assert packets_dialog is not None
    assert merge_dialog is not None
    assert packets_dialog.isVisible()
    assert [packets_dialog.coders.item(i).text() for i in range(2)] == ["Ana", "Ben"]
    packets_dialog.close()
    merge_dialog.close()


def test_lead_can_tick_the_overlap_statements(
    qtbot, controller: AppController, tmp_path: Path
) -> None:
    dialog = PacketsDialog(None, controller)
    qtbot.addWidget(dialog)
    first = dialog.chosen.item(0)
    assert first is not None
    first.setCheckState(Qt.CheckState.Checked)
    dialog.out_dir.setText(str(tmp_path / "made"))
    dialog.discard_unmerged.setChecked(True)
    with qtbot.waitSignal(dialog.created, timeout=10_000) as blocker:
        dialog.create_button.click()
    overlaps = {p.overlap for p in blocker.args[0].packets}
    assert overlaps == {(first.data(Qt.ItemDataRole.UserRole),)}
