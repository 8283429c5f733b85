import json
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from r2pcoder.codebook import (
    CODEBOOK_SCHEMA_VERSION,
    Codebook,
    Stance,
    StanceScale,
    Theme,
    dump_codebook,
    load_codebook,
    migrate_codebook,
    parse_codebook,
    save_codebook,
)
from r2pcoder.codebook import validate as codebook_module
from r2pcoder.errors import CodebookInvalid


def minimal(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "demo",
        "name": "Demo",
        "version": "1",
        "description": "",
        "stances": {"ordinal": False, "values": [{"id": "yes", "name": "Yes", "shortcut": "1"}]},
        "themes": [
            {
                "id": "prevention",
                "name": "Prevention",
                "shortcut": "p",
                "children": [
                    {
                        "id": "early_warning",
                        "name": "Early warning",
                        "children": [{"id": "foa", "name": "Framework of Analysis"}],
                    },
                    {"id": "mediation", "name": "Mediation"},
                ],
            },
            {"id": "icc", "name": "ICC"},
        ],
    }
    data.update(overrides)
    return data


def test_walk_is_pre_order_with_parent_and_depth():
    cb = parse_codebook(minimal())
    assert [(t.id, parent, depth) for t, parent, depth in cb.walk()] == [
        ("prevention", None, 0),
        ("early_warning", "prevention", 1),
        ("foa", "early_warning", 2),
        ("mediation", "prevention", 1),
        ("icc", None, 0),
    ]


def test_theme_finds_nested_theme_and_raises_key_error_for_unknown():
    cb = parse_codebook(minimal())
    assert cb.theme("foa").name == "Framework of Analysis"
    with pytest.raises(KeyError):
        cb.theme("nope")


def test_theme_path_lists_names_from_the_root():
    cb = parse_codebook(minimal())
    assert cb.theme_path("foa") == ("Prevention", "Early warning", "Framework of Analysis")
    assert cb.theme_path("icc") == ("ICC",)
    with pytest.raises(KeyError):
        cb.theme_path("nope")


def test_stance_lookup():
    cb = parse_codebook(minimal())
    assert cb.stance("yes").name == "Yes"
    with pytest.raises(KeyError):
        cb.stance("no")


def test_defaults_fill_in_optional_fields():
    cb = parse_codebook(minimal())
    icc = cb.theme("icc")
    assert icc == Theme(id="icc", name="ICC")
    assert icc.color == "#808080"
    assert icc.shortcut is None


def test_text_fields_are_stripped():
    data = minimal(name="  Demo \n", description="Line one.\n")
    cb = parse_codebook(data)
    assert cb.name == "Demo"
    assert cb.description == "Line one."


def test_unquoted_digit_shortcut_is_read_as_text():
    data = minimal()
    data["stances"]["values"][0]["shortcut"] = 1
    assert parse_codebook(data).stances.stances[0].shortcut == "1"


def test_flat_form_builds_the_same_tree_as_nested_form():
    flat = minimal(
        themes=[
            {"id": "prevention", "name": "Prevention", "shortcut": "p"},
            {"id": "foa", "name": "Framework of Analysis", "parent": "early_warning"},
            {"id": "early_warning", "name": "Early warning", "parent": "prevention"},
            {"id": "mediation", "name": "Mediation", "parent": "prevention"},
            {"id": "icc", "name": "ICC"},
        ]
    )
    assert parse_codebook(flat) == parse_codebook(minimal())


def test_flat_form_may_attach_to_a_nested_theme():
    data = minimal()
    data["themes"].append({"id": "hruf", "name": "Human Rights up Front", "parent": "foa"})
    cb = parse_codebook(data)
    assert cb.theme_path("hruf") == (
        "Prevention",
        "Early warning",
        "Framework of Analysis",
        "Human Rights up Front",
    )


def test_load_yaml_and_yml_and_json_files(tmp_path: Path):
    data = minimal()
    expected = parse_codebook(data)
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "b.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps(data), encoding="utf-8")
    for name in ("a.yaml", "b.yml", "c.json"):
        assert load_codebook(tmp_path / name) == expected


