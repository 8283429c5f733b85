from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_export_data import Coded, build_coded

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import ExportFailed
from r2pcoder.export import TableOptions, export_project, parse_layer
from r2pcoder.export.charts import Bar, Part, stacked_bars
from r2pcoder.export.html import EVIDENCE_PER_STANCE


@pytest.fixture
def coded(project, ids) -> Coded:
    return build_coded(project, ids.documents, ids.coders)


def report(project: Project, tmp_path: Path, layer: str = "Ana", **options: Any) -> str:
    out = tmp_path / "report.html"
    export_project(project, parse_layer(layer), "html", out, TableOptions(**options))
    return out.read_text(encoding="utf-8")


def test_report_is_one_offline_file_with_inline_svg_and_no_script(project, coded, tmp_path):
    html = report(project, tmp_path)
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 2
    assert "<script" not in html.lower()
    external = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert external == []
    assert "Which codings: <b>coder Ana</b>" in html


def test_report_charts_show_the_hand_counted_statements(project, coded, tmp_path):
    html = report(project, tmp_path)
    assert "<title>Prevention: Supports 2</title>" in html
    assert "<title>Prevention: Neutral 1</title>" in html
    assert "<title>Veto restraint: Supports 2</title>" in html
    assert "<title>Prevention: African 1</title>" in html
    assert "<title>Prevention: unknown 1</title>" in html


def test_report_warns_loudly_without_a_reliability_snapshot(project, coded, tmp_path):
    html = report(project, tmp_path)
    assert html.count('class="warning">NO RELIABILITY SNAPSHOT') >= 1


def test_report_escapes_every_text(project, coded, ids, tmp_path):
    doc = next(d for d in project.documents.list() if d.id == ids.documents[0])
    evil = "<script>alert('x')</script> & co"
    project.documents.set_meta(doc.id, replace(doc.meta, speaker=evil))
    html = report(project, tmp_path)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in html


def test_report_shows_a_few_quotes_per_theme_and_stance_and_says_how_many_more(
    project, coded, ids, tmp_path
):
    d1 = ids.documents[0]
    ana = ids.coders[0]
    veto = project.codebook.theme_by_key("veto").id
    sup = project.codebook.stance_by_key("supports").id
    for start in range(EVIDENCE_PER_STANCE + 2):
        project.codings.apply(CodingRequest(d1, ana, veto, start, start + 20, sup))
    html = report(project, tmp_path)
    # 2 earlier veto quotes (D1, D2) + the new ones
    total = 2 + EVIDENCE_PER_STANCE + 2
    assert f"Veto restraint: Supports ({total})" in html
    assert f"and {total - EVIDENCE_PER_STANCE} more in the evidence table" in html


def test_report_breaks_counts_down_by_the_chosen_fields(project, coded, tmp_path):
    html = report(project, tmp_path, by=("year",))
    assert "Statements by theme and year" in html
    assert "Statements by theme and event" not in html


def test_chart_bars_scale_to_the_largest_total_and_skip_empty_parts():
    bars = [
        Bar("a", (Part("x", 2, "#000"), Part("y", 0, "#111"))),
        Bar("b", (Part("x", 4, "#000"),)),
    ]
    svg = stacked_bars("T", bars, [("x", "#000"), ("y", "#111")], width=460)
    widths = [
        float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="18"', svg)
    ]
    # 460 - 260 (labels) - 60 (totals) = 140 px for the largest total, 4
    assert widths == [70.0, 140.0]
    assert "<title>a: y 0</title>" not in svg


def test_report_refuses_a_misspelt_breakdown_field(project, coded, tmp_path):
    with pytest.raises(ExportFailed, match="evnt"):
        report(project, tmp_path, by=("evnt",))
    assert not (tmp_path / "report.html").exists()
