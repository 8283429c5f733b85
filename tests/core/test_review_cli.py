"""``r2pcoder review ...``, ``export --layer gold|final`` and ``agreement --vs gold``.

Plan: D1 Ana and Ben agree on prevention and differ on the veto (supports / neutral); D2 Ana
alone codes the veto. See tests/core/review_setup.py for the texts.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.core.review_setup import build

from r2pcoder.cli import main
from r2pcoder.db import Project

ACT = "We support the ACT Code of Conduct."
PLAN = [
    ("Ana", 0, "prevention", "supports", "Prevention is the best protection."),
    ("Ben", 0, "prevention", "supports", "Prevention is the best protection."),
    ("Ana", 0, "veto", "supports", ACT),
    ("Ben", 0, "veto", "neutral", ACT),
    ("Ana", 1, "veto", "supports", "The veto must not block action."),
]


@pytest.fixture
def master(project_path: Path) -> Path:
    with Project(project_path) as project:
        build(project, PLAN)
    return project_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_json_has_the_keys_scripts_read(master, capsys):
    code, out, err = run(capsys, "review", "status", master, "--json")
    assert code == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("statements", "worked_on", "agreed", "awaiting", "decided")} == {
        "statements": 3,
        "worked_on": 2,
        "agreed": 1,
        "awaiting": 1,
        "decided": 0,
    }
    assert "WARNING: No reliability snapshot" in err


def test_list_gives_each_cell_with_ids_and_every_coders_value(master, capsys):
    code, out, _ = run(capsys, "review", "list", master, "--json")
    assert code == 0
    (cell,) = json.loads(out)
    with Project(master) as project:
        d1 = project.documents.list()[0]
    assert (cell["statement"], cell["statement_uuid"], cell["theme"]) == (d1.id, d1.uuid, "veto")
    assert [(v["coder"], v["value"]) for v in cell["values"]] == [
        ("Ana", "supports"),
        ("Ben", "neutral"),
    ]
    code, out, _ = run(capsys, "review", "list", master, "--theme", "prevention")
    assert out.strip().endswith("0 cells.")
    code, out, _ = run(capsys, "review", "list", master, "--status", "single", "--json")
    assert [(c["title"], c["values"][0]["value"]) for c in json.loads(out)] == [
        ("Statement of Mexico", "supports")
    ]


def test_auto_previews_then_decides(master, capsys):
    code, out, _ = run(
        capsys, "review", "auto", master, "--rule", "unanimous", "--dry-run", "--json"
    )
    preview = json.loads(out)
    assert (code, preview["dry_run"], preview["decided"], preview["left_for_lead"]) == (
        0,
        True,
        1,
        1,
    )
    code, out, _ = run(capsys, "review", "auto", master, "--rule", "unanimous", "--by", "Lena")
    assert "Rule unanimous: decided 1 cell." in out
    code, out, _ = run(capsys, "review", "status", master, "--json")
    assert json.loads(out)["decided"] == 1


def test_decide_from_a_coder_then_reopen(master, capsys):
    code, out, _ = run(
        capsys,
        "review",
        "decide",
        master,
        "--document",
        "1",
        "--theme",
        "veto",
        "--from",
        "Ben",
        "--note",
        "neutral it is",
        "--by",
        "Ana",
        "--json",
    )
    assert code == 0
    (cell,) = json.loads(out)["cells"]
    assert (cell["decision"], cell["decided_by"], cell["note"]) == ("coded", "Ana", "neutral it is")
    assert [(c["stance"], c["origin"]) for c in cell["gold_codings"]] == [("neutral", "accepted")]
    with Project(master) as project:
        d = project.review.cell(1, project.codebook.theme_by_key("veto").id).decision
        assert d is not None
        assert d.decided_by_uuid == project.coders.find("Ana").uuid
    code, out, _ = run(capsys, "review", "reopen", master, "--document", "1", "--theme", "veto")
    assert (code, "Re-opened 1 cell;" in out) == (0, True)
    assert "coded by Ana (1 gold coding)" in out


def test_decide_with_a_stance_and_a_quote_makes_a_gold_coding(master, capsys):
    code, out, _ = run(
        capsys,
        "review",
        "decide",
        master,
        "--document",
        "Statement of Ghana",
        "--theme",
        "veto",
        "--stance",
        "opposes",
        "--quote",
        "ACT Code",
        "--json",
    )
    assert code == 0
    (coding,) = json.loads(out)["cells"][0]["gold_codings"]
    with Project(master) as project:
        text = project.documents.get(1).text
    assert (coding["stance"], coding["origin"]) == ("opposes", "added")
    assert text[coding["start"] : coding["end"]] == "ACT Code"
    code, out, _ = run(
        capsys,
        "review",
        "decide",
        master,
        "--document",
        "1",
        "--theme",
        "veto",
        "--stance",
        "neutral",
    )
    assert "statement 1, veto: coded" in out


def test_decide_absent_agreed_and_resolved(master, capsys):
    assert (
        run(
            capsys,
            "review",
            "decide",
            master,
            "--document",
            "1",
            "--theme",
            "prevention",
            "--agreed",
        )[0]
        == 0
    )
    assert (
        run(capsys, "review", "decide", master, "--document", "2", "--theme", "veto", "--absent")[0]
        == 0
    )
    code, out, _ = run(capsys, "review", "decide", master, "--document", "1", "--resolved")
    assert (code, "statement 1, veto: resolved" in out) == (0, True)
    code, out, _ = run(capsys, "review", "status", master, "--json")
    data = json.loads(out)
    assert (data["awaiting"], data["decided"]) == (0, 3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--document", "99", "--theme", "veto", "--absent"], "No document matches '99'"),
        (["--document", "1", "--theme", "vetoo", "--absent"], "no theme 'vetoo'"),
        (["--document", "1", "--theme", "veto", "--stance", "maybe"], "no stance 'maybe'"),
        (["--document", "1", "--theme", "veto", "--from", "Zed"], "no coder called 'Zed'"),
        (
            ["--document", "1", "--theme", "veto", "--stance", "opposes", "--quote", "nowhere"],
            "The quote 'nowhere' is not in the statement",
        ),
        (["--document", "2", "--theme", "veto", "--agreed"], "do not all agree"),
        (["--document", "1", "--theme", "veto", "--resolved"], "leave out --theme"),
    ],
)
def test_bad_decisions_exit_1_with_the_reason_and_write_nothing(master, capsys, args, message):
    before = master.read_bytes()
    code, _, err = run(capsys, "review", "decide", master, *args)
    assert code == 1
    assert message.lower() in err.lower()
    assert err.count("\n") == 1
    assert master.read_bytes() == before


def test_review_of_a_packet_is_refused(tmp_path, capsys):
    packet = tmp_path / "ana.r2p"
    with Project.create(packet, role="packet"):
        pass
    before = packet.read_bytes()
    for args in (["status"], ["decide", "--document", "1", "--theme", "veto", "--absent"]):
        code, _, err = run(capsys, "review", args[0], packet, *args[1:])
        assert (code, "is a coder's packet" in err) == (1, True)
    assert packet.read_bytes() == before


def test_export_final_and_gold_layers(master, tmp_path, capsys):
    out = tmp_path / "final"
    code, stdout, err = run(capsys, "export", master, "--layer", "final", "--out", out)
    assert code == 0
    assert "Layer: final (gold 0 coded, 0 absent; agreed 1; single coder 1" in stdout
    assert "1 statement x theme cell(s) await adjudication" in err
    with (out / "segments.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["coder"], r["quote"]) for r in rows] == [
        ("Ana", "Prevention is the best protection."),
        ("Ana", "The veto must not block action."),
    ]
    run(capsys, "review", "decide", master, "--document", "1", "--theme", "veto", "--from", "Ben")
    code, stdout, _ = run(
        capsys, "export", master, "--layer", "gold", "--out", tmp_path / "g", "--json"
    )
    assert json.loads(stdout)["rows"]["segments"] == 1


def test_agreement_vs_gold_and_feedback(master, tmp_path, capsys):
    run(capsys, "review", "auto", master, "--rule", "unanimous")
    run(capsys, "review", "decide", master, "--document", "1", "--theme", "veto", "--from", "Ben")
    code, out, _ = run(
        capsys,
        "agreement",
        master,
        "--vs",
        "gold",
        "--format",
        "json",
        "--bootstrap",
        "0",
        "--level",
        "nominal",
    )
    assert code == 0
    reports = json.loads(out)
    overall = {
        r["coders"][1][1]: next(x for x in r["rows"] if x["scope"] == "overall") for r in reports
    }
    # Two decided cells (D1 prevention, D1 veto): Ana matches one, Ben both.
    assert overall["Ana"]["values"]["percent_agreement"]["value"] == pytest.approx(0.5)
    assert overall["Ben"]["values"]["percent_agreement"]["value"] == pytest.approx(1.0)
    code, out, _ = run(capsys, "agreement", master, "--vs", "gold", "--bootstrap", "0")
    assert "== Ana against gold ==" in out
    code, out, _ = run(
        capsys, "agreement", master, "--vs", "gold", "--format", "csv", "--bootstrap", "0"
    )
    lines = out.splitlines()
    assert lines[0].startswith("compared,stratum_field")
    assert {line.split(",")[0] for line in lines[1:]} == {"Ana vs gold", "Ben vs gold"}
    target = tmp_path / "ana.csv"
    code, out, _ = run(capsys, "review", "feedback", master, "--coder", "Ana", "--out", target)
    assert (code, "1 difference from gold (stance 1)" in out) == (0, True)
    assert target.is_file()


def test_snapshots_say_which_layers_they_compared(master, capsys):
    run(capsys, "agreement", master, "--bootstrap", "0", "--save", "coders")
    run(capsys, "review", "decide", master, "--document", "1", "--theme", "veto", "--from", "Ben")
    code, _, err = run(
        capsys, "agreement", master, "--vs", "gold", "--bootstrap", "0", "--save", "feedback"
    )
    assert (code, err.count("Saved snapshot")) == (0, 2)
    _, out, _ = run(capsys, "snapshot", "list", master, "--json")
    with Project(master) as project:
        ana, ben = (project.coders.find(n).uuid for n in ("Ana", "Ben"))
    assert [(s["label"], s["layers"]) for s in json.loads(out)] == [
        ("coders", [f"coder:{ana}", f"coder:{ben}"]),
        ("feedback (Ana vs gold)", ["gold", f"coder:{ana}"]),
        ("feedback (Ben vs gold)", ["gold", f"coder:{ben}"]),
    ]
