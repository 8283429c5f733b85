from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from tests.core.frames import frames
from tests.core.test_export_data import NORDIC, Coded, build_coded

from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import ExportFailed
from r2pcoder.export.data import ExportData, load_export_data
from r2pcoder.export.layers import parse_layer
from r2pcoder.export.run import export_warnings
from r2pcoder.export.tables import TABLES, TableOptions, build_tables, preview_rows
from r2pcoder.reliability import AgreementSettings, compute_agreement, save_snapshot
from r2pcoder.schema import SnapshotRow


@pytest.fixture
def coded(project, ids) -> Coded:
    return build_coded(project, ids.documents, ids.coders)


def tables_for(
    project: Project, layer: str = "Ana", **options: Any
) -> tuple[ExportData, dict[str, pd.DataFrame]]:
    data = load_export_data(project, parse_layer(layer))
    return data, frames(build_tables(data, TableOptions(**options)))


def count(
    counts: pd.DataFrame,
    breakdown: str,
    group: str,
    theme: str,
    stance: str,
    column: str = "statements",
) -> int:
    rows = counts[
        (counts.breakdown == breakdown)
        & (counts.group == group)
        & (counts.theme_key == theme)
        & (counts.stance == stance)
    ]
    assert len(rows) <= 1
    return 0 if rows.empty else int(rows.iloc[0][column])


def test_overall_counts_of_ana_match_the_hand_count(project, coded):
    _, t = tables_for(project, count_members=True)
    c = t["counts"]
    assert count(c, "overall", "all", "prevention", "any stance") == 3
    assert count(c, "overall", "all", "prevention", "Supports") == 2
    assert count(c, "overall", "all", "prevention", "Neutral") == 1
    assert count(c, "overall", "all", "prevention", "Opposes") == 0
    assert count(c, "overall", "all", "veto", "any stance") == 2
    assert count(c, "overall", "all", "veto", "Supports") == 2
    assert count(c, "overall", "all", "early_warning", "any stance") == 0
    # Ghana, Denmark and the unknown speaker of D4
    assert count(c, "overall", "all", "prevention", "any stance", "speakers") == 3
    # ... plus Finland, Iceland, Norway and Sweden behind the Nordic statement
    assert count(c, "overall", "all", "prevention", "any stance", "states") == 3 + len(NORDIC) - 1
    row = c[(c.breakdown == "overall") & (c.theme_key == "prevention") & (c.stance == "Supports")]
    assert row.member_states.iloc[0] == "; ".join(NORDIC)
    veto = c[(c.breakdown == "overall") & (c.theme_key == "veto") & (c.stance == "any stance")]
    assert veto.member_states.iloc[0] == ""


def test_group_statement_counts_once_and_lists_its_group(project, coded):
    _, t = tables_for(project)
    c = t["counts"]
    row = c[(c.breakdown == "overall") & (c.theme_key == "prevention") & (c.stance == "Supports")]
    assert int(row.statements.iloc[0]) == 2
    assert row.on_behalf_of.iloc[0] == "Nordic countries"
    assert "states" not in c.columns


def test_counts_by_regional_group_and_event_include_an_unknown_row(project, coded):
    _, t = tables_for(project)
    c = t["counts"]
    assert count(c, "regional_group", "African", "prevention", "any stance") == 1
    assert count(c, "regional_group", "Western European and Others", "prevention", "Supports") == 1
    assert count(c, "regional_group", "unknown", "prevention", "Neutral") == 1
    assert count(c, "regional_group", "Latin American and Caribbean", "veto", "Supports") == 1
    assert count(c, "event", "GA dialogue 2017", "veto", "any stance") == 2
    assert count(c, "event", "GA dialogue 2013", "prevention", "any stance") == 1
    assert count(c, "event", "unknown", "prevention", "any stance") == 1


