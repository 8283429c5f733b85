"""The first-run sample project: the bundled R2P codebook and sample statements, ready to code.

A new user sees real statements and a real codebook at once instead of an empty window. Must not
import Qt or ``ui``.
"""

from __future__ import annotations

from pathlib import Path

from r2pcoder.codebook import load_codebook
from r2pcoder.db import Project
from r2pcoder.importer import import_files
from r2pcoder.progress import CancelCheck, ProgressFn
from r2pcoder.resources import bundled

__all__ = ["SAMPLE_CODEBOOK", "build_sample_project"]

SAMPLE_CODEBOOK = "r2p.yaml"


def build_sample_project(
    path: Path,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> Project:
    """Create a project at ``path`` holding the R2P codebook and the bundled sample statements.

    Args:
        path: Where to create the project file; it must not exist yet.
        progress: Optional progress callback for the import.
        cancelled: Optional cancel check for the import.

    Returns:
        The opened project (the caller closes it).

    Raises:
        ProjectError: if ``path`` already exists.
    """
    project = Project.create(path, name="R2P sample project")
    try:
        project.codebook.load(load_codebook(bundled("codebook") / SAMPLE_CODEBOOK))
        samples = bundled("sample_data")
        import_files(
            project,
            sorted(samples.glob("*.txt")),
            metadata_csv=samples / "metadata.csv",
            progress=progress,
            cancelled=cancelled,
        )
    except BaseException:
        project.close()
        path.unlink(missing_ok=True)
        raise
    return project
