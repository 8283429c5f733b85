"""What the review mode of the window asks of the core beyond the command line.

* the queue of some statements only (the window refreshes one statement's rows after each
  decision) lists exactly that statement's rows of the whole queue;
* an auto run returned as a change: ``undo`` takes the whole run back, ``redo`` makes it again,
  exactly (same UUIDs and times), and a later decision on one of its cells makes the undo refuse.

Plan: as in test_review_auto.py (D1 Ana, Ben; D2 Ana, Ben, Cy; D3 all four; D4 Ana alone).
"""

from __future__ import annotations

import pytest

from tests.core.review_setup import CODER_TABLES, GOLD_TABLES, build, dump
from tests.core.test_review_auto import EXTRA, LEAD, PLAN

from r2pcoder.review import QueueFilter, ReviewRefused

EVERY = QueueFilter(statuses=("awaiting", "reopened", "agreed", "single", "decided"))


@pytest.fixture
def built(project):
    return build(project, PLAN, extra_texts=[EXTRA])


@pytest.mark.parametrize(
    "filters", [QueueFilter(), EVERY, QueueFilter(kinds=("stance_differs",), coders=("Dee",))]
)
def test_the_queue_of_one_statement_is_that_statements_share_of_the_whole_queue(
    project, built, filters
):
    whole = project.review.queue(filters)
    for doc in built.docs:
        mine = [i for i in whole if i.document_id == doc]
        one = project.review.queue(QueueFilter(**{**vars(filters), "documents": (doc,)}))
        assert one == mine


def test_the_queue_of_one_statement_still_knows_every_coder(project, built):
    # Dee worked on D3 only; filtering D1 by her lists nothing rather than refusing her.
    assert project.review.queue(QueueFilter(coders=("Dee",), documents=(built.docs[0],))) == []


def test_an_auto_run_is_undone_and_redone_exactly(project, built, project_path):
    before = dump(project_path, GOLD_TABLES)
    coders = dump(project_path, CODER_TABLES)
    report = project.review.auto("unanimous", by=LEAD, undoable=True)
    assert report.change is not None
    assert len(report.change.after) == len(report.decided) == 2
    assert all(st.decision is None and not st.codings for st in report.change.before)
    after = dump(project_path, GOLD_TABLES)
    assert len(after["gold_decisions"]) == 2
    project.review.undo(report.change)
    assert dump(project_path, GOLD_TABLES) == before
    project.review.redo(report.change)
    assert dump(project_path, GOLD_TABLES) == after
    assert dump(project_path, CODER_TABLES) == coders


def test_a_dry_run_or_a_run_not_asked_to_be_undoable_carries_no_change(project, built):
    assert project.review.auto("majority", by=LEAD, dry_run=True, undoable=True).change is None
    assert project.review.auto("majority", by=LEAD).change is None


def test_undoing_an_auto_run_is_refused_once_one_of_its_cells_was_decided_again(
    project, built, project_path
):
    report = project.review.auto("unanimous", by=LEAD, undoable=True)
    assert report.change is not None
    cell = report.change.after[0]
    project.review.mark_absent(cell.document_id, cell.theme_id, by=LEAD)
    decided = dump(project_path, GOLD_TABLES)
    with pytest.raises(ReviewRefused, match="changed there since"):
        project.review.undo(report.change)
    assert dump(project_path, GOLD_TABLES) == decided
