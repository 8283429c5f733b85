from __future__ import annotations

import csv
import json

import pytest

from tests.core.test_export_data import build_coded

from r2pcoder.cli import main
from r2pcoder.db import Project


@pytest.fixture
def master(project_path, ids):
    with Project(project_path) as project:
        build_coded(project, ids.documents, ids.coders)
    return project_path


def test_export_csv_folder_prints_the_layer_and_warns_about_reliability(master, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["export", str(master), "--format", "csv", "--out", str(out), "--layer", "Ana"]) == 0
    )
    captured = capsys.readouterr()
    assert "Layer: coder Ana" in captured.out
    assert "WARNING: No reliability snapshot" in captured.err
    assert (out / "counts.csv").is_file()


def test_export_one_table_to_one_csv_by_year_with_members(master, tmp_path):
    out = tmp_path / "counts.csv"
    args = [
        "export",
        str(master),
        "--what",
        "counts",
        "--out",
        str(out),
        "--layer",
        "Ana",
        "--by",
        "year",
        "--count-members",
    ]
    assert main(args) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["breakdown"] for r in rows} == {"overall", "year"}
    years = {r["group"] for r in rows if r["breakdown"] == "year"}
    assert years == {"2017", "2013", "unknown"}
    overall = next(
        r
        for r in rows
        if r["breakdown"] == "overall"
        and r["theme_key"] == "prevention"
        and r["stance"] == "any stance"
    )
    assert (overall["statements"], overall["states"]) == ("3", "7")


def test_export_json_lists_files_and_rows(master, tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    args = [
        "export",
        str(master),
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--layer",
        "all",
        "--json",
    ]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["layer"] == "all coders who worked on each statement (2 coders: Ana, Ben)"
    assert data["files"] == [str(out)]
    # Every coding of the cells both coded (2 + 2 + 2 + 3) and Ana's alone on D4 (1).
    assert data["rows"]["segments"] == 10


def test_export_by_none_gives_overall_counts_only(master, tmp_path):
    out = tmp_path / "c.csv"
    args = ["export", str(master), "--what", "counts", "--by", "none", "--out", str(out)]
    assert main(args) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        assert {r["breakdown"] for r in csv.DictReader(handle)} == {"overall"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--layer", "Zed"], "no coder 'Zed'"),
        (["--layer", "gold"], "The gold layer holds no decision yet"),
        (["--what", "pie"], "Unknown table 'pie'"),
    ],
)
def test_export_refusals_are_one_line_errors(master, tmp_path, capsys, extra, message):
    args = ["export", str(master), "--out", str(tmp_path / "o"), *extra]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_export_html_report(master, tmp_path):
    out = tmp_path / "report.html"
    args = ["export", str(master), "--format", "html", "--out", str(out), "--layer", "majority"]
    assert main(args) == 0
    assert "majority of the coders who worked on each statement" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "made"),
    [
        ("report.html", "html"),
        ("report.HTM", "html"),
        ("tables.xlsx", "xlsx"),
        ("counts.csv", "csv"),
        ("tables", "csv"),
    ],
)
def test_the_format_follows_the_name_of_the_target(master, tmp_path, capsys, name, made):
    out = tmp_path / name
    what = ["--what", "counts"] if name.endswith(".csv") else []
    assert main(["export", str(master), "--out", str(out), "--layer", "Ana", *what, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == made
    if made == "csv" and not name.endswith(".csv"):
        assert out.is_dir()
        assert (out / "counts.csv").is_file()
    else:
        assert out.is_file()
    if made == "html":
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    if made == "xlsx":
        assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "x.json"], "Cannot tell the export format from 'x.json'"),
        (["--out", "x.html", "--format", "csv"], "x.html names a .html file, not a folder"),
        (["--out", "x.csv", "--format", "html"], "needs a file name ending in .html"),
        (["--out", "x.html", "--bom"], "for CSV files only"),
    ],
)
def test_a_name_that_does_not_fit_the_format_is_refused(master, tmp_path, capsys, extra, message):
    folder = tmp_path / "exports"
    folder.mkdir()
    args = ["export", str(master), *extra]
    args[args.index("--out") + 1] = str(folder / args[args.index("--out") + 1])
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_csv_for_excel_starts_with_a_byte_order_mark_only_when_asked(master, tmp_path):
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    base = ["export", str(master), "--what", "segments", "--layer", "Ana"]
    assert main([*base, "--out", str(plain)]) == 0
    assert main([*base, "--out", str(excel), "--bom"]) == 0
    assert plain.read_bytes()[:5] == b"layer"
    assert excel.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert excel.read_bytes()[3:] == plain.read_bytes()
    assert excel.read_text(encoding="utf-8-sig") == plain.read_text(encoding="utf-8")
