from typing import Any

import pytest

from r2pcoder.codebook import parse_codebook
from r2pcoder.errors import CodebookInvalid


def base() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "id": "demo",
        "name": "Demo",
        "version": "1",
        "stances": {
            "ordinal": True,
            "values": [
                {"id": "supports", "name": "Supports", "shortcut": "1"},
                {"id": "opposes", "name": "Opposes", "shortcut": "2"},
            ],
        },
        "themes": [
            {"id": "pillars", "name": "Pillars", "shortcut": "p"},
            {"id": "prevention", "name": "Prevention", "shortcut": "v"},
            {
                "id": "accountability",
                "name": "Accountability",
                "children": [{"id": "icc", "name": "ICC"}],
            },
        ],
    }


def problems(data: Any) -> list[str]:
    with pytest.raises(CodebookInvalid) as info:
        parse_codebook(data, "test.yaml")
    assert info.value.source == "test.yaml"
    return [str(p) for p in info.value.problems]


def test_base_is_valid():
    assert parse_codebook(base()).id == "demo"


def test_missing_theme_id():
    data = base()
    del data["themes"][0]["id"]
    assert problems(data) == ["themes[0].id: is missing"]


def test_empty_nested_theme_name():
    data = base()
    data["themes"][2]["children"][0]["name"] = "   "
    assert problems(data) == ["themes[2].children[0].name: is empty"]


def test_missing_codebook_name():
    data = base()
    del data["name"]
    assert problems(data) == ["name: is missing"]


def test_bad_id_syntax():
    data = base()
    data["themes"][1]["id"] = "Early-Warning"
    assert problems(data) == [
        "themes[1].id: 'Early-Warning' may use only lowercase letters a-z, digits and underscores"
    ]


def test_bad_codebook_id_syntax():
    data = base()
    data["id"] = "my codebook"
    assert problems(data)[0].startswith("id: 'my codebook' may use only")


def test_duplicate_theme_id_names_both_locations():
    data = base()
    data["themes"][2]["children"][0]["id"] = "pillars"
    assert problems(data) == [
        "themes[2].children[0].id: duplicate id 'pillars'; also used at themes[0].id"
    ]


def test_duplicate_stance_id_names_both_locations():
    data = base()
    data["stances"]["values"][1]["id"] = "supports"
    assert problems(data) == [
        "stances.values[1].id: duplicate id 'supports'; also used at stances.values[0].id"
    ]


def test_cycle_in_the_flat_form():
    data = base()
    data["themes"][0]["parent"] = "prevention"
    data["themes"][1]["parent"] = "pillars"
    assert problems(data) == [
        "themes[0].parent: parents form a cycle: pillars -> prevention -> pillars"
    ]


def test_theme_that_is_its_own_parent():
    data = base()
    data["themes"][1]["parent"] = "prevention"
    assert problems(data) == ["themes[1].parent: parents form a cycle: prevention -> prevention"]


def test_cycle_through_a_nested_child():
    data = base()
    data["themes"][2]["parent"] = "icc"
    assert problems(data) == [
        "themes[2].parent: parents form a cycle: accountability -> icc -> accountability"
    ]


def test_unknown_parent():
    data = base()
    data["themes"][1]["parent"] = "pilars"
    assert problems(data) == ["themes[1].parent: unknown parent 'pilars'"]


def test_parent_inside_children_is_refused():
    data = base()
    data["themes"][2]["children"][0]["parent"] = "accountability"
    assert problems(data) == ["themes[2].children[0].parent: is only allowed in the flat form"]


def test_bad_color():
    data = base()
    data["themes"][2]["children"][0]["color"] = "red"
    assert problems(data) == [
        "themes[2].children[0].color: 'red' is not a colour of the form #rrggbb"
    ]


def test_bad_stance_color():
    data = base()
    data["stances"]["values"][0]["color"] = "#12345"
    assert problems(data) == [
        "stances.values[0].color: '#12345' is not a colour of the form #rrggbb"
    ]


def test_theme_shortcut_clashes_with_theme_shortcut():
    data = base()
    data["themes"][2]["shortcut"] = "p"
    assert problems(data) == ["themes[2].shortcut: 'p' is also the shortcut at themes[0].shortcut"]


def test_theme_shortcut_clashes_with_stance_shortcut():
    data = base()
    data["stances"]["values"][1]["shortcut"] = "v"
    assert problems(data) == [
        "themes[1].shortcut: 'v' is also the shortcut at stances.values[1].shortcut"
    ]


def test_stance_shortcut_clashes_with_stance_shortcut():
    data = base()
    data["stances"]["values"][1]["shortcut"] = "1"
    assert problems(data) == [
        "stances.values[1].shortcut: '1' is also the shortcut at stances.values[0].shortcut"
    ]


def test_theme_shortcut_may_not_be_a_digit():
    data = base()
    data["themes"][0]["shortcut"] = "7"
    assert problems(data) == ["themes[0].shortcut: '7' is a digit; digits are reserved for stances"]


