from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from r2pcoder.db import Project

from ui.main_window import MainWindow

GHANA = "We support the ACT Code of Conduct.\nPrevention is the best protection."


def theme_id(window: MainWindow, key: str) -> int:
    return next(t.id for t in window.controller.themes() if t.key == key)


def stance_id(window: MainWindow, key: str) -> int:
    return next(s.id for s in window.controller.stances() if s.key == key)


def stored(window: MainWindow, document_id: int):
    project = window.controller.project
    assert project is not None
    assert window.controller.coder is not None
    return project.codings.for_document(document_id, window.controller.coder.id)


def activate(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.pane.editor.setFocus()


def test_opening_shows_the_first_statement_with_its_metadata(window: MainWindow, ids) -> None:
    assert window.document_id == ids.documents[0]
    assert window.pane.editor.toPlainText().startswith("We support the ACT Code of Conduct.")
    assert "Statement of Ghana" in window.pane.header.text()
    assert "African" in window.pane.header.text()
    assert window.coder_button.text() == "Ana"


def test_coding_by_mouse_stores_the_selected_span_with_the_clicked_theme(
    qtbot, window: MainWindow, ids
) -> None:
    window.pane.select(3, 10)  # "support"
    tree = window.codebook.tree
    veto = window.codebook.proxy.mapFromSource(
        window.codebook.model.index_of(theme_id(window, "veto"))
    )
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(veto).center())
    codings = stored(window, ids.documents[0])
    assert [(c.start, c.end, c.theme_id, c.stance_id) for c in codings] == [
        (3, 10, theme_id(window, "veto"), None)
    ]
    assert window.codings.current_uuid() == codings[0].uuid


def test_coding_by_theme_key_then_stance_key(qtbot, window: MainWindow, ids) -> None:
    activate(qtbot, window)
    window.pane.select(36, 46)  # "Prevention"
    qtbot.keyClick(window.pane.editor, Qt.Key.Key_P)
    qtbot.keyClick(window.pane.editor, Qt.Key.Key_1)
    (coding,) = stored(window, ids.documents[0])
    assert GHANA[coding.start : coding.end] == "Prevention"
    assert coding.theme_id == theme_id(window, "prevention")
    assert coding.stance_id == stance_id(window, "supports")
    assert window.codings.model.data(window.codings.model.index(0, 1)) == "Supports"


def test_selection_snaps_to_whole_words(window: MainWindow) -> None:
    window.pane.select(5, 8)  # "ppo" inside "support"
    assert window.pane.selection() == (3, 10)
    window.pane.snap_words = False
    assert window.pane.selection() == (5, 8)


def test_stance_button_and_coding_editor_change_the_current_coding(
    qtbot, window: MainWindow, ids
) -> None:
    window.pane.select(0, 2)
    coding = window.apply_theme(theme_id(window, "prevention"))
    assert coding is not None
    opposes = stance_id(window, "opposes")
    qtbot.mouseClick(window.codebook.stance_buttons[opposes], Qt.MouseButton.LeftButton)
    assert stored(window, ids.documents[0])[0].stance_id == opposes
    combo = window.codings.theme_combo
    combo.setCurrentIndex(combo.findData(theme_id(window, "veto")))
    combo.activated.emit(combo.currentIndex())
    window.codings.memo.setText("check the verb")
    window.codings.memo.setModified(True)  # as typing does
    window.codings.memo.editingFinished.emit()
    (after,) = stored(window, ids.documents[0])
    assert (after.theme_id, after.stance_id, after.memo) == (
        theme_id(window, "veto"),
        opposes,
        "check the verb",
    )
    assert after.uuid == coding.uuid


def test_delete_removes_the_coding_and_undo_brings_it_back(window: MainWindow, ids) -> None:
    window.pane.select(0, 2)
    coding = window.apply_theme(theme_id(window, "veto"))
    assert coding is not None
    window.codings.delete_button.click()
    assert stored(window, ids.documents[0]) == []
    assert window.codings.model.rowCount() == 0
    window.actions_.undo.trigger()
    assert [c.uuid for c in stored(window, ids.documents[0])] == [coding.uuid]


