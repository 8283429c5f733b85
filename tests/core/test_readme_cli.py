"""Every command line of the README's command-line example runs as written on the sample data."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest

from r2pcoder.cli import main
from r2pcoder.db import Project

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[list[str]]:
    """The ``r2pcoder`` lines of the first ``sh`` block under "The command line", split."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The command line", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    joined = block.replace("\\\n", " ")
    return [shlex.split(line, comments=True) for line in joined.splitlines() if line.strip()]


def test_the_readme_example_is_a_list_of_r2pcoder_commands() -> None:
    commands = readme_commands()
    assert len(commands) >= 10
    assert all(command[0] == "r2pcoder" for command in commands)


def test_every_readme_command_runs_on_the_sample_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in ("codebook", "sample_data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    for command in readme_commands():
        code = main(command[1:])
        out, err = capsys.readouterr()
        assert code == 0, f"{shlex.join(command)} exited {code}: {err}"
        if "--json" in command:
            json.loads(out)
    with Project(tmp_path / "master.r2p") as master:
        ana = master.coders.find("Ana Lima")
        # The ACT Code of Conduct passage, and the sample file's three codings less the one removed.
        assert master.codings.count(ana.id) == 3
        themes = {t.id: t.key for t in master.codebook.themes()}
        kept = {themes[c.theme_id] for c in master.codings.for_document(3)}
        assert kept == {"act_code_of_conduct", "france_mexico_declaration", "ga_agenda_item"}
    with Project(tmp_path / "pilot.r2p") as pilot:
        (statement,) = pilot.documents.list()
        assert statement.meta.regional_group == "Asia-Pacific"
