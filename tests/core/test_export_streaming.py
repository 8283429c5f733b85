"""Tables are built and written a slice of rows at a time, with the same result as all at once."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from tests.core.test_export_data import Coded, build_coded

from r2pcoder.export import Table, TableOptions, export_project, parse_layer
from r2pcoder.export import table as table_module
from r2pcoder.export.data import load_export_data
from r2pcoder.export.tables import build_tables


@pytest.fixture
def coded(project, ids) -> Coded:
    return build_coded(project, ids.documents, ids.coders)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "about.csv"}


@pytest.mark.parametrize("layer", ["Ana", "all", "majority"])
def test_writing_in_slices_of_two_rows_gives_the_same_files(
    project, coded, tmp_path, monkeypatch, layer
):
    export_project(project, parse_layer(layer), "csv", tmp_path / "whole")
    export_project(project, parse_layer(layer), "xlsx", tmp_path / "whole.xlsx")
    monkeypatch.setattr(table_module, "CHUNK_ROWS", 2)
    export_project(project, parse_layer(layer), "csv", tmp_path / "slices")
    export_project(project, parse_layer(layer), "xlsx", tmp_path / "slices.xlsx")
    assert _files(tmp_path / "slices") == _files(tmp_path / "whole")
    whole, sliced = (openpyxl.load_workbook(tmp_path / f"{n}.xlsx") for n in ("whole", "slices"))
    for name in whole.sheetnames:
        if name != "about":
            assert list(sliced[name].values) == list(whole[name].values)


def test_the_big_tables_build_only_the_rows_asked_for(project, coded, monkeypatch):
    data = load_export_data(project, parse_layer("all"))
    tables = build_tables(data, TableOptions())
    asked: list[tuple[int, int]] = []
    for name in ("segments", "evidence"):
        table = tables[name]
        build = table.build

        def spy(start: int, stop: int, build=build):
            asked.append((start, stop))
            return build(start, stop)

        counted = Table(table.columns, len(table), spy)
        rows = [row for chunk in counted.chunks(2) for row in zip(*chunk, strict=True)]
        assert rows == table.rows()
        assert all(stop - start <= 2 for start, stop in asked)
        asked.clear()


def test_a_table_reads_the_same_whole_or_in_slices():
    table = Table.of({"n": list(range(7)), "text": list("abcdefg")}, layer="coder Ana")
    assert table.columns == ("layer", "n", "text")
    assert [r for c in table.chunks(3) for r in zip(*c, strict=True)] == table.rows()
    assert table.rows(2) == [("coder Ana", 0, "a"), ("coder Ana", 1, "b")]
    assert table.without("layer").to_dict() == {"n": list(range(7)), "text": list("abcdefg")}


def test_an_empty_table_writes_its_header_only(tmp_path):
    from r2pcoder.export.writers import write_csv  # noqa: PLC0415

    write_csv({"t": Table.of({"a": [], "b": []})}, tmp_path / "t.csv")
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [["a", "b"]]
