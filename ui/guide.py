"""First-start guide and empty-project state shown above the statement text."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

__all__ = ["EmptyState", "GuideBanner"]

GUIDE = (
    "<b>How to code:</b> select a passage (it snaps to whole words) → press the theme's key, "
    "or <b>Ctrl+K</b> and type part of any theme's name, then Enter → press the stance key "
    "<b>1</b>-<b>5</b>. Everything is saved at once; Ctrl+Z undoes. F1 lists every shortcut."
)


class GuideBanner(QFrame):
    """A dismissible three-step guide; ``dismissed`` when the coder closes it."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first-start-guide")
        self.setStyleSheet(
            "#first-start-guide { background: #eef4fb; border-bottom: 1px solid #b9cde4; }"
        )
        text = QLabel(GUIDE)
        text.setWordWrap(True)
        button = QPushButton("Got it")
        button.setObjectName("guide-dismiss")
        button.clicked.connect(self._dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        row.addWidget(text, 1)
        row.addWidget(button)

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()


class EmptyState(QWidget):
    """What to do in a project without statements or codebook, with buttons that do it."""

    import_requested = Signal()
    codebook_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("empty-state")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.import_button = QPushButton("Import statements…")
        self.import_button.setObjectName("empty-import")
        self.import_button.clicked.connect(self.import_requested)
        self.codebook_button = QPushButton("Load codebook…")
        self.codebook_button.setObjectName("empty-codebook")
        self.codebook_button.clicked.connect(self.codebook_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.codebook_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def show_for(self, has_documents: bool, has_codebook: bool) -> bool:
        """Show what is missing; returns False (and hides) when nothing is."""
        steps = []
        if not has_codebook:
            steps.append("load a codebook of themes and stances (File > Load codebook…)")
        if not has_documents:
            steps.append(
                "import the statements to code (File > Import documents…, or drop "
                "files on the window)"
            )
        self.codebook_button.setVisible(not has_codebook)
        self.import_button.setVisible(not has_documents)
        if not steps:
            self.hide()
            return False
        self.message.setText(
            "<h3>This project is empty</h3><p>To start coding, " + " and ".join(steps) + ".</p>"
        )
        self.show()
        return True
