"""Render the workbench offscreen: the README pictures, or every window at a screen size.

Run: uv run python scripts/screenshot.py          # docs/screenshot.png, stripes.png, retrieval.png,
                                                  # review.png
     uv run python scripts/screenshot.py --check DIR --screen 1366x768   # every window, to look at

The pictures are made on an offscreen screen of the given size (1440x900 by default), on a copy
of the bundled sample project coded as a coder would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _screen(size: str, folder: Path) -> None:
    """Make the offscreen platform pretend to be a screen of ``size`` (before Qt starts)."""
    width, height = (int(n) for n in size.lower().split("x"))
    config = folder / "screen.json"
    screen = {
        "name": "screen",
        "x": 0,
        "y": 0,
        "width": width,
        "height": height,
        "logicalDpi": 96,
        "logicalBaseDpi": 96,
        "dpr": 1,
    }
    config.write_text(json.dumps({"synchronousWindowSystem": True, "screens": [screen]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


# (passage, theme key, stance key, memo): real passages of the bundled Korea statement.
CODINGS = (
    (
        "prevention is the paradigm-shifting new approach that closes the gap between commitment "
        "and reality",
        "prevention_agenda",
        "supports",
        "",
    ),
    ("closes the gap between commitment and reality", "implementation_gap", "neutral", ""),
    (
        "strengthening accountability is one of the principal ways to prevent atrocity crimes",
        "accountability_for_prevention",
        "supports",
        "Echoes the SG report's framing.",
    ),
    ("including the International Criminal Court", "icc", "supports", ""),
    (
        "make the most of existing mechanisms of early warning and action",
        "early_warning",
        "supports",
        "",
    ),
    ("Universal Periodic Review (UPR)", "universal_periodic_review", "supports", ""),
    (
        "Human Rights Up Front initiative",
        "human_rights_up_front",
        "supports_with_reservations",
        "Only 'pay attention to': weaker than an endorsement.",
    ),
    (
        "Regional and sub-regional arrangements can be another effective tool to help prevent "
        "atrocity crimes",
        "regional_arrangements",
        "supports",
        "",
    ),
)
STATEMENT = "Republic of Korea"
# How three coders read the Korea statement, for review: by CODINGS index, another stance, a
# shorter passage (its first N characters), or the theme left out (None).
TEAM: dict[str, dict[int, str | int | None]] = {
    "Ana": {},
    "Ben": {1: "supports", 4: None, 6: "supports", 0: 60},
    "Cy": {2: "neutral", 5: None, 7: None, 6: "neutral"},
}


def code_team(path: Path) -> None:
    """Ana, Ben and Cy code the Korea statement in the master, each a little differently."""
    from r2pcoder.coding import CodingRequest  # noqa: PLC0415
    from r2pcoder.db import Project  # noqa: PLC0415

    with Project(path) as project:
        doc = next(d for d in project.documents.list() if d.meta.speaker == STATEMENT)
        text = project.documents.get(doc.id).text
        for name, changes in TEAM.items():
            coder = project.coders.add(name)
            for n, (passage, theme, stance, _memo) in enumerate(CODINGS):
                change = changes.get(n, "")
                if n in changes and change is None:
                    continue
                start = text.index(passage)
                end = start + (change if isinstance(change, int) else len(passage))
                key = change if isinstance(change, str) and change else stance
                project.codings.apply(
                    CodingRequest(
                        doc.id,
                        coder.id,
                        project.codebook.theme_by_key(theme).id,
                        start,
                        end,
                        project.codebook.stance_by_key(key).id,
                    )
                )


def _wait(app: object, done: object) -> None:
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415, TID251 - a ui script

    assert isinstance(app, QApplication)
    assert callable(done)
    while not done():
        app.processEvents()
    app.processEvents()


def review_window(window: object, app: object, theme: str = "human_rights_up_front") -> None:
    """Put the window in review mode on the Korea statement's cell of ``theme``."""
    from ui.main_window import MainWindow  # noqa: PLC0415 - after the screen is set

    assert isinstance(window, MainWindow)
    assert window.toggle_review()
    mode = window.review_mode()
    _wait(app, lambda: mode.loading is None and mode.status is not None)
    doc = next(d.id for d in window.controller.documents() if d.meta.speaker == STATEMENT)
    theme_id = next(t.id for t in window.controller.themes() if t.key == theme)
    mode.show_cell(doc, theme_id)  # scrolls to the cell's passages
    app.processEvents()


def code_sample(window: object) -> None:
    """Code the Korea statement as a coder would: select, theme, stance, sometimes a memo."""
    from ui.main_window import MainWindow  # noqa: PLC0415 - after the screen is set

    assert isinstance(window, MainWindow)
    controller = window.controller
    doc_id = next(d.id for d in controller.documents() if d.meta.speaker == STATEMENT)
    window.open_document(doc_id)
    text = controller.document(doc_id).text
    themes = {t.key: t.id for t in controller.themes()}
    stances = {s.key: s.id for s in controller.stances()}
    for passage, theme, stance, memo in CODINGS:
        start = text.index(passage)
        window.pane.select(start, start + len(passage))
        coding = window.apply_theme(themes[theme])
        assert coding is not None, passage
        window.apply_stance(stances[stance])
        if memo:
            controller.set_memo(coding.uuid, memo)
    window.memos.document_memo.setPlainText("Strong on prevention and accountability; no veto.")
    window.memos.document_memo.flush()
    window.pane.clear_selection()
    window.codings.select([window.codings.model.uuids()[2]])
    window.codebook.show_theme(themes["accountability_for_prevention"])
    window.pane.editor.verticalScrollBar().setValue(0)


