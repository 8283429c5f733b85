from __future__ import annotations

import pytest

from tests.conftest import TemplateIds

from r2pcoder import corpus_search
from r2pcoder.corpus_search import SearchQuery, SearchRefused, search_corpus
from r2pcoder.db import Project
from r2pcoder.errors import Cancelled
from r2pcoder.metadata import DocumentMeta


def _spans(project: Project, query: SearchQuery) -> list[tuple[int, str]]:
    return [(h.document_id, h.match) for h in search_corpus(project, query).hits]


def test_a_phrase_is_found_case_insensitively_in_corpus_order(
    project: Project, ids: TemplateIds
) -> None:
    d0, d1, _ = ids.documents
    result = search_corpus(project, SearchQuery("action"))
    assert [(h.document_id, h.match) for h in result.hits] == [(d0, "action"), (d1, "action")]
    assert (result.total, result.statements, result.searched) == (2, 2, 3)
    assert _spans(project, SearchQuery("EARLY")) == [(d0, "Early"), (d0, "early")]


def test_hits_are_code_point_spans_with_context(project: Project, ids: TemplateIds) -> None:
    (hit,) = search_corpus(project, SearchQuery("shield")).hits
    text = project.documents.get(ids.documents[1]).text
    assert text[hit.start : hit.end] == "shield"
    assert hit.start == text.index("shield")  # after the emoji: code points, not UTF-16
    assert hit.before.endswith("😀, not a ")
    assert hit.after == ". The veto must not block action. "
    assert hit.title == "Statement of Mexico"


def test_white_space_in_a_phrase_matches_a_line_break(project: Project, ids: TemplateIds) -> None:
    assert _spans(project, SearchQuery("Conduct. Prevention")) == [
        (ids.documents[0], "Conduct.\nPrevention")
    ]


def test_whole_words_and_case(project: Project, ids: TemplateIds) -> None:
    d0, _, d2 = ids.documents
    assert _spans(project, SearchQuery("prevent")) == [(d0, "Prevent"), (d2, "prevent")]
    assert _spans(project, SearchQuery("prevent", whole_words=True)) == [(d2, "prevent")]
    assert _spans(project, SearchQuery("prevent", case_sensitive=True)) == [(d2, "prevent")]


def test_regular_expressions(project: Project, ids: TemplateIds) -> None:
    d0, d1, d2 = ids.documents
    query = SearchQuery(r"\b(veto|ACT)\b", mode="regex")
    assert _spans(project, query) == [(d0, "ACT"), (d1, "veto")]
    assert _spans(project, SearchQuery(r"caf\w", mode="regex")) == [(d2, "Café")]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (SearchQuery("  "), "Type a word"),
        (SearchQuery("(unclosed", mode="regex"), "not a valid regular expression"),
        (SearchQuery("a*", mode="regex"), "matches empty text"),
    ],
)
def test_bad_queries_are_refused_with_a_reason(
    project: Project, query: SearchQuery, reason: str
) -> None:
    with pytest.raises(SearchRefused, match=reason):
        search_corpus(project, query)


def test_a_runaway_pattern_is_stopped_by_the_time_budget(project: Project) -> None:
    project.documents.add_text("a" * 60 + "\n", DocumentMeta(title="aaa"))
    with pytest.raises(SearchRefused, match=r"took longer than 0\.2 s"):
        search_corpus(project, SearchQuery("(a|aa)+b", mode="regex", timeout_s=0.2))


def test_hits_beyond_the_limit_are_counted_and_said(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_search, "MAX_HITS", 3)
    result = search_corpus(project, SearchQuery("e", mode="regex"))
    assert len(result.hits) == 3
    assert result.total > 3
    assert result.truncated
    assert "the first 3 are listed" in result.summary()


def test_cancel_stops_between_statements(project: Project) -> None:
    with pytest.raises(Cancelled):
        search_corpus(project, SearchQuery("the"), cancelled=lambda: True)
