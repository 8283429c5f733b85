"""Reliability snapshots and the ``agreement`` / ``snapshot`` commands."""

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import TemplateIds
from tests.core.test_reliability import code, two_themes

from r2pcoder.cli import main
from r2pcoder.db import Project
from r2pcoder.errors import UnknownEntity
from r2pcoder.reliability import (
    AgreementSettings,
    compute_agreement,
    export_snapshot,
    is_current,
    list_snapshots,
    load_snapshot,
    save_snapshot,
)

QUICK = AgreementSettings(level="nominal", bootstrap_n=50)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    exit_code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return exit_code, out, err


def test_snapshot_keeps_settings_results_and_time(project: Project, ids: TemplateIds) -> None:
    two_themes(project, ids)
    report = compute_agreement(project, QUICK)
    info = save_snapshot(project, report, "before adjudication")
    assert [s.uuid for s in list_snapshots(project)] == [info.uuid]
    assert info.label == "before adjudication"
    assert info.n_coders == 2
    assert info.n_documents == 3
    assert load_snapshot(project, info.uuid) == report


def test_snapshot_knows_when_the_coding_changed_since(project: Project, ids: TemplateIds) -> None:
    two_themes(project, ids)
    info = save_snapshot(project, compute_agreement(project, QUICK))
    assert is_current(project, info.uuid)
    code(project, ids, 0, 1, "prevention", "opposes")
    assert not is_current(project, info.uuid)


def test_exported_snapshot_is_json_with_project_and_report(
    project: Project, ids: TemplateIds, tmp_path: Path
) -> None:
    two_themes(project, ids)
    info = save_snapshot(project, compute_agreement(project, QUICK), "pilot")
    out = tmp_path / "out"
    out.mkdir()
    path = export_snapshot(project, info.uuid, out / "pilot.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "r2pcoder-reliability-snapshot"
    assert data["snapshot"]["label"] == "pilot"
    assert data["project"]["codebook"]["id"] == "tiny"
    assert data["report"]["settings"]["unit"] == "statement"
    assert (
        data["report"]["inputs_fingerprint"] == load_snapshot(project, info.uuid).inputs_fingerprint
    )
    assert [p.name for p in out.iterdir()] == ["pilot.json"]  # no temporary file left behind


def test_unknown_snapshot_is_named(project: Project) -> None:
    with pytest.raises(UnknownEntity, match="no-such-uuid"):
        load_snapshot(project, "no-such-uuid")


def test_cli_prints_a_table_with_bands_and_saves_a_snapshot(
    project_path: Path, ids: TemplateIds, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project(project_path) as project:
        two_themes(project, ids)
    exit_code, out, err = run(
        capsys,
        "agreement",
        project_path,
        "--level",
        "nominal",
        "--bootstrap",
        "100",
        "--save",
        "pilot",
    )
    assert exit_code == 0
    lines = out.splitlines()
    prevention = next(line for line in lines if line.startswith("Prevention"))
    assert prevention.split()[1:3] == ["3", "0.667"]
    assert "0.444" in prevention
    assert "Pairwise krippendorff_alpha:" in out
    assert "Saved snapshot" in err
    exit_code, out, _ = run(capsys, "snapshot", "list", project_path, "--json")
    assert [s["label"] for s in json.loads(out)] == ["pilot"]


def test_cli_json_and_csv_carry_the_same_values(
    project_path: Path, ids: TemplateIds, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project(project_path) as project:
        two_themes(project, ids)
    base = (
        "agreement",
        project_path,
        "--level",
        "nominal",
        "--bootstrap",
        "0",
        "--measure",
        "alpha,kappa",
    )
    _, out, _ = run(capsys, *base, "--format", "json")
    report = json.loads(out)
    assert report["settings"]["measures"] == ["krippendorff_alpha", "cohen_kappa"]
    theme = next(r for r in report["rows"] if r["key"] == "prevention")
    assert theme["values"]["krippendorff_alpha"]["value"] == pytest.approx(4 / 9)
    _, out, _ = run(capsys, *base, "--format", "csv", "--by", "regional_group")
    rows = list(csv.DictReader(io.StringIO(out)))
    alpha = next(
        r
        for r in rows
        if (r["key"], r["measure"], r["stratum_field"]) == ("prevention", "krippendorff_alpha", "")
    )
    assert float(alpha["value"]) == pytest.approx(4 / 9)
    assert {r["stratum_value"] for r in rows if r["stratum_field"]} == {
        "African",
        "Latin American and Caribbean",
        "Western European and Others",
    }


def test_cli_lists_disagreements_of_a_theme(
    project_path: Path, ids: TemplateIds, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project(project_path) as project:
        two_themes(project, ids)
    exit_code, out, _ = run(capsys, "agreement", project_path, "--disagreements", "veto")
    assert exit_code == 0
    assert "Ana: opposes  'Sover'" in out
    assert out.rstrip().endswith("2 disagreements.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--coders", "Ana"), "at least two coders"),
        (("--coders", "Ana,Zoe"), "Zoe"),
        (("--measure", "tau"), "Unknown measure"),
        (("--by", "planet"), "planet"),
    ],
)
def test_cli_bad_input_exits_1_with_one_line(
    project_path: Path, ids: TemplateIds, capsys: pytest.CaptureFixture[str], args, message
) -> None:
    with Project(project_path) as project:
        two_themes(project, ids)
    exit_code, _, err = run(capsys, "agreement", project_path, *args)
    assert exit_code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_cli_on_an_uncoded_master_says_there_is_nothing_to_compare(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code, _, err = run(capsys, "agreement", project_path)
    assert exit_code == 1
    assert "nothing to compare" in err


def test_cli_exports_a_snapshot(
    project_path: Path, ids: TemplateIds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project(project_path) as project:
        two_themes(project, ids)
        info = save_snapshot(project, compute_agreement(project, QUICK), "x")
    out_file = tmp_path / "snap.json"
    exit_code, _, _ = run(capsys, "snapshot", "export", project_path, info.uuid, out_file)
    assert exit_code == 0
    assert json.loads(out_file.read_text(encoding="utf-8"))["snapshot"]["uuid"] == info.uuid


def test_cli_agreement_takes_json_and_names_the_interval_method(
    project_path: Path, ids: TemplateIds, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project(project_path) as project:
        two_themes(project, ids)
    base = ("agreement", project_path, "--level", "nominal", "--bootstrap", "200")
    exit_code, out, _ = run(capsys, *base, "--json")
    report = json.loads(out)
    assert exit_code == 0
    assert report["settings"]["bootstrap_method"] == "units"
    assert report["interval_method"].startswith("Alpha's interval: 95% bias-corrected")
    _, out, _ = run(capsys, *base)
    assert "bias-corrected and accelerated (BCa) bootstrap interval" in out
    _, out, _ = run(capsys, *base, "--bootstrap-method", "pairs", "--json")
    assert "Krippendorff's bootstrap of value pairs" in json.loads(out)["interval_method"]
    exit_code, _, err = run(capsys, *base, "--json", "--format", "csv")
    assert exit_code == 1
    assert "two formats" in err


def test_snapshots_saved_before_the_method_was_a_setting_read_as_pairs() -> None:
    old = AgreementSettings().to_dict()
    del old["bootstrap_method"]
    assert AgreementSettings.from_dict(old).bootstrap_method == "pairs"
    assert AgreementSettings().bootstrap_method == "units"