def code_others(window: object) -> None:
    """A few codings of the same themes in other statements, for retrieval."""
    from ui.main_window import MainWindow  # noqa: PLC0415 - after the screen is set

    assert isinstance(window, MainWindow)
    controller = window.controller
    themes = {t.key: t.id for t in controller.themes()}
    supports = next(s.id for s in controller.stances() if s.key == "supports")
    for doc in controller.documents():
        text = controller.document(doc.id).text
        for word in ("accountability", "International Criminal Court"):
            at = text.find(word)
            if at >= 0 and doc.meta.speaker != STATEMENT:
                end = text.find(".", at)
                window.open_document(doc.id)
                window.pane.select(max(0, text.rfind(". ", 0, at) + 2), end + 1)
                coding = window.apply_theme(themes["accountability_for_prevention"])
                if coding is not None:
                    window.apply_stance(supports)
                break


def _window(data: Path, app: object, *, team: bool = False, user: str = "Ana Lopez") -> object:
    from PySide6.QtCore import QSettings  # noqa: PLC0415, TID251 - a ui script

    from r2pcoder.sample import build_sample_project  # noqa: PLC0415

    from ui.main_window import MainWindow  # noqa: PLC0415

    build_sample_project(data / "R2P sample project.r2p").close()
    if team:
        code_team(data / "R2P sample project.r2p")
    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("coder/name", user)
    settings.setValue("ui/guide_dismissed", True)
    window = MainWindow(settings, data)
    window.start(data / "R2P sample project.r2p")
    window.show()
    return window


def readme_pictures(out: Path) -> list[Path]:
    """docs/screenshot.png (the window), stripes.png (the text and its stripes), retrieval.png."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415, TID251 - a ui script

    from ui.dialogs.retrieval_dialog import open_retrieval_dialog  # noqa: PLC0415
    from ui.main_window import MainWindow  # noqa: PLC0415

    app = QApplication.instance() or QApplication(sys.argv)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        window = _window(Path(tmp), app)
        assert isinstance(window, MainWindow)
        code_others(window)
        code_sample(window)
        app.processEvents()
        written.append(out / "screenshot.png")
        window.grab().save(str(written[-1]))
        # The stripes as on a 1920-pixel screen, where their labels have room.
        window.resize(1900, 1000)
        for name in ("documents", "codings"):
            window.dock_widgets[name].hide()
        app.processEvents()
        window.pane.editor.verticalScrollBar().setValue(0)
        app.processEvents()
        written.append(out / "stripes.png")
        window.pane.grab().save(str(written[-1]))
        dialog = open_retrieval_dialog(window, window.controller)
        dialog.check_themes(
            [t.id for t in window.controller.themes() if t.key == "accountability_for_prevention"]
        )
        dialog.source.setCurrentIndex(1)  # every coder
        job = dialog.run()
        assert job is not None
        while not job.done():
            app.processEvents()
        app.processEvents()
        written.append(out / "retrieval.png")
        dialog.grab().save(str(written[-1]))
        dialog.close()
        window.close()
    with tempfile.TemporaryDirectory() as tmp:
        window = _window(Path(tmp), app, team=True, user="Lena Ortiz")
        review_window(window, app)
        written.append(out / "review.png")
        window.grab().save(str(written[-1]))
        window.close()
    return written


def check_pictures(out: Path) -> list[Path]:
    """The window and every dialog at the screen's size, for a person to look at."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415, TID251 - a ui script

    from ui.main_window import MainWindow  # noqa: PLC0415

    app = QApplication.instance() or QApplication(sys.argv)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        window = _window(Path(tmp), app, team=True)
        assert isinstance(window, MainWindow)
        code_sample(window)
        app.processEvents()
        written.append(out / "window.png")
        window.grab().save(str(written[-1]))
        for name in ("packets", "merge", "agreement", "export", "retrieval", "search"):
            before = set(QApplication.topLevelWidgets())
            window.flows.open_dialog(name)
            app.processEvents()
            for widget in QApplication.topLevelWidgets():
                if widget not in before and widget.isVisible():
                    written.append(out / f"{name}.png")
                    widget.grab().save(str(written[-1]))
                    widget.close()
        window.show_shortcuts()
        app.processEvents()
        sheet = next(
            w for w in QApplication.topLevelWidgets() if w.objectName() == "shortcut-sheet"
        )
        written.append(out / "shortcuts.png")
        sheet.grab().save(str(written[-1]))
        sheet.close()
        window.open_picker()
        app.processEvents()
        written.append(out / "picker.png")
        window.picker.grab().save(str(written[-1]))
        window.picker.close()
        review_window(window, app)
        written.append(out / "review.png")
        window.grab().save(str(written[-1]))
        before = set(QApplication.topLevelWidgets())
        window.review_mode().open_auto()
        app.processEvents()
        for widget in QApplication.topLevelWidgets():
            if widget not in before and widget.isVisible():
                written.append(out / "auto.png")
                widget.grab().save(str(written[-1]))
                widget.close()
        window.close()
    return written


def main(argv: list[str]) -> int:
    """Write the README pictures (or, with --check, every window) and name the files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, help="write the window and each dialog here")
    parser.add_argument("--screen", default="1440x900", help="offscreen screen size, WxH")
    args = parser.parse_args(argv[1:])
    with tempfile.TemporaryDirectory() as tmp:
        _screen(args.screen, Path(tmp))
        out = args.check or ROOT / "docs"
        out.mkdir(parents=True, exist_ok=True)
        written = check_pictures(out) if args.check else readme_pictures(out)
    sys.stdout.write("".join(f"{p}\n" for p in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
