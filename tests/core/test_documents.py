import pytest

from tests.conftest import TemplateIds

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import R2pError
from r2pcoder.metadata import DocumentMeta
from r2pcoder.textnorm import content_hash


def test_text_is_normalized_and_hashed(project: Project) -> None:
    doc = project.documents.add_text("\ufeffLine one\r\nCafe\u0301\r", DocumentMeta(title="T"))
    assert doc.text == "Line one\nCafé\n"
    assert doc.sha256 == content_hash(doc.text)
    assert doc.length == len(doc.text)


def test_duplicate_text_is_refused(project: Project, ids: TemplateIds) -> None:
    existing = project.documents.get(ids.documents[0])
    with pytest.raises(R2pError, match="already in the project"):
        project.documents.add_text(existing.text.replace("\n", "\r\n"), DocumentMeta(title="again"))
    assert len(project.documents.list()) == 3


def test_empty_text_and_bad_metadata_are_refused(project: Project) -> None:
    with pytest.raises(R2pError, match="empty"):
        project.documents.add_text("  \n ", DocumentMeta(title="blank"))
    with pytest.raises(R2pError, match=r"not a UN regional group.*Asia-Pacific"):
        project.documents.add_text("x", DocumentMeta(regional_group="Asia Pacific"))
    with pytest.raises(R2pError, match="YYYY-MM-DD"):
        project.documents.add_text("y", DocumentMeta(date="6 Sept 2017"))
    assert len(project.documents.list()) == 3


def test_metadata_changes_but_text_never_does(project: Project, ids: TemplateIds) -> None:
    before = project.documents.get(ids.documents[0])
    meta = DocumentMeta(title="Renamed", speaker="Ghana", attributes={"language": "en"})
    project.documents.set_meta(before.id, meta)
    after = project.documents.get(before.id)
    assert after.meta.title == "Renamed"
    assert after.meta.attributes == {"language": "en"}
    assert (after.text, after.sha256) == (before.text, before.sha256)


def test_status_follows_codings_and_done_marks(project: Project, ids: TemplateIds) -> None:
    ana, ben = ids.coders
    doc = ids.documents[0]
    theme = project.codebook.theme_by_key("veto").id
    assert project.documents.statuses(ana)[doc] == ("not started", 0)
    project.codings.apply(CodingRequest(doc, ana, theme, 0, 4))
    assert project.documents.statuses(ana)[doc] == ("in progress", 1)
    assert project.documents.statuses(ben)[doc] == ("not started", 0)
    project.documents.set_done(doc, ana)
    assert project.documents.statuses(ana)[doc] == ("done", 1)
    project.documents.set_done(doc, ana, done=False)
    assert project.documents.statuses(ana)[doc] == ("in progress", 1)


def test_removing_a_document_removes_its_codings(project: Project, ids: TemplateIds) -> None:
    theme = project.codebook.theme_by_key("veto").id
    project.codings.apply(CodingRequest(ids.documents[0], ids.coders[0], theme, 0, 4))
    project.documents.set_done(ids.documents[0], ids.coders[0])
    assert project.documents.remove(ids.documents[0]) == 1
    assert project.codings.count() == 0
    assert len(project.documents.list()) == 2


def test_memos_are_written_replaced_and_deleted(project: Project, ids: TemplateIds) -> None:
    doc, ana = ids.documents[0], ids.coders[0]
    project.memos.set_document_memo(doc, "first", coder_id=ana)
    project.memos.set_document_memo(doc, "second", coder_id=ana)
    assert project.memos.document_memo(doc, coder_id=ana) == "second"
    assert project.memos.document_memo(doc) == ""
    project.memos.set_document_memo(doc, "  ", coder_id=ana)
    assert project.memos.document_memo(doc, coder_id=ana) == ""
    theme = project.codebook.theme_by_key("veto").id
    project.memos.set_theme_memo(theme, "lead's note")
    assert project.memos.theme_memo(theme) == "lead's note"


def test_coders_are_identities_not_names(project: Project) -> None:
    first = project.coders.add("  Sam   Lee ")
    second = project.coders.add("Sam Lee")
    assert first.name == "Sam Lee"
    assert first.uuid != second.uuid
    with pytest.raises(R2pError, match="Several coders"):
        project.coders.find("sam lee")
    assert project.coders.find(second.uuid) == second
    with pytest.raises(R2pError, match="needs a name"):
        project.coders.add("   ")
