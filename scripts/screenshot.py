"""Render the workbench offscreen with a coded sample statement into docs/screenshot.png.

Run: uv run python scripts/screenshot.py [OUTPUT.png]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings  # noqa: TID251  (a ui script, not core)
from PySide6.QtWidgets import QApplication  # noqa: TID251  (a ui script, not core)

from r2pcoder.sample import build_sample_project

from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
STATEMENT = "Republic of Korea"

# (passage, theme key, stance key, memo): real passages of the bundled Korea statement.
CODINGS = (
    ("prevention is the paradigm-shifting new approach that closes the gap between commitment "
     "and reality", "prevention_agenda", "supports", ""),
    ("closes the gap between commitment and reality", "implementation_gap", "neutral", ""),
    ("strengthening accountability is one of the principal ways to prevent atrocity crimes",
     "accountability_for_prevention", "supports", "Echoes the SG report's framing."),
    ("including the International Criminal Court", "icc", "supports", ""),
    ("make the most of existing mechanisms of early warning and action", "early_warning",
     "supports", ""),
    ("Universal Periodic Review (UPR)", "universal_periodic_review", "supports", ""),
    ("Human Rights Up Front initiative", "human_rights_up_front", "supports_with_reservations",
     "Only 'pay attention to': weaker than an endorsement."),
    ("Regional and sub-regional arrangements can be another effective tool to help prevent "
     "atrocity crimes", "regional_arrangements", "supports", ""),
)  # fmt: skip


def code_sample(window: MainWindow) -> None:
    """Code the Korea statement as a coder would: select, theme, stance, sometimes a memo."""
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
    window.pane.clear_selection()
    window.codings.select([window.codings.model.uuids()[2]])
    window.codebook.show_theme(themes["accountability_for_prevention"])
    window.pane.editor.verticalScrollBar().setValue(0)
    window.pane.editor.ensureCursorVisible()


def main(argv: list[str]) -> int:
    """Build a sample project in a temporary folder, code it and save the window's picture."""
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshot.png"
    app = QApplication.instance() or QApplication(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        build_sample_project(data / "R2P sample project.r2p").close()
        settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("coder/name", "Ana Lopez")
        window = MainWindow(settings, data)
        window.start(data / "R2P sample project.r2p")
        window.resize(1440, 900)
        window.show()
        code_sample(window)
        app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        window.close()
    sys.stdout.write(f"{out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
