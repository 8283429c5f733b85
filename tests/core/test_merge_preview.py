import copy
from pathlib import Path
from typing import Any, cast

import pytest

from tests.conftest import TINY_CODEBOOK
from tests.core.test_cli import run
from tests.core.test_merge import backups, code, layer, make_packets, merge, packet_layer

from r2pcoder.codebook import parse_codebook
from r2pcoder.db import Project
from r2pcoder.merge import BACKUPS_KEPT


def _revise(master: Path, **changes: object) -> None:
    """Load a revised tiny codebook into the master (themes as given, or left out: retired)."""
    themes = changes.get("themes", TINY_CODEBOOK["themes"])
    stances = changes.get("stances", TINY_CODEBOOK["stances"])
    with Project(master) as project:
        project.codebook.load(
            parse_codebook({**TINY_CODEBOOK, "themes": themes, "stances": stances})
        )


def test_preview_lists_every_codebook_difference_with_what_happens(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5), theme=2)  # the veto theme, retired in the master below
    book = cast(dict[str, Any], copy.deepcopy(TINY_CODEBOOK))
    prevention = book["themes"][0]
    prevention["name"] = "Atrocity prevention"
    prevention["description"] = "Revised."
    prevention["children"] = []
    warning = {"id": "early_warning", "name": "Early warning", "color": "#aec7e8"}
    added = {"id": "accountability", "name": "Accountability", "color": "#2ca02c"}
    _revise(project_path, themes=[prevention, warning, added])
    report = merge(project_path, packet, dry_run=True)
    issues = {(i.kind, i.name, i.problem, i.action) for i in report.layers[0].codebook}
    assert issues == {
        (
            "theme",
            "Prevention",
            "called 'Atrocity prevention' in the master",
            "codings are merged under the master's theme",
        ),
        (
            "theme",
            "Prevention",
            "its description differs from the master's",
            "the master's definition applies",
        ),
        (
            "theme",
            "Early warning",
            "placed under 'the top' in the master (under 'Prevention' here)",
            "codings are merged under the master's theme",
        ),
        (
            "theme",
            "Veto restraint",
            "retired in the master since this file was made",
            "its codings are merged under the retired theme, where they are kept (not lost) and "
            "can be recoded",
        ),
        (
            "theme",
            "Accountability",
            "added to the master after this file was made",
            "the coder could not use it; nothing to merge",
        ),
    }
    assert report.layers[0].counts.added == 1
    lines = "\n".join(report.summary())
    assert "theme 'Veto restraint': retired in the master since this file was made" in lines


def test_stance_renamed_or_added_in_the_master_is_listed(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    stances = cast(dict[str, Any], copy.deepcopy(TINY_CODEBOOK))["stances"]
    values = [dict(v) for v in stances["values"]]
    values[0]["name"] = "In favour"
    values.append({"id": "unclear", "name": "Unclear", "color": "#cccccc", "shortcut": "4"})
    _revise(project_path, stances={**stances, "values": values})
    report = merge(project_path, packet, dry_run=True)
    assert {(i.name, i.problem) for i in report.layers[0].codebook} == {
        ("Supports", "called 'In favour' in the master"),
        ("Unclear", "added to the master after this file was made"),
    }


def test_a_merge_that_changes_nothing_says_so_and_takes_no_backup(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    code(packet, (0, 0, 5))
    assert run(capsys, "merge", project_path, packet)[0] == 0
    before = project_path.read_bytes()
    beside = sorted(p.name for p in tmp_path.iterdir())
    code_, out, err = run(capsys, "merge", project_path, packet)
    assert (code_, err) == (0, "")
    assert out.splitlines()[0] == (
        "Nothing changed: the master already holds all the work these files can bring."
    )
    assert "Backup" not in out
    assert project_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == beside


def test_an_empty_packet_coming_back_is_recorded_without_a_backup(
    project_path: Path, tmp_path: Path
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    report = merge(project_path, packet)
    assert not report.changed
    assert report.backup is None
    assert backups(project_path) == []
    # It came back, so Ana may get a new packet without giving anything up.
    again = make_packets(project_path, tmp_path / "next", "Ana")
    assert again["Ana"].exists()


def test_only_the_newest_backups_are_kept(project_path: Path, tmp_path: Path) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    made = []
    for i in range(BACKUPS_KEPT + 2):
        code(packet, (i % 3, i, i + 3))
        made.append(merge(project_path, packet).backup)
    kept = backups(project_path)
    assert [str(p) for p in kept] == made[-BACKUPS_KEPT:]
    with Project(kept[-1]) as last:
        assert last.codings.count() == BACKUPS_KEPT + 1
    assert layer(project_path, "Ana") == packet_layer(packet)


def test_dry_run_of_a_refused_file_exits_4_and_lists_every_problem(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    junk = tmp_path / "junk.r2p"
    junk.write_text("Dear lead, here are my codings.", encoding="utf-8")
    code_, out, err = run(capsys, "merge", project_path, packet, junk, "--dry-run")
    assert (code_, err) == (4, "")
    assert "junk.r2p: refused: it is not an r2pcoder project (it is not a SQLite database)" in out


def test_backups_of_a_master_with_brackets_in_its_name_are_kept_bounded(
    project_path: Path, tmp_path: Path
) -> None:
    master = project_path.rename(tmp_path / "round [1].r2p")
    packet = make_packets(master, tmp_path / "out", "Ana")["Ana"]
    for i in range(BACKUPS_KEPT + 1):
        code(packet, (0, i, i + 3))
        merge(master, packet)
    assert len(backups(master)) == BACKUPS_KEPT
