"""Matching a file's statements and codebook items to the master's: by identity, or by content.

A packet of this master matches by UUID; a statement whose text hash differs from the master's is
reported, not merged. A foreign file (another master's packet or project, imported on purpose)
matches statements by text hash and codebook items by UUID, then by name, and every match and
non-match is reported. Every other difference between the file's codebook and the master's is
listed too (:mod:`r2pcoder.merge.codebook_check`). Must not import Qt or ``ui``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from r2pcoder.merge.codebook_check import MasterTheme, codebook_differences
from r2pcoder.merge.report import CodebookIssue, Match
from r2pcoder.merge.source import SourceHeader, ThemeTuple
from r2pcoder.schema import CoderRow, DocumentRow, StanceRow, ThemeProposalRow, ThemeRow

__all__ = ["MasterDoc", "MasterIndex", "Matching", "load_index", "match_source"]

How = Literal["uuid", "hash", "name", "none"]


@dataclass(frozen=True)
class MasterDoc:
    """A statement of the master, as a merge needs it."""

    id: int
    uuid: str
    sha256: str
    length: int
    title: str


@dataclass
class MasterIndex:
    """What the master holds, keyed for matching (read once per merge run)."""

    docs: dict[str, MasterDoc] = field(default_factory=dict)
    docs_by_hash: dict[str, MasterDoc] = field(default_factory=dict)
    docs_by_id: dict[int, MasterDoc] = field(default_factory=dict)
    themes: dict[str, MasterTheme] = field(default_factory=dict)
    stances: dict[str, tuple[int, str, bool]] = field(default_factory=dict)
    coders: dict[str, int] = field(default_factory=dict)
    coder_names: dict[str, str] = field(default_factory=dict)
    proposals: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def unique_names(self, items: dict[str, str]) -> dict[str, str]:
        """Casefolded name -> UUID for names that occur once (an ambiguous name matches nothing)."""
        counts = Counter(name.casefold() for name in items.values())
        return {n.casefold(): u for u, n in items.items() if counts[n.casefold()] == 1}

    def theme_names(self) -> dict[str, str]:
        """Theme UUID -> name."""
        return {u: t.name for u, t in self.themes.items()}


_parent = aliased(ThemeRow)
_DOCS = select(
    DocumentRow.id, DocumentRow.uuid, DocumentRow.sha256, DocumentRow.length, DocumentRow.title
)
_THEMES = select(
    ThemeRow.uuid,
    ThemeRow.key,
    ThemeRow.name,
    _parent.uuid,
    ThemeRow.retired,
    ThemeRow.description,
    ThemeRow.include,
    ThemeRow.exclude,
    ThemeRow.example,
    ThemeRow.color,
    ThemeRow.proposed_by,
).outerjoin(_parent, _parent.id == ThemeRow.parent_id)
_STANCES = select(StanceRow.uuid, StanceRow.id, StanceRow.name, StanceRow.retired)
_CODERS = select(CoderRow.uuid, CoderRow.id, CoderRow.name)
_PROPOSALS = select(
    ThemeProposalRow.theme_uuid, ThemeProposalRow.status, ThemeProposalRow.target_uuid
)


def load_index(conn: Connection) -> MasterIndex:
    """Read the master's identities and the lead's decisions on proposed themes."""
    index = MasterIndex()
    for doc_id, uuid, sha, length, title in conn.execute(_DOCS):
        doc = MasterDoc(doc_id, uuid, sha, length, title)
        index.docs[uuid] = index.docs_by_hash[sha] = index.docs_by_id[doc_id] = doc
    for row in conn.execute(_THEMES):
        uuid, key, name, parent, retired, description, include, exclude, example, color, by = row
        index.themes[uuid] = MasterTheme(
            key, name, parent, bool(retired), description, include, exclude, example, color, by
        )
    for uuid, stance_id, name, retired in conn.execute(_STANCES):
        index.stances[uuid] = (stance_id, name, bool(retired))
    for uuid, coder_id, name in conn.execute(_CODERS):
        index.coders[uuid] = coder_id
        index.coder_names[uuid] = name
    for uuid, status, target in conn.execute(_PROPOSALS):
        index.proposals[uuid] = (status, target)
    return index


@dataclass
class Matching:
    """How one file's references map onto the master.

    ``documents`` maps the file's statement UUIDs to master statements; ``unmatched_documents``
    lists the others as ``(uuid, title, problem)``; ``unknown_stances`` the stances the master
    lacks, as ``(uuid, name)``.
    """

    documents: dict[str, MasterDoc] = field(default_factory=dict)
    unmatched_documents: list[tuple[str, str, Literal["unknown", "hash_mismatch"]]] = field(
        default_factory=list
    )
    themes: dict[str, str] = field(default_factory=dict)
    stances: dict[str, int] = field(default_factory=dict)
    unknown_stances: list[tuple[str, str]] = field(default_factory=list)
    unmatched_themes: list[ThemeTuple] = field(default_factory=list)
    codebook_issues: list[CodebookIssue] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)


def match_source(header: SourceHeader, index: MasterIndex, *, foreign: bool) -> Matching:
    """Map the file's statements, themes and stances onto the master, reporting every problem."""
    result = Matching()
    for uuid, sha, title in header.documents:
        _match_document(result, index, (uuid, sha, title), foreign=foreign)
    theme_names = index.unique_names(index.theme_names())
    for theme in header.themes:
        # A theme that came in as a proposal stays one: its fate is the lead's decision.
        known = theme.uuid in index.themes and theme.uuid not in index.proposals
        target = theme.uuid if known else None
        how: How = "uuid" if target else "none"
        if target is None and foreign:
            target = theme_names.get(theme.name.casefold())
            how = "name" if target else "none"
        if target is None:
            result.unmatched_themes.append(theme)
        else:
            result.themes[theme.uuid] = target
        if foreign:
            result.matches.append(Match("theme", theme.name, theme.uuid, how, target))
    _match_stances(result, header, index, foreign=foreign)
    result.codebook_issues = codebook_differences(header, index.themes, index.stances, result)
    return result


def _match_document(
    result: Matching, index: MasterIndex, doc: tuple[str, str, str], *, foreign: bool
) -> None:
    uuid, sha, title = doc
    if foreign:
        found = index.docs_by_hash.get(sha)
        how: How = "hash" if found else "none"
        result.matches.append(Match("document", title, uuid, how, found.uuid if found else None))
        if found:
            result.documents[uuid] = found
        else:
            result.unmatched_documents.append((uuid, title, "unknown"))
        return
    known = index.docs.get(uuid)
    if known is None:
        result.unmatched_documents.append((uuid, title, "unknown"))
    elif known.sha256 != sha:
        result.unmatched_documents.append((uuid, title, "hash_mismatch"))
    else:
        result.documents[uuid] = known


def _match_stances(
    result: Matching, header: SourceHeader, index: MasterIndex, *, foreign: bool
) -> None:
    names = index.unique_names({u: n for u, (_, n, _) in index.stances.items()})
    for uuid, _key, name, _retired in header.stances:
        target = uuid if uuid in index.stances else None
        how: How = "uuid" if target else "none"
        if target is None and foreign:
            target = names.get(name.casefold())
            how = "name" if target else "none"
        if target is not None:
            result.stances[uuid] = index.stances[target][0]
        else:
            result.unknown_stances.append((uuid, name))
        if foreign:
            result.matches.append(Match("stance", name, uuid, how, target))
