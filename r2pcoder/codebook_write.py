"""Writing codebooks: YAML text in the nested form, and atomic saves to .yaml or .json files.

Re-exported by :mod:`r2pcoder.codebook`; reading a written file gives back an equal codebook.
Pure: must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from r2pcoder.codebook_types import CODEBOOK_SCHEMA_VERSION, Codebook, Theme

__all__ = ["codebook_data", "dump_codebook", "save_codebook"]

_THEME_TEXT = ("description", "include", "exclude", "example")


def _theme_data(theme: Theme) -> dict[str, Any]:
    data: dict[str, Any] = {"id": theme.id, "name": theme.name}
    data.update((key, getattr(theme, key)) for key in _THEME_TEXT if getattr(theme, key))
    data["color"] = theme.color
    if theme.shortcut is not None:
        data["shortcut"] = theme.shortcut
    if theme.children:
        data["children"] = [_theme_data(c) for c in theme.children]
    return data


def codebook_data(codebook: Codebook) -> dict[str, Any]:
    """Return the plain mapping (file format, nested form) that represents ``codebook``."""
    stances = []
    for stance in codebook.stances.stances:
        entry: dict[str, Any] = {"id": stance.id, "name": stance.name}
        if stance.definition:
            entry["definition"] = stance.definition
        entry["color"] = stance.color
        if stance.shortcut is not None:
            entry["shortcut"] = stance.shortcut
        stances.append(entry)
    return {
        "schema_version": CODEBOOK_SCHEMA_VERSION,
        "id": codebook.id,
        "name": codebook.name,
        "version": codebook.version,
        "description": codebook.description,
        "stances": {"ordinal": codebook.stances.ordinal, "values": stances},
        "themes": [_theme_data(t) for t in codebook.themes],
    }


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks so that hand-edited files stay readable."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_codebook(codebook: Codebook) -> str:
    """Return the codebook as YAML text in the nested form; ``parse`` of it gives it back."""
    return yaml.dump(
        codebook_data(codebook), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def save_codebook(codebook: Codebook, path: Path) -> None:
    """Write the codebook to ``path`` (JSON if it ends in ``.json``, else YAML) atomically.

    The text goes to a temporary file in the same folder, which then replaces ``path``, so a
    crash never leaves a half-written codebook.
    """
    if path.suffix.lower() == ".json":
        text = json.dumps(codebook_data(codebook), ensure_ascii=False, indent=2) + "\n"
    else:
        text = dump_codebook(codebook)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
