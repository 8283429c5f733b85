from dataclasses import replace

from tests.conftest import TemplateIds

from r2pcoder.codebook import Theme, load_codebook
from r2pcoder.codebook.store import item_uuid
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.resources import bundled


def test_loaded_codebook_reads_back_equal(project: Project) -> None:
    r2p = load_codebook(bundled("codebook") / "r2p.yaml")
    project.codebook.load(r2p)
    current = project.codebook.current()
    assert current is not None
    assert {t.id for t, _, _ in current.walk()} == {t.id for t, _, _ in r2p.walk()}
    assert current.stances == r2p.stances


def test_uuids_derive_from_codebook_ids(project: Project) -> None:
    theme = project.codebook.theme_by_key("veto")
    assert theme.uuid == item_uuid("tiny", "theme", "veto")
    assert project.codebook.theme_by_key("early_warning").path == ("Prevention", "Early warning")


def test_revised_codebook_keeps_codings_and_reports_changes(
    project: Project, ids: TemplateIds
) -> None:
    veto = project.codebook.theme_by_key("veto")
    coding = project.codings.apply(CodingRequest(ids.documents[0], ids.coders[0], veto.id, 0, 4))
    current = project.codebook.current()
    assert current is not None
    renamed = replace(current.themes[1], name="Veto restraint (ACT)")
    revised = replace(current, themes=(current.themes[0], renamed, Theme(id="icc", name="ICC")))
    report = project.codebook.load(revised)
    text = " ".join(report.summary())
    assert "Veto restraint (ACT)" in text
    assert "icc" in text.lower()
    assert project.codings.get(coding.uuid).theme_id == veto.id
    assert project.codebook.theme_by_key("veto").name == "Veto restraint (ACT)"


def test_removed_theme_is_retired_not_deleted(project: Project, ids: TemplateIds) -> None:
    veto = project.codebook.theme_by_key("veto")
    project.codings.apply(CodingRequest(ids.documents[0], ids.coders[0], veto.id, 0, 4))
    current = project.codebook.current()
    assert current is not None
    report = project.codebook.load(replace(current, themes=current.themes[:1]))
    assert report.retired == (("veto", 1),)
    assert report.summary()[-2:] == [
        "Theme 'veto' left the codebook; its 1 coding is kept under a retired theme.",
        "1 existing coding remains attached to its theme.",
    ]
    assert "veto" not in {t.key for t in project.codebook.themes()}
    assert project.codebook.theme_by_key("veto").retired
    assert project.codings.count() == 1
    project.codebook.load(current)
    assert not project.codebook.theme_by_key("veto").retired


def test_shortcuts_can_move_between_themes(project: Project) -> None:
    current = project.codebook.current()
    assert current is not None
    swapped = replace(
        current,
        themes=(
            replace(current.themes[0], shortcut="v"),
            replace(current.themes[1], shortcut="p"),
        ),
    )
    project.codebook.load(swapped)
    assert project.codebook.theme_by_key("veto").shortcut == "p"


def test_rename_theme_is_its_own_inverse(project: Project) -> None:
    veto = project.codebook.theme_by_key("veto")
    old, new = project.codebook.rename_theme(veto.id, "  Veto   ")
    assert (old, new) == ("Veto restraint", "Veto")
    project.codebook.rename_theme(veto.id, old)
    assert project.codebook.theme_by_key("veto").name == "Veto restraint"
