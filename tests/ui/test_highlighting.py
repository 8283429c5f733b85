from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat
from PySide6.QtWidgets import QApplication, QToolTip

from r2pcoder.metadata import DocumentMeta
from r2pcoder.textnorm import OffsetMap

from ui.highlight import OVERLAP_PROPERTY, tint
from ui.main_window import MainWindow

MEXICO = "Sovereignty is responsibility 😀, not a shield.\nThe veto must not block action.\n"


def theme(window: MainWindow, key: str):
    return next(t for t in window.controller.themes() if t.key == key)


def formats_of_block(window: MainWindow, number: int) -> list[tuple[int, int, QTextCharFormat]]:
    block = window.pane.editor.document().findBlockByNumber(number)
    return [(r.start, r.length, QTextCharFormat(r.format)) for r in block.layout().formats()]


def test_a_single_coding_is_painted_in_its_theme_colour(window: MainWindow) -> None:
    prevention = theme(window, "prevention")
    window.pane.select(36, 46)
    window.apply_theme(prevention.id)
    ((start, length, fmt),) = formats_of_block(window, 1)
    assert (start, length) == (0, 10)
    assert fmt.background().color() == tint(QColor(prevention.color), 0.45)
    assert fmt.property(OVERLAP_PROPERTY) == 1
    assert not fmt.fontUnderline()


def test_overlapping_codings_get_a_distinct_underlined_blend(window: MainWindow) -> None:
    prevention, veto = theme(window, "prevention"), theme(window, "veto")
    window.pane.select(36, 46)  # "Prevention"
    window.apply_theme(prevention.id)
    window.pane.snap_words = False
    window.pane.select(39, 53)  # "vention is the"
    window.apply_theme(veto.id)
    ranges = formats_of_block(window, 1)
    assert [(s, n, f.property(OVERLAP_PROPERTY)) for s, n, f in ranges] == [
        (0, 3, 1),
        (3, 7, 2),
        (10, 7, 1),
    ]
    only_prevention, both, only_veto = (f for _, _, f in ranges)
    assert both.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline
    assert only_prevention.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    colours = {f.background().color().name() for f in (only_prevention, both, only_veto)}
    assert len(colours) == 3  # neither colour is painted over the other
    assert only_veto.background().color() == tint(QColor(veto.color), 0.45)


def test_highlights_never_modify_the_document(window: MainWindow) -> None:
    window.pane.select(36, 46)
    window.apply_theme(theme(window, "prevention").id)
    document = window.pane.editor.document()
    assert not document.isModified()
    assert not document.isUndoAvailable()


def test_emoji_statement_codes_and_paints_exact_code_points(window: MainWindow, ids) -> None:
    window.open_document(ids.documents[1])
    start = MEXICO.index("not a shield")
    window.pane.snap_words = False
    window.pane.select(start, start + len("not a shield"))
    coding = window.apply_theme(theme(window, "veto").id)
    assert coding is not None
    assert MEXICO[coding.start : coding.end] == "not a shield"
    ((u16_start, u16_len, _),) = formats_of_block(window, 0)
    omap = OffsetMap(MEXICO)
    assert (u16_start, u16_len) == (omap.to_utf16(start), len("not a shield"))
    assert u16_start == start + 1  # the emoji takes two UTF-16 units


def test_combining_marks_are_kept_inside_a_coding(window: MainWindow) -> None:
    project = window.controller.project
    assert project is not None
    text = "Le q\u0301uartier 😀 e\u0301tait calme.\n"
    doc = project.documents.add_text(text, DocumentMeta(title="Marks"))
    window.open_document(doc.id)
    word_start = doc.text.index("q")
    window.pane.select(word_start, word_start + 1)  # snapping widens to the whole word
    coding = window.apply_theme(theme(window, "veto").id)
    assert coding is not None
    assert doc.text[coding.start : coding.end] == "q\u0301uartier"


def test_focusing_a_coding_frames_it_without_painting_over_it(window: MainWindow) -> None:
    window.pane.select(36, 46)
    coding = window.apply_theme(theme(window, "prevention").id)
    assert coding is not None
    assert window.pane.focused == coding.uuid
    (frame,) = window.pane.editor.outline_rects()  # one line: one rectangle
    assert frame.width() > 0
    assert window.pane.extra_formats("focus") == []  # no fill over the coding's own colours
    window.codings.table.clearSelection()
    window.pane.focus_coding(None)
    assert window.pane.editor.outline_rects() == []


def test_hovering_a_coding_names_its_theme_and_stance(qtbot, window: MainWindow) -> None:
    window.pane.select(36, 46)
    window.apply_theme(theme(window, "prevention").id)
    window.apply_stance(next(s.id for s in window.controller.stances() if s.key == "supports"))
    editor = window.pane.editor
    cursor = editor.textCursor()
    cursor.setPosition(40)
    point = editor.cursorRect(cursor).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, editor.viewport().mapToGlobal(point))
    QApplication.sendEvent(editor.viewport(), event)
    assert QToolTip.text() == "<b>Prevention</b> - Supports"


def test_the_highlight_of_every_bundled_theme_stands_out_on_white(window: MainWindow) -> None:
    from pathlib import Path  # noqa: PLC0415

    from coloraide import Color  # noqa: PLC0415

    from r2pcoder.codebook import load_codebook  # noqa: PLC0415
    from r2pcoder.textnorm import OffsetMap  # noqa: PLC0415

    highlighter = window.pane.highlighter
    for path in sorted((Path(__file__).resolve().parents[2] / "codebook").glob("*.yaml")):
        themes = [t for t, _, _ in load_codebook(path).walk()]
        highlighter.set_codings(OffsetMap("x" * 10), [(0, 1, t.id, t.color) for t in themes])
        for t in themes:
            shown = highlighter.format_for(frozenset({t.id})).background().color().name()
            assert Color(shown).delta_e(Color("white"), method="2000") >= 16, (t.id, shown)
    window.pane.recolor(window.controller.look)
