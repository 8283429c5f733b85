"""File and team flows of the main window: projects, imports, codebooks and team dialogs.

Each flow asks for files with the standard dialogs, then hands the work to the controller
(background jobs show a cancellable progress dialog).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from r2pcoder.codebook.store import CodebookLoadReport
from r2pcoder.errors import R2pError
from r2pcoder.importer import ImportReport

from ui.progress_dialog import show_progress
from ui.workers import Job

if TYPE_CHECKING:
    from r2pcoder.refi import RefiExportReport, RefiImportReport

    from ui.main_window import MainWindow

__all__ = ["ProjectFlows"]

_PROJECT_FILTER = "r2pcoder projects (*.r2p);;All files (*)"
_DOC_FILTER = "Statements (*.txt *.md *.docx *.pdf *.html *.htm);;All files (*)"
_REFI_FILTER = "REFI-QDA project (*.qdpx);;REFI-QDA codebook (*.qdc)"


class ProjectFlows(QObject):
    """The File and Team menu flows; reports finished imports and codebook loads."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self._win = win
        win.controller.import_finished.connect(self._import_finished)
        win.controller.codebook_loaded.connect(self._codebook_loaded)

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._win, "Open project", "", _PROJECT_FILTER)
        if path:
            self._win.open_project_path(path)

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self._win, "New project", "", _PROJECT_FILTER)
        if path:
            target = Path(path).with_suffix(".r2p")
            if self._win.guard(self._win.controller.new_project, target):
                self._win.statusBar().showMessage(
                    "New, empty project: load a codebook (Ctrl+Shift+K), then import "
                    "statements (Ctrl+I)."
                )

    def import_files_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self._win, "Import statements", "", _DOC_FILTER)
        if paths:
            self.start_import([Path(p) for p in paths], self._ask_metadata_csv())

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._win, "Import every statement in a folder")
        if folder:
            self.start_import([Path(folder)], self._ask_metadata_csv())

    def _ask_metadata_csv(self) -> Path | None:
        answer = QMessageBox.question(
            self._win,
            "Metadata",
            "Do you have a metadata CSV (speaker, group, date, …) for these files?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        path, _ = QFileDialog.getOpenFileName(self._win, "Metadata CSV", "", "CSV (*.csv)")
        return Path(path) if path else None

    def start_import(
        self, paths: Sequence[Path], metadata_csv: Path | None = None
    ) -> Job[ImportReport] | None:
        try:
            job = self._win.controller.start_import(paths, metadata_csv)
        except R2pError as exc:
            self._win.errors.show("Import", exc)
            return None
        return show_progress(self._win, job, "Importing")

    def import_dropped(self, paths: Sequence[Path]) -> Job[ImportReport] | None:
        """Import files or folders dropped on the window; a dropped .csv is their metadata."""
        csvs = [p for p in paths if p.suffix.lower() == ".csv"]
        rest = [p for p in paths if p.suffix.lower() != ".csv"]
        if len(csvs) > 1:
            self._win.errors.show("Import", R2pError("Drop at most one metadata CSV at a time."))
            return None
        if not rest and not csvs:
            return None
        return self.start_import(rest, csvs[0] if csvs else None)

    def load_codebook_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._win, "Load codebook", "", "Codebooks (*.yaml *.yml *.json)"
        )
        if path:
            self.start_codebook(Path(path))

    def start_codebook(self, path: Path) -> Job[CodebookLoadReport] | None:
        try:
            job = self._win.controller.load_codebook(path)
        except R2pError as exc:
            self._win.errors.show("Load codebook", exc)
            return None
        return show_progress(self._win, job, "Loading codebook")

    def import_refi_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._win, "Import a REFI-QDA project or codebook", "", _REFI_FILTER
        )
        if path:
            self.start_refi_import(Path(path))

    def start_refi_import(self, path: Path) -> Job[RefiImportReport] | None:
        """Import a .qdpx project or .qdc codebook; the report is shown when it ends."""
        try:
            job = self._win.controller.team.import_refi(path)
        except R2pError as exc:
            self._win.errors.show("Import REFI-QDA", exc)
            return None
        job.observe(self, success=lambda r: self._inform("REFI-QDA import finished", r.summary()))
        return show_progress(self._win, job, "Importing REFI-QDA")

    def export_refi_dialog(self) -> None:
        controller = self._win.controller
        try:
            project = controller.require()
        except R2pError as exc:
            self._win.errors.show("Export REFI-QDA", exc)
            return
        path, chosen = QFileDialog.getSaveFileName(
            self._win, "Export for MAXQDA, ATLAS.ti, NVivo…", "", _REFI_FILTER
        )
        if not path:
            return
        out = Path(path)
        if out.suffix.lower() not in (".qdpx", ".qdc"):
            out = out.with_suffix(".qdc" if "qdc" in chosen else ".qdpx")
        layer: str | None = None
        if out.suffix.lower() == ".qdpx":
            names = {
                "Every coder's codings": None,
                "All coders who worked on each statement agree": "all",
                "Majority of the coders who worked on each statement": "majority",
            }
            names |= {f"Coder: {c.name}": f"coder:{c.uuid}" for c in project.coders.list()}
            label, ok = QInputDialog.getItem(
                self._win, "Which codings", "Codings to export:", list(names), 0, False
            )
            if not ok:
                return
            layer = names[label]
        self.start_refi_export(out, layer)

    def start_refi_export(
        self, out: Path, layer: str | None = None
    ) -> Job[RefiExportReport] | None:
        """Write a .qdpx project or .qdc codebook; the report is shown when it ends."""
        try:
            job = self._win.controller.team.export_refi(out, layer)
        except R2pError as exc:
            self._win.errors.show("Export REFI-QDA", exc)
            return None
        job.observe(self, success=lambda r: self._inform("REFI-QDA export finished", r.summary()))
        return show_progress(self._win, job, "Exporting REFI-QDA")

    def _import_finished(self, report: ImportReport) -> None:
        self._inform("Import finished", report.summary())

    def _codebook_loaded(self, report: CodebookLoadReport) -> None:
        self._inform("Codebook loaded", report.summary() or ["The codebook is installed."])

    def _inform(self, title: str, lines: list[str]) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, lines[0], parent=self._win)
        if len(lines) > 1:
            box.setDetailedText("\n".join(lines[1:]))
        box.setObjectName("info-box")
        box.open()

    def open_dialog(self, name: str) -> None:
        """Open one of the team dialogs (packets, merge, agreement, export) on this project."""
        try:
            self._win.controller.require()
            module = importlib.import_module(f"ui.dialogs.{name}_dialog")
            getattr(module, f"open_{name}_dialog")(self._win, self._win.controller)
        except R2pError as exc:
            self._win.errors.show(name.capitalize(), exc)
