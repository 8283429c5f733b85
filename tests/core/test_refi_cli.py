import hashlib
import json
from pathlib import Path

import pytest

from tests.core.refi_fixtures import nvivo_project, zip_project
from tests.core.test_cli import run

from r2pcoder.db import Project
from r2pcoder.resources import bundled


@pytest.fixture
def sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The bundled sample statements and R2P codebook, with a few codings by two coders."""
    path = tmp_path / "sample.r2p"
    assert run(capsys, "init", path, "--codebook", bundled("codebook") / "r2p.yaml")[0] == 0
    assert (
        run(capsys, "import", path, "--metadata", bundled("sample_data") / "metadata.csv")[0] == 0
    )
    for coder in ("Ana", "Ben"):
        assert run(capsys, "coder", "add", path, coder)[0] == 0
    for doc, coder, theme, stance, quote in [
        ("1", "Ana", "prevention", "supports", "prevention"),
        ("1", "Ben", "prevention", "neutral", "prevention"),
        ("2", "Ana", "accountability", "supports", "accountability"),
    ]:
        code, _, err = run(
            capsys,
            "code",
            "add",
            path,
            "--document",
            doc,
            "--coder",
            coder,
            "--theme",
            theme,
            "--stance",
            stance,
            "--quote",
            quote,
        )
        assert code == 0, err
    return path


def test_export_then_import_into_an_empty_project_exits_0(sample, tmp_path, capsys):
    out = tmp_path / "sample.qdpx"
    code, text, _ = run(capsys, "refi", "export", sample, out, "--json")
    assert code == 0
    data = json.loads(text)
    assert data["complete"]
    assert data["counts"]["codings"] == 3
    empty = tmp_path / "copy.r2p"
    assert run(capsys, "init", empty)[0] == 0
    code, text, _ = run(capsys, "refi", "import", empty, out, "--json")
    assert code == 0
    data = json.loads(text)
    assert data["counts"]["statements_added"] == 5
    assert data["counts"]["codings_added"] == 3
    assert data["left_out"] == []
    with Project(sample) as a, Project(empty) as b:
        assert b.codebook.current() == a.codebook.current()
        assert [d.uuid for d in b.documents.list()] == [d.uuid for d in a.documents.list()]
        assert b.codings.count() == 3


def test_something_left_out_exits_4_with_each_item(sample, tmp_path, capsys):
    code, text, _ = run(capsys, "refi", "import", sample, nvivo_project(tmp_path / "n.qdpx"))
    assert code == 4
    assert "LEFT OUT: note 'Journal': it is attached to no source, code or selection" in text
    assert "Offsets: UTF-16 code units" in text


def test_a_refused_file_exits_1_with_one_line_and_the_project_untouched(sample, tmp_path, capsys):
    before = hashlib.sha256(sample.read_bytes()).hexdigest()
    slip = zip_project(tmp_path / "slip.qdpx", "<Project/>", {"../evil.txt": b"x"})
    code, out, err = run(capsys, "refi", "import", sample, slip)
    assert code == 1
    assert out == ""
    assert err == (
        "r2pcoder: Archive member '../evil.txt' points outside the archive (it contains ..); "
        "refused.\n"
    )
    assert hashlib.sha256(sample.read_bytes()).hexdigest() == before


def test_offsets_option_and_layer_option(sample, tmp_path, capsys):
    out = tmp_path / "ben.qdpx"
    code, text, _ = run(capsys, "refi", "export", sample, out, "--layer", "Ben", "--json")
    assert code == 0
    assert json.loads(text)["layer"] == "coder Ben"
    assert json.loads(text)["counts"]["codings"] == 1
    code, text, _ = run(
        capsys,
        "refi",
        "import",
        sample,
        nvivo_project(tmp_path / "n.qdpx"),
        "--offsets",
        "utf16",
        "--json",
    )
    assert code == 4
    data = json.loads(text)
    assert "the unit was given by the user" in data["offsets"]
    # The file's Ben is another person than the project's Ben: both are kept, and said so.
    assert any("a coder called 'Ben' already exists" in w for w in data["warnings"])
    code, _, err = run(capsys, "refi", "export", sample, tmp_path / "x.txt")
    assert code == 1
    assert "needs a name ending in .qdpx or .qdc" in err
