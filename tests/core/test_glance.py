import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TINY_CODEBOOK, TemplateIds

from r2pcoder.codebook import parse_codebook
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.errors import ProjectCorrupt
from r2pcoder.glance import CoderCount, ProjectGlance, glance

DATA = Path(__file__).resolve().parent.parent / "data"


def _through_services(path: Path) -> ProjectGlance:
    with Project(path) as project:
        info = project.info
        return ProjectGlance(
            info.uuid,
            info.name,
            info.role,
            info.codebook_id,
            info.codebook_name,
            info.codebook_version,
            len(project.codebook.themes()),
            len(project.codebook.stances()),
            len(project.documents.list()),
            project.codings.count(),
            tuple(
                CoderCount(c.uuid, c.name, project.codings.count(c.id))
                for c in project.coders.list()
            ),
        )


def test_a_glance_counts_what_the_services_count(project_path: Path, ids: TemplateIds) -> None:
    with Project(project_path) as project:
        themes = project.codebook.themes()
        ana, ben = ids.coders
        for i, doc in enumerate(ids.documents):
            project.codings.apply(CodingRequest(doc, ana, themes[i % 2].id, 0, 3 + i))
        project.codings.apply(CodingRequest(ids.documents[0], ben, themes[0].id, 1, 4))
        revised: dict[str, Any] = copy.deepcopy(TINY_CODEBOOK)
        revised["themes"] = revised["themes"][:1]  # "veto" leaves: retired, its codings kept
        revised["stances"]["values"] = revised["stances"]["values"][:2]
        project.codebook.load(parse_codebook(revised))
    seen = glance(project_path)
    assert seen == _through_services(project_path)
    assert (seen.themes, seen.stances, seen.documents, seen.codings) == (2, 2, 3, 4)
    assert [(c.name, c.codings) for c in seen.coders] == [("Ana", 3), ("Ben", 1)]


def test_a_glance_at_a_packet_says_so(project_path: Path, tmp_path: Path) -> None:
    from r2pcoder.packets import PacketOptions, create_packets  # noqa: PLC0415

    with Project(project_path) as master:
        made = create_packets(master, PacketOptions(("Ana",), tmp_path / "out"))
    packet = made.packets[0].path
    assert glance(packet) == _through_services(packet)
    assert glance(packet).role == "packet"


def test_a_glance_changes_nothing_and_leaves_no_journal_files(project_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in project_path.parent.iterdir()}
    glance(project_path)
    assert {p.name: p.read_bytes() for p in project_path.parent.iterdir()} == before


def test_a_file_of_an_older_schema_is_not_glanced_at(tmp_path: Path) -> None:
    path = tmp_path / "v3.r2p"
    shutil.copyfile(DATA / "schema_v3.r2p", path)
    with pytest.raises(ProjectCorrupt, match="from schema 3; open it first"):
        glance(path)
    with Project(path):
        pass  # upgraded
    assert glance(path) == _through_services(path)


def test_info_upgrades_an_older_project_first_as_opening_it_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from r2pcoder.cli import main  # noqa: PLC0415

    path = tmp_path / "v3.r2p"
    shutil.copyfile(DATA / "schema_v3.r2p", path)
    assert main(["info", str(path)]) == 0
    assert "Fixture for schema 3 (master, " in capsys.readouterr().out
    assert len(list(tmp_path.glob("v3.r2p.schema3-*.bak"))) == 1
    assert glance(path).codings == 3
