import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.test_merge import backups, code, make_packets, snapshot

from r2pcoder.db import Project
from r2pcoder.merge import merge_packets

# The child merges two layers; once the first is written (inside the still open transaction)
# its progress callback tells the parent and waits to be killed.
# Kills real merge processes.
pytestmark = pytest.mark.slow

CHILD = """
import pathlib, sys, time
from r2pcoder.db import Project
from r2pcoder.merge import merge_packets
from r2pcoder.merge import merge_packets

flag, master, *packets = (pathlib.Path(a) for a in sys.argv[1:])

def progress(fraction):
    if fraction >= 0.5 and not flag.exists():
        flag.write_text("written", encoding="utf-8")
        time.sleep(600)

with Project(master) as project:
    merge_packets(project, packets, progress=progress)
"""


def _wait_for(path: Path, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.stderr.read() if process.stderr else b""
        assert time.monotonic() < deadline, "the merging process never reached the write"
        time.sleep(0.02)


def test_killed_merge_leaves_the_master_as_it_was(project_path: Path, tmp_path: Path) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    # 300 different codings (an identical one would be refused): 100 spans in each statement.
    code(packets["Ana"], *[(i % 3, i // 3 // 20, 5 + i // 3 % 20) for i in range(300)])
    code(packets["Ben"], (0, 0, 5))
    before = snapshot(project_path)
    flag = tmp_path / "flag"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(flag), str(project_path), *map(str, packets.values())],
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(flag, child)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    with Project(project_path) as master:
        assert master.integrity_ok()
        assert master.codings.count() == 0
    assert snapshot(project_path) == before
    # The backup is taken only once a merge has written everything: a killed merge leaves none.
    assert backups(project_path) == []
    assert list(tmp_path.glob(".project.r2p.pre-merge-*")) == []


def test_next_merge_removes_a_partial_backup_left_by_a_killed_one(
    project_path: Path, tmp_path: Path
) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana")
    code(packets["Ana"], (0, 0, 5))
    leftover = tmp_path / ".project.r2p.pre-merge-20260101-000000-000000.bak.part"
    leftover.write_bytes(b"half a copy")
    with Project(project_path) as master:
        report = merge_packets(master, [packets["Ana"]])
    assert not leftover.exists()
    assert report.notes == (
        f"Removed {leftover.name}, a partial backup left by a merge that did not finish.",
    )
    assert len(backups(project_path)) == 1