def test_load_accepts_a_byte_order_mark(tmp_path: Path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + yaml.safe_dump(minimal()).encode("utf-8"))
    assert load_codebook(path).id == "demo"


def test_load_refuses_other_suffixes(tmp_path: Path):
    path = tmp_path / "codebook.txt"
    path.write_text(yaml.safe_dump(minimal()), encoding="utf-8")
    with pytest.raises(CodebookInvalid) as info:
        load_codebook(path)
    assert [str(p) for p in info.value.problems] == ["file: must end in .yaml, .yml or .json"]


def test_load_reports_a_missing_file(tmp_path: Path):
    with pytest.raises(CodebookInvalid) as info:
        load_codebook(tmp_path / "absent.yaml")
    assert info.value.problems[0].location == "file"
    assert "cannot be read" in info.value.problems[0].message


def test_load_reports_a_file_that_is_not_utf8(tmp_path: Path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Sécurité\n".encode("latin-1"))
    with pytest.raises(CodebookInvalid) as info:
        load_codebook(path)
    assert str(info.value.problems[0]) == "file: is not UTF-8 text"


def test_load_reports_ill_formed_yaml_with_its_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\nid: x\nthemes: [unclosed\n", encoding="utf-8")
    with pytest.raises(CodebookInvalid) as info:
        load_codebook(path)
    problem = info.value.problems[0]
    assert problem.location == "line 4"
    assert problem.message.startswith("not valid YAML")


def test_load_reports_ill_formed_json_with_its_line(tmp_path: Path):
    path = tmp_path / "bad.json"
    # A missing value, not a trailing comma: Python 3.13 places a trailing comma's error on
    # the comma's line, earlier versions on the next one.
    path.write_text('{\n"id": "x",\n"name":\n}\n', encoding="utf-8")
    with pytest.raises(CodebookInvalid) as info:
        load_codebook(path)
    assert info.value.problems[0].location == "line 4"


def test_load_refuses_a_key_given_twice(tmp_path: Path):
    path = tmp_path / "twice.yaml"
    path.write_text("schema_version: 1\nid: a\nname: A\nid: b\n", encoding="utf-8")
    with pytest.raises(CodebookInvalid) as info:
        load_codebook(path)
    problem = info.value.problems[0]
    assert problem.location == "line 4"
    assert "'id' is given twice" in problem.message


def test_load_names_the_file_in_the_error(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(minimal(name="")), encoding="utf-8")
    with pytest.raises(CodebookInvalid) as info:
        load_codebook(path)
    assert str(info.value) == "Codebook mine.yaml is not valid: name: is empty"


def test_save_then_load_gives_the_same_codebook_in_yaml_and_json(tmp_path: Path):
    cb = parse_codebook(minimal(description="Two\nlines"))
    for name in ("out.yaml", "out.json"):
        save_codebook(cb, tmp_path / name)
        assert load_codebook(tmp_path / name) == cb
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["id"] == "demo"


def test_save_replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path: Path):
    path = tmp_path / "cb.yaml"
    path.write_text("old", encoding="utf-8")
    save_codebook(parse_codebook(minimal()), path)
    assert load_codebook(path).id == "demo"
    assert [p.name for p in tmp_path.iterdir()] == ["cb.yaml"]


def test_dump_writes_the_nested_form_with_schema_version_first():
    text = dump_codebook(parse_codebook(minimal()))
    assert text.startswith("schema_version: 1\n")
    assert "parent:" not in text
    assert "children:" in text


def test_dump_writes_multi_line_text_as_a_literal_block():
    text = dump_codebook(parse_codebook(minimal(description="First line.\nSecond line.")))
    assert "description: |-\n  First line.\n  Second line.\n" in text


def test_migrate_current_version_returns_a_copy():
    data = minimal()
    migrated = migrate_codebook(data, CODEBOOK_SCHEMA_VERSION)
    assert migrated == data
    assert migrated is not data


def test_migrate_refuses_newer_versions():
    with pytest.raises(CodebookInvalid) as info:
        migrate_codebook(minimal(schema_version=2), 2)
    problem = info.value.problems[0]
    assert problem.location == "schema_version"
    assert "newer r2pcoder" in problem.message


def test_migrate_refuses_versions_below_one():
    with pytest.raises(CodebookInvalid) as info:
        migrate_codebook(minimal(), 0)
    assert str(info.value.problems[0]) == "schema_version: 0 is not a codebook version"


def test_migrate_applies_each_step_of_the_ladder_in_order(monkeypatch: pytest.MonkeyPatch):
    def rename_title(data: dict[str, Any]) -> dict[str, Any]:
        upgraded = dict(data)
        upgraded["name"] = upgraded.pop("title")
        return upgraded

    monkeypatch.setattr(codebook_module, "CODEBOOK_SCHEMA_VERSION", 2)
    monkeypatch.setitem(codebook_module._MIGRATIONS, 1, rename_title)
    old = minimal(schema_version=1)
    old["title"] = old.pop("name")
    migrated = migrate_codebook(old, 1)
    assert migrated["name"] == "Demo"
    assert "title" not in migrated
    assert migrated["schema_version"] == 2
    assert "title" in old


def test_parse_upgrades_an_older_file_before_checking_its_keys(monkeypatch: pytest.MonkeyPatch):
    def rename_title(data: dict[str, Any]) -> dict[str, Any]:
        upgraded = dict(data)
        upgraded["name"] = upgraded.pop("title")
        return upgraded

    monkeypatch.setattr(codebook_module, "CODEBOOK_SCHEMA_VERSION", 2)
    monkeypatch.setitem(codebook_module._MIGRATIONS, 1, rename_title)
    old = minimal(schema_version=1)
    old["title"] = old.pop("name")
    assert parse_codebook(old).name == "Demo"


# --- Round trip over generated codebooks ----------------------------------------------------

# Text a researcher could type: any character that can be stored as UTF-8, stripped like parse.
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40).map(str.strip)
_NAME = _TEXT.filter(bool)
_IDS = st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True)
_COLOR = st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True)


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    ids = draw(st.lists(_IDS, unique=True, max_size=10))
    parents = [draw(st.sampled_from([None, *range(i)])) if i else None for i in range(len(ids))]
    letters = draw(st.permutations(string.ascii_lowercase))
    fields: list[dict[str, Any]] = []
    for i, theme_id in enumerate(ids):
        fields.append(
            {
                "id": theme_id,
                "name": draw(_NAME),
                "description": draw(_TEXT),
                "include": draw(_TEXT),
                "exclude": draw(_TEXT),
                "example": draw(_TEXT),
                "color": draw(_COLOR),
                "shortcut": letters[i] if draw(st.booleans()) else None,
            }
        )

    def build(index: int) -> Theme:
        children = tuple(build(j) for j, p in enumerate(parents) if p == index)
        return Theme(**fields[index], children=children)

    roots = tuple(build(i) for i, p in enumerate(parents) if p is None)
    stance_ids = draw(st.lists(_IDS, unique=True, min_size=1, max_size=5))
    stances = tuple(
        Stance(
            id=stance_id,
            name=draw(_NAME),
            definition=draw(_TEXT),
            color=draw(_COLOR),
            shortcut=str(i) if draw(st.booleans()) else None,
        )
        for i, stance_id in enumerate(stance_ids)
    )
    return Codebook(
        id=draw(_IDS),
        name=draw(_NAME),
        version=draw(_TEXT),
        description=draw(_TEXT),
        themes=roots,
        stances=StanceScale(ordinal=draw(st.booleans()), stances=stances),
    )


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(codebooks())
def test_dump_then_parse_gives_back_the_same_codebook(cb: Codebook):
    assert parse_codebook(yaml.safe_load(dump_codebook(cb))) == cb


def test_line_breaks_other_than_newline_survive_a_save(tmp_path: Path):
    cb = parse_codebook(minimal(description="a\x85b\u2028c\rd\ne"))
    save_codebook(cb, tmp_path / "odd.yaml")
    assert load_codebook(tmp_path / "odd.yaml").description == "a\x85b\u2028c\rd\ne"
