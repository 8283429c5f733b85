"""Table models of the retrieval and corpus-search dialogs: passages, and hits to review."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from r2pcoder.corpus_search import SearchHit
from r2pcoder.errors import R2pError
from r2pcoder.retrieval import Passage

from ui.table_model import ColumnsModel
from ui.workers import Job

__all__ = ["PassageTableModel", "SearchHitModel", "show_beside", "start_job"]

T = TypeVar("T")

Index = QModelIndex | QPersistentModelIndex
_ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"


def _flat(text: str) -> str:
    return " ".join(text.split())


class PassageTableModel(ColumnsModel):
    """One row per retrieved passage."""

    COLUMNS = ("Statement", "Speaker", "Group", "Coder", "Theme", "Stance", "Quote")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Passage] = []

    def set_passages(self, passages: Sequence[Passage]) -> None:
        self.beginResetModel()
        self._rows = list(passages)
        self.endResetModel()

    def passage(self, row: int) -> Passage:
        return self._rows[row]

    def place(self, row: int) -> tuple[int, int, int]:
        """Statement id, start and end of a row's passage."""
        p = self._rows[row]
        return p.document_id, p.start, p.end

    def passages(self) -> list[Passage]:
        return list(self._rows)

    def _count(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                p.title,
                p.speaker,
                p.regional_group,
                p.coder,
                p.theme,
                p.stance or "(no stance)",
                _flat(p.quote),
            )
            return values[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            memo = f"\n\nMemo: {p.memo}" if p.memo else ""
            return f"{p.quote}{memo}"
        return None


class SearchHitModel(ColumnsModel):
    """One row per hit, with a check box: the hits the coder keeps for autocoding."""

    COLUMNS = ("Use", "Statement", "Speaker", "Hit in context")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._checked: list[bool] = []

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._checked = [True] * len(self._hits)
        self.endResetModel()

    def hit(self, row: int) -> SearchHit:
        return self._hits[row]

    def place(self, row: int) -> tuple[int, int, int]:
        """Statement id, start and end of a row's hit."""
        h = self._hits[row]
        return h.document_id, h.start, h.end

    def checked_hits(self) -> list[SearchHit]:
        return [h for h, keep in zip(self._hits, self._checked, strict=True) if keep]

    def check_all(self, checked: bool) -> None:
        if not self._hits:
            return
        self._checked = [checked] * len(self._hits)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._hits) - 1, 0))

    def _count(self) -> int:
        return len(self._hits)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit, column = self._hits[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            checked = self._checked[index.row()]
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and column:
            context = f"{_ELLIPSIS}{_flat(hit.before)} [{_flat(hit.match)}] {_flat(hit.after)}"
            return (hit.title, hit.speaker, context + _ELLIPSIS)[column - 1]
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))  # type: ignore[call-overload]  # Qt hands an int or the enum
        self._checked[index.row()] = state == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [role])
        return True


def start_job(
    owner: QObject,
    start: Callable[[], Job[T]],
    button: QPushButton,
    summary: QLabel,
    busy: str,
    done: Callable[[T], object],
) -> Job[T] | None:
    """Start a dialog's job: a refusal goes to ``summary``; ``button`` waits for the outcome."""
    try:
        job = start()
    except R2pError as exc:
        summary.setText(str(exc))
        return None
    button.setEnabled(False)
    summary.setText(busy)
    job.observe(
        owner,
        success=done,
        failure=lambda exc: summary.setText(str(exc)),
        finished=lambda: button.setEnabled(True),
    )
    return job


# A dialog's signal that asks the window to show something, and the window's method for it.
_LINKS = (
    ("passage_opened", "show_passage"),  # a passage of a statement, in the coding pane
    ("review_requested", "open_review_cell"),  # a statement x theme cell, in review mode
)


def show_beside(dialog: QWidget, parent: QWidget) -> None:
    """Show a non-modal dialog beside the window, deleted on close.

    The dialog's requests to show a passage or a review cell are connected to the window's
    methods for them, where both exist (a dialog opened on a bare widget in a test has none).
    """
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for signal, slot in _LINKS:
        request, method = getattr(dialog, signal, None), getattr(parent, slot, None)
        if request is not None and method is not None:
            request.connect(method)
    dialog.show()
