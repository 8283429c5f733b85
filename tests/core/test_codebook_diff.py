from dataclasses import replace

from r2pcoder.codebook import (
    Codebook,
    CodebookDiff,
    Stance,
    StanceScale,
    Theme,
    diff_codebooks,
)


def make(themes: tuple[Theme, ...], stances: tuple[Stance, ...] = (), ordinal=True) -> Codebook:
    scale = stances or (Stance("supports", "Supports"), Stance("opposes", "Opposes"))
    return Codebook(
        id="cb",
        name="Codebook",
        version="1",
        description="",
        themes=themes,
        stances=StanceScale(ordinal=ordinal, stances=scale),
    )


EARLY = Theme("early_warning", "Early warning")
PREVENTION = Theme("prevention", "Prevention", children=(EARLY,))
ICC = Theme("icc", "ICC")
OLD = make((PREVENTION, ICC))


def test_identical_codebooks_have_an_empty_diff():
    diff = diff_codebooks(OLD, OLD)
    assert diff == CodebookDiff()
    assert diff.is_empty()
    assert diff.summary() == []


def test_name_version_description_and_sibling_order_are_not_differences():
    new = replace(make((ICC, PREVENTION)), name="Other", version="2", description="New text")
    assert diff_codebooks(OLD, new).is_empty()


def test_added_and_removed_themes_in_codebook_order():
    new = make((PREVENTION, Theme("hruf", "HRuF"), Theme("upr", "UPR")))
    diff = diff_codebooks(OLD, new)
    assert diff.added == ("hruf", "upr")
    assert diff.removed == ("icc",)
    assert not diff.is_empty()
    assert diff.summary() == [
        "Theme hruf was added.",
        "Theme upr was added.",
        "Theme icc was removed.",
    ]


def test_renamed_theme_keeps_its_id():
    new = make((PREVENTION, replace(ICC, name="International Criminal Court")))
    diff = diff_codebooks(OLD, new)
    assert diff.renamed == (("icc", "ICC", "International Criminal Court"),)
    assert diff.added == ()
    assert diff.removed == ()
    assert diff.summary() == ["Theme icc was renamed from 'ICC' to 'International Criminal Court'."]


def test_moved_theme_reports_old_and_new_parent():
    to_top = make((replace(PREVENTION, children=()), EARLY, ICC))
    diff = diff_codebooks(OLD, to_top)
    assert diff.moved == (("early_warning", "prevention", None),)
    assert diff.summary() == [
        "Theme early_warning was moved from under prevention to the top level."
    ]
    under_icc = make((replace(PREVENTION, children=()), replace(ICC, children=(EARLY,))))
    assert diff_codebooks(OLD, under_icc).moved == (("early_warning", "prevention", "icc"),)


def test_changed_reports_other_fields_but_not_name_or_children():
    new = make((replace(PREVENTION, color="#ff0000"), replace(ICC, include="Any mention")))
    diff = diff_codebooks(OLD, new)
    assert diff.changed == ("prevention", "icc")
    assert diff.renamed == ()
    assert diff.summary() == [
        "Theme prevention has a changed definition, colour or shortcut.",
        "Theme icc has a changed definition, colour or shortcut.",
    ]


def test_stances_added_removed_renamed_and_changed():
    old = make((ICC,), (Stance("a", "A"), Stance("b", "B"), Stance("c", "C")))
    new = make((ICC,), (Stance("a", "Alpha"), Stance("b", "B", shortcut="2"), Stance("d", "D")))
    diff = diff_codebooks(old, new)
    assert diff.stances_added == ("d",)
    assert diff.stances_removed == ("c",)
    assert diff.stances_renamed == (("a", "A", "Alpha"),)
    assert diff.stances_changed == ("b",)
    assert not diff.scale_changed
    assert diff.summary() == [
        "Stance d was added.",
        "Stance c was removed.",
        "Stance a was renamed from 'A' to 'Alpha'.",
        "Stance b has a changed definition, colour or shortcut.",
    ]


def test_reordered_stances_change_the_scale():
    a, b = Stance("a", "A"), Stance("b", "B")
    diff = diff_codebooks(make((ICC,), (a, b)), make((ICC,), (b, a)))
    assert diff.scale_changed
    assert diff.summary() == ["The order of the stance scale, or whether it is ordinal, changed."]


def test_ordinal_flag_change_changes_the_scale():
    diff = diff_codebooks(make((ICC,), ordinal=True), make((ICC,), ordinal=False))
    assert diff.scale_changed
    assert not diff.is_empty()


def test_adding_a_stance_at_the_end_keeps_the_scale_order():
    a, b = Stance("a", "A"), Stance("b", "B")
    diff = diff_codebooks(make((ICC,), (a,)), make((ICC,), (a, b)))
    assert diff.stances_added == ("b",)
    assert not diff.scale_changed
