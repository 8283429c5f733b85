"""Our own CSV and XLSX writers read back by a real spreadsheet: LibreOffice, run headless.

Skipped where LibreOffice is not installed (``soffice`` not on the path); on Debian the package
``libreoffice-calc-nogui`` provides it.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from r2pcoder.export import Table
from r2pcoder.export.writers import write_csv, write_xlsx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]

TEXTS = ["=1+1", "_x0041_ stays", "<b>&amp;</b>", "Café 😀", "", "two\nlines", 'say "hi", twice']


def _convert(source: Path, to: str, tmp_path: Path, infilter: str = "") -> None:
    assert SOFFICE is not None
    profile = (tmp_path / "profile").as_uri()
    read_as = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            *read_as,
            "--convert-to",
            to,
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def test_libreoffice_reads_every_sheet_of_our_xlsx_as_written(tmp_path):
    tables = {
        "about": Table.of({"item": ["layer"], "value": ["coder Ana"]}),
        "odd": Table.of(
            {"text": TEXTS, "n": list(range(1, 8)), "f": [0.5, None, 1.25] + [2.0] * 4}
        ),
    }
    write_xlsx(tables, tmp_path / "book.xlsx")
    # Comma, double quote, UTF-8, from line 1; the last token (-1) writes every sheet.
    _convert(
        tmp_path / "book.xlsx",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        tmp_path,
    )
    with (tmp_path / "out" / "book-odd.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["text", "n", "f"]
    # Text stays text (no formula runs), and Excel's _xHHHH_ escape reads back as written.
    assert [r[0] for r in rows[1:]] == TEXTS
    assert [r[1] for r in rows[1:]] == [str(n) for n in range(1, 8)]
    assert [r[2] for r in rows[1:]] == ["0.5", "", "1.25", "2", "2", "2", "2"]
    with (tmp_path / "out" / "book-about.csv").open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [["item", "value"], ["layer", "coder Ana"]]


@pytest.mark.parametrize(("raw", "bom"), [(False, False), (True, False), (False, True)])
def test_libreoffice_reads_our_csv_cell_for_cell_and_runs_no_defused_formula(tmp_path, raw, bom):
    texts = [*TEXTS, "cr\ronly", "-3"]
    write_csv(
        {"t": Table.of({"text": texts, "n": list(range(len(texts)))})},
        tmp_path / "t.csv",
        raw=raw,
        bom=bom,
    )
    # Read as comma-separated, double-quoted UTF-8 from line 1 (LibreOffice run headless does
    # not guess the encoding from a byte order mark, which then must not reach the header).
    _convert(tmp_path / "t.csv", "xlsx", tmp_path, "CSV:44,34,76,1")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "t.xlsx").active
    assert [c.value for c in sheet[1]] == ["text", "n"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    numbers = list(sheet.iter_rows(min_row=2, min_col=2, values_only=True))
    assert numbers == [(i,) for i in range(len(texts))]  # every row arrived whole, in place
    formula = cells[0]
    if raw:
        # What defusing prevents: the cell as stored runs as a formula.
        assert (formula.data_type, formula.value) == ("f", "=1+1")
    else:
        assert (formula.data_type, formula.value) == ("s", "'=1+1")
    assert all(c.data_type != "f" for c in cells[1:])
    assert [c.value or "" for c in cells[1:7]] == TEXTS[1:]
    assert cells[7].value.replace("\n", "\r") == "cr\ronly"  # one cell, not a broken row
    assert cells[8].value == -3  # a plain number is left as it is
