from __future__ import annotations

from r2pcoder.lanes import assign_lanes


def test_disjoint_spans_share_one_lane() -> None:
    lanes, used = assign_lanes([(0, 5, "a"), (5, 9, "b"), (20, 30, "c")])
    assert lanes == {"a": 0, "b": 0, "c": 0}
    assert used == 1


def test_overlaps_go_side_by_side_with_as_many_lanes_as_the_deepest_point() -> None:
    # a covers 0-100; b and c nest in it and overlap each other at 30-40; d starts after b.
    spans = [(0, 100, "a"), (10, 40, "b"), (30, 60, "c"), (45, 50, "d"), (120, 130, "e")]
    lanes, used = assign_lanes(spans)
    assert lanes == {"a": 0, "b": 1, "c": 2, "d": 1, "e": 0}
    assert used == 3


def test_the_longer_of_two_spans_starting_together_takes_the_inner_lane() -> None:
    lanes, used = assign_lanes([(0, 3, "short"), (0, 50, "long")])
    assert lanes == {"long": 0, "short": 1}
    assert used == 2


def test_no_two_overlapping_spans_share_a_lane() -> None:
    spans = [((i * 7) % 97, (i * 7) % 97 + 5 + i % 13, i) for i in range(200)]
    lanes, used = assign_lanes(spans)
    for a in spans:
        for b in spans:
            if a[2] != b[2] and a[0] < b[1] and b[0] < a[1]:
                assert lanes[a[2]] != lanes[b[2]]
    deepest = max(sum(s <= x < e for s, e, _ in spans) for x in range(120))
    assert used == deepest
