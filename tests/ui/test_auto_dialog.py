"""The auto rules dialog: a preview table of both rules, then one undoable run."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from tests.core.review_setup import GOLD_TABLES, Built, build, dump
from tests.ui.review_setup import ACT, enter

from r2pcoder.db import Project

from ui.dialogs.auto_dialog import AutoDialog
from ui.main_window import MainWindow


@pytest.fixture
def built(review_master: Built, project_path: Path) -> Built:
    with Project(project_path) as project:  # Cy too calls the veto passage neutral: 2 of 3
        build(project, [("Cy", 0, "veto", "neutral", ACT)])
    return review_master


@pytest.fixture
def window(built: Built, review_win: MainWindow) -> MainWindow:
    return review_win


def _dialog(qtbot, window: MainWindow) -> AutoDialog:
    before = set(QApplication.topLevelWidgets())
    window.review_mode().open_auto()
    (dialog,) = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    assert isinstance(dialog, AutoDialog)
    qtbot.addWidget(dialog)
    return dialog


def _table(dialog: AutoDialog) -> list[tuple[str, ...]]:
    model = dialog.model
    return [
        tuple(str(model.data(model.index(r, c))) for c in range(5)) for r in range(model.rowCount())
    ]


def test_preview_then_apply_as_one_undoable_run(
    qtbot, window: MainWindow, project_path: Path, built: Built
) -> None:
    mode = enter(qtbot, window)
    dialog = _dialog(qtbot, window)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.preview_button.click()
    assert _table(dialog) == [
        ("unanimous", "Statement of Ghana", "prevention", "supports", "Ana, Ben, Cy"),
        ("unanimous", "Statement of Mexico", "veto", "supports", "Ana, Ben"),
        ("majority", "Statement of Ghana", "veto", "neutral", "Ben, Cy"),
    ]
    # Hand-counted: 4 cells, none decided; D3 has one coder (left), the three others decided.
    assert dialog.summary.text().splitlines() == [
        "Would decide 3 cells: 2 by unanimous, 1 by majority.",
        "Left undecided: 1, of which 1 from a single coder (the final layer takes those as they "
        "are). Already decided: 0.",
        "Nothing was written.",
    ]
    assert dump(project_path, GOLD_TABLES)["gold_decisions"] == []
    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        dialog.apply_button.click()
    decided = dump(project_path, GOLD_TABLES)["gold_decisions"]
    assert sorted(d[5] for d in decided) == ["majority", "unanimous", "unanimous"]
    assert "Applied unanimous, majority: 3 cells decided." in dialog.summary.text()
    assert window.stack.undoText() == "Auto rules unanimous and majority: 3 cells"
    qtbot.waitUntil(lambda: "decided: 3 (3 by a rule)" in mode.page.progress.text())
    assert mode.page.queue_model.rowCount() == 0
    window.stack.undo()
    assert dump(project_path, GOLD_TABLES)["gold_decisions"] == []
    qtbot.waitUntil(lambda: mode.page.queue_model.rowCount() == 1)
    qtbot.waitUntil(lambda: "decided: 0" in mode.page.progress.text())
    window.stack.redo()
    assert len(dump(project_path, GOLD_TABLES)["gold_decisions"]) == 3
    dialog.rules["majority"].setChecked(False)
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.preview_button.click()
    assert _table(dialog) == []  # decided cells are never touched again
    assert not dialog.apply_button.isEnabled()


def test_a_row_opens_its_cell_in_review_and_the_dialog_fits(
    qtbot, window: MainWindow, built: Built
) -> None:
    mode = enter(qtbot, window)
    dialog = _dialog(qtbot, window)
    room = window.screen().availableGeometry()
    assert dialog.width() <= room.width()
    assert dialog.height() <= room.height()
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.preview()
    dialog.table.activated.emit(dialog.model.index(1, 0))
    assert mode.cell == (built.docs[1], built.themes["veto"])
    assert [b for b in dialog.findChildren(QPushButton) if b.text() == "Close"]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
