from dataclasses import replace

import pytest

from tests.conftest import TemplateIds

from r2pcoder.codebook.store import ThemeInfo
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import Cancelled, CodingRefused, UnknownEntity


def _theme(project: Project, key: str) -> ThemeInfo:
    return project.codebook.theme_by_key(key)


def _request(project: Project, ids: TemplateIds, start: int = 0, end: int = 10) -> CodingRequest:
    return CodingRequest(
        document_id=ids.documents[0],
        coder_id=ids.coders[0],
        theme_id=_theme(project, "prevention").id,
        start=start,
        end=end,
        stance_id=project.codebook.stance_by_key("supports").id,
    )


def test_apply_stores_at_once_and_quote_is_the_span(project: Project, ids: TemplateIds) -> None:
    applied = project.codings.apply(_request(project, ids, 3, 10))
    stored = project.codings.for_document(ids.documents[0])
    assert stored == [applied]
    text = project.documents.get(ids.documents[0]).text
    assert text[applied.start : applied.end] == "support"


def test_apply_then_discard_restores_state(project: Project, ids: TemplateIds) -> None:
    applied = project.codings.apply(_request(project, ids))
    project.codings.discard(applied.uuid)
    assert project.codings.for_document(ids.documents[0]) == []


def test_discard_then_restore_brings_back_the_same_coding(
    project: Project, ids: TemplateIds
) -> None:
    applied = project.codings.apply(_request(project, ids))
    snapshot = project.codings.discard(applied.uuid)
    restored = project.codings.restore(snapshot)
    assert restored.uuid == applied.uuid
    assert (restored.start, restored.end, restored.theme_id, restored.stance_id) == (
        applied.start,
        applied.end,
        applied.theme_id,
        applied.stance_id,
    )
    assert restored.created_at == applied.created_at


def test_recode_then_revert_is_the_identity(project: Project, ids: TemplateIds) -> None:
    applied = project.codings.apply(_request(project, ids))
    opposes = project.codebook.stance_by_key("opposes").id
    veto = _theme(project, "veto").id
    before, after = project.codings.recode(
        applied.uuid, theme_id=veto, stance_id=opposes, memo="why"
    )
    assert before == applied
    assert (after.theme_id, after.stance_id, after.memo) == (veto, opposes, "why")
    reverted = project.codings.revert(before)
    assert (reverted.theme_id, reverted.stance_id, reverted.memo) == (
        applied.theme_id,
        applied.stance_id,
        applied.memo,
    )


def test_recode_can_clear_the_stance(project: Project, ids: TemplateIds) -> None:
    applied = project.codings.apply(_request(project, ids))
    _, after = project.codings.recode(applied.uuid, stance_id=None)
    assert after.stance_id is None


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (5, 5, "at least one character"),
        (7, 3, "at least one character"),
        (-1, 3, "outside"),
        (0, 10_000, "outside"),
    ],
)
def test_bad_spans_are_refused(
    project: Project, ids: TemplateIds, start: int, end: int, reason: str
) -> None:
    with pytest.raises(CodingRefused, match=reason):
        project.codings.apply(_request(project, ids, start, end))
    assert project.codings.count() == 0


def test_unknown_references_are_refused(project: Project, ids: TemplateIds) -> None:
    good = _request(project, ids)
    for bad in (
        CodingRequest(999, good.coder_id, good.theme_id, 0, 3),
        CodingRequest(good.document_id, 999, good.theme_id, 0, 3),
        CodingRequest(good.document_id, good.coder_id, 999, 0, 3),
        CodingRequest(good.document_id, good.coder_id, good.theme_id, 0, 3, stance_id=999),
    ):
        with pytest.raises(UnknownEntity):
            project.codings.apply(bad)
    assert project.codings.count() == 0


def test_end_of_text_offsets_count_code_points_not_utf16(
    project: Project, ids: TemplateIds
) -> None:
    doc = project.documents.get(ids.documents[1])  # contains an emoji (two UTF-16 units)
    emoji = doc.text.index("😀")
    request = CodingRequest(doc.id, ids.coders[0], _theme(project, "veto").id, emoji, emoji + 1)
    applied = project.codings.apply(request)
    assert doc.text[applied.start : applied.end] == "😀"
    whole = project.codings.apply(
        CodingRequest(doc.id, ids.coders[0], request.theme_id, 0, doc.length)
    )
    assert whole.end == len(doc.text)


def test_retired_theme_refuses_new_codings_but_keeps_old(
    project: Project, ids: TemplateIds
) -> None:
    applied = project.codings.apply(_request(project, ids))
    current = project.codebook.current()
    assert current is not None
    project.codebook.load(replace(current, themes=current.themes[1:]))
    assert project.codings.get(applied.uuid).theme_id == applied.theme_id
    with pytest.raises(CodingRefused, match="no longer in the codebook"):
        project.codings.apply(_request(project, ids))


def test_an_identical_coding_is_refused_with_the_existing_one_named(
    project: Project, ids: TemplateIds
) -> None:
    first = project.codings.apply(_request(project, ids, 3, 10))
    with pytest.raises(CodingRefused) as refused:
        project.codings.apply(_request(project, ids, 3, 10))
    assert str(refused.value) == (
        f"Ana already coded 3-10 of 'Statement of Ghana' as Prevention (Supports) (coding "
        f"{first.uuid}); an identical coding is not stored twice."
    )
    assert project.codings.count() == 1


