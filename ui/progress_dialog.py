"""A non-blocking progress dialog for a background Job."""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.workers import Job

__all__ = ["JobProgressDialog", "show_progress"]

_STEPS = 1000
T = TypeVar("T")


class JobProgressDialog(QProgressDialog):
    """Shows one job's progress; Cancel asks it to stop; closes itself when the job finishes.

    Non-modal on purpose: a modal QProgressDialog runs the event loop inside ``setValue()``, so
    the job's outcome could close and delete the dialog while its progress slot was still
    running. Mutating actions are disabled while a writer job runs instead (see
    ``JobRunner.busy_changed``).
    """

    def __init__(self, parent: QWidget, job: Job[Any], title: str) -> None:
        # The parent owns the dialog until it deletes itself; nothing else keeps it alive.
        super().__init__(title, "Cancel", 0, _STEPS, parent)
        self._job, self._title = job, title
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(300)
        self.setValue(0)
        self.setObjectName("job-progress")
        self.canceled.connect(self._on_self_canceled)
        job.observe(self, progress=self._on_job_progressed, finished=self._on_job_finished)

    def _on_self_canceled(self) -> None:
        self._job.cancel()
        self.setLabelText(f"{self._title}: stopping…")

    def _on_job_progressed(self, fraction: float) -> None:
        self.setValue(round(fraction * _STEPS))

    def _on_job_finished(self) -> None:
        self.close()
        self.deleteLater()


def show_progress(parent: QWidget, job: Job[T], title: str) -> Job[T]:
    """Show ``job``'s progress in a dialog over ``parent``; Cancel asks the job to stop."""
    JobProgressDialog(parent, job, title)
    return job
