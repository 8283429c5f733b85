"""The lead's background operations: packets, merge, agreement, snapshots and exports.

Dialogs gather options and ask :class:`TeamJobs` (``controller.team``) for an operation; each
starts one job on the controller's runner and returns its :class:`~ui.workers.Job`, on which the
dialog registers its own callbacks. What a finished operation means for the rest of the window
(a merge clears the undo stack and refreshes everything, new coders refresh the lists, a failure
is shown) is done here, once, not in every dialog.

The core modules an operation needs are imported inside its job function, that is on the worker
thread: opening a dialog or starting a job never makes the GUI thread wait for numpy, pandas or
the merge code to load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from r2pcoder.changes import Changes
from r2pcoder.progress import CancelCheck, ProgressFn

from ui.workers import Job

if TYPE_CHECKING:
    from r2pcoder.db import Project
    from r2pcoder.export import ExportReport, Prepared, TableOptions
    from r2pcoder.export.layers import LayerChoice
    from r2pcoder.export.run import ExportFormat
    from r2pcoder.merge import MergeReport, ProposalDecision
    from r2pcoder.packets import PacketOptions, PacketsReport
    from r2pcoder.refi import RefiExportReport, RefiImportReport, Unit
    from r2pcoder.reliability import (
        AgreementReport,
        AgreementSettings,
        Disagreement,
        SnapshotInfo,
    )

    from ui.controller import AppController

__all__ = ["MergeOutcome", "PreviewTables", "TeamJobs"]

MergeOutcome = tuple["MergeReport", list[tuple[str, str]]]
"""A merge report and the master's themes afterwards as (uuid, path) pairs, for mapping."""
PreviewTables = dict[str, tuple[list[str], list[list[str]]]]
"""Per export table: its column names and first rows as text."""


