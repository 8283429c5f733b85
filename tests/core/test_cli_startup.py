"""A command starts as fast as Python: its table, --help and errors load nothing heavy."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "pandas", "numpy", "PySide6")

PROBE = """
import contextlib, io, json, sys
import r2pcoder, r2pcoder.errors, r2pcoder.cli.commands
from r2pcoder.cli import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
heavy = sorted(name for name in sys.modules if name.split(".")[0] in {heavy})
print(json.dumps([code, heavy, err.getvalue()]))
"""


def _start(*argv: str | Path) -> tuple[int, list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    code, heavy, err = json.loads(done.stdout)
    return int(code), list(heavy), str(err)


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--help"], 0),
        ([], 2),
        (["bogus"], 2),
        (["info", "--help"], 0),
        (["documents", "--help"], 0),
        (["info", "--bogus"], 2),
    ],
)
def test_the_table_help_and_usage_errors_load_nothing_heavy(argv: list[str], code: int) -> None:
    found = _start(*argv)
    assert found[:2] == (code, [])


def test_a_file_that_is_not_a_project_is_refused_before_loading_anything_heavy(
    tmp_path: Path,
) -> None:
    (tmp_path / "notes.r2p").write_text("not a database")
    commands: list[list[str | Path]] = [
        ["info", tmp_path / "missing.r2p"],
        ["code", "list", tmp_path / "notes.r2p"],
        ["merge", tmp_path / "missing.r2p", tmp_path / "notes.r2p"],
    ]
    for argv in commands:
        code, heavy, err = _start(*argv)
        assert code == 1, err
        assert err.startswith("r2pcoder: ")
        assert heavy == [], (argv, heavy)


def test_info_reads_a_project_without_loading_the_database_layer(project_path: Path) -> None:
    code, heavy, err = _start("info", project_path)
    assert (code, heavy, err) == (0, [], "")
