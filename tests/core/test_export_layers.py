"""The layer rules on arrays give what the rules in plain words give, on random codings."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import pytest

from r2pcoder.export.columns import CodingColumns, CodingTuple
from r2pcoder.export.layers import (
    MIXED,
    NO_STANCE,
    CoderRef,
    Layer,
    coder_values,
    in_order,
    select_codings,
)


def _coder_value(stances: list[int | None]) -> int:
    # The module docstring's rule, word for word: the stance most codings with a stance carry,
    # a tie makes it mixed, none at all makes it "no stance".
    given = [s for s in stances if s is not None]
    if not given:
        return NO_STANCE
    ranked = Counter(given).most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return MIXED
    return ranked[0][0]


def _by_the_words(layer: Layer, codings: list[CodingTuple], done: list[tuple[int, int]]):
    chosen = {c.id for c in layer.coders}
    mine = [c for c in codings if c.coder_id in chosen]
    stances: dict[tuple[int, int, int], list[int | None]] = defaultdict(list)
    workers: dict[int, set[int]] = defaultdict(set)
    for c in mine:
        stances[(c.coder_id, c.document_id, c.theme_id)].append(c.stance_id)
        workers[c.document_id].add(c.coder_id)
    for coder, doc in done:
        if coder in chosen:
            workers[doc].add(coder)
    values: dict[tuple[int, int], int] = {}
    agreeing: dict[tuple[int, int], tuple[int, ...]] = {}
    cells: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for (coder, doc, theme), given in stances.items():
        cells[(doc, theme)][coder] = _coder_value(given)
    for (doc, theme), by_coder in cells.items():
        n = len(workers[doc])
        need = n if layer.rule in ("coder", "all") else n // 2 + 1
        if len(by_coder) < need:
            continue
        value, count = Counter(by_coder.values()).most_common(1)[0]
        need_stance = len(by_coder) if layer.rule in ("coder", "all") else len(by_coder) // 2 + 1
        if count < need_stance:
            value = MIXED
        values[(doc, theme)] = value
        agreeing[(doc, theme)] = tuple(
            sorted(c for c, v in by_coder.items() if value in (v, MIXED))
        )
    kept = sorted(
        (c for c in mine if c.coder_id in agreeing.get((c.document_id, c.theme_id), ())),
        key=lambda c: (c.document_id, c.start, c.end, c.coder_id, c.id),
    )
    return values, agreeing, kept, set(workers)


def _random_codings(rng: random.Random) -> tuple[list[CodingTuple], list[tuple[int, int]]]:
    codings = []
    for i in range(rng.randint(0, 80)):
        stance = rng.choice([None, 7, 8, 9, 9])
        start = rng.randint(0, 20)
        codings.append(
            CodingTuple(
                i + 1,
                rng.randint(1, 4),
                rng.randint(1, 5),
                rng.randint(10, 12),
                stance,
                start,
                start + rng.randint(1, 5),
                rng.choice(["", "", "a note"]),
            )
        )
    done = [(rng.randint(1, 5), rng.randint(1, 5)) for _ in range(rng.randint(0, 4))]
    return codings, done


@pytest.mark.parametrize("rule", ["coder", "all", "majority"])
def test_the_rules_on_arrays_match_the_rules_in_words(rule) -> None:
    rng = random.Random(f"layers-{rule}")
    for _ in range(300):
        codings, done = _random_codings(rng)
        ids = [1] if rule == "coder" else rng.sample(range(1, 6), rng.randint(1, 5))
        layer = Layer(rule, tuple(CoderRef(i, f"u{i}", f"C{i}") for i in sorted(ids)))
        selection = select_codings(layer, codings, done)
        values, agreeing, kept, worked = _by_the_words(layer, codings, done)
        assert selection.values == values
        assert selection.agreeing == agreeing
        assert list(selection.codings) == kept
        assert selection.worked == worked


def test_coder_values_match_the_rule_in_words() -> None:
    rng = random.Random(3)
    for _ in range(200):
        codings, _ = _random_codings(rng)
        expected: dict[tuple[int, int, int], list[int | None]] = defaultdict(list)
        for c in codings:
            expected[(c.coder_id, c.document_id, c.theme_id)].append(c.stance_id)
        assert coder_values(codings) == {k: _coder_value(v) for k, v in expected.items()}


def test_columns_hand_out_the_codings_they_were_made_of() -> None:
    codings, _ = _random_codings(random.Random(5))
    columns = CodingColumns.of(codings)
    assert list(columns) == codings
    assert [columns[i] for i in range(len(codings))] == codings
    assert list(columns[2:5]) == codings[2:5]
    assert in_order(codings, {}) == sorted(
        codings, key=lambda c: (c.document_id, c.start, c.end, c.coder_id, c.id)
    )
