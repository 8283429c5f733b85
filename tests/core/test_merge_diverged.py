import shutil
from pathlib import Path

import pytest

from tests.core.test_cli import run
from tests.core.test_merge import backups, code, layer, make_packets, merge, packet_layer, snapshot

from r2pcoder.db import Project
from r2pcoder.errors import MergeRefused

GHANA, MEXICO = 0, 1  # statements by title order, as ``code`` numbers them


@pytest.fixture
def twins(project_path: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Ana's packet and a copy of it taken before any coding (her second laptop)."""
    packet = make_packets(project_path, tmp_path / "out", "Ana")["Ana"]
    twin = Path(shutil.copy(packet, tmp_path / "laptop2.r2p"))
    return packet, twin


def on(rows: set[tuple[object, ...]], master: Path, title: str) -> set[tuple[object, ...]]:
    with Project(master) as project:
        uuid = next(d.uuid for d in project.documents.list() if d.title == title)
    return {row for row in rows if row[1] == uuid}


def test_copies_that_changed_one_statement_differently_are_a_conflict_naming_both(
    project_path: Path, twins: tuple[Path, Path]
) -> None:
    packet, twin = twins
    code(packet, (GHANA, 0, 5), (GHANA, 6, 9))
    code(twin, (GHANA, 2, 7))  # one write only: fewer than the other copy, never "older"
    before = snapshot(project_path)
    report = merge(project_path, packet, twin)
    assert [r.status for r in report.layers] == ["conflict", "conflict"]
    ((conflict,), (same,)) = (r.conflicts for r in report.layers)
    assert conflict == same
    assert conflict.title == "Statement of Ghana"
    assert [(h.file_name, h.state, h.codings) for h in conflict.holders] == [
        ("project-ana.r2p", "given", 2),
        ("laptop2.r2p", "given", 1),
    ] or [(h.file_name, h.state, h.codings) for h in conflict.holders] == [
        ("laptop2.r2p", "given", 1),
        ("project-ana.r2p", "given", 2),
    ]
    assert conflict.resolution.startswith("not merged")
    assert "--prefer FILE" in conflict.resolution
    assert not report.changed
    assert snapshot(project_path, log=False) == snapshot(project_path, log=False)
    assert layer(project_path, "Ana") == set()
    assert backups(project_path) == []
    assert snapshot(project_path)["codings"] == before["codings"]


def test_the_command_line_names_the_conflict_and_exits_4_until_the_lead_prefers_a_copy(
    project_path: Path, twins: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    packet, twin = twins
    code(packet, (GHANA, 0, 5), (MEXICO, 0, 5))
    code(twin, (GHANA, 2, 7))
    code_, out, err = run(capsys, "merge", project_path, packet, twin)
    assert (code_, err) == (4, "")
    assert "diverged on 'Statement of Ghana': not merged" in out
    assert "    project-ana.r2p holds 1 coding, 0 memos, 0 done marks" in out
    assert "    laptop2.r2p holds 1 coding, 0 memos, 0 done marks" in out
    assert on(layer(project_path, "Ana"), project_path, "Statement of Mexico") == on(
        packet_layer(packet), project_path, "Statement of Mexico"
    )  # what only one copy changed is merged
    code_, out, err = run(capsys, "merge", project_path, packet, twin, "--prefer", twin)
    assert (code_, err) == (0, "")
    assert "the lead preferred laptop2.r2p" in out
    expected = on(packet_layer(twin), project_path, "Statement of Ghana") | on(
        packet_layer(packet), project_path, "Statement of Mexico"
    )
    assert layer(project_path, "Ana") == expected


def test_a_set_aside_copy_stays_aside_until_it_is_coded_there_again(
    project_path: Path, twins: tuple[Path, Path]
) -> None:
    packet, twin = twins
    code(packet, (GHANA, 0, 5))
    code(twin, (GHANA, 2, 7))
    merge(project_path, packet, twin, prefer=[twin])
    chosen = layer(project_path, "Ana")
    again = merge(project_path, packet)
    assert [r.status for r in again.layers] == ["set_aside"]
    assert layer(project_path, "Ana") == chosen
    code(packet, (GHANA, 8, 12))  # new work on the side that was set aside: never dropped silently
    later = merge(project_path, packet)
    assert [r.status for r in later.layers] == ["conflict"]
    assert layer(project_path, "Ana") == chosen


def test_a_diverged_copy_arriving_after_the_other_was_merged_is_a_conflict(
    project_path: Path, twins: tuple[Path, Path]
) -> None:
    packet, twin = twins
    code(packet, (GHANA, 0, 5))
    code(twin, (GHANA, 2, 7))
    merge(project_path, packet)
    merged = layer(project_path, "Ana")
    report = merge(project_path, twin)
    assert [r.status for r in report.layers] == ["conflict"]
    (conflict,) = report.layers[0].conflicts
    assert {(h.file_name, h.state) for h in conflict.holders} == {
        ("project-ana.r2p", "merged"),
        ("laptop2.r2p", "given"),
    }
    assert layer(project_path, "Ana") == merged
    assert report.layers[0].status != "older"


def test_preferring_the_copy_merged_before_keeps_the_master_without_a_backup(
    project_path: Path, twins: tuple[Path, Path]
) -> None:
    packet, twin = twins
    code(packet, (GHANA, 0, 5))
    code(twin, (GHANA, 2, 7))
    merge(project_path, packet)
    merged = layer(project_path, "Ana")
    kept = merge(project_path, twin, prefer=["project-ana.r2p"])
    assert [r.status for r in kept.layers] == ["set_aside"]
    assert "Nothing changed" in kept.summary()[0]
    assert layer(project_path, "Ana") == merged
    assert len(backups(project_path)) == 1
    assert [r.status for r in merge(project_path, twin).layers] == ["set_aside"]


def test_a_copy_continuing_one_side_of_a_waiting_conflict_still_waits(
    project_path: Path, twins: tuple[Path, Path], tmp_path: Path
) -> None:
    packet, twin = twins
    code(packet, (GHANA, 0, 5))
    code(twin, (GHANA, 2, 7))
    merge(project_path, packet, twin)  # the conflict waits for the lead
    code(packet, (GHANA, 8, 12))
    later = Path(shutil.copy(packet, tmp_path / "later.r2p"))
    report = merge(project_path, later)
    assert [r.status for r in report.layers] == ["conflict"]
    holders = {(h.file_name, h.state) for h in report.layers[0].conflicts[0].holders}
    assert holders == {("laptop2.r2p", "waiting"), ("later.r2p", "given")}
    assert layer(project_path, "Ana") == set()


def test_the_choice_gives_the_same_master_whatever_the_order_of_merges(
    project_path: Path, twins: tuple[Path, Path], tmp_path: Path
) -> None:
    packet, twin = twins
    code(packet, (GHANA, 0, 5), (MEXICO, 1, 4))
    code(twin, (GHANA, 2, 7))
    masters = [Path(shutil.copy(project_path, tmp_path / f"m{i}.r2p")) for i in range(3)]
    merge(masters[0], packet, twin, prefer=[twin])
    merge(masters[1], packet)
    merge(masters[1], twin, prefer=[twin])
    merge(masters[2], twin)
    merge(masters[2], packet, twin, prefer=[twin])
    results = [layer(m, "Ana") for m in masters]
    assert results[0] == results[1] == results[2]


def test_the_same_copy_given_twice_is_a_duplicate(
    project_path: Path, twins: tuple[Path, Path], tmp_path: Path
) -> None:
    packet, _ = twins
    code(packet, (GHANA, 0, 5))
    again = Path(shutil.copy(packet, tmp_path / "again.r2p"))
    report = merge(project_path, packet, again)
    assert sorted(r.status for r in report.layers) == ["duplicate", "merge"]
    assert layer(project_path, "Ana") == packet_layer(packet)


def test_preferring_a_file_nobody_gave_or_merged_is_refused(
    project_path: Path, twins: tuple[Path, Path]
) -> None:
    packet, _ = twins
    with pytest.raises(MergeRefused, match="no file of that name is given or was merged before"):
        merge(project_path, packet, prefer=["elsewhere.r2p"])
