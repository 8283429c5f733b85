"""Starting the window and opening the new tools loads no numpy, pandas or regex engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import ui.app
import ui.dialogs.retrieval_dialog, ui.dialogs.search_dialog, ui.theme_picker, ui.memo_panel
print(",".join(m for m in ("numpy", "pandas", "regex") if m in sys.modules))
"""


def test_the_window_and_its_tools_load_no_heavy_modules() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == ""
