"""REFI codes onto the project's codebook: match by GUID, then by name; the rest become new themes.

Every ``<Code>`` becomes a theme with its hierarchy, name, colour and description (REFI-QDA 1.5,
section 5, ``CodeType``), except the children of the stance group: the top-level code an
r2pcoder export writes for the stance scale (recognised by its fixed GUID or its description, or
a top-level code "Stance" whose children all are stances of this project), whose children are
stances. Into a project that has a codebook, a code is matched to a theme by GUID (our theme
UUID), then by the codebook id an r2pcoder export records, then by its name when exactly one
theme bears it; unmatched codes arrive as new themes under their parent's theme, with keys from
:class:`~r2pcoder.refi.keys.KeyMaker` and the code's GUID as their UUID. The revised codebook is
installed with :func:`r2pcoder.codebook.store.install_codebook` in the caller's transaction.

The schema's ``isCodable`` has no column in r2pcoder yet: the UUIDs of themes from non-codable
codes are kept in the project settings (``refi_not_codable``) so that an export writes them back
as not codable, and the report says that r2pcoder does not stop coding with them. Must not
import Qt or ``ui``.
"""

from __future__ import annotations

import re
import uuid as uuid_mod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.codebook.model import DEFAULT_COLOR, Codebook, Stance, StanceScale, Theme
from r2pcoder.codebook.store import codebook_in, install_codebook
from r2pcoder.refi.colors import parse_color
from r2pcoder.refi.describe import unpack
from r2pcoder.refi.guids import guid_key, uuid_for
from r2pcoder.refi.keys import KeyMaker
from r2pcoder.refi.model import RefiCode, RefiData
from r2pcoder.refi.report import LeftOut, ThemeKey
from r2pcoder.schema import ProjectRow, StanceRow, ThemeRow
from r2pcoder.wording import counted

__all__ = ["NOT_CODABLE", "STANCE_ROOT", "CodeMap", "map_codes"]

STANCE_ROOT = str(uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, "https://r2pcoder.org/refi/stances"))
"""The GUID of the code an export writes as the parent of the stance codes."""
NOT_CODABLE = "refi_not_codable"
"""Project setting: UUIDs of themes that came from non-codable REFI codes."""

_KEY = re.compile(r"[a-z0-9_]{1,100}\Z")
_THEME_SHORTCUT = re.compile(r"[a-z]\Z")
_STANCE_SHORTCUT = re.compile(r"[a-z0-9]\Z")


@dataclass
class CodeMap:
    """Where each code of the file went, and what the import did to the codebook."""

    themes: dict[str, int] = field(default_factory=dict)
    stances: dict[str, int] = field(default_factory=dict)
    keys: list[ThemeKey] = field(default_factory=list)
    theme_notes: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    themes_added: int = 0
    themes_matched: int = 0
    stances_added: int = 0
    stances_matched: int = 0
    stance_group: str = ""


@dataclass
class _Draft:
    fields: dict[str, Any]
    code: RefiCode
    retired: bool = False
    children: list[_Draft] = field(default_factory=list)

    def freeze(self) -> Theme:
        return Theme(**self.fields, children=tuple(c.freeze() for c in self.children))


def _walk(codes: tuple[RefiCode, ...]) -> Iterator[RefiCode]:
    for code in codes:
        yield code
        yield from _walk(code.children)


