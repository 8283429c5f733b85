from __future__ import annotations

from tests.conftest import TemplateIds

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.frequencies import (
    ThemeCount,
    ThemeFrequencies,
    document_counts,
    load_frequencies,
)


def _apply(project: Project, doc: int, coder: int, key: str, start: int, end: int) -> str:
    theme = project.codebook.theme_by_key(key).id
    return project.codings.apply(CodingRequest(doc, coder, theme, start, end)).uuid


def test_counts_of_codings_and_statements_per_theme(project: Project, ids: TemplateIds) -> None:
    ana, ben = ids.coders
    d0, d1, _ = ids.documents
    _apply(project, d0, ana, "prevention", 0, 5)
    _apply(project, d0, ana, "prevention", 10, 20)
    _apply(project, d0, ana, "veto", 3, 8)
    _apply(project, d1, ana, "veto", 0, 4)
    _apply(project, d1, ben, "prevention", 0, 4)  # another coder's: not counted for Ana
    prevention = project.codebook.theme_by_key("prevention").id
    veto = project.codebook.theme_by_key("veto").id
    early = project.codebook.theme_by_key("early_warning").id
    table = load_frequencies(project, ana)
    assert table.in_project(prevention) == ThemeCount(codings=2, statements=1)
    assert table.in_project(veto) == ThemeCount(codings=2, statements=2)
    assert table.in_project(early) == ThemeCount(0, 0)
    assert table.in_document(d0, prevention) == 2
    assert table.in_document(d1, prevention) == 0
    assert table.total() == ThemeCount(codings=4, statements=2)
    assert document_counts(project, d1, ben) == {prevention: 1}


def test_replacing_a_statement_keeps_the_totals_in_step(project: Project, ids: TemplateIds) -> None:
    ana = ids.coders[0]
    d0, d1, _ = ids.documents
    _apply(project, d0, ana, "veto", 0, 5)
    table = load_frequencies(project, ana)
    veto = project.codebook.theme_by_key("veto").id
    prevention = project.codebook.theme_by_key("prevention").id
    uuid = _apply(project, d1, ana, "veto", 0, 4)
    _apply(project, d1, ana, "prevention", 5, 9)
    table.replace_document(d1, document_counts(project, d1, ana))
    assert table.in_project(veto) == ThemeCount(2, 2)
    assert table.in_project(prevention) == ThemeCount(1, 1)
    project.codings.discard(uuid)
    table.replace_document(d1, document_counts(project, d1, ana))
    assert table.in_project(veto) == ThemeCount(1, 1)
    table.replace_document(d1, {})
    assert table.in_project(prevention) == ThemeCount(0, 0)
    assert table.total() == ThemeCount(1, 1)
    assert load_frequencies(project, ana).in_project(veto) == ThemeCount(1, 1)


def test_zero_counts_are_no_statement() -> None:
    table = ThemeFrequencies({(1, 7): 0, (2, 7): 3})
    assert table.in_project(7) == ThemeCount(3, 1)
