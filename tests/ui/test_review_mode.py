"""Review mode: the queue, the lanes, keyboard decisions with undo, progress, resuming."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from tests.core.review_setup import CODER_TABLES, GOLD_TABLES, Built, dump
from tests.ui.review_setup import ACT, enter, review_window

from r2pcoder.db import Project
from r2pcoder.review import Decider

from ui.main_window import MainWindow
from ui.review.mode import ReviewMode


@pytest.fixture
def built(review_master: Built) -> Built:
    return review_master


@pytest.fixture
def window(built: Built, review_win: MainWindow) -> MainWindow:
    return review_win


def rows(mode: ReviewMode) -> list[tuple[str, str, str]]:
    model = mode.page.queue_model
    return [
        tuple(str(model.data(model.index(r, c))) for c in range(3))  # type: ignore[misc]
        for r in range(model.rowCount())
    ]


def gold(path: Path) -> list[tuple[object, ...]]:
    return [tuple(r[1:6]) for r in dump(path, GOLD_TABLES)["gold_codings"]]


def press(qtbot, window: MainWindow, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.review_mode().page.queue, key, modifier)


def test_entering_lists_what_awaits_and_writes_nothing(
    qtbot, window: MainWindow, project_path: Path, built: Built
) -> None:
    before = dump(project_path, CODER_TABLES)
    assert window.controller.coder is None
    mode = enter(qtbot, window)
    assert rows(mode) == [("Ghana", "Veto restraint", "awaiting")]
    assert mode.page.progress.text() == (
        "Awaiting a decision: 1 · decided: 0 · agreed: 2 · single coder: 1"
    )
    assert mode.cell == (built.docs[0], built.themes["veto"])
    assert mode.page.text.toPlainText().startswith(ACT)
    assert not any(d.isVisible() for d in window.dock_widgets.values())
    assert window.controller.coder is None  # the active coder is unchanged: nobody
    assert dump(project_path, CODER_TABLES) == before
    assert dump(project_path, GOLD_TABLES)["gold_decisions"] == []
    assert window.actions_.theme_actions
    assert not any(a.isEnabled() for a in window.actions_.theme_actions)
    window.toggle_review()
    assert not mode.active
    assert window.dock_widgets["documents"].isVisible()
    assert all(a.isEnabled() for a in window.actions_.theme_actions)
    assert dump(project_path, CODER_TABLES) == before


def test_the_lanes_are_labelled_by_coder_with_differences_marked(
    qtbot, window: MainWindow, built: Built
) -> None:
    mode = enter(qtbot, window)
    lanes = mode.page.text.lanes
    assert [g.label for g in lanes.groups] == ["1 Ana", "2 Ben", "3 Cy", "Gold"]
    ana, ben, cy, gold_lane = lanes.groups
    assert [(i.label, i.marks, i.faded) for i in ana.items] == [
        ("Veto restraint", "∅≠", False),
        ("Prevention", "↔", True),
    ]
    assert [i.marks for i in ben.items] == ["∅≠", "↔"]
    assert [i.label for i in cy.items] == ["Prevention"]
    assert gold_lane.items == ()
    assert "Did not code: Veto restraint" in cy.tooltip
    # Aligned with the passage: Ana's veto bar starts on the first line of the text.
    key = ana.items[0].key
    text = mode.page.text
    text.viewport().repaint()
    lanes.repaint()
    rect = lanes.bar_rect(key)
    assert rect is not None
    line = text.cursorRect(text.document().find(ACT)).top() + text.viewport().y() - lanes.y()
    assert abs(rect.top() - line) <= 3
    assert lanes.group_rect(0).right() < lanes.group_rect(1).left()


def test_accepting_by_key_decides_the_cell_and_undo_brings_it_back(
    qtbot, window: MainWindow, project_path: Path, built: Built
) -> None:
    mode = enter(qtbot, window)
    press(qtbot, window, Qt.Key.Key_1)  # Ana's coding
    veto = built.themes["veto"]
    assert gold(project_path) == [(built.docs[0], veto, built.stances["supports"], 0, len(ACT))]
    assert rows(mode) == []
    qtbot.waitUntil(lambda: "decided: 1" in mode.page.progress.text())
    assert "Awaiting a decision: 0" in mode.page.progress.text()
    assert window.stack.undoText() == (
        "Accept Ana's coding of 'Veto restraint' in 'Statement of Ghana'"
    )
    cells = mode.page.cells_model
    assert cells.data(cells.index(cells.row_of(veto), cells.columnCount() - 1)) == "supports"
    assert mode.page.message.text() == (
        "Accept Ana's coding of 'Veto restraint' in 'Statement of Ghana'."
    )
    window.stack.undo()
    assert mode.page.message.text() == (
        "Undone: Accept Ana's coding of 'Veto restraint' in 'Statement of Ghana'."
    )
    assert gold(project_path) == []
    assert rows(mode) == [("Ghana", "Veto restraint", "awaiting")]
    assert mode.cell == (built.docs[0], veto)
    assert mode.page.queue.currentIndex().row() == 0
    qtbot.waitUntil(lambda: "Awaiting a decision: 1" in mode.page.progress.text())
    window.stack.redo()
    assert gold(project_path) == [(built.docs[0], veto, built.stances["supports"], 0, len(ACT))]
    assert mode.cell == (built.docs[0], veto)  # the redone cell is in view


def test_a_packet_refuses_review_mode_with_the_reason(
    qtbot, settings: QSettings, tmp_path: Path, tiny_codebook
) -> None:
    from tests.ui.conftest import make_window  # noqa: PLC0415

    path = tmp_path / "ben.r2p"
    owner = "0b6c3f51-3c3f-4d0e-9d3c-7b3c1f9e2a10"
    with Project.create(path, role="packet", packet_coder_uuid=owner) as packet:
        packet.codebook.load(tiny_codebook)
        packet.coders.add("Ben", uuid=owner)
    window = make_window(qtbot, settings, tmp_path / "data", path)
    assert not window.toggle_review()
    assert "coder's packet: review and adjudication happen in the master" in (
        window.errors.last_message
    )
    assert not window.actions_.review_toggle.isChecked()
    assert window.central_stack.currentIndex() == 0
    window.close()


def test_a_decision_made_elsewhere_shows_on_refresh_and_refuses_a_stale_undo(
    qtbot, window: MainWindow, project_path: Path, built: Built
) -> None:
    mode = enter(qtbot, window)
    press(qtbot, window, Qt.Key.Key_2)  # Ben's coding (neutral)
    veto = built.themes["veto"]
    with Project(project_path) as other:  # the command line, while the window is open
        other.review.mark_absent(built.docs[0], veto, by=Decider("Lena"))
    window.stack.undo()  # the cell changed since: refused, nothing undone
    assert "changed there since" in window.errors.last_message
    qtbot.waitUntil(lambda: window.stack.count() == 0)
    assert gold(project_path) == []  # still absent, as decided elsewhere
    mode.page.status.setCurrentIndex(mode.page.status.findText("Every cell"))
    qtbot.waitUntil(lambda: len(rows(mode)) == 4)
    assert ("Ghana", "Veto restraint", "decided") in rows(mode)


def test_stance_span_add_absent_and_remove_are_keys_each_undone(
    qtbot, window: MainWindow, project_path: Path, built: Built
) -> None:
    mode = enter(qtbot, window)
    doc, veto = built.docs[0], built.themes["veto"]
    supports, opposes = built.stances["supports"], built.stances["opposes"]
    press(qtbot, window, Qt.Key.Key_1)
    mode.page.status.setCurrentIndex(mode.page.status.findText("Every cell"))
    qtbot.waitUntil(lambda: len(rows(mode)) == 4)
    mode.show_cell(doc, veto)
    press(qtbot, window, Qt.Key.Key_S)  # the stance menu, with the codebook's stance keys
    menu = mode.menu
    assert menu is not None
    assert [a.text() for a in menu.actions()] == [
        "&1  Supports",
        "&2  Neutral",
        "&3  Opposes",
        "&0  No stance",
    ]
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, Qt.Key.Key_3)  # the stance's key picks it and closes the menu
    assert gold(project_path) == [(doc, veto, opposes, 0, len(ACT))]
    assert not menu.isVisible()
    mode.select_text(3, 10)  # "support"
    press(qtbot, window, Qt.Key.Key_E)  # the cell's only gold coding takes the selection
    assert gold(project_path) == [(doc, veto, opposes, 3, 10)]
    mode.select_text(0, 2)  # "We"
    press(qtbot, window, Qt.Key.Key_N)
    assert mode.menu is not menu
    assert mode.menu is not None
    qtbot.waitUntil(mode.menu.isVisible)
    qtbot.keyClick(mode.menu, Qt.Key.Key_1)  # supports
    assert gold(project_path) == [(doc, veto, supports, 0, 2), (doc, veto, opposes, 3, 10)]
    assert mode.review is not None
    mode.choose_coding(mode.review.lanes[-1].codings[0].uuid)  # the gold coding "We"
    press(qtbot, window, Qt.Key.Key_Delete)
    assert gold(project_path) == [(doc, veto, opposes, 3, 10)]
    press(qtbot, window, Qt.Key.Key_X)
    assert gold(project_path) == []
    decided = dump(project_path, GOLD_TABLES)["gold_decisions"]
    assert [(d[1], d[2], d[3]) for d in decided] == [(doc, veto, "absent")]
    texts = [window.stack.text(i) for i in range(window.stack.count())]
    assert texts == [
        "Accept Ana's coding of 'Veto restraint' in 'Statement of Ghana'",
        "Set the gold stance 'Opposes' on 'Veto restraint' in 'Statement of Ghana'",
        "Adjust the gold span of 'Veto restraint' in 'Statement of Ghana'",
        "Add a gold coding of 'Veto restraint' in 'Statement of Ghana'",
        "Remove a gold coding of 'Veto restraint' in 'Statement of Ghana'",
        "Mark 'Veto restraint' absent in 'Statement of Ghana'",
    ]
    for expected in (
        [(doc, veto, opposes, 3, 10)],
        [(doc, veto, supports, 0, 2), (doc, veto, opposes, 3, 10)],
        [(doc, veto, opposes, 3, 10)],
        [(doc, veto, opposes, 0, len(ACT))],
        [(doc, veto, supports, 0, len(ACT))],
        [],
    ):
        window.stack.undo()
        assert gold(project_path) == expected
        assert mode.cell == (doc, veto)
    assert dump(project_path, GOLD_TABLES)["gold_decisions"] == []


def test_accept_all_agree_is_refused_where_the_coders_differ_and_resolve_settles_the_rest(
    qtbot, window: MainWindow, project_path: Path, built: Built
) -> None:
    mode = enter(qtbot, window)
    press(qtbot, window, Qt.Key.Key_A)
    assert "do not all agree on 'Veto restraint'" in mode.page.message.text()
    assert window.stack.count() == 0
    press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)  # every agreed cell
    decided = dump(project_path, GOLD_TABLES)["gold_decisions"]
    assert [(d[2], d[3]) for d in decided] == [(built.themes["prevention"], "coded")]
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    decided = dump(project_path, GOLD_TABLES)["gold_decisions"]
    assert sorted((d[2], d[3]) for d in decided) == [
        (built.themes["prevention"], "coded"),
        (built.themes["veto"], "resolved"),
    ]
    assert rows(mode) == []
    qtbot.waitUntil(lambda: "decided: 2" in mode.page.progress.text())
    assert mode.page.bar.value() == 2
    assert mode.page.bar.maximum() == 2


def test_withdrawing_and_keeping_a_decision(
    qtbot, window: MainWindow, project_path: Path, built: Built
) -> None:
    import sqlite3  # noqa: PLC0415

    mode = enter(qtbot, window)
    press(qtbot, window, Qt.Key.Key_2)
    conn = sqlite3.connect(project_path)  # as a merge flags it (see r2pcoder.review.reopen)
    conn.execute(
        "UPDATE gold_decisions SET reopened_at = '2026-01-02 03:04:05.000000', "
        "reopened_reason = 'a merge changed the codings of Cy here'"
    )
    conn.commit()
    conn.close()
    window.stack.clear()
    mode.refresh()
    qtbot.waitUntil(lambda: rows(mode) == [("Ghana", "Veto restraint", "re-opened")])
    cells = mode.page.cells_model
    assert "re-opened" in str(cells.data(cells.index(1, cells.columnCount() - 1)))
    press(qtbot, window, Qt.Key.Key_K)
    assert rows(mode) == []
    window.stack.undo()
    assert rows(mode) == [("Ghana", "Veto restraint", "re-opened")]
    press(qtbot, window, Qt.Key.Key_W)  # withdraw: back to awaiting, gold emptied
    assert rows(mode) == [("Ghana", "Veto restraint", "awaiting")]
    assert gold(project_path) == []


def test_filters_narrow_the_queue(qtbot, window: MainWindow, built: Built) -> None:
    mode = enter(qtbot, window)
    page = mode.page
    page.status.setCurrentIndex(page.status.findText("Every cell"))
    qtbot.waitUntil(lambda: len(rows(mode)) == 4)
    page.theme.setCurrentIndex(page.theme.findData("prevention"))
    qtbot.waitUntil(lambda: len(rows(mode)) == 2)
    assert [r[2] for r in rows(mode)] == ["agreed", "single coder"]
    page.kind.setCurrentIndex(page.kind.findData("span_differs"))
    qtbot.waitUntil(lambda: len(rows(mode)) == 1)
    page.kind.setCurrentIndex(0)
    page.group.setCurrentIndex(page.group.findData("Western European and Others"))
    qtbot.waitUntil(lambda: rows(mode) == [("Denmark", "Prevention", "single coder")])
    page.theme.setCurrentIndex(0)
    page.group.setCurrentIndex(0)
    page.coder.setCurrentIndex(page.coder.findData("Cy"))
    qtbot.waitUntil(lambda: len(rows(mode)) == 2)
    assert {r[0] for r in rows(mode)} == {"Ghana"}
    assert page.queue_count.text() == "2 cells listed"


def test_next_and_previous_cell_and_statement(qtbot, window: MainWindow, built: Built) -> None:
    mode = enter(qtbot, window)
    mode.page.status.setCurrentIndex(mode.page.status.findText("Every cell"))
    qtbot.waitUntil(lambda: len(rows(mode)) == 4)
    mode.page.select_queue_row(0)
    press(qtbot, window, Qt.Key.Key_F8)
    assert mode.cell == (built.docs[0], built.themes["veto"])
    press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert mode.cell == (built.docs[1], built.themes["veto"])
    assert mode.review is not None
    assert mode.review.title == "Statement of Mexico"
    press(qtbot, window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert mode.cell == (built.docs[0], built.themes["prevention"])
    press(qtbot, window, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert mode.cell == (built.docs[0], built.themes["prevention"])


def test_review_resumes_where_it_stopped_after_closing(
    qtbot, settings: QSettings, project_path: Path, tmp_path: Path, built: Built
) -> None:
    first = review_window(qtbot, settings, project_path, tmp_path / "data")
    mode = enter(qtbot, first)
    mode.page.status.setCurrentIndex(mode.page.status.findText("Every cell"))
    qtbot.waitUntil(lambda: len(rows(mode)) == 4)
    mode.page.select_queue_row(2)  # Mexico, veto
    first.close()
    again = review_window(qtbot, settings, project_path, tmp_path / "data")
    qtbot.waitUntil(lambda: again.review is not None and again.review.active)
    resumed = again.review_mode()
    assert again.dock_widgets["documents"].isVisible() is False
    qtbot.waitUntil(lambda: resumed.loading is None and resumed.status is not None)
    assert resumed.page.status.currentText() == "Every cell"  # the filters are kept too
    assert len(rows(resumed)) == 4
    assert resumed.cell == (built.docs[1], built.themes["veto"])
    resumed.page.status.setCurrentIndex(0)  # awaiting: Mexico's cell is not listed
    qtbot.waitUntil(lambda: len(rows(resumed)) == 1)
    again.toggle_review()
    again.close()
    last = review_window(qtbot, settings, project_path, tmp_path / "data")
    assert last.review is None or not last.review.active  # left before closing: stays off
    assert last.dock_widgets["documents"].isVisible()
    last.close()


def test_review_mode_fits_a_laptop_screen_with_its_controls_in_view(
    qtbot, window: MainWindow
) -> None:
    from tests.ui.test_window_fit import inside  # noqa: PLC0415

    mode = enter(qtbot, window)
    page = mode.page
    assert window.screen().availableGeometry().contains(window.frameGeometry())
    for widget in (
        page.queue,
        page.text,
        page.cells,
        page.leave_button,
        page.auto_button,
        page.progress,
        page.bar,
        page.status,
        page.kind,
        page.hint,
    ):
        assert widget.isVisible(), widget.objectName()
        assert inside(widget, window), widget.objectName()
    assert page.text.viewport().width() >= 400
    assert page.queue.viewport().height() >= 5 * page.queue.verticalHeader().defaultSectionSize()
    size = page.text.font().pointSizeF()
    window.zoom(2)
    assert page.text.font().pointSizeF() > size
    window.zoom(None)
    assert page.text.font().pointSizeF() == size