class _Mapper:
    def __init__(self, s: Session, data: RefiData, warnings: list[str], left_out: list[LeftOut]):
        self.s, self.data, self.warnings, self.left_out = s, data, warnings, left_out
        self.themes = list(s.scalars(select(ThemeRow)))
        self.stance_rows = list(s.scalars(select(StanceRow)))
        self.by_uuid = {r.uuid: r for r in self.themes}
        self.by_key = {r.key: r for r in self.themes}
        names: dict[str, list[ThemeRow]] = {}
        for row in self.themes:
            if not row.retired:
                names.setdefault(row.name.casefold(), []).append(row)
        self.by_name = {n: rows[0] for n, rows in names.items() if len(rows) == 1}
        self.keys = KeyMaker(self.by_key)
        self.stance_keys = KeyMaker(r.key for r in self.stance_rows)
        self.shortcuts = {r.shortcut for r in self.themes if r.shortcut}
        self.shortcuts |= {r.shortcut for r in self.stance_rows if r.shortcut}
        self.used_uuids = {r.uuid for r in self.themes} | {r.uuid for r in self.stance_rows}
        self.result = CodeMap()
        self.uuids: dict[str, str] = {}
        self.new: dict[str | None, list[_Draft]] = {}
        self.not_codable: list[str] = []
        self.code_keys: dict[str, str] = {}

    def shortcut(self, extras: dict[str, Any], pattern: re.Pattern[str]) -> str | None:
        value = extras.get("shortcut")
        if isinstance(value, str) and pattern.match(value) and value not in self.shortcuts:
            self.shortcuts.add(value)
            return value
        return None

    def match(self, code: RefiCode, extras: dict[str, Any]) -> tuple[ThemeRow | None, str]:
        row = self.by_uuid.get(uuid_for(code.guid, "code"))
        if row is not None:
            return row, "matched by GUID"
        ident = extras.get("id")
        if isinstance(ident, str) and ident in self.by_key:
            return self.by_key[ident], "matched by r2pcoder id"
        row = self.by_name.get(code.name.casefold())
        return (row, "matched by name") if row is not None else (None, "")

    def theme(self, code: RefiCode, parent: str | None) -> None:
        described = unpack(code.description)
        row, how = self.match(code, described.extras)
        if row is not None:
            key = row.key
            self.result.themes_matched += 1
            if row.name != code.name:
                self.warnings.append(
                    f"code {code.name!r} matched theme {row.name!r} ({how}); "
                    "the project's name was kept"
                )
        else:
            key = self.new_theme(code, parent, described)
            how = "new"
        self.code_keys[guid_key(code.guid)] = key
        self.result.keys.append(ThemeKey(code.name, key, how))
        for child in code.children:
            self.theme(child, key)

    def new_theme(self, code: RefiCode, parent: str | None, described: Any) -> str:
        extras = described.extras
        ident = extras.get("id")
        given = isinstance(ident, str) and _KEY.match(ident) and self.keys.claim(ident)
        key = str(ident) if given else self.keys.make(code.name, code.guid)
        color = parse_color(code.color)
        if color.note:
            self.warnings.append(f"code {code.name!r}: colour {code.color!r} {color.note}")
        uuid = uuid_for(code.guid, "code")
        if uuid not in self.used_uuids:
            self.uuids[f"theme/{key}"] = uuid
            self.used_uuids.add(uuid)
        fields = {
            "id": key,
            "name": code.name.strip() or key,
            "description": described.text,
            "color": color.color or DEFAULT_COLOR,
            "shortcut": self.shortcut(extras, _THEME_SHORTCUT),
            **described.sections,
        }
        draft = _Draft(fields, code, retired=extras.get("retired") is True)
        self.new.setdefault(parent, []).append(draft)
        if not code.codable:
            self.not_codable.append(key)
        self.result.themes_added += 1
        return key

    def stance(self, code: RefiCode) -> Stance | None:
        described = unpack(code.description)
        uuid = uuid_for(code.guid, "code")
        ident = described.extras.get("id")
        for row in self.stance_rows:
            if row.uuid == uuid or row.key == ident or row.name.casefold() == code.name.casefold():
                self.code_keys[guid_key(code.guid)] = "stance/" + row.key
                self.result.stances_matched += 1
                return None
        given = isinstance(ident, str) and _KEY.match(ident) and self.stance_keys.claim(ident)
        key = str(ident) if given else self.stance_keys.make(code.name, code.guid)
        if uuid not in self.used_uuids:
            self.uuids[f"stance/{key}"] = uuid
            self.used_uuids.add(uuid)
        self.code_keys[guid_key(code.guid)] = "stance/" + key
        self.result.stances_added += 1
        color = parse_color(code.color)
        return Stance(
            id=key,
            name=code.name.strip() or key,
            definition=described.text,
            color=color.color or DEFAULT_COLOR,
            shortcut=self.shortcut(described.extras, _STANCE_SHORTCUT),
        )

    def is_stance_group(self, code: RefiCode) -> bool:
        if guid_key(code.guid) == STANCE_ROOT or unpack(code.description).extras.get("stances"):
            return True
        if code.name.strip().casefold() not in ("stance", "stances") or not code.children:
            return False
        known = {r.uuid for r in self.stance_rows} | {r.name.casefold() for r in self.stance_rows}
        return all(
            uuid_for(c.guid, "code") in known or c.name.casefold() in known for c in code.children
        )


def _codebook_id(stem: str) -> str:
    return KeyMaker(()).make(f"refi {stem}", "")