def test_groups_add_up_to_the_overall_figure_and_stances_to_any_stance(project, coded):
    _, t = tables_for(project, layer="Ben", by=("regional_group", "year", "speaker"))
    c = t["counts"]
    overall = c[c.breakdown == "overall"].set_index(["theme_key", "stance"]).statements
    for breakdown in ("regional_group", "year", "speaker"):
        sums = c[c.breakdown == breakdown].groupby(["theme_key", "stance"]).statements.sum()
        assert sums.sort_index().to_dict() == overall.sort_index().to_dict()
    stances = c[(c.breakdown == "overall") & (c.stance != "any stance")]
    assert stances.groupby("theme_key").statements.sum().to_dict() == {
        key: overall[(key, "any stance")] for key in stances.theme_key.unique()
    }


def test_segments_quote_exactly_the_text_they_point_at(project, coded):
    data, t = tables_for(project, layer="all")
    seg = t["segments"]
    assert len(seg) == 10
    by_uuid = {d.uuid: d.id for d in data.statements.values()}
    for uuid, start, end, quote in zip(
        seg.document_uuid, seg.start, seg.end, seg.quote, strict=True
    ):
        assert quote == data.texts[by_uuid[uuid]][start:end]
    assert "The veto must not block action." in set(seg.quote)
    assert set(seg.layer) == {"all coders who worked on each statement (2 coders: Ana, Ben)"}


def test_segments_follow_document_order_then_position(project, coded):
    _, t = tables_for(project)
    seg = t["segments"]
    assert list(seg.theme_key) == ["veto", "prevention", "veto", "prevention", "prevention"]
    assert list(seg.speaker) == ["Ghana", "Ghana", "Mexico", "Denmark", "unknown"]
    assert list(seg.regional_group)[-1] == "unknown"
    assert list(seg.theme)[1] == "Prevention"


def test_stance_and_presence_matrices(project, coded):
    _, t = tables_for(project)
    stance, presence = t["stance_matrix"], t["presence_matrix"]
    assert list(stance.speaker) == ["Ghana", "Mexico", "Denmark", "unknown"]
    assert list(stance.prevention) == ["Supports", "", "Supports", "Neutral"]
    assert list(stance.veto) == ["Supports", "Supports", "", ""]
    assert list(presence.prevention) == [1, 0, 1, 1]
    assert list(presence.early_warning) == [0, 0, 0, 0]
    assert list(presence.veto) == [1, 1, 0, 0]


def test_evidence_merges_a_passage_both_coders_quoted(project, coded):
    _, t = tables_for(project, layer="all")
    ev = t["evidence"]
    # D1 prevention 2, D1 veto 2 (one passage, two stances), D2 veto 1, D3 prevention 3, D4 1
    assert len(ev) == 9
    veto = ev[ev.theme_key == "veto"]
    assert list(veto.coders) == ["Ana", "Ana; Ben", "Ben"]
    assert list(veto.speaker) == ["Ghana", "Mexico", "Ghana"]
    assert list(veto.stance) == ["Supports", "Supports", "Neutral"]
    assert sorted(ev[ev.theme_key == "prevention"].quote) == [
        "Prevention is the best protection",
        "Prevention is the best protection.",
        "Untitled remarks on prevention.",
        "mediation and good offices",
        "mediation and good offices prevent atrocities",
        "prevent atrocities",
    ]


def test_codebook_lists_definitions_and_usage(project, coded):
    _, t = tables_for(project)
    cb = t["codebook"].set_index("key")
    assert (cb.loc["prevention", "codings"], cb.loc["prevention", "statements"]) == (3, 3)
    assert (cb.loc["veto", "codings"], cb.loc["veto", "statements"]) == (2, 2)
    assert cb.loc["early_warning", "name"] == "Prevention > Early warning"
    assert (cb.loc["supports", "codings"], cb.loc["neutral", "codings"]) == (4, 1)
    assert cb.loc["opposes", "statements"] == 0


def test_no_snapshot_gives_one_loud_warning_row(project, coded):
    _, t = tables_for(project, what=("reliability",))
    rel = t["reliability"]
    assert len(rel) == 1
    assert rel.warning.iloc[0].startswith("NO RELIABILITY SNAPSHOT")
    assert list(t) == ["about", "reliability"]


def _snapshot(
    project: Project,
    results: dict[str, Any],
    settings: dict[str, Any] | None = None,
    label: str = "paper",
) -> None:
    with project.unit_of_work() as s:
        s.add(
            SnapshotRow(
                uuid=f"snap-{label}",
                created_at=datetime(2026, 1, 2, tzinfo=UTC),
                label=label,
                settings=settings or {},
                results=results,
            )
        )


