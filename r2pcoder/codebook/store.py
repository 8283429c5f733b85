"""The codebook inside a project: loading a (revised) codebook, and reading themes and stances.

Themes and stances are stored with the codebook's stable ids (``key``) and UUIDs derived from
them, so two projects loaded from the same codebook file agree on identities. Loading a revised
codebook keeps existing codings attached by theme id; themes that left the codebook are retired,
never deleted, so no coding is lost. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from r2pcoder.codebook import Codebook, Stance, StanceScale, Theme
from r2pcoder.codebook.diff import CodebookDiff, diff_codebooks
from r2pcoder.errors import R2pError, UnknownEntity
from r2pcoder.schema import CodingRow, ProjectRow, StanceRow, ThemeRow
from r2pcoder.wording import counted

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "CodebookLoadReport",
    "CodebookService",
    "StanceInfo",
    "ThemeInfo",
    "codebook_in",
    "install_codebook",
    "item_uuid",
]

_NAMESPACE = uuid_mod.uuid5(uuid_mod.NAMESPACE_URL, "https://r2pcoder.org/codebook")


def item_uuid(codebook_id: str, kind: str, key: str) -> str:
    """The UUID of a theme or stance: the same in every project loaded from one codebook."""
    return str(uuid_mod.uuid5(_NAMESPACE, f"{codebook_id}/{kind}/{key}"))


@dataclass(frozen=True)
class ThemeInfo:
    """A stored theme with its place in the tree (``path`` holds names from the root)."""

    id: int
    uuid: str
    key: str
    name: str
    parent_id: int | None
    path: tuple[str, ...]
    depth: int
    color: str
    shortcut: str | None
    description: str
    include: str
    exclude: str
    example: str
    retired: bool


@dataclass(frozen=True)
class StanceInfo:
    """A stored stance; ``position`` is its rank on the scale."""

    id: int
    uuid: str
    key: str
    name: str
    definition: str
    color: str
    shortcut: str | None
    position: int
    retired: bool


@dataclass(frozen=True)
class CodebookLoadReport:
    """What loading a codebook changed, in plain sentences, and which themes were retired."""

    diff: CodebookDiff | None
    retired: tuple[tuple[str, int], ...]
    codings_kept: int

    def summary(self) -> list[str]:
        """Plain sentences for the log, the CLI and the dialog."""
        lines = ["Codebook loaded into an empty project."] if self.diff is None else []
        if self.diff is not None:
            lines.extend(self.diff.summary() or ["The codebook did not change."])
        lines.extend(
            f"Theme {key!r} left the codebook; its {counted(n, 'coding')} "
            f"{'is' if n == 1 else 'are'} kept under a retired theme."
            for key, n in self.retired
            if n
        )
        kept = self.codings_kept
        attached = (
            "remains attached to its theme" if kept == 1 else "remain attached to their themes"
        )
        lines.append(f"{counted(kept, 'existing coding')} {attached}.")
        return lines


def _theme_infos(session: Session, include_retired: bool) -> list[ThemeInfo]:
    rows = list(session.scalars(select(ThemeRow).order_by(ThemeRow.position, ThemeRow.id)))
    by_id = {r.id: r for r in rows}

    def path(row: ThemeRow) -> tuple[str, ...]:
        # Cycle-safe: a parent seen before (a cycle of parents) or missing ends the path, so a
        # damaged tree can never make this walk endless.
        names = [row.name]
        seen = {row.id}
        parent = row.parent_id
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            names.append(by_id[parent].name)
            parent = by_id[parent].parent_id
        return tuple(reversed(names))

    return [
        ThemeInfo(
            id=r.id,
            uuid=r.uuid,
            key=r.key,
            name=r.name,
            parent_id=r.parent_id,
            path=path(r),
            depth=len(path(r)) - 1,
            color=r.color,
            shortcut=r.shortcut,
            description=r.description,
            include=r.include,
            exclude=r.exclude,
            example=r.example,
            retired=r.retired,
        )
        for r in rows
        if include_retired or not r.retired
    ]


def _stance_info(r: StanceRow) -> StanceInfo:
    return StanceInfo(
        r.id, r.uuid, r.key, r.name, r.definition, r.color, r.shortcut, r.position, r.retired
    )


def _build(themes: Sequence[ThemeInfo], parent: int | None, seen: set[int]) -> tuple[Theme, ...]:
    """The subtree under ``parent``; ``seen`` keeps every theme to one place (cycle-safe)."""
    found = []
    for t in themes:
        if t.parent_id == parent and t.id not in seen:
            seen.add(t.id)
            found.append(_theme(t, _build(themes, t.id, seen)))
    return tuple(found)


def _theme(t: ThemeInfo, children: tuple[Theme, ...]) -> Theme:
    return Theme(
        id=t.key,
        name=t.name,
        description=t.description,
        include=t.include,
        exclude=t.exclude,
        example=t.example,
        color=t.color,
        shortcut=t.shortcut,
        children=children,
    )


def _tree(themes: Sequence[ThemeInfo]) -> tuple[Theme, ...]:
    """The theme tree; a theme no root leads to (its parent retired, or a cycle) goes on top."""
    seen: set[int] = set()
    top = list(_build(themes, None, seen))
    for t in themes:
        if t.id not in seen:
            seen.add(t.id)
            top.append(_theme(t, _build(themes, t.id, seen)))
    return tuple(top)


def codebook_in(s: Session) -> Codebook | None:
    """The codebook in use, read inside ``s`` (retired themes left out); None before one."""
    header = s.get(ProjectRow, 1)
    assert header is not None
    if not header.codebook_id:
        return None
    themes = _theme_infos(s, include_retired=False)
    stances = s.scalars(select(StanceRow).where(~StanceRow.retired).order_by(StanceRow.position))
    scale = StanceScale(
        ordinal=header.stances_ordinal,
        stances=tuple(Stance(r.key, r.name, r.definition, r.color, r.shortcut) for r in stances),
    )
    return Codebook(
        id=header.codebook_id,
        name=header.codebook_name,
        version=header.codebook_version,
        description=header.codebook_description,
        themes=_tree(themes),
        stances=scale,
    )


def install_codebook(
    session: Session, codebook: Codebook, *, uuids: Mapping[str, str] | None = None
) -> list[tuple[str, int]]:
    """Install or revise the codebook inside ``session`` (never commits); see ``load``.

    New themes and stances get UUIDs derived from the codebook id and their key, unless
    ``uuids`` gives one (keys ``theme/<id>`` and ``stance/<id>``): an import keeps the identities
    the exchanged file gave them. Returns the retired themes with their coding counts.
    """
    header = session.get(ProjectRow, 1)
    assert header is not None
    header.codebook_id = header.codebook_id or codebook.id
    header.codebook_name = codebook.name
    header.codebook_version = codebook.version
    header.codebook_description = codebook.description
    header.stances_ordinal = codebook.stances.ordinal
    retired = _store_themes(session, codebook, header.codebook_id, uuids or {})
    _store_stances(session, codebook, header.codebook_id, uuids or {})
    return retired


def _store_themes(
    s: Session, codebook: Codebook, namespace: str, uuids: Mapping[str, str]
) -> list[tuple[str, int]]:
    rows = {r.key: r for r in s.scalars(select(ThemeRow))}
    for existing in rows.values():
        existing.shortcut = None  # cleared first: shortcuts may move between themes
    s.flush()
    wanted = set()
    for position, (theme, parent_key, _) in enumerate(codebook.walk()):
        wanted.add(theme.id)
        row = rows.get(theme.id)
        if row is None:
            uuid = uuids.get(f"theme/{theme.id}") or item_uuid(namespace, "theme", theme.id)
            row = ThemeRow(uuid=uuid, key=theme.id)
            s.add(row)
            rows[theme.id] = row
        row.parent_id = None if parent_key is None else rows[parent_key].id
        row.name, row.description = theme.name, theme.description
        row.include, row.exclude, row.example = theme.include, theme.exclude, theme.example
        row.color, row.shortcut = theme.color, theme.shortcut
        row.position, row.retired = position, False
        s.flush()
    retired = []
    for key, row in rows.items():
        if key not in wanted and not row.retired and row.proposed_by is None:
            row.retired = True
            count = s.scalar(select(func.count()).where(CodingRow.theme_id == row.id)) or 0
            retired.append((key, int(count)))
    return retired


def _store_stances(
    s: Session, codebook: Codebook, namespace: str, uuids: Mapping[str, str]
) -> None:
    rows = {r.key: r for r in s.scalars(select(StanceRow))}
    for existing in rows.values():
        existing.shortcut, existing.retired = None, True
    s.flush()
    for position, stance in enumerate(codebook.stances.stances):
        row = rows.get(stance.id)
        if row is None:
            uuid = uuids.get(f"stance/{stance.id}") or item_uuid(namespace, "stance", stance.id)
            row = StanceRow(uuid=uuid, key=stance.id)
            s.add(row)
        row.name, row.definition, row.color = stance.name, stance.definition, stance.color
        row.shortcut, row.position, row.retired = stance.shortcut, position, False
    s.flush()


class CodebookService:
    """The project's codebook: load a file's codebook, read themes and stances, rename."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def current(self) -> Codebook | None:
        """The codebook in use (retired themes left out), or None before one is loaded."""
        with self._project.reading() as s:
            return codebook_in(s)

    def load(self, codebook: Codebook) -> CodebookLoadReport:
        """Install ``codebook``, or revise the one in use; codings stay attached by theme id."""
        old = self.current()
        with self._project.unit_of_work() as s:
            retired = install_codebook(s, codebook)
            kept = s.scalar(select(func.count()).select_from(CodingRow)) or 0
        self._project.refresh_info()
        return CodebookLoadReport(
            diff=None if old is None else diff_codebooks(old, codebook),
            retired=tuple(retired),
            codings_kept=int(kept),
        )

    def themes(self, *, include_retired: bool = False) -> list[ThemeInfo]:
        """Themes in codebook (pre-)order, with their paths."""
        with self._project.reading() as s:
            return _theme_infos(s, include_retired)

    def stances(self, *, include_retired: bool = False) -> list[StanceInfo]:
        """Stances in scale order."""
        with self._project.reading() as s:
            stmt = select(StanceRow).order_by(StanceRow.position, StanceRow.id)
            if not include_retired:
                stmt = stmt.where(~StanceRow.retired)
            return [_stance_info(r) for r in s.scalars(stmt)]

    def theme_by_key(self, key: str) -> ThemeInfo:
        """The theme with this codebook id (also accepts its exact name)."""
        themes = self.themes(include_retired=True)
        match = [t for t in themes if t.key == key] or [t for t in themes if t.name == key]
        if not match:
            raise UnknownEntity(f"There is no theme {key!r} in this project's codebook.")
        return match[0]

    def stance_by_key(self, key: str) -> StanceInfo:
        """The stance with this codebook id (also accepts its exact name)."""
        stances = self.stances(include_retired=True)
        match = [t for t in stances if t.key == key] or [t for t in stances if t.name == key]
        if not match:
            raise UnknownEntity(f"There is no stance {key!r} in this project's codebook.")
        return match[0]

    def rename_theme(self, theme_id: int, name: str) -> tuple[str, str]:
        """Rename a theme; returns ``(old, new)`` so that the inverse call is a rename back."""
        clean = " ".join(name.split())
        if not clean:
            raise R2pError("A theme needs a name.")
        with self._project.unit_of_work() as s:
            row = s.get(ThemeRow, theme_id)
            if row is None:
                raise UnknownEntity(f"There is no theme with id {theme_id}.")
            old, row.name = row.name, clean
            return old, clean