def test_shortcut_must_be_one_key():
    data = base()
    data["themes"][0]["shortcut"] = "Ctrl+P"
    data["stances"]["values"][0]["shortcut"] = "!"
    assert problems(data) == [
        "stances.values[0].shortcut: '!' must be one lowercase letter or digit",
        "themes[0].shortcut: 'Ctrl+P' must be one lowercase letter a-z",
    ]


def test_unknown_theme_key_suggests_the_likely_one():
    data = base()
    data["themes"][1]["colour"] = "#ff0000"
    assert problems(data) == ["themes[1].colour: unknown key 'colour' (did you mean 'color'?)"]


def test_unknown_top_level_key():
    data = base()
    data["author"] = "me"
    assert problems(data) == ["author: unknown key 'author'"]


def test_unknown_stance_key():
    data = base()
    data["stances"]["values"][0]["definiton"] = "typo"
    assert problems(data) == [
        "stances.values[0].definiton: unknown key 'definiton' (did you mean 'definition'?)"
    ]


def test_wrong_type_for_text():
    data = base()
    data["themes"][0]["name"] = 42
    assert problems(data) == ["themes[0].name: must be text, not a number"]


def test_wrong_type_for_children():
    data = base()
    data["themes"][2]["children"] = {"id": "icc", "name": "ICC"}
    assert problems(data) == ["themes[2].children: must be a list, not a mapping"]


def test_wrong_type_for_a_theme():
    data = base()
    data["themes"][1] = "prevention"
    assert problems(data) == ["themes[1]: must be a mapping of keys to values, not text"]


def test_wrong_type_for_ordinal():
    data = base()
    data["stances"]["ordinal"] = "yes"
    assert problems(data) == ["stances.ordinal: must be true or false, not text"]


def test_missing_ordinal():
    data = base()
    del data["stances"]["ordinal"]
    assert problems(data) == ["stances.ordinal: is missing"]


def test_unquoted_version_number():
    data = base()
    data["version"] = 2026.1
    assert problems(data) == ['version: must be text; put it in quotes, e.g. "2026.1"']


def test_wrong_type_for_themes():
    data = base()
    data["themes"] = "pillars"
    assert problems(data) == ["themes: must be a list, not text"]


def test_missing_themes():
    data = base()
    del data["themes"]
    assert problems(data) == ["themes: is missing"]


def test_no_stances_key():
    data = base()
    del data["stances"]
    assert problems(data) == ["stances: is missing; a codebook needs at least one stance"]


def test_empty_stance_list():
    data = base()
    data["stances"]["values"] = []
    assert problems(data) == ["stances.values: no stances; a codebook needs at least one"]


def test_schema_version_missing():
    data = base()
    del data["schema_version"]
    assert problems(data) == ["schema_version: is missing; add 'schema_version: 1'"]


def test_schema_version_newer_than_this_program():
    data = base()
    data["schema_version"] = 2
    assert problems(data) == [
        "schema_version: 2 was written by a newer r2pcoder; this one reads versions up to 1"
    ]


def test_newer_schema_version_is_the_only_problem_reported():
    data = base()
    data["schema_version"] = 3
    data["themes"][0]["weight"] = 2
    data["name"] = ""
    assert problems(data) == [
        "schema_version: 3 was written by a newer r2pcoder; this one reads versions up to 1"
    ]


def test_schema_version_not_a_number():
    data = base()
    data["schema_version"] = "1"
    assert problems(data) == ["schema_version: must be a whole number, not text"]


def test_schema_version_zero():
    data = base()
    data["schema_version"] = 0
    assert problems(data) == ["schema_version: 0 is not a codebook version"]


def test_top_level_must_be_a_mapping():
    assert problems(["themes"]) == ["codebook: must be a mapping of keys to values, not a list"]


def test_every_problem_is_reported_at_once():
    data = base()
    data["name"] = ""
    data["themes"][0]["color"] = "blue"
    data["themes"][1]["id"] = "pillars"
    data["themes"][2]["children"][0]["shortcut"] = "p"
    data["stances"]["values"] = []
    assert problems(data) == [
        "name: is empty",
        "stances.values: no stances; a codebook needs at least one",
        "themes[0].color: 'blue' is not a colour of the form #rrggbb",
        "themes[2].children[0].shortcut: 'p' is also the shortcut at themes[0].shortcut",
        "themes[1].id: duplicate id 'pillars'; also used at themes[0].id",
    ]


def test_error_message_is_one_line_with_the_first_problem_and_a_count():
    data = base()
    data["name"] = ""
    data["id"] = ""
    with pytest.raises(CodebookInvalid) as info:
        parse_codebook(data, "r2p.yaml")
    assert str(info.value) == "Codebook r2p.yaml is not valid: id: is empty (and 1 more)"