def _row(key: str, alpha: float | None, **extra: Any) -> dict[str, Any]:
    value = {"value": alpha, "ci_low": 0.3, "ci_high": 0.7, "band": "", "note": ""}
    return {
        "scope": "theme",
        "key": key,
        "label": key,
        "variant": "stance",
        "n_units": 4,
        "values": {"krippendorff_alpha": {**value, **extra}, "percent_agreement": {"value": 0.6}},
    }


def test_snapshot_coefficients_below_the_threshold_are_flagged(project, coded):
    _snapshot(
        project,
        {
            "rows": [
                _row("prevention", 0.5),
                _row("veto", 0.9),
                _row("early_warning", None, note="nobody used this theme"),
            ],
            "unit_description": "statement x theme",
        },
        settings={"unit": "statement", "threshold": 0.8},
    )
    _, t = tables_for(project, what=("reliability",))
    rel = t["reliability"].set_index(["theme_key", "coefficient"])
    assert rel.loc[("prevention", "krippendorff_alpha"), "warning"] == (
        "BELOW THRESHOLD: 0.500 < 0.800"
    )
    assert rel.loc[("prevention", "krippendorff_alpha"), "interval"] == "[0.300, 0.700]"
    assert rel.loc[("veto", "krippendorff_alpha"), "warning"] == ""
    assert rel.loc[("prevention", "percent_agreement"), "warning"] == ""
    assert str(rel.loc[("early_warning", "krippendorff_alpha"), "warning"]).startswith("UNDEFINED")
    assert set(rel.unit) == {"statement"}


def test_a_damaged_snapshot_is_read_as_far_as_possible(project, coded):
    _snapshot(project, {"rows": ["junk", {"values": "junk"}, _row("veto", 0.2)]})
    _, t = tables_for(project, what=("reliability",))
    rel = t["reliability"]
    assert list(rel.theme_key.unique()) == ["veto"]
    assert rel.threshold.iloc[0] == pytest.approx(0.667)
    assert rel.unit.iloc[0] == "not stated"


def test_about_table_states_the_layer_and_every_table_carries_it(project, coded):
    _, t = tables_for(project, layer="majority")
    about = dict(zip(t["about"].item, t["about"].value, strict=True))
    assert (
        about["layer"] == "majority of the coders who worked on each statement (2 coders: Ana, Ben)"
    )
    assert "more than half of them coded it" in about["layer rule"]
    for name in TABLES:
        assert set(t[name].layer) == {about["layer"]}


def test_unknown_table_name_is_refused():
    with pytest.raises(ExportFailed, match="Unknown table 'charts'"):
        TableOptions(what=("charts",))


def test_preview_rows_are_text(project, coded):
    data = load_export_data(project, parse_layer("Ana"))
    columns, rows = preview_rows(build_tables(data, TableOptions())["presence_matrix"], limit=2)
    assert columns[:2] == ["layer", "document"]
    assert len(rows) == 2
    assert all(isinstance(v, str) for row in rows for v in row)


def test_a_snapshot_saved_by_the_agreement_window_is_read_with_unit_and_interval(project, coded):
    settings = AgreementSettings(unit="statement", bootstrap_n=50, threshold=0.9)
    save_snapshot(project, compute_agreement(project, settings), label="before adjudication")
    _, t = tables_for(project, what=("reliability",))
    rel = t["reliability"]
    assert set(rel.snapshot) == {"before adjudication"}
    assert set(rel.unit) == {"statement"}
    assert set(rel.threshold) == {0.9}
    alpha = rel[(rel.coefficient == "krippendorff_alpha") & (rel.scope == "overall")]
    assert len(alpha) >= 1
    # Ana and Ben disagree on most statement x theme units: alpha is far below 0.9.
    assert str(alpha.warning.iloc[0]).startswith("BELOW THRESHOLD")
    assert re.fullmatch(r"\[-?\d\.\d{3}, -?\d\.\d{3}\]", str(alpha.interval.iloc[0]))
    assert set(rel.theme_key) >= {"prevention", "veto"}


