"""The command line a script can trust: documents list, code list/import/remove, --json, exits.

The sample project: the five bundled statements (ids 1-5 in the order of metadata.csv; 3 is the
Republic of Korea's 2017 statement) and the R2P codebook; one coder, Ana.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.test_cli import run

from r2pcoder.cli import EXIT_CODES, main
from r2pcoder.db import Project
from r2pcoder.merge.report import PacketsRefused, Refusal
from r2pcoder.resources import bundled

ROK = "2017_republic_of_korea.txt"
DECLARATION = "Political Declaration by France and Mexico"
MAINSTREAM = "further mainstream the responsibility to protect across the entire UN system"


@pytest.fixture
def sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "sample.r2p"
    assert run(capsys, "init", path, "--codebook", bundled("codebook") / "r2p.yaml")[0] == 0
    assert (
        run(capsys, "import", path, "--metadata", bundled("sample_data") / "metadata.csv")[0] == 0
    )
    assert run(capsys, "coder", "add", path, "Ana")[0] == 0
    return path


def _csv(tmp_path: Path, text: str, name: str = "codings.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_documents_list_gives_ids_uuids_titles_speakers_and_groups(sample, capsys) -> None:
    code, out, _ = run(capsys, "documents", "list", sample, "--json")
    docs = json.loads(out)
    assert code == 0
    assert [d["id"] for d in docs] == [1, 2, 3, 4, 5]
    rok = docs[2]
    assert (rok["speaker"], rok["regional_group"], rok["source_file"]) == (
        "Republic of Korea",
        "Asia-Pacific",
        ROK,
    )
    assert rok["title"].startswith("Statement by Ambassador Hahn Choonghee")
    with Project(sample) as project:
        assert rok["uuid"] == project.documents.get(3).uuid
    _, out, _ = run(capsys, "documents", "list", sample)
    line = out.splitlines()[2]
    assert line.startswith(f"   3  {rok['uuid']}  Statement by Ambassador")
    assert line.endswith("|  Republic of Korea  |  Asia-Pacific")


def test_code_list_shows_the_coder_and_the_statement(sample, capsys) -> None:
    run(
        capsys,
        "code",
        "add",
        sample,
        "--document",
        ROK,
        "--coder",
        "Ana",
        "--theme",
        "france_mexico_declaration",
        "--quote",
        DECLARATION,
    )
    _, out, _ = run(capsys, "code", "list", sample, "--json")
    (row,) = json.loads(out)
    assert (row["coder"], row["document_id"], row["quote"]) == ("Ana", 3, DECLARATION)
    assert row["document_title"].startswith("Statement by Ambassador Hahn Choonghee")
    _, out, _ = run(capsys, "code", "list", sample)
    assert "  Ana  doc 3 'Statement by Ambassador Hahn Choonghee, '  3046-3088  " in out


def test_code_import_stores_every_good_row_in_one_go_and_names_the_refused(
    sample, tmp_path, capsys
) -> None:
    rows = _csv(
        tmp_path,
        (
            "document,coder,theme,stance,quote,start,end,memo\n"
            f"{ROK},Ana,france_mexico_declaration,supports,{DECLARATION},,,\n"  # row 2: stored
            f'3,Ana,mainstreaming,,"{MAINSTREAM}",,,why\n'  # row 3: stored
            f"{ROK},Zoe,mainstreaming,,,0,5,\n"  # row 4: no Zoe
            f"{ROK},Ana,france_mexico_declaration,supports,{DECLARATION},,,\n"  # row 5: repeats 2
            f"{ROK},Ana,mainstreaming,,not in this text,,,\n"  # row 6: no quote
            f"{ROK},Ana,mainstreaming,,,5,5,\n"  # row 7: empty span
            f"{ROK},Ana,pillar_one,maybe,,0,9,\n"  # row 8: no stance
        ),
    )
    code, out, _ = run(capsys, "code", "import", sample, rows, "--json")
    report = json.loads(out)
    assert code == 4
    assert [a["row"] for a in report["added"]] == [2, 3]
    refused = {r["row"]: r["reason"] for r in report["refused"]}
    assert sorted(refused) == [4, 5, 6, 7, 8]
    assert "no coder called 'Zoe'" in refused[4]
    assert "an identical coding is not stored twice" in refused[5]
    assert "is not in the statement" in refused[6]
    assert "at least one character" in refused[7]
    assert "no stance 'maybe'" in refused[8]
    _, out, _ = run(capsys, "code", "list", sample, "--json")
    listed = json.loads(out)
    # Listed by position: the mainstreaming passage comes first in the statement.
    assert [(c["theme"], c["stance"], c["memo"]) for c in listed] == [
        ("mainstreaming", None, "why"),
        ("france_mexico_declaration", "supports", ""),
    ]
    _, out, _ = run(capsys, "code", "import", sample, rows)
    assert out.splitlines()[0] == "Added 0 codings from codings.csv; 7 rows refused."


def test_a_dry_run_checks_every_row_and_stores_nothing(sample, tmp_path, capsys) -> None:
    rows = _csv(tmp_path, f"document,coder,theme,quote\n{ROK},Ana,mainstreaming,{MAINSTREAM}\n")
    code, out, _ = run(capsys, "code", "import", sample, rows, "--dry-run")
    assert code == 0
    assert out == "Would add 1 coding from codings.csv (dry run: nothing was written).\n"
    with Project(sample) as project:
        assert project.codings.count() == 0


def test_a_file_with_an_unknown_column_is_refused_whole(sample, tmp_path, capsys) -> None:
    rows = _csv(
        tmp_path, f"document,coder,theme,stnace,quote\n{ROK},Ana,mainstreaming,supports,x\n"
    )
    code, out, err = run(capsys, "code", "import", sample, rows)
    assert (code, out) == (1, "")
    assert "column 'stnace' is not known (did you mean 'stance'?); nothing was coded" in err
    rows = _csv(tmp_path, "document,theme\n3,mainstreaming\n", "short.csv")
    code, _, err = run(capsys, "code", "import", sample, rows)
    assert (code, "short.csv has no 'coder' column" in err) == (1, True)


def test_an_import_refusing_every_row_exits_1(sample, tmp_path, capsys) -> None:
    rows = _csv(tmp_path, "document,coder,theme,start,end\n99,Ana,mainstreaming,0,5\n")
    code, out, _ = run(capsys, "code", "import", sample, rows)
    assert code == 1
    assert "row 2: No document matches '99'" in out


def test_code_remove_by_what_it_matches(sample, capsys) -> None:
    for quote in (DECLARATION, MAINSTREAM):
        run(
            capsys,
            "code",
            "add",
            sample,
            "--document",
            "3",
            "--coder",
            "Ana",
            "--theme",
            "mainstreaming",
            "--quote",
            quote,
        )
    base = ("code", "remove", sample, "--document", "3", "--coder", "Ana")
    code, _, err = run(capsys, *base, "--theme", "mainstreaming")
    assert code == 1
    assert "2 codings match; nothing was removed. Give --all" in err
    code, out, _ = run(capsys, *base, "--theme", "mainstreaming", "--quote", MAINSTREAM, "--json")
    assert (code, len(json.loads(out)["removed"])) == (0, 1)
    code, out, _ = run(capsys, *base, "--all")
    assert (code, out.startswith("Removed 1 coding: ")) == (0, True)
    code, _, err = run(capsys, *base, "--all")
    assert (code, "No coding matches; nothing was removed." in err) == (1, True)


@pytest.mark.parametrize(
    "argv",
    [
        ["init", "{dir}/new.r2p", "--json"],
        ["codebook", "export", "{project}", "{dir}/cb.yaml", "--json"],
        ["documents", "list", "{project}", "--json"],
        ["agreement", "{project}", "--json"],
    ],
)
def test_commands_a_script_reads_accept_json(sample, tmp_path, capsys, argv) -> None:
    args = [a.format(dir=tmp_path, project=sample) for a in argv]
    if args[0] == "agreement":
        with Project(sample) as project:
            project.coders.add("Ben")
        for coder in ("Ana", "Ben"):
            run(
                capsys,
                "code",
                "add",
                sample,
                "--document",
                "3",
                "--coder",
                coder,
                "--theme",
                "mainstreaming",
                "--quote",
                MAINSTREAM,
            )
    code, out, _ = run(capsys, *args)
    assert code == 0
    json.loads(out)


def test_help_lists_every_exit_code_and_no_empty_choice(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for code, meaning in EXIT_CODES:
        assert f"{code} {' '.join(meaning.split())}" in text
    assert [c for c, _ in EXIT_CODES] == [0, 1, 2, 4, 130]
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "{," not in text
    assert "--regional-group GROUP regional group for every file: African, Asia-Pacific" in text


def test_counts_in_messages_agree_in_number(sample, capsys) -> None:
    run(
        capsys,
        "code",
        "add",
        sample,
        "--document",
        "3",
        "--coder",
        "Ana",
        "--theme",
        "mainstreaming",
        "--quote",
        MAINSTREAM,
    )
    _, out, _ = run(capsys, "info", sample)
    assert "5 statements, 1 coding" in out
    assert "  coder Ana: 1 coding" in out


def test_a_reason_ending_in_a_full_stop_gets_no_second_one() -> None:
    refused = PacketsRefused((Refusal("p.r2p", "it is not a project database)."),))
    assert str(refused) == (
        "p.r2p: it is not a project database). Nothing was merged; the master is unchanged."
    )
