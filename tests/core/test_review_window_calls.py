"""What the review mode of the window asks of the core beyond the command line.

* the queue of some statements only (the window refreshes one statement's rows after each
  decision) lists exactly that statement's rows of the whole queue.

Plan: as in test_review_auto.py (D1 Ana, Ben; D2 Ana, Ben, Cy; D3 all four; D4 Ana alone).
"""

from __future__ import annotations

import pytest

from tests.core.review_setup import build
from tests.core.test_review_auto import EXTRA, PLAN

from r2pcoder.review import QueueFilter

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
