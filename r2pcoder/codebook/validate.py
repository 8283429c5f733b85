"""Reading a codebook from data: validation of the format, every problem at once, and migration.

This module owns validating the codebook format (``schema_version`` 1), reporting every problem in
a file at once with its location, and the ``migrate_codebook`` ladder for older files. Pure: no
database, and it must not import Qt or ``ui``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from r2pcoder.codebook.files import read_codebook_data
from r2pcoder.codebook.model import (
    CODEBOOK_SCHEMA_VERSION,
    DEFAULT_COLOR,
    THEME_TEXT,
    Codebook,
    Stance,
    StanceScale,
    Theme,
)
from r2pcoder.errors import CodebookInvalid, CodebookProblem

__all__ = ["load_codebook", "migrate_codebook", "parse_codebook"]

_ID_RE = re.compile(r"[a-z0-9_]+\Z")
_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}\Z")
# Digits are the stance keys while coding, so a theme may only take a letter.
_THEME_KEY_RE = re.compile(r"[a-z]\Z")
_STANCE_KEY_RE = re.compile(r"[a-z0-9]\Z")
_TOP_KEYS = ("schema_version", "id", "name", "version", "description", "stances", "themes")
_SCALE_KEYS = ("ordinal", "values")
_STANCE_KEYS = ("id", "name", "definition", "color", "shortcut")
_THEME_KEYS = ("id", "name", *THEME_TEXT, "color", "shortcut", "children", "parent")


# --- Validation --------------------------------------------------------------------------


def _at(location: str, key: str) -> str:
    return f"{location}.{key}" if location else key


@dataclass
class _Draft:
    """A theme read from the file but not yet placed in the tree (the flat form links later)."""

    fields: dict[str, Any]
    location: str
    parent: str | None = None  # named by a flat-form entry
    up: str | None = None  # the actual parent, nested or flat, for finding cycles
    children: list[_Draft] = field(default_factory=list)

    def freeze(self) -> Theme:
        return Theme(**self.fields, children=tuple(c.freeze() for c in self.children))


class _Reader:
    """Collects every problem while reading, so a researcher can fix a file in one pass."""

    def __init__(self) -> None:
        self.problems: list[CodebookProblem] = []
        self.shortcuts: dict[str, str] = {}

    def problem(self, location: str, message: str) -> None:
        self.problems.append(CodebookProblem(location or "codebook", message))

    def mapping(self, value: object, location: str, keys: tuple[str, ...]) -> dict[str, Any] | None:
        """Return the known keys of a mapping, or None (reported) if ``value`` is not one."""
        if not isinstance(value, dict):
            self.problem(location, f"must be a mapping of keys to values, not {_kind(value)}")
            return None
        for key in value:
            if key not in keys:
                near = difflib.get_close_matches(str(key), keys, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                self.problem(_at(location, str(key)), f"unknown key '{key}'{hint}")
        return {k: v for k, v in value.items() if k in keys}

    def items(self, value: object, location: str) -> list[Any]:
        if not isinstance(value, list):
            self.problem(location, f"must be a list, not {_kind(value)}")
            return []
        return value

    def text(self, raw: dict[str, Any], key: str, location: str, *, required: bool = False) -> str:
        value = raw.get(key)
        where = _at(location, key)
        if value is None:
            if required:
                self.problem(where, "is missing")
            return ""
        if not isinstance(value, str):
            self.problem(where, f"must be text, not {_kind(value)}")
            return ""
        if required and not value.strip():
            self.problem(where, "is empty")
        return value.strip()

    def ident(self, raw: dict[str, Any], location: str) -> str:
        value = self.text(raw, "id", location, required=True)
        if value and not _ID_RE.match(value):
            self.problem(
                _at(location, "id"),
                f"'{value}' may use only lowercase letters a-z, digits and underscores",
            )
        return value

    def color(self, raw: dict[str, Any], location: str) -> str:
        value = self.text(raw, "color", location)
        if not value:
            return DEFAULT_COLOR
        if not _COLOR_RE.match(value):
            self.problem(_at(location, "color"), f"'{value}' is not a colour of the form #rrggbb")
        return value

    def shortcut(self, raw: dict[str, Any], location: str, *, theme: bool) -> str | None:
        value = raw.get("shortcut")
        where = _at(location, "shortcut")
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9:  # noqa: PLR2004
            value = str(value)  # YAML reads an unquoted 1 as a number
        if not isinstance(value, str):
            self.problem(where, f"must be one key, not {_kind(value)}")
            return None
        if theme and value.isdigit():
            self.problem(where, f"'{value}' is a digit; digits are reserved for stances")
        elif not (_THEME_KEY_RE if theme else _STANCE_KEY_RE).match(value):
            allowed = "one lowercase letter a-z" if theme else "one lowercase letter or digit"
            self.problem(where, f"'{value}' must be {allowed}")
        elif value in self.shortcuts:
            self.problem(where, f"'{value}' is also the shortcut at {self.shortcuts[value]}")
        else:
            self.shortcuts[value] = where
        return value

    def stance(self, value: object, location: str) -> Stance:
        raw = self.mapping(value, location, _STANCE_KEYS)
        if raw is None:
            return Stance(id="", name="")  # already reported; checking its fields adds only noise
        return Stance(
            id=self.ident(raw, location),
            name=self.text(raw, "name", location, required=True),
            definition=self.text(raw, "definition", location),
            color=self.color(raw, location),
            shortcut=self.shortcut(raw, location, theme=False),
        )

    def scale(self, value: object) -> StanceScale:
        if value is None:
            self.problem("stances", "is missing; a codebook needs at least one stance")
            return StanceScale(ordinal=False, stances=())
        raw = self.mapping(value, "stances", _SCALE_KEYS)
        if raw is None:
            return StanceScale(ordinal=False, stances=())
        ordinal = raw.get("ordinal")
        if not isinstance(ordinal, bool):
            got = (
                "is missing" if ordinal is None else f"must be true or false, not {_kind(ordinal)}"
            )
            self.problem("stances.ordinal", got)
        raw_values = self.items(raw.get("values", []), "stances.values")
        stances = tuple(self.stance(v, f"stances.values[{i}]") for i, v in enumerate(raw_values))
        if not stances:
            self.problem("stances.values", "no stances; a codebook needs at least one")
        self.duplicates([(s.id, f"stances.values[{i}].id") for i, s in enumerate(stances)])
        return StanceScale(ordinal=ordinal is True, stances=stances)

    def theme(self, value: object, location: str, *, top: bool) -> _Draft:
        raw = self.mapping(value, location, _THEME_KEYS)
        if raw is None:
            return _Draft({"id": "", "name": ""}, location)
        fields: dict[str, Any] = {
            "id": self.ident(raw, location),
            "name": self.text(raw, "name", location, required=True),
        }
        fields.update((key, self.text(raw, key, location)) for key in THEME_TEXT)
        fields["color"] = self.color(raw, location)
        fields["shortcut"] = self.shortcut(raw, location, theme=True)
        draft = _Draft(fields, location)
        if "parent" in raw:
            if top:
                draft.parent = self.text(raw, "parent", location, required=True) or None
                draft.up = draft.parent
            else:
                self.problem(_at(location, "parent"), "is only allowed in the flat form")
        children = self.items(raw.get("children", []), _at(location, "children"))
        for i, child in enumerate(children):
            sub = self.theme(child, f"{location}.children[{i}]", top=False)
            sub.up = fields["id"]
            draft.children.append(sub)
        return draft

    def duplicates(self, ids: list[tuple[str, str]]) -> None:
        first: dict[str, str] = {}
        for ident, where in ids:
            if ident and ident in first:
                self.problem(where, f"duplicate id '{ident}'; also used at {first[ident]}")
            first.setdefault(ident, where)

    def themes(self, value: object) -> tuple[Theme, ...]:
        if value is None:
            self.problem("themes", "is missing")
            return ()
        drafts = [
            self.theme(v, f"themes[{i}]", top=True)
            for i, v in enumerate(self.items(value, "themes"))
        ]
        everything = list(_all_drafts(drafts))
        self.duplicates([(d.fields["id"], _at(d.location, "id")) for d in everything])
        by_id = {d.fields["id"]: d for d in reversed(everything)}
        roots = self.link(drafts, by_id)
        return tuple(d.freeze() for d in roots)

    def link(self, drafts: list[_Draft], by_id: dict[str, _Draft]) -> list[_Draft]:
        """Attach flat-form themes to their parents; report unknown parents and cycles."""
        reported: set[str] = set()
        for draft in drafts:
            if draft.parent is None:
                continue
            if draft.parent not in by_id:
                self.problem(_at(draft.location, "parent"), f"unknown parent '{draft.parent}'")
                continue
            chain = [draft.fields["id"]]
            current: _Draft | None = by_id[draft.parent]
            while current is not None and current.fields["id"] not in chain:
                chain.append(current.fields["id"])
                current = by_id.get(current.up) if current.up else None
            if current is draft and draft.fields["id"] not in reported:
                reported.update(chain)
                loop = " -> ".join([*chain, chain[0]])
                self.problem(_at(draft.location, "parent"), f"parents form a cycle: {loop}")
            elif current is None:
                by_id[draft.parent].children.append(draft)
        return [d for d in drafts if d.parent is None]


def _all_drafts(drafts: list[_Draft]) -> Iterator[_Draft]:
    for draft in drafts:
        yield draft
        yield from _all_drafts(draft.children)


def _kind(value: object) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "nothing",
    }
    return names.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def _schema_version(raw: dict[str, Any], reader: _Reader) -> int | None:
    version = raw.get("schema_version")
    if version is None:
        reader.problem(
            "schema_version", f"is missing; add 'schema_version: {CODEBOOK_SCHEMA_VERSION}'"
        )
    elif not isinstance(version, int) or isinstance(version, bool):
        reader.problem("schema_version", f"must be a whole number, not {_kind(version)}")
    elif version < 1:
        reader.problem("schema_version", f"{version} is not a codebook version")
    else:
        return version
    return None


def _too_new(version: int) -> str:
    return (
        f"{version} was written by a newer r2pcoder; "
        f"this one reads versions up to {CODEBOOK_SCHEMA_VERSION}"
    )


def parse_codebook(data: object, source: str = "<codebook>") -> Codebook:
    """Build a codebook from already-parsed YAML/JSON data, checking everything.

    Themes may be nested (``children:``) or flat (top-level entries naming a ``parent:``).
    Text fields are stripped of surrounding whitespace.

    Args:
        data: The decoded file content (normally a mapping).
        source: Name of the file or origin, used in the error message.

    Returns:
        The validated codebook.

    Raises:
        CodebookInvalid: with every problem found, each with its location.
    """
    reader = _Reader()
    if not isinstance(data, dict):
        message = f"must be a mapping of keys to values, not {_kind(data)}"
        raise CodebookInvalid(source, [CodebookProblem("codebook", message)])
    schema = data.get("schema_version")
    if isinstance(schema, int) and schema > CODEBOOK_SCHEMA_VERSION:
        # The rest of a newer file may use keys this version does not know; only this matters.
        raise CodebookInvalid(source, [CodebookProblem("schema_version", _too_new(schema))])
    version = _schema_version(data, reader)
    if version is not None and version < CODEBOOK_SCHEMA_VERSION:
        data = migrate_codebook(data, version)  # before the key check: old files use old keys
    raw = reader.mapping(data, "", _TOP_KEYS) or {}
    if "version" in raw and not isinstance(raw["version"], str):
        reader.problem("version", 'must be text; put it in quotes, e.g. "2026.1"')
        raw = {**raw, "version": ""}
    codebook = Codebook(
        id=reader.ident(raw, ""),
        name=reader.text(raw, "name", "", required=True),
        version=reader.text(raw, "version", ""),
        description=reader.text(raw, "description", ""),
        stances=reader.scale(raw.get("stances")),
        themes=reader.themes(raw.get("themes")),
    )
    if reader.problems:
        raise CodebookInvalid(source, reader.problems)
    return codebook


def load_codebook(path: Path) -> Codebook:
    """Read and validate a codebook file (``.yaml``, ``.yml`` or ``.json``, UTF-8).

    Raises:
        CodebookInvalid: if the file cannot be read, is not well-formed, or fails validation.
    """
    return parse_codebook(read_codebook_data(path), path.name)


# --- Migrations ----------------------------------------------------------------------------

# _MIGRATIONS[k] turns a version-k mapping into a version-(k + 1) mapping. Empty while 1 is current.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate_codebook(data: dict[str, Any], version: int) -> dict[str, Any]:
    """Upgrade the raw mapping of a codebook file from ``version`` to the current schema version.

    Args:
        data: The decoded file content; not modified.
        version: The file's ``schema_version``.

    Returns:
        A new mapping in the current format, with ``schema_version`` set to it.

    Raises:
        CodebookInvalid: if the version is newer than this r2pcoder or not a known version.
    """
    if version > CODEBOOK_SCHEMA_VERSION:
        raise CodebookInvalid("<codebook>", [CodebookProblem("schema_version", _too_new(version))])
    if version < 1 or any(k not in _MIGRATIONS for k in range(version, CODEBOOK_SCHEMA_VERSION)):
        problem = CodebookProblem("schema_version", f"{version} is not a codebook version")
        raise CodebookInvalid("<codebook>", [problem])
    upgraded = dict(data)
    for step in range(version, CODEBOOK_SCHEMA_VERSION):
        upgraded = _MIGRATIONS[step](upgraded)
    upgraded["schema_version"] = CODEBOOK_SCHEMA_VERSION
    return upgraded
