"""UN regional groups: the bundled table, names, import, and States counted under their own group.

The counting example is the issue's, counted by hand. Six statements on one theme (veto), one
coder: Ghana (African) supports; Mexico (Latin American and Caribbean) supports; Japan
(Asia-Pacific) supports; the Russian Federation (Eastern European) opposes; Brazil (Latin
American and Caribbean) neutral; Switzerland (Western European and Others) on behalf of the ACT
group, members "Chile; Ghana; Rwanda; Switzerland; Jordan", supports.

States supporting: Ghana, Mexico, Japan, Switzerland (speakers) and Chile, Rwanda, Jordan
(members; Ghana and Switzerland already counted): 7. Each under its own group:
  African: Ghana, Rwanda = 2          Asia-Pacific: Japan, Jordan = 2
  Latin American and Caribbean: Mexico, Chile = 2      Western European and Others: Switzerland = 1
(2 + 2 + 2 + 1 = 7). Statements supporting per group stay those of the speakers: 1 each.
Any stance adds the Russian Federation (Eastern European) and Brazil (Latin American and
Caribbean): 9 States, Latin American and Caribbean 3.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.core.frames import frames

from r2pcoder.codebook import Codebook
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import R2pError
from r2pcoder.export.data import load_export_data
from r2pcoder.export.html import render_html
from r2pcoder.export.layers import parse_layer
from r2pcoder.export.run import export_warnings
from r2pcoder.export.tables import TableOptions, build_tables
from r2pcoder.importer import import_files
from r2pcoder.metadata import REGIONAL_GROUPS, DocumentMeta
from r2pcoder.regional_groups import normalize_name, read_table, regional_groups

AF, AP, EE = "African", "Asia-Pacific", "Eastern European"
LAC, WEOG = "Latin American and Caribbean", "Western European and Others"
ACT = "Chile; Ghana; Rwanda; Switzerland; Jordan"
STATEMENTS = (
    ("Ghana", AF, "", "", "supports"),
    ("Mexico", LAC, "", "", "supports"),
    ("Japan", AP, "", "", "supports"),
    ("Russian Federation", EE, "", "", "opposes"),
    ("Brazil", LAC, "", "", "neutral"),
    ("Switzerland", WEOG, "ACT group", ACT, "supports"),
)


# The table


def test_the_table_holds_193_member_states_in_five_groups_and_two_observers() -> None:
    table = regional_groups()
    members = [s for s in table.states if s.status == "member"]
    assert len(members) == 193
    assert Counter(s.group for s in members) == {
        AF: 54,
        AP: 54,
        EE: 23,
        LAC: 33,
        WEOG: 29,  # WEOG with Türkiye and the United States
    }
    observers = {s.name: s.group for s in table.states if s.status == "observer"}
    assert observers == {"Holy See": "none", "State of Palestine": AP}
    assert {s.group for s in table.states} <= set(REGIONAL_GROUPS)
    assert len({s.name for s in table.states}) == 195


def test_the_table_says_where_it_comes_from_and_when_it_was_checked() -> None:
    table = regional_groups()
    assert "Department for General Assembly and Conference Management" in table.source
    assert table.url == "https://www.un.org/dgacm/en/content/regional-groups"
    assert table.checked == "2026-12-04"
    assert "Türkiye, Israel and the United States count under Western European" in table.counting


@pytest.mark.parametrize(
    ("name", "state", "group"),
    [
        ("South Korea", "Republic of Korea", AP),
        ("republic of korea", "Republic of Korea", AP),
        ("Korea, Republic of", "Republic of Korea", AP),
        ("Turkey", "Türkiye", WEOG),
        ("TURKIYE", "Türkiye", WEOG),
        ("Cote d'Ivoire", "Côte d'Ivoire", AF),
        ("Côte d\u2019Ivoire", "Côte d'Ivoire", AF),  # a typographic apostrophe
        ("Ivory Coast", "Côte d'Ivoire", AF),
        ("Russia", "Russian Federation", EE),
        ("United States", "United States of America", WEOG),
        ("U.S.A.", "United States of America", WEOG),
        ("Vietnam", "Viet Nam", AP),
        ("the Gambia", "Gambia", AF),
        ("St. Lucia", "Saint Lucia", LAC),
        ("Antigua & Barbuda", "Antigua and Barbuda", LAC),
        ("Swaziland", "Eswatini", AF),
        ("The former Yugoslav Republic of Macedonia", "North Macedonia", EE),
        ("Palestine", "State of Palestine", AP),
        ("Vatican", "Holy See", "none"),
    ],
)
def test_names_match_whatever_their_case_accents_or_spelling(name, state, group) -> None:
    found = regional_groups().find(name)
    assert found is not None
    assert (found.name, found.group) == (state, group)


@pytest.mark.parametrize("name", ["Korea", "Congo Republic of Nowhere", "", "  ", "EU"])
def test_a_name_the_table_does_not_know_is_not_guessed(name) -> None:
    assert regional_groups().find(name) is None


def test_the_special_cases_are_recorded_with_the_group_the_counts_use() -> None:
    table = regional_groups()
    notes = {n: table.find(n) for n in ("Israel", "United States", "Türkiye", "Kiribati")}
    israel, usa, turkey, kiribati = (s.note if s else "" for s in notes.values())
    assert "Headquarters in New York" in israel
    assert "observer" in usa
    assert "electoral purposes" in turkey
    assert "not a member of any regional group" in kiribati
    assert table.find("Türkiye") == notes["Türkiye"]
    assert [s.also for s in notes.values() if s] == [(), (), (AP,), ()]
    assert all(f"Counted under {s.group}" in s.note for s in notes.values() if s)


def test_normalized_names_drop_case_accents_punctuation_and_a_leading_the() -> None:
    assert normalize_name("  The Côte d\u2019Ivoire ") == "cote d ivoire"
    assert normalize_name("U.S.A.") == "usa"
    assert normalize_name("St Kitts & Nevis") == "saint kitts and nevis"


def test_a_table_giving_one_name_to_two_states_is_refused() -> None:
    text = (
        "states:\n- {name: A, group: African, aliases: [X]}\n"
        "- {name: B, group: African, aliases: [x]}"
    )
    with pytest.raises(R2pError, match="both A and B"):
        read_table(text)
    with pytest.raises(R2pError, match="unknown group 'Africa'"):
        read_table("states:\n- {name: A, group: Africa}")


# Import


def test_import_fills_an_empty_group_from_a_state_speaker_and_keeps_a_contradicting_one(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("ghana", "mexico", "sg", "nobody"):
        (folder / f"{name}.txt").write_text(f"Statement {name} on prevention.", encoding="utf-8")
    (folder / "meta.csv").write_text(
        "file,speaker,regional_group\nghana.txt,GHANA,\nmexico.txt,Mexico,Asia-Pacific\n"
        "sg.txt,UN Secretary-General,none\nnobody.txt,,\n",
        encoding="utf-8",
    )
    report = import_files(project, [], metadata_csv=folder / "meta.csv")
    groups = {d.meta.speaker: d.meta.regional_group for d in report.imported}
    assert groups == {"GHANA": AF, "Mexico": AP, "UN Secretary-General": "none", "": ""}
    assert report.warnings == (
        "ghana.txt: regional group set to 'African' from the speaker Ghana (UN regional groups "
        "table)",
        "mexico.txt: regional group 'Asia-Pacific' kept as given, but the UN regional groups "
        "table puts Mexico in 'Latin American and Caribbean'; the statement counts under "
        "'Asia-Pacific', the State itself (states counted with --count-members) under 'Latin "
        "American and Caribbean'",
    )


# Counting


@pytest.fixture
def act(tmp_path: Path, tiny_codebook: Codebook) -> Iterator[Project]:
    project = Project.create(tmp_path / "act.r2p", name="ACT")
    project.codebook.load(tiny_codebook)
    ana = project.coders.add("Ana").id
    veto = project.codebook.theme_by_key("veto").id
    for speaker, group, on_behalf, members, stance in STATEMENTS:
        meta = DocumentMeta(
            title=f"Statement of {speaker}",
            speaker=speaker,
            regional_group=group,
            on_behalf_of=on_behalf,
            attributes={"members": members} if members else {},
        )
        doc = project.documents.add_text(f"{speaker} on the ACT Code of Conduct.\n", meta)
        stance_id = project.codebook.stance_by_key(stance).id
        project.codings.apply(CodingRequest(doc.id, ana, veto, 0, len(speaker), stance_id))
    yield project
    project.close()


def _counts(project: Project, **options) -> dict[str, pd.DataFrame]:
    data = load_export_data(project, parse_layer("Ana"))
    return frames(build_tables(data, TableOptions(what=("counts", "participation"), **options)))


def _cell(counts: pd.DataFrame, breakdown: str, group: str, stance: str, column: str) -> object:
    rows = counts[
        (counts.breakdown == breakdown)
        & (counts.group == group)
        & (counts.theme_key == "veto")
        & (counts.stance == stance)
    ]
    assert len(rows) == 1, (breakdown, group, stance)
    return rows.iloc[0][column]


def test_each_member_state_counts_under_its_own_regional_group(act: Project) -> None:
    counts = _counts(act, by=("regional_group",), count_members=True)["counts"]
    assert _cell(counts, "overall", "all", "Supports", "states") == 7
    assert _cell(counts, "overall", "all", "Supports", "statements") == 4
    expected = {
        AF: (1, 2, "Ghana; Rwanda"),
        AP: (1, 2, "Jordan"),
        LAC: (1, 2, "Chile"),
        WEOG: (1, 1, "Switzerland"),
    }
    for group, (statements, states, members) in expected.items():
        assert _cell(counts, "regional_group", group, "Supports", "statements") == statements
        assert _cell(counts, "regional_group", group, "Supports", "states") == states
        assert _cell(counts, "regional_group", group, "Supports", "member_states") == members
    supports = counts[(counts.breakdown == "regional_group") & (counts.stance == "Supports")]
    assert set(supports.group) == {AF, AP, LAC, WEOG}
    assert supports.states.sum() == 7
    assert _cell(counts, "regional_group", EE, "Opposes", "states") == 1
    assert _cell(counts, "regional_group", LAC, "any stance", "states") == 3
    assert _cell(counts, "overall", "all", "any stance", "states") == 9


def test_participation_counts_states_under_their_own_group_too(act: Project) -> None:
    part = _counts(act, by=("regional_group",), count_members=True)["participation"]
    part = part.set_index(["breakdown", "group"])
    assert part.loc[("overall", "all"), "states"] == 9
    assert part.loc[("regional_group", AF), "statements"] == 1
    assert part.loc[("regional_group", AF), "states"] == 2
    assert part.loc[("regional_group", WEOG), "states"] == 1
    assert part.loc[("regional_group", AP), "member_states"] == "Jordan"


def test_other_breakdowns_count_states_under_the_statement(act: Project) -> None:
    act.documents.set_meta(
        act.documents.list()[5].id,
        DocumentMeta(
            title="Statement of Switzerland",
            speaker="Switzerland",
            regional_group=WEOG,
            event="ACT event",
            on_behalf_of="ACT group",
            attributes={"members": ACT},
        ),
    )
    counts = _counts(act, by=("event",), count_members=True)["counts"]
    assert _cell(counts, "event", "ACT event", "Supports", "states") == 5
    assert _cell(counts, "event", "unknown", "Supports", "states") == 3


def test_spellings_of_one_state_count_once_and_unknown_names_are_named(act: Project) -> None:
    russia = next(d for d in act.documents.list() if d.meta.speaker == "Russian Federation")
    act.documents.set_meta(
        russia.id,
        DocumentMeta(
            title="Statement of Russia",
            speaker="Russia",
            regional_group=EE,
            attributes={"members": "Russian Federation; Cheli"},
        ),
    )
    data = load_export_data(act, parse_layer("Ana"))
    counts = frames(build_tables(data, TableOptions(what=("counts",), count_members=True)))[
        "counts"
    ]
    assert _cell(counts, "overall", "all", "Opposes", "states") == 2  # Russia once, and Cheli
    assert _cell(counts, "regional_group", EE, "Opposes", "states") == 1
    assert _cell(counts, "regional_group", "unknown", "Opposes", "member_states") == "Cheli"
    warnings = export_warnings(data, count_members=True)
    assert (
        "1 name counted as a State is not in the UN regional groups table, so it counts under "
        "'unknown' (members) or under the statement's regional group (speakers): 'Cheli' (in "
        "'Statement of Russia'). Correct the spelling, or give a speaker that is not a State the "
        "regional group 'none'."
    ) in warnings
    assert not any("not in the UN regional groups table" in w for w in export_warnings(data))


def test_without_count_members_the_counts_are_those_of_the_speakers(act: Project) -> None:
    counts = _counts(act, by=("regional_group",))["counts"]
    assert "states" not in counts.columns
    rows = counts[(counts.breakdown == "regional_group") & (counts.stance == "Supports")]
    assert sorted(rows.group) == sorted([AF, AP, LAC, WEOG])
    assert rows.statements.sum() == 4


def test_the_html_report_shows_states_per_group_as_well_as_statements(act: Project) -> None:
    data = load_export_data(act, parse_layer("Ana"))
    html = render_html(data, {}, TableOptions(by=("regional_group",), count_members=True))
    assert "<h2>States by theme, stance and regional group</h2>" in html
    section = html.split("<h2>States by theme, stance and regional group</h2>")[1]
    # Groups in order: African, Asia-Pacific, Eastern European, Latin American and Caribbean,
    # Western European and Others; then all States and who they are.
    supports = section.split("<td>Supports</td>")[1].split("</tr>")[0]
    assert supports.count('<td class="n">') == 6
    assert [c.split("<")[0] for c in supports.split('<td class="n">')[1:]] == [
        "2",
        "2",
        "0",
        "2",
        "1",
        "7",
    ]
    assert "Chile; Ghana; Japan; Jordan; Mexico; Rwanda; Switzerland" in supports
    assert "<th>states</th>" in html.split("<h2>Participation by regional group</h2>")[1]


def test_the_table_is_found_as_package_data() -> None:
    from r2pcoder.resources import data_file  # noqa: PLC0415 - the one function under test

    assert data_file("un_regional_groups.yaml").is_file()
    with pytest.raises(R2pError, match="missing from this installation"):
        data_file("no_such_table.yaml")
