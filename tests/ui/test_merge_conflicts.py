"""The merge dialog when copies of a packet diverged, and after adjudication (re-opened cells)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QComboBox

from tests.core.test_merge import code, layer, make_packets, packet_layer
from tests.core.test_merge_diverged import GHANA, MEXICO, twins  # noqa: F401 - a fixture
from tests.ui.conftest import make_window

from r2pcoder.db import Project
from r2pcoder.review import Decider

from ui.dialogs.merge_conflicts import LATER
from ui.dialogs.merge_dialog import MergeDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, settings: QSettings, project_path: Path, tmp_path: Path):
    settings.setValue("coder/name", "Lena")
    win = make_window(qtbot, settings, tmp_path / "data", project_path)
    yield win
    win.close()


def _dialog(qtbot, window: MainWindow, files: list[Path]) -> MergeDialog:
    before = set(QApplication.topLevelWidgets())  # a closed dialog may linger until deleted
    window.flows.open_dialog("merge")
    (dialog,) = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    assert isinstance(dialog, MergeDialog)
    qtbot.addWidget(dialog)
    dialog.add_files(files)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.preview_button.click()
    return dialog


def _cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_diverged_copies_show_both_files_and_the_lead_chooses_the_copy_that_wins(
    qtbot, window: MainWindow, request: pytest.FixtureRequest, project_path: Path
) -> None:
    packet, twin = request.getfixturevalue("twins")  # Ana's packet and a copy of it
    code(packet, (GHANA, 0, 5), (GHANA, 6, 9), (MEXICO, 0, 5))
    code(twin, (GHANA, 2, 7))  # fewer writes, never "older": a conflict
    dialog = _dialog(qtbot, window, [packet, twin])
    panel = dialog.conflicts
    assert dialog.tabs.currentWidget() is panel
    assert dialog.tabs.tabText(1) == "Diverged copies (1)"
    rows = sorted(r[:5] for r in _cells(panel.conflicts))
    assert rows == [
        [
            "Ana",
            "Statement of Ghana",
            "laptop2.r2p",
            "1 coding, 0 memos, 0 done marks",
            "given now",
        ],
        [
            "Ana",
            "Statement of Ghana",
            "project-ana.r2p",
            "2 codings, 0 memos, 0 done marks",
            "given now",
        ],
    ]
    assert all(r[5].startswith("not merged") for r in _cells(panel.conflicts))
    assert "diverged" in dialog.status.text()
    assert dialog.merge_button.isEnabled()  # Mexico, changed by one copy only, merges now
    combo = panel.choices.cellWidget(0, 2)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        LATER,
        "laptop2.r2p",
        "project-ana.r2p",
    ]
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        combo.setCurrentIndex(combo.findText("laptop2.r2p"))
    assert panel.prefer(dialog.packet_paths()) == [str(twin)]
    assert all("the lead preferred laptop2.r2p" in r[5] for r in _cells(panel.conflicts))
    with qtbot.waitSignal(dialog.merged, timeout=10_000):
        dialog.merge_button.click()
    with Project(twin) as copy:
        ghana = next(d.uuid for d in copy.documents.list() if d.title == "Statement of Ghana")
    merged = layer(project_path, "Ana")
    assert {r for r in merged if r[1] == ghana} == {r for r in packet_layer(twin) if r[1] == ghana}
    assert {r for r in merged if r[1] != ghana} == {
        r for r in packet_layer(packet) if r[1] != ghana
    }
    assert {r[3:] for r in merged} == {(2, 7), (0, 5)}


def test_choosing_later_merges_the_rest_and_keeps_the_statement_waiting(
    qtbot, window: MainWindow, request: pytest.FixtureRequest, project_path: Path
) -> None:
    packet, twin = request.getfixturevalue("twins")  # Ana's packet and a copy of it
    code(packet, (GHANA, 0, 5), (MEXICO, 0, 5))
    code(twin, (GHANA, 2, 7))
    dialog = _dialog(qtbot, window, [packet, twin])
    with qtbot.waitSignal(dialog.merged, timeout=10_000):
        dialog.merge_button.click()
    assert {r[3:] for r in layer(project_path, "Ana")} == {(0, 5)}  # Mexico only
    assert "not merged" in dialog.details.toPlainText()


def test_a_merge_after_adjudication_lists_the_cells_it_reopened_and_opens_them_in_review(
    qtbot, window: MainWindow, project_path: Path, tmp_path: Path
) -> None:
    made = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    code(made["Ana"], (GHANA, 0, 5))
    code(made["Ben"], (GHANA, 0, 5), stance="neutral")
    dialog = _dialog(qtbot, window, list(made.values()))
    with qtbot.waitSignal(dialog.merged, timeout=10_000):
        dialog.merge_button.click()
    assert dialog.tabs.tabText(2) == "Re-opened for review"
    project = window.controller.project
    assert project is not None
    (cell,) = project.review.queue()
    project.review.accept(
        cell.document_id, cell.theme_id, cell.values[0].coder_id, by=Decider("Lena")
    )
    code(made["Ana"], (GHANA, 6, 9))  # Ana changes the decided cell in her packet
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.preview_button.click()
    with qtbot.waitSignal(dialog.merged, timeout=10_000):
        dialog.merge_button.click()
    assert dialog.tabs.currentWidget() is dialog.reopened
    assert dialog.tabs.tabText(2) == "Re-opened for review (1)"
    (row,) = _cells(dialog.reopened.table)
    assert row[:3] == ["Statement of Ghana", "prevention", "Ana"]
    assert "changed the codings of Ana" in row[3]
    dialog.reopened.table.setCurrentCell(0, 0)
    dialog.reopened.table.activated.emit(dialog.reopened.table.currentIndex())
    mode = window.review
    assert mode is not None
    assert mode.active
    assert mode.cell == (cell.document_id, cell.theme_id)
    qtbot.waitUntil(lambda: mode.loading is None and mode.status is not None)
    assert "re-opened 1" in mode.page.progress.text()
