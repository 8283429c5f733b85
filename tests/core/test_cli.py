import json
from pathlib import Path

import pytest

from r2pcoder.cli import main
from r2pcoder.db import Project
from r2pcoder.resources import bundled


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "sample.r2p"
    assert run(capsys, "init", path, "--codebook", bundled("codebook") / "r2p.yaml")[0] == 0
    metadata = bundled("sample_data") / "metadata.csv"
    assert run(capsys, "import", path, "--metadata", metadata)[0] == 0
    assert run(capsys, "coder", "add", path, "Ana")[0] == 0
    return path


def test_init_import_and_info(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "info", sample, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["documents"] == 5
    assert data["coders"][0]["name"] == "Ana"
    assert data["codebook"]["id"] == "r2p"


def test_code_add_by_quote_list_and_remove(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "code",
        "add",
        sample,
        "--document",
        "1",
        "--coder",
        "Ana",
        "--theme",
        "prevention",
        "--stance",
        "supports",
        "--quote",
        "prevention",
        "--json",
    )
    added = json.loads(out)
    assert code == 0
    assert added["quote"] == "prevention"
    with Project(sample) as project:
        text = project.documents.get(1).text
    assert text[added["start"] : added["end"]] == "prevention"
    code, out, _ = run(capsys, "code", "list", sample, "--json")
    assert [c["uuid"] for c in json.loads(out)] == [added["uuid"]]
    assert run(capsys, "code", "remove", sample, added["uuid"])[0] == 0
    code, out, _ = run(capsys, "code", "list", sample, "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "5", "--end", "5"), "at least one character"),
        (("--start", "0", "--end", "999999"), "outside"),
        (("--quote", "no such words in this statement"), "not in the statement"),
    ],
)
def test_bad_codings_exit_1_with_a_reason(
    sample: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = run(
        capsys,
        "code",
        "add",
        sample,
        "--document",
        "1",
        "--coder",
        "Ana",
        "--theme",
        "prevention",
        *args,
    )
    assert code == 1
    assert message in err
    assert err.count("\n") == 1


def test_an_identical_coding_is_refused_with_exit_1_and_the_reason(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = (
        "code",
        "add",
        sample,
        "--document",
        "1",
        "--coder",
        "Ana",
        "--theme",
        "prevention",
        "--stance",
        "supports",
        "--quote",
        "prevention",
    )
    assert run(capsys, *args)[0] == 0
    code, out, err = run(capsys, *args)
    assert (code, out) == (1, "")
    assert "Ana already coded" in err
    assert "an identical coding is not stored twice." in err
    assert err.count("\n") == 1
    _, out, _ = run(capsys, "code", "list", sample, "--json")
    assert len(json.loads(out)) == 1


def test_unknown_theme_and_coder_are_named(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "code",
        "add",
        sample,
        "--document",
        "1",
        "--coder",
        "Zoe",
        "--theme",
        "prevention",
        "--start",
        "0",
        "--end",
        "3",
    )
    assert (code, "no coder called 'Zoe'" in err) == (1, True)
    code, _, err = run(
        capsys,
        "code",
        "add",
        sample,
        "--document",
        "1",
        "--coder",
        "Ana",
        "--theme",
        "nonsense",
        "--start",
        "0",
        "--end",
        "3",
    )
    assert (code, "no theme 'nonsense'" in err) == (1, True)


def test_not_a_project_exits_1_and_leaves_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.r2p"
    path.write_text("notes", encoding="utf-8")
    code, _, err = run(capsys, "info", path)
    assert code == 1
    assert "not an r2pcoder project" in err
    assert path.read_text(encoding="utf-8") == "notes"


def test_import_reports_bad_files_and_keeps_good_ones(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "good.txt").write_text("A new statement on prevention.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00")
    code, out, _ = run(capsys, "import", sample, folder, "--json", "--regional-group", "African")
    data = json.loads(out)
    assert code == 4
    assert [d["title"] for d in data["imported"]] == ["good"]
    assert {f["file"] for f in data["failed"]} == {"empty.txt", "binary.txt"}


def test_codebook_validate_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema_version: 1\nid: x\nname: X\nversion: '1'\ndescription: ''\n"
        "stances: {ordinal: false, values: [{id: s, name: S, color: 'red'}]}\n"
        "themes: [{id: a, name: A}, {id: a, name: A again}]\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "codebook", "validate", bad, "--json")
    data = json.loads(out)
    assert code == 1
    assert data["valid"] is False
    assert len(data["problems"]) >= 2


def test_codebook_export_round_trips(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "exported.yaml"
    assert run(capsys, "codebook", "export", sample, out_file)[0] == 0
    code, out, _ = run(capsys, "codebook", "load", sample, out_file, "--json")
    assert code == 0
    assert "did not change" in " ".join(json.loads(out)["changes"])


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["--help"],
        ["import", "--help"],
        ["code", "add", "--help"],
        ["codebook", "--help"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
    assert "usage" in capsys.readouterr().out


def test_json_streamed_as_it_comes_reads_as_one_json_list() -> None:
    import io  # noqa: PLC0415

    from r2pcoder.cli.common import stream_json  # noqa: PLC0415

    rows = [
        {"quote": 'a "quoted"\nline, é, 😀', "start": 0, "stance": None, "memo": ""},
        {"quote": "\\ and \t", "start": 12, "stance": "supports", "memo": "m"},
    ]
    for given in ([], rows[:1], rows):
        out = io.StringIO()
        stream_json(iter(given), out)
        assert out.getvalue() == json.dumps(given, indent=2, ensure_ascii=False) + "\n"
