"""Several writers at once: the second waits for the first (busy timeout), nothing acknowledged is
lost, and a writer that cannot get in says plainly that the project is busy."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.hostile import ROOT, cli, one_line, run_python
from tests.core.test_export_data import build_coded

from r2pcoder.cli import main
from r2pcoder.db import Project
from r2pcoder.packets import PacketOptions, create_packets

APPLY_MANY = """
import sys
from pathlib import Path
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
n = int(sys.argv[2])
with Project(Path(sys.argv[1])) as project:
    themes = [t.id for t in project.codebook.themes()]
    doc = project.documents.list()[0]
    coder = project.coders.list()[int(sys.argv[3])].id
    print("ready", flush=True)
    sys.stdin.readline()
    starts = doc.length - 10
    for i in range(n):  # every coding distinct: identical ones are refused
        start, width = i % starts, 1 + i // starts % 10
        theme = themes[i // (starts * 10) % len(themes)]
        project.codings.apply(CodingRequest(doc.id, coder, theme, start, start + width))
print("done", n, flush=True)
"""

CODE_ADD_LOOP = """
import sys
from r2pcoder.cli import main
path, n = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
failed = 0
for i in range(n):
    code = main(["code", "add", path, "--document", "2", "--coder", "Ana", "--theme", "veto",
                 "--start", str(i % 20), "--end", str(i % 20 + 3 + i // 20)])
    failed += code != 0
print("done", failed, flush=True)
"""

HOLD_THEN_RELEASE = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE coders SET name = name")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
conn.close()
"""


def _start(code: str, *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.slow
def test_two_processes_applying_a_thousand_codings_each_lose_nothing(project_path: Path) -> None:
    with Project(project_path) as project:
        before = project.codings.count()
    workers = [_start(APPLY_MANY, project_path, "1000", str(i)) for i in (0, 1)]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:  # both start writing at once
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = [worker.communicate(timeout=300) for worker in workers]
    for worker, (out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
        assert out.strip() == "done 1000"
    with Project(project_path) as project:
        assert project.codings.count() == before + 2000
        assert project.integrity_ok()
        coders = project.coders.list()
        assert project.codings.count(coders[0].id) == project.codings.count(coders[1].id) == 1000


def test_a_writer_waits_for_another_to_finish_instead_of_failing(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = run_python(HOLD_THEN_RELEASE, project_path, "0.8")
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    code = main(["coder", "add", str(project_path), "Cy"])
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    _, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert waited > 0.3  # it waited for the lock rather than failing at once
    with Project(project_path) as project:
        assert [c.name for c in project.coders.list()] == ["Ana", "Ben", "Cy"]


@pytest.mark.slow
def test_a_merge_during_a_loop_of_code_add_waits_or_says_the_project_is_busy(
    project_path: Path, ids, tmp_path: Path
) -> None:
    master = tmp_path / "master.r2p"
    shutil.move(project_path, master)
    with Project(master) as project:
        build_coded(project, ids.documents, ids.coders)
        create_packets(project, PacketOptions(coders=("Ben",), out_dir=tmp_path / "packets"))
        before = project.codings.count()
    packet = next((tmp_path / "packets").glob("*.r2p"))
    loop = _start(CODE_ADD_LOOP, master, "150")
    assert loop.stdout is not None
    assert loop.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    merged = cli("merge", master, packet)
    out, err = loop.communicate(timeout=300)
    assert loop.returncode == 0, err
    assert out.splitlines()[-1] == "done 0"  # every code add got in
    assert merged.code in (0, 1), merged.err
    if merged.code == 1:
        assert "the project is busy" in one_line(merged.err)
    else:
        assert merged.err == ""
    with Project(master) as project:
        assert project.codings.count() == before + 150
        assert project.integrity_ok()
