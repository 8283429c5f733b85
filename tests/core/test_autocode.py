from __future__ import annotations

import pytest

from tests.conftest import TemplateIds

from r2pcoder.autocode import apply_many, discard_many, restore_many
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import CodingRefused, UnknownEntity


def test_codes_every_span_in_one_call_and_skips_with_reasons(
    project: Project, ids: TemplateIds
) -> None:
    ana = ids.coders[0]
    d0, d1, _ = ids.documents
    veto = project.codebook.theme_by_key("veto").id
    opposes = project.codebook.stance_by_key("opposes").id
    project.codings.apply(CodingRequest(d1, ana, veto, 4, 8))
    spans = [(d0, 0, 2), (d1, 4, 8), (d0, 0, 2), (d1, 0, 9999), (d1, 0, 3)]
    report = apply_many(project, ana, veto, spans, opposes)
    assert [(c.document_id, c.start, c.end, c.stance_id) for c in report.applied] == [
        (d0, 0, 2, opposes),
        (d1, 0, 3, opposes),
    ]
    assert [(d, a, b, why.split()[0]) for d, a, b, why in report.skipped] == [
        (d0, 0, 2, "listed"),
        (d1, 4, 8, "already"),
        (d1, 0, 9999, "The"),
    ]
    assert report.summary() == "Coded 2 passages; skipped 3, each listed with its reason."
    assert len(project.codings.for_document(d1, ana)) == 2
    lines = report.skipped_lines({d1: "Statement of Mexico"})
    assert lines[1] == "Statement of Mexico 4-8: already coded with this theme over the same span"


def test_discard_and_restore_many_are_inverses(project: Project, ids: TemplateIds) -> None:
    ana = ids.coders[0]
    d0, d1, _ = ids.documents
    theme = project.codebook.theme_by_key("prevention").id
    applied = apply_many(project, ana, theme, [(d0, 0, 2), (d1, 0, 3)]).applied
    before = project.codings.for_document(d0) + project.codings.for_document(d1)
    snapshots = discard_many(project, [c.uuid for c in applied])
    assert project.codings.for_document(d0) + project.codings.for_document(d1) == []
    assert [s.uuid for s in snapshots] == [c.uuid for c in applied]
    restore_many(project, snapshots)
    after = project.codings.for_document(d0) + project.codings.for_document(d1)
    assert [(c.uuid, c.start, c.end, c.created_at) for c in after] == [
        (c.uuid, c.start, c.end, c.created_at) for c in before
    ]
    with pytest.raises(CodingRefused):
        restore_many(project, snapshots)


def test_refuses_unknown_references_and_missing_codings(project: Project, ids: TemplateIds) -> None:
    theme = project.codebook.theme_by_key("veto").id
    with pytest.raises(UnknownEntity):
        apply_many(project, ids.coders[0], 999, [(ids.documents[0], 0, 2)])
    with pytest.raises(UnknownEntity):
        apply_many(project, 999, theme, [(ids.documents[0], 0, 2)])
    with pytest.raises(UnknownEntity):
        discard_many(project, ["no-such-uuid"])
    assert project.codings.count() == 0