def _link(mapper: _Mapper, current: Codebook | None) -> list[_Draft]:
    """Give every new theme its new children; returns the new themes of the top level.

    New themes under a theme the project holds but has retired (it is not in the codebook in
    use) go to the top level, with a warning.
    """
    new = mapper.new
    drafts = [d for group in new.values() for d in group]
    for draft in drafts:
        draft.children = list(new.get(draft.fields["id"], []))
    shown = {t.id for t, _, _ in current.walk()} if current is not None else set()
    shown |= {d.fields["id"] for d in drafts}
    top = list(new.get(None, []))
    for parent, group in new.items():
        if parent is not None and parent not in shown:
            top.extend(group)
            mapper.warnings.append(
                f"{counted(len(group), 'new theme')} under the retired theme {parent} "
                "went to the top level"
            )
    return top


def _revised(mapper: _Mapper, group: RefiCode | None, stances: list[Stance], stem: str) -> Codebook:
    current = codebook_in(mapper.s)
    new = mapper.new
    top = _link(mapper, current)
    extras = unpack(group.description).extras if group is not None else {}
    given = extras.get("codebook")
    header: dict[str, Any] = given if isinstance(given, dict) else {}
    if current is None:
        ident = header.get("id")
        return Codebook(
            id=ident if isinstance(ident, str) and _KEY.match(ident) else _codebook_id(stem),
            name=str(header.get("name") or mapper.data.name or stem),
            version=str(header.get("version") or ""),
            description=str(header.get("description") or ""),
            themes=tuple(d.freeze() for d in top),
            stances=StanceScale(ordinal=extras.get("ordinal") is True, stances=tuple(stances)),
        )
    themes = tuple(_extend(t, new) for t in current.themes) + tuple(d.freeze() for d in top)
    scale = StanceScale(current.stances.ordinal, current.stances.stances + tuple(stances))
    if stances and current.stances.stances:
        mapper.warnings.append(
            f"{counted(len(stances), 'stance')} of the file went to the end of the "
            f"project's stance scale: {', '.join(s.name for s in stances)}"
        )
    return Codebook(current.id, current.name, current.version, current.description, themes, scale)


def _extend(theme: Theme, new: dict[str | None, list[_Draft]]) -> Theme:
    children = tuple(_extend(c, new) for c in theme.children)
    children += tuple(d.freeze() for d in new.get(theme.id, []))
    return Theme(**{**vars(theme), "children": children})


def map_codes(
    s: Session, data: RefiData, stem: str, warnings: list[str], left_out: list[LeftOut]
) -> CodeMap:
    """Match or add every code of ``data`` inside ``s``; returns where each code went."""
    mapper = _Mapper(s, data, warnings, left_out)
    group = next((c for c in data.codes if mapper.is_stance_group(c)), None)
    for code in data.codes:
        if code is not group:
            mapper.theme(code, None)
    stances = [] if group is None else [st for c in group.children if (st := mapper.stance(c))]
    if group is not None:
        mapper.result.stance_group = group.name
        for code in group.children:
            if code.children:
                n = len(list(_walk(code.children)))
                reason = f"{counted(n, 'sub-code')} under a stance, and stances have no children"
                left_out.append(LeftOut(f"code {code.name!r}", reason))
    if not data.codes:
        return mapper.result
    install_codebook(s, _revised(mapper, group, stances, stem), uuids=mapper.uuids)
    _finish(mapper, data)
    return mapper.result


def _finish(mapper: _Mapper, data: RefiData) -> None:
    s = mapper.s
    themes = {r.key: r for r in s.scalars(select(ThemeRow))}
    stances = {r.key: r for r in s.scalars(select(StanceRow))}
    for draft in (d for drafts in mapper.new.values() for d in drafts):
        if draft.retired:
            themes[draft.fields["id"]].retired = True
    for guid, key in mapper.code_keys.items():
        if key.startswith("stance/"):
            mapper.result.stances[guid] = stances[key.removeprefix("stance/")].id
        else:
            mapper.result.themes[guid] = themes[key].id
    for code in _walk(data.codes):
        theme_id = mapper.result.themes.get(guid_key(code.guid))
        if theme_id is not None and code.note_refs:
            mapper.result.theme_notes.append((theme_id, code.note_refs))
    if mapper.not_codable:
        header = s.get(ProjectRow, 1)
        assert header is not None
        kept = list(header.settings.get(NOT_CODABLE, []))
        kept += [themes[k].uuid for k in mapper.not_codable if themes[k].uuid not in kept]
        header.settings = {**header.settings, NOT_CODABLE: kept}
        mapper.warnings.append(
            f"not codable in the file (folders): {counted(len(mapper.not_codable), 'code')}; "
            "they became themes, marked not codable for export, but r2pcoder does not yet stop "
            "coding with them"
        )
