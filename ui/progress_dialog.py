"""A non-blocking progress dialog for a background Job."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.workers import Job, JobRunner

__all__ = ["JobProgressDialog", "run_with_progress"]

_STEPS = 1000


class JobProgressDialog(QProgressDialog):
    """Shows one job's progress; Cancel asks it to stop; closes itself when the job finishes.

    Non-modal on purpose: a modal QProgressDialog runs the event loop inside ``setValue()``, so
    the job's ``finished`` could close and delete the dialog while its progress slot was still
    running, a use-after-free that crashed the app. Mutating actions are disabled while a writer
    job runs instead (see ``JobRunner.busy_changed``).
    """

    def __init__(self, parent: QWidget, job: Job, title: str) -> None:
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
        job.signals.progressed.connect(self._on_job_progressed)
        job.signals.finished.connect(self._on_job_finished)

    def _on_self_canceled(self) -> None:
        self._job.cancel()
        self.setLabelText(f"{self._title}: stopping…")

    def _on_job_progressed(self, fraction: float) -> None:
        self.setValue(round(fraction * _STEPS))

    def _on_job_finished(self) -> None:
        self.close()
        self.deleteLater()


def run_with_progress(
    parent: QWidget, runner: JobRunner, job: Job, *, title: str, writes: bool
) -> None:
    """Start ``job`` on ``runner`` and show its progress; Cancel asks the job to stop.

    The dialog closes when the job finishes (success, failure or cancel). Results and failures
    are handled by whoever connected to ``job.signals.succeeded`` / ``failed`` beforehand.
    """
    JobProgressDialog(parent, job, title)
    runner.start(job, writes=writes)
