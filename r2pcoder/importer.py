"""Importing statements from files or folders, with metadata from a CSV sidecar or defaults.

An import is one user intent: every file is read first (outside the transaction), then all good
files are written in one transaction, so a cancelled, failed or killed import leaves the project as
it was. Bad files do not stop the others: each gets a line in the report. Duplicates (same text
hash as a stored document or an earlier file of the batch) are reported, not imported twice, and
an existing document's text is never touched. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from r2pcoder.documents import DocumentSummary, find_by_hash, insert_document, last_position
from r2pcoder.errors import ImportProblem
from r2pcoder.metadata import (
    DocumentMeta,
    MetadataTable,
    read_metadata_csv,
    resolve_listed,
    validate_meta,
)
from r2pcoder.progress import CancelCheck, ProgressFn, Throttled, check_cancelled, wrap_progress
from r2pcoder.readers import list_importable, read_document
from r2pcoder.regional_groups import speaker_group
from r2pcoder.textnorm import content_hash
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = ["ImportReport", "import_files"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportReport:
    """What an import did, file by file."""

    imported: tuple[DocumentSummary, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    def summary(self) -> list[str]:
        """Plain sentences: counts first, then every duplicate, failure and warning."""
        lines = [
            f"Imported {counted(len(self.imported), 'statement')}; "
            f"{counted(len(self.duplicates), 'duplicate')} skipped; "
            f"{counted(len(self.failed), 'file')} not imported."
        ]
        lines += [f"{name}: already in the project as {title!r}" for name, title in self.duplicates]
        lines += [f"{name}: {reason}" for name, reason in self.failed]
        lines += list(self.warnings)
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for scripts."""
        return {
            "imported": [{"id": d.id, "uuid": d.uuid, "title": d.title} for d in self.imported],
            "duplicates": [{"file": n, "existing": t} for n, t in self.duplicates],
            "failed": [{"file": n, "reason": r} for n, r in self.failed],
            "warnings": list(self.warnings),
        }


@dataclass
class _Batch:
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _listed(table: MetadataTable, csv_dir: Path, batch: _Batch) -> dict[str, Path]:
    """The files the metadata rows name, by their ``file`` value; refused names are reported."""
    listed: dict[str, Path] = {}
    for name in table.rows:
        try:
            listed[name] = resolve_listed(csv_dir, name)
        except ImportProblem as exc:
            batch.failed.append((name, str(exc)))
    return listed


def _expand(
    paths: Sequence[Path], table: MetadataTable | None, csv_dir: Path | None, batch: _Batch
) -> list[tuple[Path, str]]:
    """The files to read, each with the ``file`` value of its metadata row (or its name)."""
    files: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            try:
                files.extend((p, p.name) for p in list_importable(path))
            except ImportProblem as exc:
                batch.failed.append((path.name, str(exc)))
        else:
            files.append((path, path.name))
    if table is not None and csv_dir is not None:
        listed = _listed(table, csv_dir, batch)
        if not paths:
            files = [(path, name) for name, path in listed.items() if path.is_file()]
        named = {name for _, name in files}
        batch.failed.extend(
            (name, "listed in the metadata file, but no such file was found")
            for name, path in listed.items()
            if name not in named and not path.exists()
        )
    return files


def _title(path: Path) -> str:
    return path.stem.replace("_", " ").strip() or path.name


def import_files(
    project: Project,
    paths: Sequence[Path],
    *,
    metadata_csv: Path | None = None,
    defaults: DocumentMeta | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> ImportReport:
    """Import files and folders (folders: their supported files, not subfolders).

    With ``metadata_csv`` and no ``paths``, imports the files the CSV lists, found beside it.
    Metadata comes from the CSV row of each file name, then ``defaults``, then the file name
    (title); an empty regional group is filled from a speaker that the UN regional groups
    table knows, and a given one that differs from the table is kept, both reported
    (:func:`~r2pcoder.regional_groups.speaker_group`). Raises
    :class:`~r2pcoder.errors.Cancelled` (nothing written) if cancelled.
    """
    table = read_metadata_csv(metadata_csv) if metadata_csv is not None else None
    batch = _Batch()
    files = _expand(list(paths), table, metadata_csv.parent if metadata_csv else None, batch)
    if table is not None:
        batch.warnings.extend(
            f"{metadata_csv.name if metadata_csv else ''}: {p}" for p in table.problems
        )
    report = Throttled(progress)
    reading = wrap_progress(report, 0.0, 0.7)
    seen: dict[str, str] = {}
    ready: list[tuple[Path, str, DocumentMeta]] = []
    for n, (path, key) in enumerate(files):
        check_cancelled(cancelled)
        reading(n / max(1, len(files)))
        item = _read_one(path, key, table, defaults or DocumentMeta(), batch)
        if item is None:
            continue
        digest = content_hash(item[1])
        if digest in seen:
            batch.duplicates.append((path.name, seen[digest]))
            continue
        seen[digest] = item[2].title
        ready.append(item)
    imported = _write(project, ready, batch, wrap_progress(report, 0.7, 1.0), cancelled)
    report(1.0)
    return ImportReport(
        imported=tuple(imported),
        duplicates=tuple(batch.duplicates),
        failed=tuple(batch.failed),
        warnings=tuple(batch.warnings),
    )


def _read_one(
    path: Path, key: str, table: MetadataTable | None, defaults: DocumentMeta, batch: _Batch
) -> tuple[Path, str, DocumentMeta] | None:
    try:
        result = read_document(path)
    except ImportProblem as exc:
        batch.failed.append((path.name, str(exc)))
        return None
    except Exception as exc:  # a reader's defect (or MemoryError) must not cost the batch
        log.error("Reading %s failed unexpectedly", path.name, exc_info=True)
        reason = f"could not be read ({type(exc).__name__}); the details are in the log"
        batch.failed.append((path.name, reason))
        return None
    row = table.rows.get(key) if table is not None else None
    if table is not None and row is None:
        batch.warnings.append(
            f"{path.name}: no row in the metadata file; imported without metadata"
        )
    meta = (row or DocumentMeta()).merged_over(defaults)
    if not meta.title:
        meta = DocumentMeta(**{**vars(meta), "title": _title(path)})
    problems = validate_meta(meta)
    if problems:
        batch.failed.append((path.name, "; ".join(problems)))
        return None
    meta, group_note = speaker_group(meta)
    if group_note:
        batch.warnings.append(f"{path.name}: {group_note}")
    batch.warnings.extend(f"{path.name}: {w}" for w in result.warnings)
    return path, result.text, meta


def _write(
    project: Project,
    ready: list[tuple[Path, str, DocumentMeta]],
    batch: _Batch,
    progress: ProgressFn,
    cancelled: CancelCheck | None,
) -> list[DocumentSummary]:
    imported: list[DocumentSummary] = []
    with project.unit_of_work() as s:
        position = last_position(s)
        for n, (path, text, meta) in enumerate(ready):
            check_cancelled(cancelled)
            progress(n / max(1, len(ready)))
            existing = find_by_hash(s, content_hash(text))
            if existing is not None:
                batch.duplicates.append((path.name, existing.title))
                continue
            row = insert_document(s, text, meta, source_file=path.name, after=position)
            position = row.position
            imported.append(
                DocumentSummary(row.id, row.uuid, row.sha256, row.length, meta, row.source_file)
            )
    log.info("Imported %s into %s", counted(len(imported), "statement"), project.path.name)
    return imported