def test_undo_and_redo_every_coding_action_with_labelled_menu_entries(
    window: MainWindow, ids
) -> None:
    window.pane.select(36, 46)
    coding = window.apply_theme(theme_id(window, "prevention"))
    assert coding is not None
    assert window.actions_.undo.text() == "&Undo Code 'Prevention'"
    window.apply_stance(stance_id(window, "neutral"))
    assert window.actions_.undo.text() == "&Undo Set stance 'Neutral'"
    window.actions_.undo.trigger()
    assert stored(window, ids.documents[0])[0].stance_id is None
    window.actions_.undo.trigger()
    assert stored(window, ids.documents[0]) == []
    assert window.actions_.redo.text() == "&Redo Code 'Prevention'"
    window.actions_.redo.trigger()
    window.actions_.redo.trigger()
    (back,) = stored(window, ids.documents[0])
    assert (back.uuid, back.stance_id) == (coding.uuid, stance_id(window, "neutral"))
    assert window.pane.highlighter.index.at(40) != []


def test_a_refused_action_shows_a_plain_message_and_leaves_no_undo_entry(
    window: MainWindow,
) -> None:
    window.pane.select(36, 46)
    assert window.apply_theme(theme_id(window, "veto")) is not None
    count = window.stack.count()
    window.apply_stance(-1)  # an unknown stance id
    assert window.stack.count() == count
    assert window.errors.last_message == "There is no stance with id -1 in this project's codebook."
    assert window.errors.box is not None
    assert window.errors.box.isVisible()


def test_clicking_inside_highlighted_text_lists_every_coding_there(
    qtbot, window: MainWindow, ids
) -> None:
    window.pane.select(36, 46)
    first = window.apply_theme(theme_id(window, "prevention"))
    window.pane.select(36, 70)
    second = window.apply_theme(theme_id(window, "veto"))
    assert first
    assert second
    window.pane.clear_selection()
    editor = window.pane.editor
    cursor = editor.textCursor()
    cursor.setPosition(40)
    point = editor.cursorRect(cursor).center()
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=point)
    rows = window.codings.table.selectionModel().selectedRows()
    assert sorted(str(r.data(Qt.ItemDataRole.UserRole)) for r in rows) == sorted(
        [first.uuid, second.uuid]
    )


def test_marking_done_is_undoable(window: MainWindow, ids) -> None:
    window.toggle_done()
    assert window.docs.model.status(ids.documents[0])[0] == "done"
    assert window.actions_.undo.text() == "&Undo Mark statement done"
    window.actions_.undo.trigger()
    assert window.docs.model.status(ids.documents[0])[0] == "not started"


def test_renaming_a_theme_is_undoable_and_shown_everywhere(window: MainWindow) -> None:
    veto = theme_id(window, "veto")
    window.pane.select(3, 10)
    window.apply_theme(veto)
    window.controller.rename_theme(veto, "Restraint of the veto")
    model = window.codebook.model
    assert model.index_of(veto).data() == "Restraint of the veto"
    rows = window.codings.model
    assert rows.data(rows.index(0, 0)) == "Restraint of the veto"
    assert any(a.text().strip() == "Restraint of the veto" for a in window.actions_.theme_actions)
    assert window.actions_.undo.text() == "&Undo Rename theme to 'Restraint of the veto'"
    window.actions_.undo.trigger()
    assert window.codebook.model.index_of(veto).data() == "Veto restraint"


def test_a_memo_typed_without_enter_is_kept_when_moving_on(qtbot, window: MainWindow, ids) -> None:
    window.pane.select(0, 2)
    first = window.apply_theme(theme_id(window, "veto"))
    window.pane.select(36, 46)
    second = window.apply_theme(theme_id(window, "prevention"))
    assert first
    assert second
    window.codings.select([first.uuid])
    memo = window.codings.memo
    memo.setFocus()
    qtbot.keyClicks(memo, "speaker hedges")
    window.step_coding(1)
    assert window.codings.current_uuid() == second.uuid
    project = window.controller.project
    assert project is not None
    qtbot.waitUntil(lambda: project.codings.get(first.uuid).memo != "")
    assert project.codings.get(first.uuid).memo == "speaker hedges"
    assert window.codings.current_uuid() == second.uuid


def test_a_memo_being_typed_is_saved_when_the_window_closes(qtbot, window: MainWindow, ids) -> None:
    window.pane.select(0, 2)
    coding = window.apply_theme(theme_id(window, "veto"))
    assert coding
    qtbot.keyClicks(window.codings.memo, "unsure")
    assert window.controller.project is not None
    project_path = window.controller.project.path
    window.close()
    with Project(project_path) as project:
        assert project.codings.get(coding.uuid).memo == "unsure"