def test_codings_that_differ_in_one_respect_are_not_duplicates(
    project: Project, ids: TemplateIds
) -> None:
    base = _request(project, ids, 3, 10)
    project.codings.apply(base)
    neutral = project.codebook.stance_by_key("neutral").id
    project.codings.apply(replace(base, stance_id=neutral))
    project.codings.apply(replace(base, stance_id=None))
    project.codings.apply(replace(base, coder_id=ids.coders[1]))
    project.codings.apply(replace(base, end=11))
    project.codings.apply(replace(base, theme_id=_theme(project, "veto").id))
    with pytest.raises(CodingRefused, match=r"as Prevention \(no stance\)"):
        project.codings.apply(replace(base, stance_id=None))
    assert project.codings.count() == 6


def test_recoding_or_restoring_into_a_duplicate_is_refused(
    project: Project, ids: TemplateIds
) -> None:
    kept = project.codings.apply(_request(project, ids, 3, 10))
    other = project.codings.apply(_request(project, ids, 3, 12))
    with pytest.raises(CodingRefused, match="an identical coding is not stored twice"):
        project.codings.recode(other.uuid, span=(3, 10))
    assert project.codings.get(other.uuid).end == 12
    # Recoding a coding to what it already is changes nothing and is not a duplicate of itself.
    project.codings.recode(kept.uuid, span=(3, 10))
    snapshot = project.codings.discard(kept.uuid)
    project.codings.apply(_request(project, ids, 3, 10))
    with pytest.raises(CodingRefused, match="an identical coding is not stored twice"):
        project.codings.restore(snapshot)


def test_apply_many_stores_the_good_requests_and_names_the_refused_by_index(
    project: Project, ids: TemplateIds
) -> None:
    good, other = _request(project, ids, 0, 5), _request(project, ids, 6, 10)
    bad_span, unknown = _request(project, ids, 5, 5), replace(good, coder_id=999)
    result = project.codings.apply_many([good, bad_span, other, good, unknown])
    assert [i for i, _ in result.applied] == [0, 2]
    assert [i for i, _ in result.refused] == [1, 3, 4]
    assert "at least one character" in result.refused[0][1]
    assert "an identical coding is not stored twice" in result.refused[1][1]
    assert "no coder with id 999" in result.refused[2][1]
    assert project.codings.count() == 2


def test_apply_many_dry_run_and_cancel_keep_nothing(project: Project, ids: TemplateIds) -> None:
    requests = [_request(project, ids, 0, 5), _request(project, ids, 6, 10)]
    result = project.codings.apply_many(requests, dry_run=True)
    assert (len(result.applied), result.dry_run) == (2, True)
    assert project.codings.count() == 0
    calls = iter([False, True])
    with pytest.raises(Cancelled):
        project.codings.apply_many(requests, cancelled=lambda: next(calls))
    assert project.codings.count() == 0


def test_discard_many_removes_all_or_none(project: Project, ids: TemplateIds) -> None:
    a = project.codings.apply(_request(project, ids, 0, 5))
    b = project.codings.apply(_request(project, ids, 6, 10))
    with pytest.raises(UnknownEntity):
        project.codings.discard_many([a.uuid, "no-such-uuid"])
    assert project.codings.count() == 2
    assert [c.uuid for c in project.codings.discard_many([a.uuid, b.uuid])] == [a.uuid, b.uuid]
    assert project.codings.count() == 0


def test_listing_is_in_corpus_order_then_by_position_with_names_and_quotes(
    project: Project, ids: TemplateIds
) -> None:
    prevention, veto = _theme(project, "prevention").id, _theme(project, "veto").id
    ana, ben = ids.coders
    first, second, third = ids.documents
    # Added out of order: the listing orders them.
    for doc, coder, theme, start, end in [
        (third, ana, veto, 5, 9),
        (first, ben, prevention, 3, 10),
        (first, ana, veto, 3, 10),
        (first, ana, prevention, 0, 2),
        (second, ben, veto, 0, 11),
    ]:
        project.codings.apply(CodingRequest(doc, coder, theme, start, end))
    listed = list(project.codings.listing())
    texts = {d: project.documents.get(d).text for d in ids.documents}
    assert [(c.document_id, c.start, c.end, c.coder, c.theme) for c in listed] == [
        (first, 0, 2, "Ana", "prevention"),
        (first, 3, 10, "Ben", "prevention"),
        (first, 3, 10, "Ana", "veto"),
        (second, 0, 11, "Ben", "veto"),
        (third, 5, 9, "Ana", "veto"),
    ]
    assert all(c.quote == texts[c.document_id][c.start : c.end] for c in listed)
    assert listed[1].quote == "support"
    assert [c.document_id for c in project.codings.listing(coder_id=ben)] == [first, second]
    assert len(list(project.codings.listing(coder_id=ana, document_id=first))) == 2
    (one,) = project.codings.listing(uuid=listed[3].uuid)
    assert one == listed[3]
