"""A process killed while writing leaves a sound project holding every acknowledged coding."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from r2pcoder.db import Project

# Kills real coding and import processes.
pytestmark = pytest.mark.slow

CODING_WORKER = """
import sys
from pathlib import Path
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
project = Project(Path(sys.argv[1]))
theme = project.codebook.themes()[0].id
doc = project.documents.list()[0]
coder = project.coders.list()[0].id
n = 0
while True:
    # Every span differs (an identical coding would be refused): widths 1, 2, ... in turn.
    start, width = n % (doc.length - 1), 1 + n // (doc.length - 1)
    if start + width > doc.length:
        break
    coding = project.codings.apply(CodingRequest(doc.id, coder, theme, start, start + width))
    print(coding.uuid, flush=True)  # acknowledged only after the commit returned
    n += 1
"""

IMPORT_WORKER = """
import sys, time
from pathlib import Path
from r2pcoder.db import Project
from r2pcoder.importer import import_files
project = Project(Path(sys.argv[1]))
folder = Path(sys.argv[2])
def progress(fraction):
    if fraction > 0.85:  # inside the write transaction
        print("writing", flush=True)
        time.sleep(60)
import_files(project, [folder], progress=progress)
"""


def _start(code: str, *args: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_killed_while_coding_keeps_every_acknowledged_coding(project_path: Path) -> None:
    worker = _start(CODING_WORKER, project_path)
    assert worker.stdout is not None
    acknowledged = [worker.stdout.readline().strip() for _ in range(200)]
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    with Project(project_path) as project:
        assert project.integrity_ok()
        stored = {c.uuid for c in project.codings.for_document(project.documents.list()[0].id)}
    assert set(acknowledged) <= stored


def test_killed_while_importing_leaves_nothing_half_written(
    project_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(40):
        (folder / f"s{i:02d}.txt").write_text(
            f"Statement number {i} on prevention.", encoding="utf-8"
        )
    with Project(project_path) as project:
        before = len(project.documents.list())
    worker = _start(IMPORT_WORKER, project_path, folder)
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "writing"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    with Project(project_path) as project:
        assert project.integrity_ok()
        assert len(project.documents.list()) == before
