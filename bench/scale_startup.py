"""Scale rows for start-up: commands against Python's own start, in the same run, both ways.

Each repeat runs, one after the other, ``uv run python -c pass`` (the reference), ``uv run
r2pcoder --help`` (target <= 3x the reference), ``uv run r2pcoder info`` on the sample project
(<= 5x) and ``uv run r2pcoder code add`` on a copy of it (measured, no target); the figure is
the median of each. Both ways a command can start are measured:

- **nothing cached**, as this machine runs it: ``PYTHONDONTWRITEBYTECODE=1``, and bytecode
  only for Python's standard library (as Python's installer compiles it; ``uv`` installs
  packages without compiling them). Every process compiles every module of r2pcoder and of its
  dependencies it imports (SQLAlchemy alone is half a second). A private ``PYTHONPYCACHEPREFIX``
  holds the standard library's bytecode, so ``__pycache__`` folders an earlier run may have
  written beside the sources are not read;
- **as a normal installation runs it**: bytecode cached, in a private cache
  (``PYTHONPYCACHEPREFIX``) warmed by one run of each command first.

Run: uv run python -m bench --only scale
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import Result
from bench.scale_corpus import ROOT, scratch

from r2pcoder.db import Project
from r2pcoder.sample import build_sample_project

TARGETS = {"--help": 3.0, "info": 5.0}


def _uv() -> list[str]:
    uv = shutil.which("uv")
    return [uv, "run"] if uv else []


def _commands(sample: Path, copy: Path) -> dict[str, list[str]]:
    python = [*_uv(), "python"] if _uv() else [sys.executable]
    r2pcoder = [*_uv(), "r2pcoder"] if _uv() else [sys.executable, "-m", "r2pcoder.cli"]
    return {
        "python -c pass": [*python, "-c", "pass"],
        "--help": [*r2pcoder, "--help"],
        "info": [*r2pcoder, "info", str(sample)],
        "code add": [
            *r2pcoder,
            "code",
            "add",
            str(copy),
            "--document",
            "1",
            "--coder",
            "Ana Lima",
            "--theme",
            "prevention",
            "--start",
            "0",
            "--end",
            "40",
        ],
    }


def _environment(cache: Path, *, keep: bool) -> dict[str, str]:
    """Bytecode is read from and written to ``cache`` only (never from ``__pycache__`` folders,
    which an earlier run may have filled); ``keep=False`` writes none."""
    env = dict(os.environ)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    if keep:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _time(command: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _keep_only_the_standard_library(cache: Path) -> None:
    """Remove from ``cache`` the bytecode of everything outside Python's standard library."""
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    kept = cache / stdlib.relative_to(stdlib.anchor)
    parked = cache.with_name(cache.name + "-stdlib")
    if kept.is_dir():
        kept.rename(parked)
    shutil.rmtree(cache)
    if parked.is_dir():
        kept.parent.mkdir(parents=True)
        parked.rename(kept)


def _measure(
    way: str, sample: Path, template: Path, root: Path, cache: Path, repeats: int, *, keep: bool
) -> list[Result]:
    copy = root / "coded.r2p"
    commands = _commands(sample, copy)
    for command in commands.values():  # every module each command imports, compiled once
        scratch(template, copy)
        _time(command, _environment(cache, keep=True))
    if not keep:
        _keep_only_the_standard_library(cache)
    env = _environment(cache, keep=keep)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            scratch(template, copy)  # code add needs a project without that coding
            times[name].append(_time(command, env))
    median = {name: statistics.median(found) for name, found in times.items()}
    base = median["python -c pass"]
    rows = [
        Result(
            f"start-up, {way}: uv run python -c pass (reference)", base, "reference", True, repeats
        )
    ]
    for name in ("--help", "info", "code add"):
        ratio = median[name] / base
        limit = TARGETS.get(name)
        target = f"<= {limit:g}x python -c pass" if limit else "measured"
        rows.append(
            Result(
                f"start-up, {way}: uv run r2pcoder {name}",
                median[name],
                target,
                limit is None or ratio <= limit,
                repeats,
                {"ratio": round(ratio, 2)},
            )
        )
    return rows


def run(quick: bool = False) -> list[Result]:
    """Both ways of starting, against the same reference."""
    repeats = 3 if quick else 9
    with tempfile.TemporaryDirectory(prefix="r2pcoder-startup-") as tmp:
        root = Path(tmp)
        sample = root / "sample.r2p"
        build_sample_project(sample).close()
        template = root / "template.r2p"
        shutil.copy(sample, template)
        with Project(template) as project:
            project.coders.add("Ana Lima")
        rows = _measure(
            "nothing cached (PYTHONDONTWRITEBYTECODE=1)",
            sample,
            template,
            root,
            root / "empty",
            repeats,
            keep=False,
        )
        rows += _measure(
            "bytecode cached", sample, template, root, root / "pycache", repeats, keep=True
        )
    return rows
