import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from r2pcoder.spans import Span, SpanIndex

spans = st.tuples(st.integers(0, 200), st.integers(1, 60)).map(lambda t: Span(t[0], t[0] + t[1]))


def test_span_rules() -> None:
    a, b = Span(0, 5), Span(5, 9)
    assert not a.overlaps(b)  # touching is not overlapping
    assert Span(0, 6).overlaps(b)
    assert Span(0, 6).overlap_length(b) == 1
    assert a.contains(0)
    assert not a.contains(5)
    with pytest.raises(ValueError, match="start < end"):
        Span(3, 3)


@given(st.lists(spans, max_size=40), st.integers(0, 260), st.integers(1, 80))
def test_overlapping_matches_brute_force(items: list[Span], start: int, width: int) -> None:
    index = SpanIndex((s, i) for i, s in enumerate(items))
    query = Span(start, start + width)
    expected = sorted(i for i, s in enumerate(items) if s.overlaps(query))
    assert sorted(k for _, k in index.overlapping(query.start, query.end)) == expected


@given(st.lists(spans, max_size=30), st.integers(0, 260))
def test_at_matches_brute_force(items: list[Span], offset: int) -> None:
    index = SpanIndex((s, i) for i, s in enumerate(items))
    assert sorted(k for _, k in index.at(offset)) == sorted(
        i for i, s in enumerate(items) if s.contains(offset)
    )


@given(st.lists(spans, max_size=30), st.integers(0, 100), st.integers(1, 200))
def test_pieces_tile_the_covered_text_with_exact_key_sets(
    items: list[Span], start: int, width: int
) -> None:
    index = SpanIndex((s, i) for i, s in enumerate(items))
    end = start + width
    pieces = index.pieces(start, end)
    for piece in pieces:
        assert start <= piece.start < piece.end <= end
        for offset in (piece.start, piece.end - 1):
            assert piece.keys == {i for i, s in enumerate(items) if s.contains(offset)}
    for a, b in itertools.pairwise(pieces):
        assert a.end <= b.start
    covered = {o for p in pieces for o in range(p.start, p.end)}
    assert covered == {o for s in items for o in range(max(s.start, start), min(s.end, end))}


def test_pieces_mark_overlaps_distinctly() -> None:
    index = SpanIndex([(Span(0, 10), "a"), (Span(5, 15), "b")])
    assert [(p.start, p.end, set(p.keys)) for p in index.pieces(0, 20)] == [
        (0, 5, {"a"}),
        (5, 10, {"a", "b"}),
        (10, 15, {"b"}),
    ]
