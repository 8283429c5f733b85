"""The main window's docks, its first size and its saved layout.

The first window is fitted to the available screen (a 1366x768 laptop included), and a saved
geometry from a larger screen is brought back inside the current one. Docks may be tabbed,
floated or closed, so the window can shrink to :data:`MIN_WIDTH` and share a screen with the
source PDF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from ui.fit import available

if TYPE_CHECKING:
    from ui.main_window import MainWindow

__all__ = ["DEFAULT_SIZE", "MIN_WIDTH", "add_dock", "restore_layout", "save_layout"]

DEFAULT_SIZE = (1440, 900)
MIN_WIDTH = 880
_NARROW = 1400  # below this screen width, the codings and memos docks share one tab area
_DOCK_MIN = 160


def add_dock(
    win: MainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str = ""
) -> QDockWidget:
    dock = QDockWidget(title, win)
    dock.setObjectName(f"dock-{name or title.lower()}")
    widget.setMinimumWidth(_DOCK_MIN)
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    win.addDockWidget(area, dock)
    return dock


def _inside(geometry: QRect, room: QRect) -> QRect:
    width = min(geometry.width(), room.width())
    height = min(geometry.height(), room.height())
    left = min(max(geometry.left(), room.left()), room.right() - width + 1)
    top = min(max(geometry.top(), room.top()), room.bottom() - height + 1)
    return QRect(left, top, width, height)


def restore_layout(win: MainWindow) -> None:
    """The saved geometry and docks, kept inside the screen; else a first layout that fits."""
    win.setMinimumWidth(MIN_WIDTH)
    room = available(win)
    geometry = win.settings.value("window/geometry")
    if isinstance(geometry, QByteArray) and win.restoreGeometry(geometry):
        win.setGeometry(_inside(win.geometry(), room))
    else:
        width = min(DEFAULT_SIZE[0], room.width())
        height = min(DEFAULT_SIZE[1], room.height())
        left = room.left() + (room.width() - width) // 2
        win.setGeometry(QRect(left, room.top() + (room.height() - height) // 2, width, height))
    state = win.settings.value("window/state")
    if isinstance(state, QByteArray) and win.restoreState(state):
        return
    docks = win.dock_widgets
    horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    narrow = room.width() < _NARROW
    win.tabifyDockWidget(docks["codings"], docks["memos"])
    docks["codings"].raise_()
    side = (260, 330) if narrow else (330, 400)
    win.resizeDocks([docks["documents"], docks["codebook"]], list(side), horizontal)
    win.resizeDocks([docks["codings"]], [200 if narrow else 230], vertical)


def save_layout(win: MainWindow) -> None:
    win.settings.setValue("window/geometry", win.saveGeometry())
    win.settings.setValue("window/state", win.saveState())
