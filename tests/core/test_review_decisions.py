"""Every decision of the lead, and its undo and redo as inverse core calls.

Statement D1, coded by Ana and Ben (both worked on it):
  prevention  Ana supports "Prevention is the best protection."   (coded first)
              Ben supports "Prevention is the best"              -> agreed, spans differ
  veto        Ana supports "We support the ACT Code of Conduct."
              Ben neutral  "We support the ACT Code of Conduct."  -> awaiting, stance differs
  early_warning            Ben neutral "Early warning must lead to early action."
                                                                 -> awaiting, theme missing
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.review_setup import GOLD_TABLES, Built, build, dump, span

from r2pcoder.db import Project
from r2pcoder.errors import UnknownEntity
from r2pcoder.review import CellChange, Decider, ReviewRefused

LEAD = Decider("Lena")
PLAN = [
    ("Ana", 0, "prevention", "supports", "Prevention is the best protection."),
    ("Ana", 0, "veto", "supports", "We support the ACT Code of Conduct."),
    ("Ben", 0, "prevention", "supports", "Prevention is the best"),
    ("Ben", 0, "veto", "neutral", "We support the ACT Code of Conduct."),
    ("Ben", 0, "early_warning", "neutral", "Early warning must lead to early action."),
]


@pytest.fixture
def built(project: Project) -> Built:
    return build(project, PLAN)


def _undo_redo(project: Project, path: Path, change: CellChange) -> None:
    """Undo puts the gold tables back exactly; redo brings the decision back exactly."""
    after = dump(path, GOLD_TABLES)
    undone = project.review.undo(change)
    assert undone.after == change.before
    redone = project.review.redo(change)
    assert redone.after == change.after
    assert dump(path, GOLD_TABLES) == after


def _checked(project: Project, path: Path, call: Callable[[], CellChange]) -> CellChange:
    before = dump(path, GOLD_TABLES)
    change = call()
    assert change.changed
    project.review.undo(change)
    assert dump(path, GOLD_TABLES) == before
    project.review.redo(change)
    _undo_redo(project, path, change)
    return change


def test_accepting_a_coder_copies_their_codings_with_provenance(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    change = _checked(
        project,
        project_path,
        lambda: project.review.accept(
            d1, veto, built.coders["Ben"], by=LEAD, note="Ben reads it right"
        ),
    )
    (state,) = change.after
    assert state.decision is not None
    assert (state.decision.kind, state.decision.decided_by, state.decision.note) == (
        "coded",
        "Lena",
        "Ben reads it right",
    )
    ben = project.coders.get(built.coders["Ben"]).uuid
    assert state.decision.source_coders == (ben,)
    (gold,) = state.codings
    ben_coding = built.codings[("Ben", 0, "veto", "We support the ACT Code of Conduct.")]
    assert (gold.origin, gold.sources, gold.source_coders) == ("accepted", (ben_coding,), (ben,))
    assert (gold.stance_id, (gold.start, gold.end)) == (
        built.stances["neutral"],
        span(project, d1, "We support the ACT Code of Conduct."),
    )
    assert project.review.status().decided == 1


def test_accepting_a_coder_who_left_the_theme_out_decides_it_absent(project, project_path, built):
    d1, ew = built.docs[0], built.themes["early_warning"]
    change = _checked(
        project, project_path, lambda: project.review.accept(d1, ew, built.coders["Ana"], by=LEAD)
    )
    (state,) = change.after
    assert state.decision is not None
    assert (state.decision.kind, state.codings) == ("absent", ())
    assert state.decision.source_coders == (project.coders.get(built.coders["Ana"]).uuid,)


def test_accepting_what_all_agree_on_takes_the_first_coders_codings(project, project_path, built):
    d1, prevention = built.docs[0], built.themes["prevention"]
    change = _checked(
        project, project_path, lambda: project.review.accept_agreed(d1, prevention, by=LEAD)
    )
    (state,) = change.after
    assert state.decision is not None
    ana, ben = (project.coders.get(built.coders[n]).uuid for n in ("Ana", "Ben"))
    assert state.decision.source_coders == (ana, ben)
    (gold,) = state.codings
    assert (gold.start, gold.end) == span(project, d1, "Prevention is the best protection.")
    assert gold.source_coders == (ana,)


def test_accepting_agreement_where_coders_differ_is_refused_and_writes_nothing(
    project, project_path, built
):
    before = dump(project_path, GOLD_TABLES)
    with pytest.raises(
        ReviewRefused,
        match=r"do not all agree on 'Veto restraint'.*Ana: "
        r"supports, Ben: neutral",
    ):
        project.review.accept_agreed(built.docs[0], built.themes["veto"], by=LEAD)
    assert dump(project_path, GOLD_TABLES) == before


def test_changing_the_stance_edits_the_gold_codings(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    with pytest.raises(ReviewRefused, match="Gold holds no coding"):
        project.review.set_stance(d1, veto, built.stances["opposes"], by=LEAD)
    project.review.accept(d1, veto, built.coders["Ana"], by=LEAD)
    change = _checked(
        project,
        project_path,
        lambda: project.review.set_stance(d1, veto, built.stances["opposes"], by=Decider("Max")),
    )
    (gold,) = change.after[0].codings
    (accepted,) = change.before[0].codings
    assert (gold.stance_id, gold.origin, gold.decided_by) == (
        built.stances["opposes"],
        "edited",
        "Max",
    )
    assert gold.sources == accepted.sources
    assert gold.uuid == accepted.uuid


def test_adding_a_coding_keeps_or_replaces_the_cells_gold_codings(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    project.review.accept(d1, veto, built.coders["Ana"], by=LEAD)
    passage = span(project, d1, "ACT Code of Conduct")
    kept = _checked(
        project,
        project_path,
        lambda: project.review.add(d1, veto, built.stances["supports"], passage, by=LEAD),
    )
    assert [c.origin for c in kept.after[0].codings] == ["accepted", "added"]
    with pytest.raises(ReviewRefused, match="already holds that passage"):
        project.review.add(d1, veto, built.stances["supports"], passage, by=LEAD)
    replaced = project.review.add(d1, veto, None, passage, by=LEAD, keep=False)
    (only,) = replaced.after[0].codings
    assert (only.origin, only.stance_id, only.sources) == ("added", None, ())


def test_adjusting_a_span_checks_the_statement(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    accepted = project.review.accept(d1, veto, built.coders["Ben"], by=LEAD)
    gold = accepted.after[0].codings[0]
    length = project.documents.get(d1).length
    before = dump(project_path, GOLD_TABLES)
    with pytest.raises(ReviewRefused, match=f"outside the statement.*0-{length}"):
        project.review.adjust_span(gold.uuid, (3, length + 1), by=LEAD)
    assert dump(project_path, GOLD_TABLES) == before
    change = _checked(
        project, project_path, lambda: project.review.adjust_span(gold.uuid, (3, 10), by=LEAD)
    )
    (moved,) = change.after[0].codings
    assert ((moved.start, moved.end), moved.origin) == ((3, 10), "edited")


def test_removing_the_last_gold_coding_takes_the_decision_with_it(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    gold = project.review.accept(d1, veto, built.coders["Ben"], by=LEAD).after[0].codings[0]
    change = _checked(project, project_path, lambda: project.review.remove_gold(gold.uuid, by=LEAD))
    assert change.after[0].decision is None
    assert project.review.status().awaiting == 2


def test_marking_a_theme_absent(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    project.review.accept(d1, veto, built.coders["Ben"], by=LEAD)
    change = _checked(
        project, project_path, lambda: project.review.mark_absent(d1, veto, by=LEAD, note="no")
    )
    (state,) = change.after
    assert state.decision is not None
    assert (state.decision.kind, state.codings, state.decision.note) == ("absent", (), "no")


def test_resolving_a_statement_settles_what_awaits_and_leaves_agreement_alone(
    project, project_path, built
):
    d1 = built.docs[0]
    change = _checked(project, project_path, lambda: project.review.resolve(d1, by=LEAD))
    decided = {(s.theme_id, s.decision.kind) for s in change.after if s.decision}
    assert decided == {
        (built.themes["veto"], "resolved"),
        (built.themes["early_warning"], "resolved"),
    }
    status = project.review.status()
    assert (status.agreed, status.awaiting, status.decided) == (1, 0, 2)
    with pytest.raises(ReviewRefused, match="Nothing in 'Statement of Ghana' awaits"):
        project.review.resolve(d1, by=LEAD)


def _flag_reopened(path: Path, document: int, theme: int) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE gold_decisions SET reopened_at = '2026-01-02 03:04:05.000000', "
            "reopened_reason = 'a merge changed Ana' WHERE document_id = ? AND theme_id = ?",
            (document, theme),
        )
    conn.close()


def test_keeping_a_reopened_decision_clears_the_flag_only(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    decided = project.review.accept(d1, veto, built.coders["Ben"], by=LEAD)
    _flag_reopened(project_path, d1, veto)
    assert project.review.status().reopened == 1
    # Queue order: statement, then codebook order (early_warning comes before veto).
    assert [(i.theme_key, i.status) for i in project.review.queue()] == [
        ("early_warning", "awaiting"),
        ("veto", "reopened"),
    ]
    change = _checked(project, project_path, lambda: project.review.confirm(d1, veto, by=LEAD))
    (state,) = change.after
    assert state.decision is not None
    assert not state.decision.reopened
    assert state.codings == decided.after[0].codings
    assert project.review.status().reopened == 0
    with pytest.raises(ReviewRefused, match="was not re-opened"):
        project.review.confirm(d1, veto, by=LEAD)


def test_reopening_withdraws_decisions_and_undo_brings_them_back(project, project_path, built):
    d1 = built.docs[0]
    project.review.accept(d1, built.themes["veto"], built.coders["Ben"], by=LEAD)
    project.review.accept_agreed(d1, by=LEAD)
    assert project.review.status().decided == 2
    change = _checked(project, project_path, lambda: project.review.reopen(d1))
    assert len(change.before) == 2
    assert all(s.decision is None and not s.codings for s in change.after)
    assert project.review.status().decided == 0  # _checked ends on redo: withdrawn
    project.review.undo(change)
    assert project.review.status().decided == 2
    with pytest.raises(ReviewRefused, match="Nothing is decided there"):
        project.review.reopen(built.docs[1])


def test_undo_refuses_when_the_cell_changed_since(project, project_path, built):
    d1, veto = built.docs[0], built.themes["veto"]
    first = project.review.accept(d1, veto, built.coders["Ben"], by=LEAD)
    project.review.accept(d1, veto, built.coders["Ana"], by=LEAD)  # e.g. from the CLI
    before = dump(project_path, GOLD_TABLES)
    with pytest.raises(ReviewRefused, match="changed there since"):
        project.review.undo(first)
    assert dump(project_path, GOLD_TABLES) == before


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda r, b: r.accept(999, b.themes["veto"], b.coders["Ana"], by=LEAD),
            UnknownEntity,
            "no statement with id 999",
        ),
        (
            lambda r, b: r.accept(b.docs[0], 999, b.coders["Ana"], by=LEAD),
            ReviewRefused,
            "no theme with id 999",
        ),
        (
            lambda r, b: r.accept(b.docs[0], b.themes["veto"], 999, by=LEAD),
            ReviewRefused,
            "no coder with id 999",
        ),
        (
            lambda r, b: r.accept(b.docs[1], b.themes["veto"], b.coders["Ana"], by=LEAD),
            ReviewRefused,
            "Ana did not work on 'Statement of Mexico'",
        ),
        (
            lambda r, b: r.add(b.docs[0], b.themes["veto"], 999, (0, 3), by=LEAD),
            ReviewRefused,
            "no stance with id 999",
        ),
        (
            lambda r, b: r.add(b.docs[0], b.themes["veto"], None, (5, 5), by=LEAD),
            ReviewRefused,
            "at least one character",
        ),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(
    project, project_path, built, call, error, message
):
    before = dump(project_path, GOLD_TABLES)
    with pytest.raises(error, match=message):
        call(project.review, built)
    assert dump(project_path, GOLD_TABLES) == before


def test_review_in_a_packet_is_refused(project_path, tmp_path):
    packet = tmp_path / "packet.r2p"
    with Project.create(packet, role="packet") as opened:
        with pytest.raises(ReviewRefused, match=r"packet\.r2p is a coder's packet"):
            opened.review.status()
        with pytest.raises(ReviewRefused, match="in the master"):
            opened.review.mark_absent(1, 1, by=LEAD)


def test_decisions_and_their_provenance_survive_reopening_the_project(project_path, built_path):
    path, built = built_path
    with Project(path) as project:
        change = project.review.accept(
            built.docs[0],
            built.themes["veto"],
            built.coders["Ben"],
            by=Decider("Lena", "lead-uuid"),
            note="kept",
        )
        project.review.add(built.docs[0], built.themes["prevention"], None, (0, 2), by=LEAD)
    with Project(path) as project:
        state = project.review.cell(built.docs[0], built.themes["veto"])
        assert state == change.after[0]
        assert state.decision is not None
        assert (state.decision.decided_by_uuid, state.decision.note) == ("lead-uuid", "kept")
        # Undo still works on the reopened project: the change is plain data.
        project.review.undo(change)
        assert project.review.cell(built.docs[0], built.themes["veto"]).decision is None


@pytest.fixture
def built_path(project_path) -> tuple[Path, Built]:
    with Project(project_path) as project:
        built = build(project, PLAN)
    return project_path, built
