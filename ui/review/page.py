"""The review page of the workbench: progress, queue, the statement's lanes and its cells.

A view only: it shows plain values of :mod:`r2pcoder.review` and reports what the lead points
at; :class:`ui.review.mode.ReviewMode` decides what happens.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from r2pcoder.review import DIFF_KINDS, CellStatus, QueueFilter, ReviewStatus

from ui.review.lanes import ReviewText
from ui.review.models import KIND_NAMES, CellsModel, QueueModel
from ui.table_model import result_table

__all__ = ["STATUS_CHOICES", "ReviewPage", "progress_text"]

STATUS_CHOICES: tuple[tuple[str, tuple[CellStatus, ...]], ...] = (
    ("Awaiting and re-opened", ("awaiting", "reopened")),
    ("Awaiting", ("awaiting",)),
    ("Re-opened", ("reopened",)),
    ("Decided", ("decided", "reopened")),
    ("Agreed (not decided)", ("agreed",)),
    ("Single coder", ("single",)),
    ("Every cell", ("awaiting", "reopened", "agreed", "single", "decided")),
)
KEYS_HINT = (
    "1-9 accept that coder's coding · A all agree · S stance · E span from the selection · "
    "N add a coding · X absent · K keep · W withdraw · Del remove gold coding · "
    "Ctrl+D statement resolved · F8 next cell · marks: ∅ theme missing, ≠ stance differs, "
    "↔ span differs"
)


def progress_text(status: ReviewStatus) -> str:
    """The progress line: what awaits, what is decided (and how), what needs nobody."""
    auto = f" ({status.auto} by a rule)" if status.auto else ""
    reopened = f" · re-opened {status.reopened}" if status.reopened else ""
    return (
        f"Awaiting a decision: {status.awaiting}{reopened} · decided: {status.decided}{auto} · "
        f"agreed: {status.agreed} · single coder: {status.single}"
    )


def _combo(name: str, first: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.addItem(first, None)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(12)
    return box


class ReviewPage(QWidget):
    """Review mode's widgets; filled by :class:`~ui.review.mode.ReviewMode`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review-page")
        self.progress = QLabel("Reading the master…")
        self.progress.setObjectName("review-progress")
        self.bar = QProgressBar()
        self.bar.setFormat("%v of %m decided")
        self.bar.setMaximumWidth(220)
        self.warning = QLabel()
        self.warning.setObjectName("review-warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff3c4; padding: 4px;")
        self.warning.hide()
        self.auto_button = QPushButton("Auto rules…")
        self.refresh_button = QPushButton("Refresh")
        self.leave_button = QPushButton("Back to coding")
        self.status = _combo("review-status-filter", STATUS_CHOICES[0][0])
        self.status.clear()
        for text, statuses in STATUS_CHOICES:
            self.status.addItem(text, statuses)
        self.theme = _combo("review-theme-filter", "Every theme")
        self.coder = _combo("review-coder-filter", "Every coder")
        self.group = _combo("review-group-filter", "Every regional group")
        self.kind = _combo("review-kind-filter", "Any difference")
        for kind in DIFF_KINDS:
            self.kind.addItem(KIND_NAMES[kind], kind)
        self.queue_model = QueueModel(self)
        # The theme is what the lead reads first: the statement's title is in the heading.
        self.queue = result_table("review-queue", self.queue_model, 3, (100, 130, 80, 0))
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_count = QLabel()
        self.header = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.header.setObjectName("review-header")
        self.header.setMargin(4)
        self.text = ReviewText()
        self.cells_model = CellsModel(self)
        self.cells = QTableView()
        self.cells.setObjectName("review-cells")
        self.cells.setModel(self.cells_model)
        self.cells.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cells.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cells.verticalHeader().hide()
        self.cells.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.hint = QLabel(KEYS_HINT)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555")
        self.message = QLabel()
        self.message.setObjectName("review-message")
        self.message.setWordWrap(True)
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        for widget in (self.bar, self.auto_button, self.refresh_button, self.leave_button):
            top.addWidget(widget)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        for label, box in (
            ("Status", self.status),
            ("Theme", self.theme),
            ("Coder", self.coder),
            ("Group", self.group),
            ("Difference", self.kind),
        ):
            form.addRow(label, box)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addWidget(self.queue, 1)
        column.addWidget(self.queue_count)
        left.setMinimumWidth(240)
        reading = QWidget()
        text_column = QVBoxLayout(reading)
        text_column.setContentsMargins(0, 0, 0, 0)
        text_column.setSpacing(0)
        text_column.addWidget(self.header)
        text_column.addWidget(self.text, 1)
        below = QWidget()
        cells_column = QVBoxLayout(below)
        cells_column.setContentsMargins(0, 0, 0, 0)
        cells_column.addWidget(self.message)
        cells_column.addWidget(self.cells, 1)
        cells_column.addWidget(self.hint)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(reading)
        right.addWidget(below)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(1, 1)
        body.setSizes([300, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.warning)
        layout.addWidget(body, 1)

    # -- filters ---------------------------------------------------------------------------

    def set_choices(
        self, themes: Sequence[tuple[str, str]], coders: Sequence[str], groups: Sequence[str]
    ) -> None:
        """The filter's choices: themes as (key, name), coder names, regional groups."""
        for box, values in (
            (self.theme, themes),
            (self.coder, [(c, c) for c in coders]),
            (self.group, [(g, g) for g in groups]),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for data, text in values:
                box.addItem(text, data)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)

    def filters(self) -> QueueFilter:
        def one(box: QComboBox) -> tuple[str, ...]:
            value = box.currentData()
            return (str(value),) if value else ()

        kinds = tuple(k for k in DIFF_KINDS if k in one(self.kind))
        return QueueFilter(
            statuses=tuple(self.status.currentData()),
            themes=one(self.theme),
            coders=one(self.coder),
            regional_groups=one(self.group),
            kinds=kinds,
        )

    def filter_boxes(self) -> tuple[QComboBox, ...]:
        return (self.status, self.theme, self.coder, self.group, self.kind)

    def filter_state(self) -> list[str]:
        """The filters as text, to keep in the settings: the status's name, then the values."""
        return [self.status.currentText()] + [
            str(box.currentData() or "") for box in self.filter_boxes()[1:]
        ]

    def set_filter_state(self, state: Sequence[str]) -> None:
        """Choose the filters :meth:`filter_state` gave (values no longer offered: every)."""
        boxes = self.filter_boxes()
        for box in boxes:
            box.blockSignals(True)
        try:
            if state:
                self.status.setCurrentIndex(max(0, self.status.findText(state[0])))
            for box, value in zip(boxes[1:], state[1:], strict=False):
                box.setCurrentIndex(max(0, box.findData(value)) if value else 0)
        finally:
            for box in boxes:
                box.blockSignals(False)

    # -- showing ---------------------------------------------------------------------------

    def show_status(self, status: ReviewStatus) -> None:
        self.progress.setText(progress_text(status))
        self.bar.setMaximum(max(1, status.awaiting + status.decided))
        self.bar.setValue(status.decided - status.reopened)

    def show_warnings(self, warnings: Sequence[str]) -> None:
        self.warning.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warning.setVisible(bool(warnings))

    def show_count(self) -> None:
        n = self.queue_model.rowCount()
        self.queue_count.setText(f"{n:,} cell{'s' if n != 1 else ''} listed")

    def show_header(self, title: str, speaker: str, group: str) -> None:
        facts = " · ".join(html.escape(f) for f in (speaker, group) if f)
        self.header.setText(
            f"<b>{html.escape(title)}</b><br><span style='color:#555'>{facts}</span>"
        )

    def select_queue_row(self, row: int) -> None:
        if 0 <= row < self.queue_model.rowCount():
            index = self.queue_model.index(row, 0)
            self.queue.setCurrentIndex(index)
            self.queue.scrollTo(index)
        else:
            self.queue.clearSelection()

    def select_cell_row(self, row: int) -> None:
        if 0 <= row < self.cells_model.rowCount():
            self.cells.selectRow(row)
            self.cells.scrollTo(self.cells_model.index(row, 0))
