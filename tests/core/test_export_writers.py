from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.frames import as_tables
from tests.core.test_export_data import Coded, build_coded

from r2pcoder.errors import Cancelled, ExportFailed
from r2pcoder.export import ExportFormat, Table, TableOptions, export_project, parse_layer
from r2pcoder.export.writers import write_csv, write_xlsx
from r2pcoder.export.xlsx import column_letter


@pytest.fixture
def coded(project, ids) -> Coded:
    return build_coded(project, ids.documents, ids.coders)


def tricky() -> dict[str, Table]:
    return as_tables(
        {
            "about": pd.DataFrame({"item": ["layer"], "value": ["coder Ana"]}),
            "odd": pd.DataFrame(
                {
                    "text": [
                        "=1+1",
                        "_x0041_ stays",
                        "<b>&amp;</b>",
                        "bell\x07here",
                        "Café 😀",
                        "",
                    ],
                    "number": [1, 2, 3, 4, 5, 6],
                    "ratio": [0.5, None, 1.25, float("nan"), 2.0, 3.0],
                }
            ),
        }
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_csv_writes_one_utf8_file_per_table_with_exact_quotes(project, coded, tmp_path):
    out = tmp_path / "csv"
    report = export_project(project, parse_layer("Ana"), "csv", out)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{n}.csv" for n in report.rows)
    with (out / "segments.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = {d.uuid: project.documents.get(d.id).text for d in project.documents.list()}
    assert len(rows) == 5
    for row in rows:
        assert row["quote"] == texts[row["document_uuid"]][int(row["start"]) : int(row["end"])]
        assert row["layer"] == "coder Ana"


def test_csv_quotes_after_an_emoji_point_at_code_points(project, coded, tmp_path):
    out = tmp_path / "seg.csv"
    export_project(project, parse_layer("Ana"), "csv", out, TableOptions(what=("segments",)))
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {r["speaker"]: r for r in csv.DictReader(handle) if r["speaker"] == "Mexico"}
    mexico = rows["Mexico"]
    assert mexico["quote"] == "The veto must not block action."
    assert int(mexico["start"]) == len("Sovereignty is responsibility 😀, not a shield.\n")


def test_one_csv_file_cannot_take_several_tables(project, coded, tmp_path):
    with pytest.raises(ExportFailed, match="give a folder"):
        export_project(project, parse_layer("Ana"), "csv", tmp_path / "all.csv")
    assert not (tmp_path / "all.csv").exists()
    assert leftovers(tmp_path) == []


def test_xlsx_has_one_sheet_per_table_frozen_bold_header_and_widths(project, coded, tmp_path):
    out = tmp_path / "out.xlsx"
    report = export_project(project, parse_layer("all"), "xlsx", out, TableOptions())
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == list(report.rows)
    seg = book["segments"]
    assert seg.freeze_panes == "A2"
    assert seg["A1"].font.b
    assert seg.max_row == report.rows["segments"] + 1
    header = [c.value for c in seg[1]]
    quote, start = header.index("quote"), header.index("start")
    assert seg.cell(2, start + 1).value == 0 or isinstance(seg.cell(2, start + 1).value, int)
    # D1's first passage: both coders coded the veto there, with different stances (mixed).
    assert seg.cell(2, quote + 1).value == "We support the ACT Code of Conduct."
    assert seg.column_dimensions[column_letter(quote)].width > 10


def test_xlsx_keeps_formula_like_and_escape_like_text_as_text(tmp_path):
    out = tmp_path / "odd.xlsx"
    write_xlsx(tricky(), out)
    sheet = openpyxl.load_workbook(out)["odd"]
    values = [sheet.cell(r, 1).value for r in range(2, 8)]
    # Excel decodes "_x005F_" to "_", so it shows "_x0041_ stays" rather than "A stays";
    # openpyxl decodes that escape only in shared strings, so the raw form is seen here.
    assert values == [
        "=1+1",
        "_x005F_x0041_ stays",
        "<b>&amp;</b>",
        "bell\ufffdhere",
        "Café 😀",
        None,
    ]
    assert sheet.cell(2, 1).data_type == "s"
    assert [sheet.cell(r, 2).value for r in range(2, 8)] == [1, 2, 3, 4, 5, 6]
    assert [sheet.cell(r, 3).value for r in range(2, 8)] == [0.5, None, 1.25, None, 2.0, 3.0]


def test_xlsx_cuts_text_at_the_excel_cell_limit(tmp_path):
    out = tmp_path / "long.xlsx"
    write_xlsx(as_tables({"long": pd.DataFrame({"text": ["x" * 40_000]})}), out)
    assert len(openpyxl.load_workbook(out)["long"]["A2"].value) == 32_767


def test_missing_folder_is_a_clear_error_and_nothing_is_written(project, coded, tmp_path):
    formats: list[tuple[ExportFormat, str]] = [
        ("csv", "csv"),
        ("xlsx", "x.xlsx"),
        ("html", "r.html"),
    ]
    for fmt, name in formats:
        with pytest.raises(ExportFailed, match="does not exist"):
            export_project(project, parse_layer("Ana"), fmt, tmp_path / "missing" / name)
    assert not (tmp_path / "missing").exists()


def test_wrong_suffix_and_a_file_in_place_of_a_folder_are_refused(project, coded, tmp_path):
    with pytest.raises(ExportFailed, match=r"ending in \.xlsx"):
        export_project(project, parse_layer("Ana"), "xlsx", tmp_path / "x.csv")
    with pytest.raises(ExportFailed, match=r"ending in \.html"):
        export_project(project, parse_layer("Ana"), "html", tmp_path / "x.htm.txt")
    (tmp_path / "afile").write_text("keep", encoding="utf-8")
    with pytest.raises(ExportFailed, match="is a file"):
        export_project(project, parse_layer("Ana"), "csv", tmp_path / "afile")
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "keep"


def test_an_unwritable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ExportFailed):
        write_xlsx(tricky(), blocker / "out.xlsx")
    with pytest.raises(ExportFailed):
        write_csv(tricky(), blocker / "csv")


def test_cancelled_xlsx_leaves_the_old_file_untouched_and_no_temp_file(tmp_path):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(Cancelled):
        write_xlsx(tricky(), out, cancelled=lambda: True)
    assert out.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_cancel_during_the_second_csv_writes_no_file_at_all(tmp_path):
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1

    out = tmp_path / "csv"
    with pytest.raises(Cancelled):
        write_csv(tricky(), out, cancelled=cancelled)
    assert not out.exists()


def test_csv_into_an_existing_folder_keeps_other_files_and_replaces_its_own(tmp_path):
    out = tmp_path / "csv"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "odd.csv").write_text("stale", encoding="utf-8")
    files = write_csv(tricky(), out)
    assert sorted(p.name for p in files) == ["about.csv", "odd.csv"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    with (out / "odd.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["text", "number", "ratio"]
    assert rows[1] == ["'=1+1", "1", "0.5"]
    assert rows[2][2] == ""
    assert leftovers(out) == []


def test_csv_fields_with_commas_quotes_and_line_breaks_read_back_unchanged(tmp_path):
    texts = ["a, b", 'say "no"', "two\nlines", "cr\rhere", "plain", "", ' "x", ']
    frame = pd.DataFrame({"text": texts, "n": list(range(len(texts))), "f": [0.1] * len(texts)})
    out = tmp_path / "t.csv"
    write_csv(as_tables({"t": frame}), out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["text", "n", "f"]
    assert [r[0] for r in rows[1:]] == texts
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(texts))]
    assert {r[2] for r in rows[1:]} == {"0.1"}


def test_export_reports_rising_progress_up_to_one(project, coded, tmp_path):
    seen: list[float] = []
    export_project(project, parse_layer("Ana"), "xlsx", tmp_path / "p.xlsx", progress=seen.append)
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


@pytest.mark.parametrize("after", [1, 3, 6])
def test_cancelling_an_export_at_any_step_leaves_no_file(project, coded, tmp_path, after: int):
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > after

    out = tmp_path / "c.xlsx"
    with pytest.raises(Cancelled):
        export_project(project, parse_layer("Ana"), "xlsx", out, cancelled=cancelled)
    assert not out.exists()
    assert leftovers(tmp_path) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.sampled_from('ab ,"\n\r;é😀'), max_size=12),
            st.integers(-5, 10**12),
            st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_csv_output_reads_back_exactly_whatever_the_text(tmp_path_factory, rows):
    frame = pd.DataFrame(rows, columns=["text", "n", "x"]).astype({"text": object})
    out = tmp_path_factory.mktemp("csv") / "t.csv"
    write_csv(as_tables({"t": frame}), out, raw=True)
    with out.open(encoding="utf-8", newline="") as handle:
        back = list(csv.reader(handle))
    assert back[0] == ["text", "n", "x"]
    assert back[1:] == [[t, str(n), "" if x is None else repr(x)] for t, n, x in rows]

    # Quoted only when needed (RFC 4180), so plain fields stay readable by any tool; a row
    # holding a lone CR has every field quoted, since an LF-ended row must not break there.
    def quoted(field: str) -> str:
        return '"' + field.replace('"', '""') + '"'

    lines = []
    for t, n, x in rows:
        fields = [t, str(n), "" if x is None else repr(x)]
        if "\r" in t:
            lines.append(",".join(map(quoted, fields)))
        else:
            special = any(c in t for c in ',"\n')
            lines.append(",".join([quoted(t) if special else t, *fields[1:]]))
    assert out.read_bytes().decode("utf-8").split("\n", 1)[1] == "".join(f"{r}\n" for r in lines)
