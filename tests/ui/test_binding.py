"""The installed Qt binding keeps Python's reference counts right (see pyproject.toml)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


class _Emitter(QObject):
    sent = Signal(object)


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_void_calls_and_emits_leave_none_and_the_booleans_alone(qtbot) -> None:
    # PySide6 6.12.0 on CPython 3.11 lowers these counts by one per call until the interpreter
    # aborts ("deallocating None"); a binding that does so must not be installed.
    widget = QWidget()
    qtbot.addWidget(widget)
    emitter = _Emitter()
    received: list[object] = []
    emitter.sent.connect(received.append)
    before = _counts()
    for n in range(500):
        widget.setEnabled(n % 2 == 0)
        emitter.sent.emit(n)
    after = _counts()
    fall = [b - a for b, a in zip(before, after, strict=True)]
    assert max(fall) < 50, f"reference counts of None, True, False fell by {fall} in 500 calls"
    assert len(received) == 500
