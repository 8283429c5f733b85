"""Codebook files that contain themselves, expand without end or nest without end are refused with
their place, in one line from the command line, never with a RecursionError."""

import json
from pathlib import Path

import pytest

from r2pcoder.cli import main
from r2pcoder.codebook import load_codebook
from r2pcoder.errors import CodebookInvalid

HEAD = """schema_version: 1
id: hostile
name: Hostile
version: "1"
stances: {ordinal: false, values: [{id: s, name: S, color: "#000000"}]}
"""

SELF = (
    HEAD
    + """themes: &t
  - id: prevention
    name: Prevention
    color: "#1f77b4"
    children: *t
"""
)

MUTUAL = (
    HEAD
    + """themes:
  - &a
    id: a
    name: A
    color: "#1f77b4"
    children: [&b {id: b, name: B, color: "#aec7e8", children: [*a]}]
"""
)

LAUGHS = (
    HEAD
    + "themes: []\n"
    + "\n".join(
        [f"l0: &l0 [{', '.join(['x'] * 10)}]"]
        + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    )
    + "\n"
)


def _refusal(tmp_path: Path, name: str, text: str) -> CodebookInvalid:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookInvalid) as refused:
        load_codebook(path)
    return refused.value


def test_an_anchor_used_inside_itself_is_refused_with_its_line(tmp_path: Path) -> None:
    refused = _refusal(tmp_path, "self.yaml", SELF)
    assert [str(p) for p in refused.problems] == [
        "line 6: this anchor (&name) is used inside itself through an alias (*name)"
    ]
    refused = _refusal(tmp_path, "mutual.yaml", MUTUAL)
    assert [str(p) for p in refused.problems] == [
        "line 7: this anchor (&name) is used inside itself through an alias (*name)"
    ]


def test_aliases_that_multiply_the_file_are_refused(tmp_path: Path) -> None:
    refused = _refusal(tmp_path, "laughs.yaml", LAUGHS)
    assert [str(p) for p in refused.problems] == [
        "file: its aliases (*name) expand it to more than 100,000 entries"
    ]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_nesting_without_end_is_refused(tmp_path: Path, suffix: str) -> None:
    deep = "[" * 5000 + "]" * 5000
    text = f'{{"themes": {deep}}}' if suffix == ".json" else f"themes: {deep}\n"
    refused = _refusal(tmp_path, f"deep{suffix}", text)
    assert [str(p) for p in refused.problems] == ["file: it nests more than 100 levels deep"]
    theme: dict[str, object] = {"id": "t0", "name": "T", "color": "#000000"}
    for i in range(1, 60):  # 60 levels of children: 120 levels of nesting
        theme = {"id": f"t{i}", "name": "T", "color": "#000000", "children": [theme]}
    refused = _refusal(tmp_path, f"tree{suffix}", json.dumps({"themes": [theme]}))
    assert [str(p) for p in refused.problems] == ["file: it nests more than 100 levels deep"]


def test_the_command_line_answers_each_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "self.yaml"
    path.write_text(SELF, encoding="utf-8")
    assert main(["init", str(tmp_path / "p.r2p"), "--codebook", str(path)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        (
            "r2pcoder: Codebook self.yaml is not valid: line 6: this anchor (&name) is used inside "
            "itself through an alias (*name).\n"
        ),
    )
    assert not (tmp_path / "p.r2p").exists()
    assert main(["codebook", "validate", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        f"{path} has 1 problem:",
        "line 6: this anchor (&name) is used inside itself through an alias (*name)",
    ]


def test_ordinary_anchors_and_aliases_still_work(tmp_path: Path) -> None:
    text = (
        HEAD
        + """description: &shared "Words used twice."
themes:
  - {id: a, name: A, color: "#1f77b4", description: *shared}
  - {id: b, name: B, color: "#aec7e8", description: *shared}
"""
    )
    path = tmp_path / "shared.yaml"
    path.write_text(text, encoding="utf-8")
    codebook = load_codebook(path)
    assert [t.description for t in codebook.themes] == ["Words used twice."] * 2
