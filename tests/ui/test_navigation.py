from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from ui.actions import shortcut_sheet_html
from ui.main_window import MainWindow


def theme_id(window: MainWindow, key: str) -> int:
    return next(t.id for t in window.controller.themes() if t.key == key)


def test_next_and_previous_statement_follow_the_list(window: MainWindow, ids) -> None:
    window.step_document(1)
    assert window.document_id == ids.documents[1]
    window.step_document(1)
    assert window.document_id == ids.documents[2]
    window.step_document(1)  # already at the last one
    assert window.document_id == ids.documents[2]
    window.step_document(-2)
    assert window.document_id == ids.documents[0]


def test_next_and_previous_coding_move_through_the_text(window: MainWindow) -> None:
    window.pane.select(36, 46)
    second = window.apply_theme(theme_id(window, "prevention"))
    window.pane.select(3, 10)
    first = window.apply_theme(theme_id(window, "veto"))
    assert first
    assert second
    window.step_coding(1)
    assert window.codings.current_uuid() == second.uuid
    window.step_coding(-1)
    assert window.codings.current_uuid() == first.uuid
    assert window.pane.focused == first.uuid
    assert window.pane.editor.outline_rects()


def test_mark_done_changes_this_coders_status(window: MainWindow, ids) -> None:
    model = window.docs.model
    assert model.status(ids.documents[0]) == ("not started", 0)
    window.pane.select(3, 10)
    window.apply_theme(theme_id(window, "veto"))
    assert model.status(ids.documents[0]) == ("in progress", 1)
    window.toggle_done()
    assert model.status(ids.documents[0]) == ("done", 1)
    window.toggle_done()
    assert model.status(ids.documents[0]) == ("in progress", 1)


def test_find_highlights_every_match_and_steps_through_them(window: MainWindow, ids) -> None:
    window.pane.open_find()
    window.pane.find_edit.setText("early")
    assert len(window.pane.extra_formats("find")) == 2  # "Early warning ... early action"
    assert window.pane.find_label.text() == "1 of 2"
    window.pane.find_step(1)
    assert window.pane.find_label.text() == "2 of 2"
    assert window.pane.selection() is not None
    window.pane.close_find()
    assert window.pane.extra_formats("find") == []


def test_zoom_in_and_out_changes_the_text_size_and_is_remembered(
    qtbot, window: MainWindow, settings, tmp_path: Path
) -> None:
    size = window.pane.editor.font().pointSizeF()
    window.zoom(2)
    assert window.pane.editor.font().pointSizeF() > size
    window.zoom(-1)
    window.close()
    assert settings.value("view/zoom", type=int) == 1


def test_switching_coder_shows_only_that_coders_codings(window: MainWindow) -> None:
    window.pane.select(3, 10)
    window.apply_theme(theme_id(window, "veto"))
    assert window.codings.model.rowCount() == 1
    window.controller.set_coder("Ben")
    assert window.coder_button.text() == "Ben"
    assert window.codings.model.rowCount() == 0
    assert window.pane.highlighter.index.at(5) == []
    window.controller.set_coder("Ana")
    assert window.codings.model.rowCount() == 1


def test_every_action_is_reachable_from_the_keyboard_and_listed_in_the_sheet(
    window: MainWindow,
) -> None:
    named = {a.text().replace("&", "").strip(): a for a in window.actions_.all}
    for label in (
        "Undo",
        "Find in statement",
        "Next statement",
        "Mark statement done",
        "Zoom in",
        "Keyboard shortcuts",
        "Import documents…",
        "Prevention",
    ):
        key = next(k for k in named if k.startswith(label))
        assert not named[key].shortcut().isEmpty(), label
    sheet = shortcut_sheet_html(window.actions_.all)
    assert "Next statement" in sheet
    assert "<b>P</b>" in sheet
    assert all(a.toolTip() for a in window.actions_.all)


def test_escape_in_the_find_box_closes_the_find_bar(qtbot, window: MainWindow) -> None:
    window.pane.open_find()
    window.pane.find_edit.setText("veto")
    qtbot.keyClick(window.pane.find_edit, Qt.Key.Key_Escape)
    assert window.pane.find_bar.isHidden()
    assert window.pane.extra_formats("find") == []


def test_the_focus_keys_move_the_keyboard_to_each_part_of_the_window(window: MainWindow) -> None:
    by_key = {a.shortcut().toString(): a for a in window.actions_.all}
    expected = {
        "Alt+1": window.pane.editor,
        "Alt+2": window.docs.table,
        "Alt+3": window.codebook.tree,
        "Alt+4": window.codings.table,
        "Alt+5": window.memos.document_memo,
        "Ctrl+Shift+F": window.docs.search,
        "Ctrl+T": window.codebook.search,
    }
    for key, widget in expected.items():
        by_key[key].trigger()
        assert window.focusWidget() is widget, key
    assert window.dock_widgets["memos"].isVisible()
