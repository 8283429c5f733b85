"""Sizes that fit the screen: the first main window, and every dialog (laptops at 1366x768)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

__all__ = ["available", "close_button", "fit_size"]


def available(widget: QWidget | None = None) -> QRect:
    """The available geometry of the widget's screen (or the primary screen)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)


def fit_size(widget: QWidget, width: int, height: int, share: float = 0.92) -> None:
    """Resize to ``width`` x ``height``, or to ``share`` of the available screen if smaller."""
    room = available(widget)
    widget.resize(min(width, int(room.width() * share)), min(height, int(room.height() * share)))


def close_button(dialog: QDialog, text: str = "Close") -> QPushButton:
    """A Close button that rejects the dialog (as Esc does in every QDialog)."""
    button = QPushButton(text)
    button.setObjectName("close-button")
    button.setAutoDefault(False)
    button.clicked.connect(dialog.reject)
    return button