class TeamJobs:
    """Starts the lead's long operations as jobs and broadcasts what they changed."""

    def __init__(self, controller: AppController) -> None:
        self._c = controller

    def _project(self) -> Project:
        return self._c.require()

    # -- packets and merge -------------------------------------------------------------------

    def create_packets(self, options: PacketOptions) -> Job[PacketsReport]:
        """Write one packet per coder (a write); new coders refresh the window's lists."""
        project = self._project()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> PacketsReport:
            from r2pcoder.packets import create_packets  # noqa: PLC0415 - on the worker

            return create_packets(project, options, progress=progress, cancelled=cancelled)

        job = self._c.runner.start(work, name="create packets", writes=True)
        return job.observe(
            self._c, success=self._packets_done, failure=self._c.failure_reporter("Make packets")
        )

    def _packets_done(self, report: PacketsReport) -> None:
        if report.added_coders:
            self._c.changed.emit(Changes(coders=True))

    def merge(
        self,
        packets: Sequence[Path],
        *,
        dry_run: bool,
        foreign: bool = False,
        proposals: Mapping[str, ProposalDecision] | None = None,
        prefer: Sequence[str] = (),
    ) -> Job[MergeOutcome]:
        """Preview (a read) or run (a write) a merge of returned packets into the master.

        ``prefer``: the copies that win where copies of a packet diverged (see
        :func:`r2pcoder.merge.merge_packets`).
        """
        project, files, decisions = self._project(), list(packets), dict(proposals or {})
        preferred = list(prefer)

        def work(progress: ProgressFn, cancelled: CancelCheck) -> MergeOutcome:
            from r2pcoder.merge import merge_packets  # noqa: PLC0415 - on the worker

            report = merge_packets(
                project,
                files,
                dry_run=dry_run,
                foreign=foreign,
                proposals=decisions,
                prefer=preferred,
                progress=progress,
                cancelled=cancelled,
            )
            themes = [(t.uuid, " / ".join(t.path)) for t in project.codebook.themes()]
            return report, themes

        name = "merge preview" if dry_run else "merge"
        job = self._c.runner.start(work, name=name, writes=not dry_run)
        job.observe(self._c, failure=self._c.failure_reporter("Merge"))
        if not dry_run:
            job.observe(self._c, success=self._merged)
        return job

    def _merged(self, _outcome: MergeOutcome) -> None:
        self._c.stack.clear()  # a merge is not undoable; its backup protects it instead
        self._c.changed.emit(Changes(everything=True))

    # -- agreement -----------------------------------------------------------------------------

    def compute_agreement(self, settings: AgreementSettings) -> Job[AgreementReport]:
        """Measure agreement; sentence and paragraph units store their segments once (a write)."""
        project = self._project()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> AgreementReport:
            from r2pcoder.reliability import compute_agreement  # noqa: PLC0415 - on the worker

            return compute_agreement(project, settings, progress=progress, cancelled=cancelled)

        return self._c.runner.start(work, name="agreement", writes=_segments(settings))

    def disagreements(self, settings: AgreementSettings, theme_key: str) -> Job[list[Disagreement]]:
        """Where the coders differ on one theme, with the same coders and statements."""
        project = self._project()

        def work(_progress: ProgressFn, _cancelled: CancelCheck) -> list[Disagreement]:
            from r2pcoder.reliability import disagreements  # noqa: PLC0415 - on the worker

            return disagreements(project, settings, theme_key)

        return self._c.runner.start(work, name="disagreements", writes=_segments(settings))

    def vs_gold(self, settings: AgreementSettings) -> Job[list[AgreementReport]]:
        """Each coder against the gold layer, on the statement unit (a read)."""
        project = self._project()
        chosen = replace(settings, unit="statement", by=None)

        def work(progress: ProgressFn, cancelled: CancelCheck) -> list[AgreementReport]:
            from r2pcoder.review.feedback import agreement_vs_gold  # noqa: PLC0415 - worker

            return agreement_vs_gold(project, chosen, progress=progress, cancelled=cancelled)

        return self._c.runner.start(work, name="agreement vs gold", writes=False)

    def coder_feedback(self, coder: str, out: Path) -> Job[tuple[Path, int]]:
        """Write one coder's (name or UUID) differences from gold as CSV; the file and count."""
        project = self._project()

        def work(_progress: ProgressFn, _cancelled: CancelCheck) -> tuple[Path, int]:
            from r2pcoder.review.feedback import (  # noqa: PLC0415 - on the worker
                coder_differences,
                write_differences,
            )

            found = coder_differences(project, coder)
            return write_differences(found, out), len(found)

        return self._c.runner.start(work, name="coder feedback", writes=False)

    def save_snapshot(self, report: AgreementReport, label: str) -> Job[SnapshotInfo]:
        """Keep an agreement report in the master as a reliability snapshot (a write)."""
        project = self._project()

        def work(_progress: ProgressFn, _cancelled: CancelCheck) -> SnapshotInfo:
            from r2pcoder.reliability import save_snapshot  # noqa: PLC0415 - on the worker

            return save_snapshot(project, report, label)

        return self._c.runner.start(work, name="save snapshot", writes=True)

    def export_snapshot(self, uuid: str, path: Path) -> Job[Path]:
        """Write a saved snapshot as JSON."""
        project = self._project()

        def work(_progress: ProgressFn, _cancelled: CancelCheck) -> Path:
            from r2pcoder.reliability import export_snapshot  # noqa: PLC0415 - on the worker

            return export_snapshot(project, uuid, path)

        return self._c.runner.start(work, name="export snapshot", writes=False)

    # -- exports -------------------------------------------------------------------------------

    def preview_export(
        self, layer: LayerChoice, options: TableOptions, rows: int
    ) -> Job[tuple[Prepared, PreviewTables]]:
        """Build the export's tables and the first ``rows`` of each as text."""
        project = self._project()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> tuple[Prepared, PreviewTables]:
            from r2pcoder.export import prepare, preview_rows  # noqa: PLC0415 - on the worker

            prepared = prepare(project, layer, options, progress=progress, cancelled=cancelled)
            return prepared, {n: preview_rows(f, rows) for n, f in prepared.tables.items()}

        return self._c.runner.start(work, name="export preview", writes=False)

    def export(
        self,
        layer: LayerChoice,
        options: TableOptions,
        fmt: ExportFormat,
        out: Path,
        prepared: Prepared | None = None,
        *,
        bom: bool = False,
    ) -> Job[ExportReport]:
        """Write the export (from ``prepared`` tables when the preview already built them).

        ``bom`` starts CSV files with the byte order mark Excel needs to read UTF-8.
        """
        project = self._project()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> ExportReport:
            from r2pcoder.export import export_project, write_export  # noqa: PLC0415

            if prepared is not None:
                return write_export(
                    prepared, fmt, out, bom=bom, progress=progress, cancelled=cancelled
                )
            return export_project(
                project,
                layer,
                fmt,
                out,
                options,
                bom=bom,
                progress=progress,
                cancelled=cancelled,
            )

        return self._c.runner.start(work, name="export", writes=False)

    # -- REFI-QDA exchange ---------------------------------------------------------------------

    def import_refi(self, path: Path, offsets: Unit | None = None) -> Job[RefiImportReport]:
        """Import a REFI-QDA project or codebook (a write, not undoable); refreshes everything."""
        project = self._project()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> RefiImportReport:
            from r2pcoder.refi import import_refi  # noqa: PLC0415 - on the worker

            return import_refi(
                project, path, offsets=offsets, progress=progress, cancelled=cancelled
            )

        job = self._c.runner.start(work, name="REFI-QDA import", writes=True)
        failure = self._c.failure_reporter("Import REFI-QDA")
        return job.observe(self._c, success=self._refi_imported, failure=failure)

    def _refi_imported(self, _report: RefiImportReport) -> None:
        self._c.stack.clear()  # an import is not undoable
        self._c.changed.emit(Changes(everything=True))

    def export_refi(self, out: Path, layer: str | None) -> Job[RefiExportReport]:
        """Write the project (``.qdpx``) or its codebook (``.qdc``) for other QDA programs.

        ``layer`` is a layer as the command line writes it (``all``, ``coder:UUID``...), or None
        for every coder's codings.
        """
        project = self._project()

        def work(progress: ProgressFn, cancelled: CancelCheck) -> RefiExportReport:
            from r2pcoder.export.layers import parse_layer  # noqa: PLC0415 - on the worker
            from r2pcoder.refi import export_refi  # noqa: PLC0415

            choice = parse_layer(layer) if layer else None
            return export_refi(project, out, layer=choice, progress=progress, cancelled=cancelled)

        job = self._c.runner.start(work, name="REFI-QDA export", writes=False)
        return job.observe(self._c, failure=self._c.failure_reporter("Export REFI-QDA"))


def _segments(settings: AgreementSettings) -> bool:
    # Sentence and paragraph units segment the statements the first time: that is a write.
    return settings.unit in ("sentence", "paragraph")
