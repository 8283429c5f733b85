"""Importing a REFI-QDA ``.qdpx`` project or ``.qdc`` codebook into a project, all or nothing.

:func:`import_refi` reads the whole file first (:mod:`r2pcoder.refi.read`; a refused file
stops here and the project is never written), chooses how the file counts positions
(:mod:`r2pcoder.refi.offsets`), then maps codes, users, sources, selections and notes onto the
project in ONE transaction (:mod:`~r2pcoder.refi.codes`, :mod:`~r2pcoder.refi.people`,
:mod:`~r2pcoder.refi.passages`, :mod:`~r2pcoder.refi.notes`). A cancel or a failure rolls
everything back. The report names every item that was left out. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from r2pcoder.progress import CancelCheck, ProgressFn, Throttled, check_cancelled, wrap_progress
from r2pcoder.refi.archive import ImportLimits
from r2pcoder.refi.codes import map_codes
from r2pcoder.refi.notes import NoteBook
from r2pcoder.refi.offsets import Detection, Span, Unit, detect_reading
from r2pcoder.refi.passages import Context, ImportLog, place_codings, place_documents
from r2pcoder.refi.people import Coders
from r2pcoder.refi.read import LoadedFile, read_refi_file
from r2pcoder.refi.report import Counts, LeftOut, RefiImportReport, RefiRefused
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["import_refi"]

log = logging.getLogger(__name__)


def _detect(loaded: LoadedFile, unit: Unit | None) -> Detection | None:
    if loaded.data.kind != "project":
        return None
    pairs = [
        (item.text, [Span(sel.start, sel.end, sel.name) for sel in item.source.selections])
        for item in loaded.sources
        if item.text is not None
    ]
    return detect_reading(pairs, unit)


def _file_level(loaded: LoadedFile, out: ImportLog) -> None:
    data = loaded.data
    if data.description.strip():
        out.out("the project's description", "r2pcoder projects have no description field")
    if data.sets:
        out.out(counted(data.sets, "set"), "r2pcoder has no sets of codes or sources")
    if data.graphs:
        out.out(counted(data.graphs, "graph"), "r2pcoder has no graphs")


def import_refi(
    project: Project,
    path: Path,
    *,
    offsets: Unit | None = None,
    limits: ImportLimits | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> RefiImportReport:
    """Import a ``.qdpx`` project or a ``.qdc`` codebook into ``project``.

    Args:
        project: an open project (empty, or with statements and a codebook).
        path: the ``.qdpx`` or ``.qdc`` file.
        offsets: force the unit positions are counted in (``code-points`` or ``utf16``);
            by default it is detected per file.
        limits: size limits for reading the archive.
        progress: called with the fraction done.
        cancelled: polled between sources; when it returns True nothing is kept.

    Raises:
        RefiRefused: the file is unsafe or unreadable, or ``project`` is a packet; nothing was
            written.
        Cancelled: asked to stop; nothing was written.
    """
    path = Path(path)
    if project.info.role == "packet":
        raise RefiRefused(
            f"{project.path.name} is a coder's packet; import REFI-QDA files into the master, "
            "so that packets keep the master's statements and codebook."
        )
    report = Throttled(progress)
    loaded = read_refi_file(
        path, limits, progress=wrap_progress(report, 0.0, 0.4), cancelled=cancelled
    )
    detection = _detect(loaded, offsets)
    check_cancelled(cancelled)
    report(0.5)
    warnings, left_out, counts = list(loaded.warnings), list(loaded.left_out), Counts()
    out = ImportLog(warnings, left_out, counts)
    with project.unit_of_work() as s:
        codes = map_codes(s, loaded.data, path.stem, warnings, left_out)
        coders = Coders(s, loaded.data, warnings)
        notes = NoteBook(loaded, coders)
        report(0.6)
        placed = place_documents(s, loaded, out, cancelled)
        report(0.7)
        place_codings(s, placed, Context(codes, coders, notes, detection), out, cancelled)
        report(0.9)
        for theme_id, refs in codes.theme_notes:
            notes.on_theme(theme_id, refs)
        counts.memos_written = notes.write(s)
        coders.report()
        check_cancelled(cancelled)
    left_out += notes.unused(loaded.data.project_note_refs)
    _file_level(loaded, out)
    project.refresh_info()
    report(1.0)
    counts.themes_added, counts.themes_matched = codes.themes_added, codes.themes_matched
    counts.stances_added, counts.stances_matched = codes.stances_added, codes.stances_matched
    counts.coders_added, counts.coders_matched = coders.added, coders.matched
    result = RefiImportReport(
        file=path,
        kind=loaded.data.kind,
        origin=loaded.data.origin,
        offsets=detection.describe() if detection is not None else "",
        counts=counts,
        theme_keys=tuple(codes.keys),
        warnings=tuple(warnings),
        left_out=tuple(LeftOut(i.item, i.reason) for i in left_out),
    )
    log.info("Imported %s into %s: %d left out", path.name, project.path.name, len(left_out))
    return result
