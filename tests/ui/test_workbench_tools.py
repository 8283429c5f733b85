"""Retrieval, corpus search with autocoding, memos: dialogs and panels over the core calls."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from r2pcoder.frequencies import load_frequencies
from r2pcoder.memo_list import list_memos

from ui.dialogs.result_models import PassageTableModel, SearchHitModel
from ui.dialogs.retrieval_dialog import RetrievalDialog, open_retrieval_dialog
from ui.dialogs.search_dialog import SearchDialog, open_search_dialog
from ui.main_window import MainWindow
from ui.memo_panel import MemoListModel
from ui.theme_picker import ThemeListModel


def theme_id(window: MainWindow, key: str) -> int:
    return next(t.id for t in window.controller.themes() if t.key == key)


def code(window: MainWindow, doc: int, start: int, end: int, key: str) -> None:
    window.open_document(doc)
    window.pane.select(start, end)
    assert window.apply_theme(theme_id(window, key)) is not None


def retrieval(qtbot, window: MainWindow) -> RetrievalDialog:
    dialog = open_retrieval_dialog(window, window.controller)
    qtbot.addWidget(dialog)
    return dialog


def test_retrieval_lists_the_passages_and_opens_one(qtbot, window: MainWindow, ids) -> None:
    code(window, ids.documents[0], 36, 46, "prevention")
    code(window, ids.documents[2], 43, 61, "prevention")
    code(window, ids.documents[1], 51, 55, "veto")
    dialog = retrieval(qtbot, window)
    dialog.check_themes([theme_id(window, "prevention")])
    with qtbot.waitSignal(dialog.retrieved, timeout=10_000):
        dialog.run()
    assert [dialog.model.passage(r).quote for r in range(dialog.model.rowCount())] == [
        "Prevention",
        "prevent atrocities",
    ]
    assert "2 passages in 2 statements, from coder Ana" in dialog.summary.text()
    dialog.table.setCurrentIndex(dialog.model.index(1, 0))
    dialog.table.activated.emit(dialog.model.index(1, 0))
    assert window.document_id == ids.documents[2]
    assert window.pane.selection() == (43, 61)


def test_retrieval_filters_by_group_and_copies_and_exports(
    qtbot, window: MainWindow, ids, tmp_path: Path
) -> None:
    code(window, ids.documents[0], 36, 46, "prevention")
    code(window, ids.documents[2], 43, 61, "prevention")
    dialog = retrieval(qtbot, window)
    dialog.check_themes([theme_id(window, "prevention")])
    group = dialog.filters["regional_group"]
    group.setCurrentIndex(group.findData("African"))
    with qtbot.waitSignal(dialog.retrieved, timeout=10_000):
        dialog.run()
    assert dialog.model.rowCount() == 1
    dialog.copy()
    assert QApplication.clipboard().text().splitlines()[1].startswith("Statement of Ghana\tGhana")
    dialog.export_to(tmp_path / "out.csv")
    assert "Prevention" in (tmp_path / "out.csv").read_text("utf-8-sig")


def test_retrieval_without_a_theme_says_so(qtbot, window: MainWindow) -> None:
    dialog = retrieval(qtbot, window)
    assert dialog.run() is None
    assert "at least one theme" in dialog.summary.text()


def search(qtbot, window: MainWindow) -> SearchDialog:
    dialog = open_search_dialog(window, window.controller)
    qtbot.addWidget(dialog)
    return dialog


def test_search_lists_hits_in_context_and_autocodes_the_ticked_ones_as_one_undo(
    qtbot, window: MainWindow, ids
) -> None:
    dialog = search(qtbot, window)
    dialog.text.setText("action")
    with qtbot.waitSignal(dialog.searched, timeout=10_000):
        dialog.run()
    assert dialog.model.rowCount() == 2
    assert "[action]" in str(dialog.model.data(dialog.model.index(0, 3)))
    dialog.model.setData(
        dialog.model.index(1, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
    )
    dialog.theme.setCurrentIndex(dialog.theme.findData(theme_id(window, "veto")))
    with qtbot.waitSignal(dialog.autocoded, timeout=10_000):
        dialog.code_checked()
    assert "Coded 1 passage." in dialog.summary.text()
    project = window.controller.project
    assert project is not None
    ana = window.controller.coder
    assert ana is not None
    (coded,) = project.codings.for_document(ids.documents[0], ana.id)
    assert (coded.start, coded.end) == (104, 110)
    assert window.stack.undoText() == "Code 1 search hit as 'Veto restraint'"
    assert window.codings.model.rowCount() == 1  # the open statement shows it at once
    window.stack.undo()
    assert project.codings.for_document(ids.documents[0], ana.id) == []
    assert window.codings.model.rowCount() == 0
    window.stack.redo()
    assert [c.uuid for c in project.codings.for_document(ids.documents[0], ana.id)] == [coded.uuid]
    with qtbot.waitSignal(dialog.autocoded, timeout=10_000):
        dialog.code_checked()  # the same hit again: skipped, and said why
    assert "Coded 0 passages; skipped 1" in dialog.summary.text()
    box = dialog.findChild(QMessageBox, "autocode-skipped")
    assert box is not None
    assert box.detailedText().endswith("104-110: already coded with this theme over the same span")


def test_a_bad_pattern_is_refused_in_the_dialog(qtbot, window: MainWindow) -> None:
    dialog = search(qtbot, window)
    dialog.text.setText("(unclosed")
    dialog.mode.setCurrentIndex(dialog.mode.findData("regex"))
    job = dialog.run()
    assert job is not None
    qtbot.waitUntil(lambda: "not a valid regular expression" in dialog.summary.text())
    assert dialog.model.rowCount() == 0


def test_statement_and_theme_memos_are_saved_listed_searched_and_undone(
    qtbot, window: MainWindow, ids
) -> None:
    panel = window.memos
    panel.document_memo.setPlainText("Check the date against the record.")
    panel.document_memo.flush()
    veto = theme_id(window, "veto")
    window.codebook.show_theme(veto)
    panel.theme_memo.setPlainText("Includes restraint pledges.")
    panel.theme_memo.flush()
    project = window.controller.project
    ana = window.controller.coder
    assert project is not None
    assert ana is not None
    assert (
        project.memos.document_memo(ids.documents[0], ana.id)
        == "Check the date against the record."
    )
    assert project.memos.theme_memo(veto, ana.id) == "Includes restraint pledges."
    assert panel.model.rowCount() == 2
    panel.search.setText("restraint")
    assert panel.model.rowCount() == 1
    assert panel.model.memo(0).kind == "theme"
    window.stack.undo()
    assert project.memos.theme_memo(veto, ana.id) == ""
    panel.search.clear()
    assert panel.model.rowCount() == 1
    window.open_document(ids.documents[1])
    assert panel.document_memo.toPlainText() == ""
    panel.table.activated.emit(panel.model.index(0, 0))
    assert window.document_id == ids.documents[0]
    assert panel.document_memo.toPlainText() == "Check the date against the record."


def test_new_models_keep_the_qt_contract(qtmodeltester, window: MainWindow, ids) -> None:
    code(window, ids.documents[0], 36, 46, "prevention")
    themes = ThemeListModel(window)
    themes.set_themes(window.controller.themes())
    qtmodeltester.check(themes)
    project = window.controller.project
    assert project is not None
    project.memos.set_document_memo(ids.documents[0], "A note", ids.coders[0])
    memos = MemoListModel(window)
    memos.set_memos(list_memos(project, ids.coders[0]))
    qtmodeltester.check(memos)
    from r2pcoder.corpus_search import SearchQuery, search_corpus  # noqa: PLC0415
    from r2pcoder.retrieval import RetrievalQuery, retrieve  # noqa: PLC0415

    passages = PassageTableModel(window)
    passages.set_passages(
        retrieve(project, RetrievalQuery((theme_id(window, "prevention"),))).passages
    )
    qtmodeltester.check(passages)
    hits = SearchHitModel(window)
    hits.set_hits(search_corpus(project, SearchQuery("the")).hits)
    qtmodeltester.check(hits)
    counts = window.codebook.model
    counts.set_counts(load_frequencies(project, ids.coders[0]), ids.documents[0])
    qtmodeltester.check(counts)


def test_undoing_a_statement_memo_opens_that_statement_and_says_so(
    qtbot, window: MainWindow, ids
) -> None:
    window.memos.document_memo.setPlainText("First reading.")
    window.memos.document_memo.flush()
    window.open_document(ids.documents[2])
    window.stack.undo()
    assert window.document_id == ids.documents[0]
    assert window.memos.document_memo.toPlainText() == ""
    assert window.statusBar().currentMessage() == "Undone: Edit memo on 'Statement of Ghana'."
    window.stack.redo()
    assert window.memos.document_memo.toPlainText() == "First reading."
