from __future__ import annotations

import csv
from pathlib import Path

import pytest

from r2pcoder.errors import ProjectError
from r2pcoder.resources import bundled
from r2pcoder.sample import build_sample_project


def test_sample_project_holds_every_bundled_statement_with_its_metadata(tmp_path: Path) -> None:
    with build_sample_project(tmp_path / "sample.r2p") as project:
        titles = sorted(d.title for d in project.documents.list())
        speakers = {d.meta.speaker for d in project.documents.list()}
    with (bundled("sample_data") / "metadata.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert titles == sorted(row["title"] for row in rows)
    assert "Republic of Korea" in speakers
    assert len(titles) == len(list(bundled("sample_data").glob("*.txt")))


def test_sample_project_has_the_r2p_codebook_with_stances(tmp_path: Path) -> None:
    with build_sample_project(tmp_path / "sample.r2p") as project:
        assert project.refresh_info().codebook_id == "r2p"
        assert len(project.codebook.themes()) > 5
        assert len(project.codebook.stances()) >= 3


def test_sample_project_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "sample.r2p"
    target.write_bytes(b"keep me")
    with pytest.raises(ProjectError):
        build_sample_project(target)
    assert target.read_bytes() == b"keep me"
