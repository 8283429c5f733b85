"""Imports every module a background job may need, on the GUI thread, before any job runs.

In stress runs of the GUI tests with PySide6 6.11, a worker thread importing a module for the
first time (pandas for an export) while the GUI thread dispatched events crashed the process in
about one run in four; with the imports done on the GUI thread first, none did in sixteen. We
keep the precaution with 6.12, where no such crash was seen. The imports are made once, when the
first job starts; coding itself runs no jobs, so a coder never waits for them.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import time

import r2pcoder

__all__ = ["preload_modules"]

_log = logging.getLogger(__name__)
_done = False

# Imported lazily by the core (pandas only inside export functions, to keep start-up fast).
_LAZY = ("pandas",)


def preload_modules() -> None:
    """Import the core's modules and their lazily imported libraries (once; then a no-op)."""
    global _done  # noqa: PLW0603 - a once-per-process flag, like the import system's own cache
    if _done:
        return
    start = time.perf_counter()
    for module in pkgutil.walk_packages(r2pcoder.__path__, "r2pcoder."):
        importlib.import_module(module.name)
    for name in _LAZY:
        importlib.import_module(name)
    _done = True
    _log.info("preloaded job modules in %.2f s", time.perf_counter() - start)
