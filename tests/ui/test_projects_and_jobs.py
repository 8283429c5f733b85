from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from tests.ui.conftest import make_window

from r2pcoder.codebook import load_codebook, save_codebook
from r2pcoder.db import Project
from r2pcoder.errors import Cancelled
from r2pcoder.metadata import DocumentMeta
from r2pcoder.resources import bundled

from ui.controller import SAMPLE_FILE
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def theme_id(window: MainWindow, key: str) -> int:
    return next(t.id for t in window.controller.themes() if t.key == key)


def write_statements(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"statement_{i}.txt"
        path.write_text(f"Statement number {i} on the responsibility to protect.\n", "utf-8")
        paths.append(path)
    return paths


def test_import_adds_statements_with_metadata_and_reports(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    paths = write_statements(tmp_path / "in", 2)
    csv = tmp_path / "in" / "meta.csv"
    csv.write_text(
        "file,title,speaker,regional_group\n"
        "statement_0.txt,Zero,Chile,Latin American and Caribbean\n",
        "utf-8",
    )
    with qtbot.waitSignal(window.controller.import_finished, timeout=10_000) as blocker:
        window.flows.start_import(paths, csv)
    assert len(blocker.args[0].imported) == 2
    titles = [window.docs.model.document(r).title for r in range(window.docs.model.rowCount())]
    assert "Zero" in titles
    assert "statement 1" in titles
    qtbot.waitUntil(lambda: window.controller.runner.pending() == 0)
    assert window.stack.count() == 0


def test_import_can_be_cancelled_from_the_progress_dialog(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    paths = write_statements(tmp_path / "in", 3)
    release = threading.Event()
    runner = window.controller.runner
    # Occupy the single writer thread so the import is queued when Cancel is pressed.
    runner.start(lambda p, c: release.wait(10), name="blocker", writes=True)
    assert not window.actions_.import_action.isEnabled()
    job = window.flows.start_import(paths)
    assert job is not None
    dialog = window.findChild(QProgressDialog, "job-progress")
    assert dialog is not None
    with qtbot.waitSignal(runner.job_done, timeout=10_000, check_params_cb=lambda j: j is job):
        button = dialog.findChild(QPushButton)
        assert button is not None
        button.click()
        release.set()
    assert job.outcome is not None
    assert isinstance(job.outcome[1], Cancelled)
    qtbot.waitUntil(lambda: runner.pending() == 0)
    assert len(window.controller.documents()) == 3  # nothing was imported
    assert window.actions_.import_action.isEnabled()
    assert window.errors.last_message == ""  # a cancel is not an error


def test_loading_a_codebook_runs_in_the_background_and_refreshes_the_tree(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:

    source = load_codebook(bundled("codebook") / "r2p.yaml")
    path = tmp_path / "r2p.yaml"
    save_codebook(source, path)
    with qtbot.waitSignal(window.controller.codebook_loaded, timeout=10_000):
        window.flows.start_codebook(path)
    qtbot.waitUntil(lambda: window.controller.runner.pending() == 0)
    names = {t.name for t in window.controller.themes()}
    assert "The three pillars" in names


def test_reopening_the_project_shows_the_same_codings(
    qtbot, settings, project_path: Path, tmp_path: Path
) -> None:
    first = make_window(qtbot, settings, tmp_path / "data", project_path)
    first.pane.select(36, 46)
    made = first.apply_theme(theme_id(first, "prevention"))
    first.apply_stance(next(s.id for s in first.controller.stances() if s.key == "supports"))
    first.close()
    again = make_window(qtbot, settings, tmp_path / "data", None)  # the last project
    assert again.controller.project is not None
    assert again.controller.project.path == project_path
    rows = again.codings.model
    assert made is not None
    assert rows.uuids() == [made.uuid]
    assert rows.data(rows.index(0, 1)) == "Supports"
    assert rows.data(rows.index(0, 2)) == "Prevention"
    again.close()


def test_first_run_opens_a_fresh_sample_project_in_the_data_dir(
    qtbot, settings, tmp_path: Path
) -> None:
    window = make_window(qtbot, settings, tmp_path / "data", None)
    project = window.controller.project
    assert project is not None
    assert project.path == tmp_path / "data" / SAMPLE_FILE
    assert window.docs.model.rowCount() >= 5
    assert window.pane.editor.toPlainText() != ""
    assert window.codebook.model.rowCount() > 5
    window.close()


def test_dock_layout_is_remembered(qtbot, settings, project_path: Path, tmp_path: Path) -> None:
    first = make_window(qtbot, settings, tmp_path / "data", project_path)
    dock = first._docks["codings"]
    dock.hide()
    first.close()
    again = make_window(qtbot, settings, tmp_path / "data", project_path)
    assert again._docks["codings"].isHidden()
    assert not again._docks["codebook"].isHidden()
    again.close()


def test_a_project_that_is_not_a_project_is_refused_in_plain_words(
    window: MainWindow, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.r2p"
    bogus.write_text("just some notes", "utf-8")
    assert not window.open_project_path(bogus)
    assert "notes.r2p" in window.errors.last_message
    assert window.controller.project is not None  # the open project stays open


KILL_SCRIPT = """
import os, signal, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow
app = QApplication([])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
settings.setValue("coder/name", "Ana")
window = MainWindow(settings, Path(sys.argv[3]))
window.start(Path(sys.argv[1]))
window.show()
theme = next(t.id for t in window.controller.themes() if t.key == "veto")
window.pane.select(3, 10)
coding = window.apply_theme(theme)
print(coding.uuid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_coding_made_just_before_the_process_is_killed_is_kept(
    project_path: Path, tmp_path: Path, ids
) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            KILL_SCRIPT,
            str(project_path),
            str(tmp_path / "s.ini"),
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    uuid = result.stdout.strip()
    with Project(project_path) as project:
        (coding,) = project.codings.for_document(ids.documents[0])
    assert (coding.uuid, coding.start, coding.end) == (uuid, 3, 10)


def test_a_packet_is_always_coded_as_its_own_coder(
    qtbot, settings, tmp_path: Path, tiny_codebook
) -> None:
    owner_uuid = "0b6c3f51-3c3f-4d0e-9d3c-7b3c1f9e2a10"
    path = tmp_path / "ben.r2p"
    with Project.create(path, role="packet", packet_coder_uuid=owner_uuid) as packet:
        packet.codebook.load(tiny_codebook)
        packet.coders.add("Ben", uuid=owner_uuid)
        packet.documents.add_text("The veto must not block action.\n", DocumentMeta(title="T"))
    window = make_window(qtbot, settings, tmp_path / "data", path)  # settings say "Ana"
    assert window.coder_button.text() == "Ben"
    assert not window.guard(window.controller.set_coder, "Ana")
    assert "belongs to Ben" in window.errors.last_message
    window.pane.select(4, 8)
    coding = window.apply_theme(theme_id(window, "veto"))
    assert coding is not None
    window.close()
    with Project(path) as packet:
        assert [c.name for c in packet.coders.list()] == ["Ben"]
        assert packet.coders.get(coding.coder_id).uuid == owner_uuid


def test_a_new_project_opens_empty_and_is_remembered(window: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "study.r2p"
    window.controller.new_project(target)
    assert window.controller.project is not None
    assert window.controller.project.path == target
    assert window.docs.model.rowCount() == 0
    assert window.codebook.model.rowCount() == 0
    assert "No statement open" in window.pane.header.text()
    assert window.controller.recent_projects()[0] == str(target.resolve())
    assert window.coder_button.text() == "Ana"


def test_files_dropped_on_the_window_are_imported_with_their_csv(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    paths = write_statements(tmp_path / "drop", 1)
    csv = tmp_path / "drop" / "meta.csv"
    csv.write_text("file,title,speaker\nstatement_0.txt,Dropped,Peru\n", "utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (*paths, csv)])
    point = window.rect().center()
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, actions, mime, buttons, mods)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(window.controller.import_finished, timeout=10_000):
        QApplication.sendEvent(window, QDropEvent(QPointF(point), actions, mime, buttons, mods))
    qtbot.waitUntil(lambda: window.controller.runner.pending() == 0)
    speakers = {d.meta.speaker for d in window.controller.documents() if d.title == "Dropped"}
    assert speakers == {"Peru"}
