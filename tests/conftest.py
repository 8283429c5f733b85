"""Qt-free fixtures shared by every test: tiny codebook, template project, opened projects."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from r2pcoder.codebook import Codebook, parse_codebook
from r2pcoder.db import Project
from r2pcoder.metadata import DocumentMeta

TINY_CODEBOOK = {
    "schema_version": 1,
    "id": "tiny",
    "name": "Tiny test codebook",
    "version": "1",
    "description": "Two top-level themes, one with a child; three stances.",
    "stances": {
        "ordinal": True,
        "values": [
            {"id": "supports", "name": "Supports", "color": "#1b7837", "shortcut": "1"},
            {"id": "neutral", "name": "Neutral", "color": "#999999", "shortcut": "2"},
            {"id": "opposes", "name": "Opposes", "color": "#b2182b", "shortcut": "3"},
        ],
    },
    "themes": [
        {
            "id": "prevention",
            "name": "Prevention",
            "color": "#1f77b4",
            "shortcut": "p",
            "children": [{"id": "early_warning", "name": "Early warning", "color": "#aec7e8"}],
        },
        {"id": "veto", "name": "Veto restraint", "color": "#ff7f0e", "shortcut": "v"},
    ],
}

TEXTS = (
    (
        "We support the ACT Code of Conduct.\nPrevention is the best protection. "
        "Early warning must lead to early action.\n",
        DocumentMeta(
            title="Statement of Ghana",
            speaker="Ghana",
            regional_group="African",
            date="2017-09-06",
            event="GA dialogue 2017",
            doc_type="state statement",
        ),
    ),
    (
        "Sovereignty is responsibility 😀, not a shield.\nThe veto must not block action.\n",
        DocumentMeta(
            title="Statement of Mexico",
            speaker="Mexico",
            regional_group="Latin American and Caribbean",
            date="2017-09-06",
            event="GA dialogue 2017",
            doc_type="state statement",
        ),
    ),
    (
        "Café diplomacy: mediation and good offices prevent atrocities.\n",
        DocumentMeta(
            title="Statement of the Nordic countries",
            speaker="Denmark",
            on_behalf_of="Nordic countries",
            regional_group="Western European and Others",
            date="2013-09-11",
            event="GA dialogue 2013",
            doc_type="state statement",
        ),
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    # The core tier runs with ``-p no:pytest-qt`` (so PySide6 is never imported); declare the
    # plugin's ini keys then, or --strict-config would reject pyproject's Qt settings.
    if "qt_api" not in parser._inidict:
        parser.addini("qt_api", "Qt binding (declared for runs without pytest-qt)")
        parser.addini("qt_default_raising", "(declared for runs without pytest-qt)")


@dataclass(frozen=True)
class TemplateIds:
    """Row ids inside the template project (the same in every copy)."""

    coders: tuple[int, int]
    documents: tuple[int, ...]


@pytest.fixture(scope="session")
def tiny_codebook() -> Codebook:
    return parse_codebook(TINY_CODEBOOK, "tiny")


@pytest.fixture(scope="session")
def template(
    tmp_path_factory: pytest.TempPathFactory, tiny_codebook: Codebook
) -> tuple[Path, TemplateIds]:
    path = tmp_path_factory.mktemp("template") / "template.r2p"
    with Project.create(path, name="Template") as project:
        project.codebook.load(tiny_codebook)
        ana = project.coders.add("Ana")
        ben = project.coders.add("Ben")
        docs = [project.documents.add_text(text, meta) for text, meta in TEXTS]
    return path, TemplateIds(coders=(ana.id, ben.id), documents=tuple(d.id for d in docs))


@pytest.fixture
def ids(template: tuple[Path, TemplateIds]) -> TemplateIds:
    return template[1]


@pytest.fixture
def project_path(template: tuple[Path, TemplateIds], tmp_path: Path) -> Path:
    """A fresh copy of the template project (closed, so the copy is consistent)."""
    path = tmp_path / "project.r2p"
    shutil.copyfile(template[0], path)
    return path


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    with Project(project_path) as opened:
        yield opened
