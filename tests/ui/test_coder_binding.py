"""The user's own coder row: made by their first coding, done mark or memo, never by opening."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.ui.conftest import make_window

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project

from ui.main_window import MainWindow


def _names(path: Path) -> list[str]:
    with Project(path) as project:
        return [c.name for c in project.coders.list()]


def _theme(window: MainWindow, key: str) -> int:
    return next(t.id for t in window.controller.themes() if t.key == key)


@pytest.fixture
def lena(settings: QSettings) -> QSettings:
    settings.setValue("coder/name", "Lena")
    return settings


def test_opening_a_project_adds_no_coder_until_the_first_coding(
    qtbot, lena: QSettings, project_path: Path, tmp_path: Path, ids
) -> None:
    window = make_window(qtbot, lena, tmp_path / "data", project_path)
    assert window.controller.coder is None
    assert window.coder_button.text() == "Lena"
    assert "Lena" in window.windowTitle()
    assert not window.controller.needs_name()
    assert _names(project_path) == ["Ana", "Ben"]
    window.pane.select(3, 10)
    coding = window.apply_theme(_theme(window, "veto"))
    assert coding is not None
    coder = window.controller.require_coder()  # made by the coding: no new row here
    assert coder.name == "Lena"
    assert coding.coder_id == coder.id
    assert _names(project_path) == ["Ana", "Ben", "Lena"]
    assert window.controller.look.coders[coder.id] == "Lena"
    window.close()


def test_a_done_mark_or_a_memo_also_makes_the_coder(
    qtbot, lena: QSettings, project_path: Path, tmp_path: Path, ids
) -> None:
    window = make_window(qtbot, lena, tmp_path / "data", project_path)
    window.memos.document_memo.setPlainText("Read twice.")
    window.memos.document_memo.flush()
    assert _names(project_path) == ["Ana", "Ben", "Lena"]
    window.toggle_done()
    assert window.docs.model.status(ids.documents[0])[0] == "done"
    assert _names(project_path) == ["Ana", "Ben", "Lena"]
    window.close()


def test_of_several_coders_with_the_users_name_the_one_with_codings_is_chosen(
    qtbot, settings: QSettings, project_path: Path, tmp_path: Path, ids
) -> None:
    with Project(project_path) as project:
        other = project.coders.add("ana")  # another "Ana" (as after a REFI import), coding
        veto = project.codebook.theme_by_key("veto").id
        project.codings.apply(CodingRequest(ids.documents[0], other.id, veto, 3, 10))
    window = make_window(qtbot, settings, tmp_path / "data", project_path)  # settings: "Ana"
    assert window.controller.coder == other
    assert [c.start for c in window.controller.codings(ids.documents[0])] == [3]
    window.close()


def test_a_coder_of_the_users_name_arriving_later_is_taken_up(
    qtbot, lena: QSettings, project_path: Path, tmp_path: Path, ids
) -> None:
    from r2pcoder.changes import Changes  # noqa: PLC0415

    window = make_window(qtbot, lena, tmp_path / "data", project_path)
    project = window.controller.project
    assert project is not None
    arrived = project.coders.add("Lena")  # what an import or a merge brings
    project.codings.apply(CodingRequest(ids.documents[1], arrived.id, _theme(window, "veto"), 0, 5))
    window.controller.changed.emit(Changes(everything=True))
    assert window.controller.coder == arrived
    window.close()


def test_a_read_only_project_opens_without_adding_a_coder(
    qtbot, lena: QSettings, project_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("r2pcoder.db.write_problem", lambda _path: "the folder is read-only")
    window = make_window(qtbot, lena, tmp_path / "data", project_path)
    assert window.controller.project is not None
    assert window.controller.project.read_only == "the folder is read-only"
    assert window.controller.coder is None
    assert window.docs.model.rowCount() == 3
    window.pane.select(3, 10)
    assert window.apply_theme(_theme(window, "veto")) is None  # refused, with the reason
    assert "read-only" in window.errors.last_message
    window.close()
    monkeypatch.undo()
    assert _names(project_path) == ["Ana", "Ben"]
