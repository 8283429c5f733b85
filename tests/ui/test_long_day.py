"""The coding window over a long day: undo in view, picker, list place, progress, stale views."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow


def theme_id(window: MainWindow, key: str) -> int:
    return next(t.id for t in window.controller.themes() if t.key == key)


def stance_id(window: MainWindow, key: str) -> int:
    return next(s.id for s in window.controller.stances() if s.key == key)


def activate(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.pane.editor.setFocus()


def test_undo_and_redo_bring_their_statement_into_view(window: MainWindow, ids) -> None:
    second, third = ids.documents[1], ids.documents[2]
    window.open_document(second)
    window.pane.select(0, 11)  # "Sovereignty"
    coding = window.apply_theme(theme_id(window, "veto"))
    assert coding is not None
    window.apply_stance(stance_id(window, "opposes"))
    window.open_document(third)
    window.stack.undo()  # the stance, in the statement no longer shown
    assert window.document_id == second
    assert window.codings.current_uuid() == coding.uuid
    current = window.codings.current()
    assert current is not None
    assert current.stance_id is None
    assert window.statusBar().currentMessage() == "Undone: Set stance 'Opposes'."
    window.open_document(third)
    window.stack.undo()  # the coding itself
    assert window.document_id == second
    assert window.codings.model.rowCount() == 0
    assert window.statusBar().currentMessage() == "Undone: Code 'Veto restraint'."
    window.open_document(third)
    window.stack.redo()
    assert window.document_id == second
    assert window.codings.current_uuid() == coding.uuid
    assert window.statusBar().currentMessage().startswith("Redone: Code")


def test_the_picker_codes_a_sub_theme_in_three_keys_then_the_stance_key_works(
    qtbot, window: MainWindow, ids
) -> None:
    activate(qtbot, window)
    window.pane.select(71, 84)  # "Early warning"
    qtbot.keyClick(window.pane.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.picker.isVisible)
    qtbot.keyClicks(window.picker.edit, "warn")
    qtbot.keyClick(window.picker.edit, Qt.Key.Key_Return)
    assert not window.picker.isVisible()
    qtbot.waitUntil(window.pane.editor.hasFocus)
    qtbot.keyClick(window.pane.editor, Qt.Key.Key_2)
    (coding,) = window.codings.model.codings_by_uuid(window.codings.model.uuids())
    assert coding.theme_id == theme_id(window, "early_warning")
    assert coding.stance_id == stance_id(window, "neutral")


def test_the_picker_moves_with_arrows_and_ranks_by_name(qtbot, window: MainWindow) -> None:
    window.open_picker()
    qtbot.keyClicks(window.picker.edit, "ve")
    assert window.picker.model.theme(0).key == "veto"
    qtbot.keyClick(window.picker.edit, Qt.Key.Key_Down)
    assert window.picker.list.currentIndex().row() == 1
    qtbot.keyClick(window.picker.edit, Qt.Key.Key_Escape)
    assert not window.picker.isVisible()


def test_the_theme_filter_takes_enter_and_gives_the_keys_back_to_the_text(
    qtbot, window: MainWindow, ids
) -> None:
    activate(qtbot, window)
    window.pane.select(36, 46)
    window.codebook.search.setFocus()
    qtbot.keyClicks(window.codebook.search, "veto")
    qtbot.keyClick(window.codebook.search, Qt.Key.Key_Return)
    qtbot.waitUntil(window.pane.editor.hasFocus)
    qtbot.keyClick(window.pane.editor, Qt.Key.Key_3)
    assert window.codebook.search.text() == "veto"  # the stance key was not typed into it
    (coding,) = window.codings.model.codings_by_uuid(window.codings.model.uuids())
    assert (coding.theme_id, coding.stance_id) == (
        theme_id(window, "veto"),
        stance_id(window, "opposes"),
    )


def test_the_list_keeps_its_statement_after_a_coder_switch(window: MainWindow, ids) -> None:
    window.open_document(ids.documents[1])
    assert window.guard(window.controller.set_coder, "Ben")
    assert window.document_id == ids.documents[1]
    assert window.docs.current_id() == ids.documents[1]
    window.step_document(1)
    assert window.document_id == ids.documents[2]


def test_progress_shows_in_the_first_column_the_header_and_on_ctrl_d(
    window: MainWindow, ids
) -> None:
    model = window.docs.model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None
    assert window.docs.totals.text().startswith("<b>0 of 3 done</b>")
    window.toggle_done()
    assert window.docs.totals.text().startswith("<b>1 of 3 done</b>")
    assert "'Statement of Ghana' marked done (1 of 3 done" in window.statusBar().currentMessage()


def test_no_coding_chosen_leaves_the_coding_editor_empty(window: MainWindow, ids) -> None:
    window.pane.select(3, 10)
    assert window.apply_theme(theme_id(window, "veto")) is not None
    window.open_document(ids.documents[1])
    assert window.codings.theme_combo.currentIndex() == -1
    assert window.codings.stance_combo.currentIndex() == -1
    assert not window.codings.theme_combo.isEnabled()


def test_the_detail_pane_follows_the_chosen_theme_not_the_mouse(window: MainWindow) -> None:
    tree = window.codebook.tree
    veto = window.codebook.proxy.mapFromSource(
        window.codebook.model.index_of(theme_id(window, "veto"))
    )
    tree.setCurrentIndex(veto)
    tree.entered.emit(window.codebook.proxy.index(0, 0))  # the mouse passes over Prevention
    assert "Veto restraint" in window.codebook.detail.toPlainText()


def test_code_counts_follow_every_coding_action(window: MainWindow, ids) -> None:
    model = window.codebook.model
    veto = model.index_of(theme_id(window, "veto"))
    window.pane.select(3, 10)
    window.apply_theme(theme_id(window, "veto"))
    window.pane.select(15, 18)
    window.apply_theme(theme_id(window, "veto"))
    assert model.data(veto.siblingAtColumn(2)) == "2"
    assert model.data(veto.siblingAtColumn(3)) == "2 (1)"
    window.open_document(ids.documents[1])
    window.pane.select(51, 55)
    window.apply_theme(theme_id(window, "veto"))
    assert model.data(veto.siblingAtColumn(2)) == "1"
    assert model.data(veto.siblingAtColumn(3)) == "3 (2)"
    window.stack.undo()
    assert model.data(veto.siblingAtColumn(3)) == "2 (1)"


def test_stripes_stand_side_by_side_for_overlapping_codings(window: MainWindow) -> None:
    window.pane.select(36, 70)
    outer = window.apply_theme(theme_id(window, "prevention"))
    window.pane.select(36, 46)
    inner = window.apply_theme(theme_id(window, "veto"))
    window.apply_stance(stance_id(window, "supports"))
    assert outer is not None
    assert inner is not None
    stripes = window.pane.editor.stripes
    assert stripes.lane_count == 2
    assert {stripes.lane_of(outer.uuid), stripes.lane_of(inner.uuid)} == {0, 1}
    stripes.repaint()
    a, b = stripes.bar_rect(outer.uuid), stripes.bar_rect(inner.uuid)
    assert a is not None
    assert b is not None
    assert not a.intersects(b)  # side by side, neither hidden
    assert stripes.isVisible()
    assert window.pane.editor.viewportMargins().left() >= stripes.width()


def test_clicking_a_stripe_makes_its_coding_current(qtbot, window: MainWindow) -> None:
    window.pane.select(3, 10)
    first = window.apply_theme(theme_id(window, "veto"))
    window.pane.select(36, 46)
    second = window.apply_theme(theme_id(window, "prevention"))
    assert first is not None
    assert second is not None
    assert window.codings.current_uuid() == second.uuid
    stripes = window.pane.editor.stripes
    stripes.repaint()
    rect = stripes.bar_rect(first.uuid)
    assert rect is not None
    qtbot.mouseClick(stripes, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert window.codings.current_uuid() == first.uuid


def test_other_coders_codings_show_read_only_without_switching_coder(
    window: MainWindow, ids
) -> None:
    project = window.controller.project
    assert project is not None
    from r2pcoder.coding import CodingRequest  # noqa: PLC0415

    veto = theme_id(window, "veto")
    ben = project.codings.apply(CodingRequest(ids.documents[0], ids.coders[1], veto, 3, 10))
    window.open_document(ids.documents[0])
    assert window.pane.others == []
    window.actions_.others.trigger()
    assert [c.uuid for c in window.pane.others] == [ben.uuid]
    assert window.coder_button.text() == "Ana"
    assert window.codings.model.rowCount() == 0  # Ana's list stays Ana's
    assert "Showing 1 codings of Ben (read-only)." in window.statusBar().currentMessage()
    window.actions_.others.trigger()
    assert window.pane.others == []


def test_a_wide_window_caps_the_text_at_about_a_hundred_characters(window: MainWindow) -> None:
    window.resize(1900, 1000)
    editor = window.pane.editor
    editor.relayout()
    width = editor.viewport().width()
    assert (
        width
        <= 104 * editor.fontMetrics().averageCharWidth() + 2 * editor.document().documentMargin()
    )
    window.zoom(4)
    assert editor.viewport().width() > width  # the cap follows the zoom


def test_an_empty_project_says_what_to_do_and_the_guide_can_be_dismissed(
    window: MainWindow, tmp_path
) -> None:
    window.controller.new_project(tmp_path / "new.r2p")
    assert window.empty.isVisible()
    assert window.empty.import_button.isVisible()
    assert window.empty.codebook_button.isVisible()
    assert "This project is empty" in window.empty.message.text()
    assert window.guide.isVisible()
    dismiss = window.guide.findChild(type(window.empty.import_button), "guide-dismiss")
    assert dismiss is not None
    dismiss.click()
    assert not window.guide.isVisible()
    assert window.settings.value("ui/guide_dismissed", False, type=bool)


def test_a_theme_clicked_in_the_codebook_gives_the_keys_back_to_the_text(
    qtbot, window: MainWindow
) -> None:
    activate(qtbot, window)
    window.pane.select(3, 10)
    window.codebook.search.setFocus()
    qtbot.keyClicks(window.codebook.search, "veto")
    tree = window.codebook.tree
    veto = window.codebook.proxy.mapFromSource(
        window.codebook.model.index_of(theme_id(window, "veto"))
    )
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(veto).center())
    qtbot.waitUntil(window.pane.editor.hasFocus)
    qtbot.keyClick(window.pane.editor, Qt.Key.Key_1)
    assert window.codebook.search.text() == "veto"
    current = window.codings.current()
    assert current is not None
    assert current.stance_id == stance_id(window, "supports")


def test_a_stance_key_in_the_theme_filter_sets_the_stance_unless_a_theme_has_it(
    qtbot, window: MainWindow
) -> None:
    activate(qtbot, window)
    window.pane.select(3, 10)
    window.codebook.search.setFocus()
    qtbot.keyClicks(window.codebook.search, "veto")
    qtbot.keyClick(window.codebook.search, Qt.Key.Key_Return)  # codes "support" as Veto
    window.codebook.search.clear()
    window.codebook.search.setFocus()
    qtbot.keyClicks(window.codebook.search, "restraint")
    qtbot.keyClick(window.codebook.search, Qt.Key.Key_1)  # no theme matches "restraint1"
    assert window.codebook.search.text() == "restraint"
    current = window.codings.current()
    assert current is not None
    assert current.stance_id == stance_id(window, "supports")
    qtbot.waitUntil(window.pane.editor.hasFocus)


def test_a_missing_regional_group_shows_as_a_dash(window: MainWindow) -> None:
    from r2pcoder.changes import Changes  # noqa: PLC0415
    from r2pcoder.metadata import DocumentMeta  # noqa: PLC0415

    project = window.controller.project
    assert project is not None
    doc = project.documents.add_text("Prevention matters.\n", DocumentMeta(title="Unknown"))
    window.controller.changed.emit(Changes(documents=True))
    model = window.docs.model
    row = model.row_of(doc.id)
    assert model.data(model.index(row, 2)) == "\N{EM DASH}"
    assert "\N{EM DASH}" in [
        window.docs.filters["group"].itemText(i)
        for i in range(window.docs.filters["group"].count())
    ]


def test_a_large_projects_counts_load_in_the_background_and_catch_up(
    qtbot, window: MainWindow, ids, monkeypatch
) -> None:
    from ui import code_counts  # noqa: PLC0415

    monkeypatch.setattr(code_counts, "COUNT_AT_ONCE", -1)  # every project counts as large
    veto = theme_id(window, "veto")
    model = window.codebook.model
    with qtbot.waitSignal(window.controller.frequencies_changed, timeout=10_000):
        code_counts.load(window.controller)
        assert window.controller.frequencies is None  # loading on a worker
        window.pane.select(3, 10)  # a coding made while the counts load is not lost
        window.apply_theme(veto)
    qtbot.waitUntil(lambda: window.controller.frequencies is not None)
    qtbot.waitUntil(lambda: model.data(model.index_of(veto).siblingAtColumn(3)) == "1 (1)")


def test_opening_a_large_project_counts_the_coders_codes_once(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    from ui import code_counts  # noqa: PLC0415

    monkeypatch.setattr(code_counts, "COUNT_AT_ONCE", -1)  # every project counts as large
    controller = window.controller
    runner, started = controller.runner, []
    start = runner.start

    def recorded(fn, *, name: str, writes: bool):
        started.append(name)
        return start(fn, name=name, writes=writes)

    monkeypatch.setattr(runner, "start", recorded)
    assert controller.project is not None
    assert controller.coder is not None
    controller.open_project(controller.project.path)
    qtbot.waitUntil(lambda: controller.frequencies is not None)
    assert started.count("code counts") == 1
