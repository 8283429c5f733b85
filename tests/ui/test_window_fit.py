"""The window and every dialog fit a 1366x768 laptop; Esc and a Close button close each dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTextBrowser, QWidget

from tests.core.test_reliability import two_themes

from ui.dialogs.agreement_dialog import AgreementDialog
from ui.dialogs.merge_dialog import MergeDialog
from ui.main_window import MainWindow
from ui.window_layout import MIN_WIDTH


def inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def test_the_tests_run_on_a_1366x768_screen(qtbot) -> None:
    screen = QApplication.primaryScreen()
    assert screen is not None
    assert screen.availableGeometry().size().toTuple() == (1366, 768)


def test_the_first_window_fits_the_screen_with_its_key_controls_visible(window: MainWindow) -> None:
    room = window.screen().availableGeometry()
    assert room.contains(window.frameGeometry())
    buttons = list(window.codebook.stance_buttons.values())
    assert buttons
    for widget in [*buttons, window.coder_button, window.codebook.tree, window.docs.table]:
        assert widget.isVisible()
        assert inside(widget, window), widget.objectName()
    tree = window.codebook.tree
    key_right = tree.header().sectionViewportPosition(1) + tree.header().sectionSize(1)
    assert key_right <= tree.viewport().width()  # the Key column is on screen


def test_the_window_can_share_a_screen_with_the_source_pdf(window: MainWindow) -> None:
    assert window.minimumSizeHint().width() <= 900
    assert window.minimumWidth() == MIN_WIDTH <= 900
    window.resize(MIN_WIDTH, 700)
    assert window.width() == MIN_WIDTH


def test_a_saved_geometry_from_a_bigger_screen_is_brought_inside(
    qtbot, settings, project_path, tmp_path
) -> None:
    from tests.ui.conftest import make_window  # noqa: PLC0415

    first = make_window(qtbot, settings, tmp_path / "data", project_path)
    first.setGeometry(1500, 900, 1900, 1050)  # as saved on a 1920x1080 screen
    first.close()
    again = make_window(qtbot, settings, tmp_path / "data", project_path)
    assert again.screen().availableGeometry().contains(again.frameGeometry())
    again.close()


DIALOGS = ("packets", "merge", "export", "retrieval", "search")


@pytest.mark.parametrize("name", DIALOGS)
def test_each_dialog_fits_and_closes_with_esc_or_its_close_button(
    qtbot, window: MainWindow, name: str
) -> None:
    before = set(QApplication.topLevelWidgets())
    window.flows.open_dialog(name)
    (dialog,) = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: window.controller.runner.running() == 0)  # e.g. the export's counts
    room = window.screen().availableGeometry()
    assert dialog.width() <= room.width()
    assert dialog.height() <= room.height()
    assert dialog.minimumSizeHint().height() <= room.height()
    close = [b for b in dialog.findChildren(QPushButton) if b.text() == "Close"]
    assert len(close) == 1
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.flows.open_dialog(name)
    (again,) = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: window.controller.runner.running() == 0)
    next(b for b in again.findChildren(QPushButton) if b.text() == "Close").click()
    qtbot.waitUntil(lambda: not again.isVisible())


def test_the_shortcut_sheet_fits_and_closes(qtbot, window: MainWindow) -> None:
    window.show_shortcuts()
    sheet = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "shortcut-sheet")
    qtbot.addWidget(sheet)
    assert window.screen().availableGeometry().contains(QRect(sheet.pos(), sheet.size()))
    text = sheet.findChild(QTextBrowser)
    assert text is not None
    assert "Ctrl+K" in text.toPlainText()
    assert "Apply theme by name" in text.toPlainText()
    qtbot.keyClick(sheet, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not sheet.isVisible())


def test_the_agreement_window_shows_the_overall_row_at_laptop_size(
    qtbot, window: MainWindow, ids
) -> None:
    project = window.controller.project
    assert project is not None
    two_themes(project, ids)
    window.flows.open_dialog("agreement")
    dialog = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "agreement-dialog" and w.isVisible()
    )  # not one closed before
    qtbot.addWidget(dialog)
    assert isinstance(dialog, AgreementDialog)
    assert window.screen().availableGeometry().contains(QRect(dialog.pos(), dialog.size()))
    dialog.bootstrap.setValue(100)
    with qtbot.waitSignal(dialog.computed, timeout=10_000):
        dialog.compute()
    overall = dialog.table.item(0, 0)
    assert overall is not None
    assert overall.text() == "Overall: All themes"
    assert dialog.table.viewport().rect().contains(dialog.table.visualItemRect(overall))
    assert [b for b in dialog.findChildren(QPushButton) if b.text() == "Close"]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_merge_preview_has_room_for_its_rows(qtbot, window: MainWindow) -> None:
    window.flows.open_dialog("merge")
    dialog = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "merge-dialog" and w.isVisible()
    )  # not one closed before
    qtbot.addWidget(dialog)
    assert isinstance(dialog, MergeDialog)
    rows = dialog.table.verticalHeader().defaultSectionSize()
    assert dialog.table.viewport().height() >= 6 * rows
