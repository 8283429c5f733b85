from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QWidget

import ui  # noqa: F401  (importing the package applies the guard)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from 3.12 on")
def test_singletons_survive_far_more_binding_calls_than_a_session_makes(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(200_000):  # several times None's natural reference count
        widget.setEnabled(True)
    assert sys.getrefcount(None) > 1 << 40
    assert before - sys.getrefcount(None) <= 200_000
