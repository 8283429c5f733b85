from __future__ import annotations

from tests.conftest import TemplateIds

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.memo_list import list_memos


def test_lists_statement_theme_and_coding_memos_of_one_coder(
    project: Project, ids: TemplateIds
) -> None:
    ana, ben = ids.coders
    d0, d1, _ = ids.documents
    veto = project.codebook.theme_by_key("veto").id
    project.memos.set_document_memo(d1, "Strong on the veto.", ana)
    project.memos.set_document_memo(d0, "Check the date.", ana)
    project.memos.set_theme_memo(veto, "Includes 'restraint'.", ana)
    project.memos.set_document_memo(d0, "Ben's note.", ben)
    project.codings.apply(CodingRequest(d1, ana, veto, 47, 78, memo="Council action"))
    memos = list_memos(project, ana)
    assert [(m.kind, m.target, m.text) for m in memos] == [
        ("statement", "Statement of Ghana", "Check the date."),
        ("statement", "Statement of Mexico", "Strong on the veto."),
        ("theme", "Veto restraint", "Includes 'restraint'."),
        ("coding", "Veto restraint", "Council action"),
    ]
    assert memos[3].excerpt == "The veto must not block action."
    assert memos[0].coder == "Ana"
    assert len(list_memos(project, ana, every_coder=True)) == 5


def test_search_looks_in_text_target_and_excerpt(project: Project, ids: TemplateIds) -> None:
    ana = ids.coders[0]
    d0, d1, _ = ids.documents
    veto = project.codebook.theme_by_key("veto").id
    project.memos.set_document_memo(d0, "Check the date.", ana)
    project.memos.set_theme_memo(veto, "Borderline cases.", ana)
    project.codings.apply(CodingRequest(d1, ana, veto, 47, 78, memo="Council"))
    assert [m.kind for m in list_memos(project, ana, search="VETO")] == ["theme", "coding"]
    assert [m.text for m in list_memos(project, ana, search="ghana")] == ["Check the date."]
    assert list_memos(project, ana, search="nowhere") == []
