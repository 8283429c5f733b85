from __future__ import annotations

from PySide6.QtCore import Qt

from r2pcoder.documents import DocumentSummary
from r2pcoder.metadata import DocumentMeta

from ui.codebook_model import CodebookModel, ThemeFilterProxy
from ui.coding_list import CodingListModel
from ui.document_list import DocumentFilterProxy, DocumentTableModel
from ui.main_window import MainWindow


def test_codebook_model_contract(qtmodeltester, project) -> None:
    model = CodebookModel(project.codebook.themes())
    qtmodeltester.check(model)
    proxy = ThemeFilterProxy(model)
    proxy.set_search("warning")
    qtmodeltester.check(proxy)


def test_document_models_contract(qtmodeltester, project) -> None:
    model = DocumentTableModel()
    model.set_documents(project.documents.list(), {})
    qtmodeltester.check(model)
    proxy = DocumentFilterProxy(model)
    proxy.set_filter("speaker", "Ghana")
    qtmodeltester.check(proxy)


def test_coding_list_model_contract(qtmodeltester, window: MainWindow) -> None:
    veto = next(t.id for t in window.controller.themes() if t.key == "veto")
    window.pane.select(3, 10)
    window.apply_theme(veto)
    model = CodingListModel(window)
    doc = window.pane.document
    assert doc is not None
    model.set_codings(window.controller.codings(doc.id), doc.text, window.controller.look)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 2)) == "support"


def test_theme_search_keeps_parents_of_matching_children(window: MainWindow) -> None:
    window.codebook.search.setText("early warn")
    proxy = window.codebook.proxy
    assert proxy.rowCount() == 1
    parent = proxy.index(0, 0)
    assert parent.data() == "Prevention"
    assert proxy.index(0, 0, parent).data() == "Early warning"


def test_document_search_and_filters_narrow_the_list(window: MainWindow, ids) -> None:
    docs = window.docs
    assert docs.visible_ids() == list(ids.documents)
    docs.search.setText("mexico")
    assert docs.visible_ids() == [ids.documents[1]]
    docs.search.clear()
    speaker = docs.filters["speaker"]
    speaker.setCurrentIndex(speaker.findText("Denmark (for Nordic countries)"))
    assert docs.visible_ids() == [ids.documents[2]]
    speaker.setCurrentIndex(0)
    group = docs.filters["group"]
    group.setCurrentIndex(group.findText("African"))
    assert docs.visible_ids() == [ids.documents[0]]
    group.setCurrentIndex(0)
    status = docs.filters["status"]
    assert status.findText("not started") > 0
    window.pane.select(3, 10)
    window.apply_theme(next(t.id for t in window.controller.themes() if t.key == "veto"))
    window.docs.set_documents(window.controller.documents(), window.controller.statuses())
    status.setCurrentIndex(status.findText("in progress"))
    assert docs.visible_ids() == [ids.documents[0]]


def test_document_table_shows_status_and_count_columns() -> None:
    model = DocumentTableModel()
    meta = DocumentMeta(title="A", speaker="Chile", regional_group="GRULAC")
    model.set_documents([DocumentSummary(7, "u", "s", 10, meta, "")], {7: ("in progress", 3)})
    assert [model.data(model.index(0, c)) for c in (0, 1, 2, 6, 7)] == [
        "A",
        "Chile",
        "GRULAC",
        "in progress",
        3,
    ]


def test_stance_buttons_show_their_key_and_colour(window: MainWindow) -> None:
    buttons = window.codebook.stance_buttons
    texts = [b.text() for b in buttons.values()]
    assert texts == ["1  Supports", "2  Neutral", "3  Opposes"]
    supports = next(s for s in window.controller.stances() if s.key == "supports")
    assert "#1b7837" in buttons[supports.id].styleSheet()


def test_theme_tooltip_and_detail_pane_show_the_definition(window: MainWindow) -> None:
    model = window.codebook.model
    veto = next(t for t in window.controller.themes() if t.key == "veto")
    index = model.index_of(veto.id)
    assert "Veto restraint" in str(model.data(index, Qt.ItemDataRole.ToolTipRole))
    assert model.data(index.siblingAtColumn(1)) == "V"
    window.pane.clear_selection()
    window.apply_theme(veto.id)  # nothing selected: shows the theme instead of coding
    assert "Veto restraint" in window.codebook.detail.toPlainText()
    assert window.codings.model.rowCount() == 0
