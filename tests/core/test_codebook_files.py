import re
from pathlib import Path

import pytest
import yaml

from r2pcoder.codebook import Codebook, dump_codebook, load_codebook, parse_codebook

ROOT = Path(__file__).resolve().parents[2]
R2P = ROOT / "codebook" / "r2p.yaml"
ASSESSMENT = ROOT / "codebook" / "assessment.yaml"

R2P_REQUIRED_IDS = {
    # commitment and the pillars
    "commitment",
    "reaffirmation",
    "implementation_gap",
    "pillars",
    "pillar_one",
    "pillar_two",
    "pillar_three",
    # prevention
    "prevention",
    "prevention_agenda",
    "early_warning",
    "framework_of_analysis",
    "human_rights_up_front",
    "risk_factors",
    "structural_prevention",
    "non_coercive_means",
    # accountability
    "accountability",
    "icc",
    "investigative_mechanisms",
    "national_justice",
    "transitional_justice",
    # the Security Council and the veto
    "security_council",
    "veto_restraint",
    "act_code_of_conduct",
    "france_mexico_declaration",
    "council_paralysis",
    # institutions
    "institutions",
    "ga_agenda_item",
    "focal_points",
    "special_advisers",
    "human_rights_council",
    "universal_periodic_review",
    "regional_arrangements",
    "peacekeeping_poc",
    "mainstreaming",
    # concerns
    "concerns",
    "sovereignty",
    "selectivity",
    "regime_change",
}


def _rgb(color: str) -> tuple[int, ...]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def _sibling_groups(cb: Codebook):
    yield cb.themes
    for theme, _, _ in cb.walk():
        if theme.children:
            yield theme.children


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def r2p() -> Codebook:
    return load_codebook(R2P)


@pytest.fixture(scope="module")
def assessment() -> Codebook:
    return load_codebook(ASSESSMENT)


@pytest.fixture(scope="module")
def corpus() -> str:
    texts = sorted((ROOT / "sample_data").glob("*.txt"))
    return _normalise("\n".join(p.read_text(encoding="utf-8") for p in texts))


def test_r2p_codebook_covers_the_required_themes(r2p: Codebook):
    ids = {theme.id for theme, _, _ in r2p.walk()}
    assert ids >= R2P_REQUIRED_IDS


def test_r2p_codebook_nests_tools_under_their_themes(r2p: Codebook):
    assert r2p.theme_path("framework_of_analysis") == (
        "Prevention",
        "Early warning and early action",
        "Framework of Analysis for Atrocity Crimes",
    )
    assert r2p.theme_path("act_code_of_conduct")[0] == "The Security Council and the veto"
    assert r2p.theme_path("universal_periodic_review")[-2] == "Human Rights Council"


def test_every_r2p_theme_is_fully_described(r2p: Codebook):
    for theme, _, _ in r2p.walk():
        for field in ("description", "include", "exclude", "example"):
            assert getattr(theme, field), f"{theme.id} has no {field}"


def test_r2p_top_level_themes_have_letter_shortcuts(r2p: Codebook):
    shortcuts = [theme.shortcut for theme in r2p.themes]
    assert all(s is not None and re.fullmatch(r"[a-z]", s) for s in shortcuts)
    assert len(set(shortcuts)) == len(shortcuts)


def test_r2p_colours_are_all_different(r2p: Codebook):
    colours = [theme.color.lower() for theme, _, _ in r2p.walk()]
    assert len(set(colours)) == len(colours)
    assert "#808080" not in colours


@pytest.mark.parametrize("path", [R2P, ASSESSMENT], ids=["r2p", "assessment"])
def test_sibling_colours_are_far_apart(path: Path):
    cb = load_codebook(path)
    for siblings in _sibling_groups(cb):
        for i, a in enumerate(siblings):
            for b in siblings[i + 1 :]:
                distance = (
                    sum((x - y) ** 2 for x, y in zip(_rgb(a.color), _rgb(b.color), strict=True))
                    ** 0.5
                )
                assert distance >= 45, f"{a.id} and {b.id} look alike"


def test_r2p_stances_are_the_five_nominal_stances_on_keys_1_to_5(r2p: Codebook):
    assert not r2p.stances.ordinal
    assert [(s.id, s.shortcut) for s in r2p.stances.stances] == [
        ("supports", "1"),
        ("supports_with_reservations", "2"),
        ("neutral", "3"),
        ("opposes", "4"),
        ("unclear", "5"),
    ]
    assert all(s.definition for s in r2p.stances.stances)
    assert "unclear" in r2p.description.lower()
    assert "ordinal: false" in r2p.description


@pytest.mark.parametrize("path", [R2P, ASSESSMENT], ids=["r2p", "assessment"])
def test_examples_are_real_phrases_from_the_sample_texts(path: Path, corpus: str):
    cb = load_codebook(path)
    for theme, _, _ in cb.walk():
        quoted = re.match(r'"(.+)"', _normalise(theme.example))
        assert quoted, f"{theme.id}: example is not a quotation"
        assert quoted.group(1) in corpus, f"{theme.id}: example not found in sample_data"


def test_assessment_uses_the_ordered_five_point_rating_scale(assessment: Codebook):
    assert assessment.stances.ordinal
    assert [s.name for s in assessment.stances.stances] == [
        "Very Weak",
        "Weak",
        "Fair",
        "Strong",
        "Very Strong",
    ]
    assert [s.shortcut for s in assessment.stances.stances] == ["1", "2", "3", "4", "5"]


def test_assessment_has_six_thematic_areas_and_thirty_six_indicators(assessment: Codebook):
    assert [t.id for t in assessment.themes] == [
        "basic_compliance",
        "policy_mechanisms",
        "human_rights_obligations",
        "domestic_implementation",
        "bilateral_multilateral",
        "un_prevention_peacekeeping",
    ]
    indicators = [t for t, parent, _ in assessment.walk() if parent is not None]
    assert len(indicators) == 36
    assert assessment.theme("kigali_principles").description == (
        "Indicator: Support the Kigali Principles."
    )


@pytest.mark.parametrize("path", [R2P, ASSESSMENT], ids=["r2p", "assessment"])
def test_bundled_codebooks_survive_dump_and_reload(path: Path):
    cb = load_codebook(path)
    assert parse_codebook(yaml.safe_load(dump_codebook(cb))) == cb