def test_participation_lists_every_statement_of_the_project_whatever_the_layer(project, coded):
    _, t = tables_for(project, layer="all", count_members=True)
    p = t["participation"].set_index(["breakdown", "group"])
    assert p.loc[("overall", "all"), "statements"] == 4
    assert p.loc[("overall", "all"), "speakers"] == 4
    assert p.loc[("overall", "all"), "states"] == 4 + len(NORDIC) - 1
    assert p.loc[("overall", "all"), "who"] == (
        "Denmark (on behalf of Nordic countries); Ghana; Mexico; unknown"
    )
    assert p.loc[("regional_group", "unknown"), "statements"] == 1
    assert p.loc[("regional_group", "Western European and Others"), "who"] == (
        "Denmark (on behalf of Nordic countries)"
    )
    groups = p.loc["regional_group"].statements.sum()
    assert groups == p.loc[("overall", "all"), "statements"]


def test_a_theme_keyed_like_a_metadata_column_does_not_overwrite_it(project, coded):
    data = load_export_data(project, parse_layer("Ana"))
    themes = tuple(replace(t, key="speaker") if t.key == "veto" else t for t in data.themes)
    renamed = replace(data, themes=themes)
    matrix = frames(build_tables(renamed, TableOptions(what=("presence_matrix",))))[
        "presence_matrix"
    ]
    assert list(matrix.speaker) == ["Ghana", "Mexico", "Denmark", "unknown"]
    assert list(matrix["theme:speaker"]) == [1, 1, 0, 0]


def test_a_snapshot_taken_before_the_coding_changed_is_flagged_outdated(project, coded, ids):
    save_snapshot(project, compute_agreement(project, AgreementSettings(bootstrap_n=0)))
    _, t = tables_for(project, what=("reliability",))
    assert set(t["reliability"].snapshot_current) == {"yes"}
    assert not any(str(w).startswith("OUTDATED") for w in t["reliability"].warning)
    veto = project.codebook.theme_by_key("veto").id
    project.codings.apply(CodingRequest(ids.documents[2], ids.coders[1], veto, 0, 4))
    _, t = tables_for(project, what=("reliability",))
    rel = t["reliability"]
    assert set(rel.snapshot_current) == {"NO"}
    assert all(str(w).startswith("OUTDATED SNAPSHOT") for w in rel.warning)


def test_a_misspelt_breakdown_field_is_refused_but_a_custom_attribute_is_accepted(project, coded):
    with pytest.raises(ExportFailed, match="regional_grp"):
        tables_for(project, by=("regional_grp",))
    _, t = tables_for(project, by=("members",))
    groups = set(t["counts"][t["counts"].breakdown == "members"].group)
    assert groups == {"unknown", "; ".join(NORDIC)}


def test_the_warning_counts_low_coefficients_apart_from_undefined_ones(project, coded):
    # prevention 0.6666 and veto 0.5 are below 0.667; early_warning is undefined (no value);
    # percent agreement 0.6 is never held against the threshold.
    _snapshot(
        project,
        {
            "rows": [
                _row("prevention", 0.6666),
                _row("veto", 0.5),
                _row("early_warning", None, note="nobody used this theme."),
            ],
            "interval_method": "Alpha's interval: BCa over units.",
        },
        settings={"unit": "statement", "threshold": 0.667},
    )
    data = load_export_data(project, parse_layer("Ana"))
    warnings = export_warnings(data)
    assert (
        "2 reliability coefficients fall below the threshold of 0.667: krippendorff_alpha of "
        "prevention, stance 0.666; krippendorff_alpha of veto, stance 0.500."
    ) in warnings
    assert (
        "1 reliability coefficient is undefined, not low: krippendorff_alpha of early_warning, "
        "stance (nobody used this theme)."
    ) in warnings
    rel = frames(build_tables(data, TableOptions(what=("reliability",))))["reliability"]
    rel = rel.set_index(["theme_key", "coefficient"])
    assert rel.loc[("prevention", "krippendorff_alpha"), "warning"] == (
        "BELOW THRESHOLD: 0.666 < 0.667"
    )
    assert data.snapshot is not None
    assert data.snapshot.interval_method == "Alpha's interval: BCa over units."
