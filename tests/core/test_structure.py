"""House rules checked mechanically: the core is Qt-free and no module outgrows the cap."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 600

PROBE = """
import importlib, pkgutil, sys
import r2pcoder
for module in pkgutil.walk_packages(r2pcoder.__path__, "r2pcoder."):
    importlib.import_module(module.name)
leaked = sorted(name for name in sys.modules if name.startswith(("PySide6", "shiboken6", "ui")))
print(len(list(pkgutil.walk_packages(r2pcoder.__path__))), leaked)
"""


@pytest.mark.slow
def test_every_core_module_imports_without_qt() -> None:
    # A fresh interpreter: under pytest-qt the plugin itself would already have loaded PySide6.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, check=True
    )
    count, leaked = result.stdout.strip().split(" ", 1)
    assert int(count) > 10
    assert leaked == "[]"


def test_no_module_over_the_size_cap() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for package in ("r2pcoder", "ui")
        for path in (ROOT / package).rglob("*.py")
    }
    assert sizes
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
