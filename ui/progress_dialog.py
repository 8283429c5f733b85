"""A modal-looking but non-blocking progress dialog for a background Job."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.workers import Job, JobRunner

__all__ = ["run_with_progress"]

_STEPS = 1000


def run_with_progress(
    parent: QWidget | None, runner: JobRunner, job: Job, *, title: str, writes: bool
) -> None:
    """Start ``job`` on ``runner`` and show its progress; Cancel asks the job to stop.

    The dialog closes when the job finishes (success, failure or cancel). Results and failures
    are handled by whoever connected to ``job.signals.succeeded`` / ``failed`` beforehand.
    """
    dialog = QProgressDialog(title, "Cancel", 0, _STEPS, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(300)
    dialog.setValue(0)
    dialog.setObjectName("job-progress")
    dialog.canceled.connect(job.cancel)
    dialog.canceled.connect(lambda: dialog.setLabelText(f"{title}: stopping…"))
    job.signals.progressed.connect(lambda fraction: dialog.setValue(round(fraction * _STEPS)))
    job.signals.finished.connect(dialog.close)
    job.signals.finished.connect(dialog.deleteLater)
    runner.start(job, writes=writes)
