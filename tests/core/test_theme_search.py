from __future__ import annotations

from r2pcoder.db import Project
from r2pcoder.theme_search import rank_themes


def _keys(project: Project, text: str) -> list[str]:
    return [t.key for t in rank_themes(project.codebook.themes(), text)]


def test_empty_text_lists_every_theme_in_codebook_order(project: Project) -> None:
    assert _keys(project, "  ") == ["prevention", "early_warning", "veto"]


def test_name_prefix_beats_a_word_inside_the_name(project: Project) -> None:
    # "Veto ..." starts with it; "Pre-ve-ntion" contains it, and so does its child's path.
    assert _keys(project, "ve") == ["veto", "prevention", "early_warning"]


def test_key_and_shortcut_typed_exactly_come_first(project: Project) -> None:
    assert _keys(project, "early_warning") == ["early_warning"]
    assert _keys(project, "v")[0] == "veto"  # its shortcut


def test_every_word_must_match_and_paths_count(project: Project) -> None:
    assert _keys(project, "warn") == ["early_warning"]
    assert _keys(project, "prevention early") == ["early_warning"]  # parent's name in the path
    assert _keys(project, "nothing like this") == []
