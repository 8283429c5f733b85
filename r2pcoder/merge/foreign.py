"""Matching a packet's documents and codebook items to the master's: by identity, or by content.

A packet of this master matches by UUID; a document whose text hash differs from the master's is
reported, not merged. A foreign file (another master's packet or project, imported on purpose)
matches documents by text hash and codebook items by UUID, then by name, and every match and
non-match is reported. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection

from r2pcoder.merge.report import CodebookIssue, DocumentIssue, Match, Stamp
from r2pcoder.merge.source import LayerData, ThemeTuple

__all__ = ["MasterIndex", "Matching", "Merged", "load_index", "master_document", "match_layer"]

How = Literal["uuid", "hash", "name", "none"]


@dataclass(frozen=True)
class Merged:
    """A packet already merged for a coder: its stamp, its layer's fingerprint, its statements."""

    stamp: Stamp
    fingerprint: str
    documents: frozenset[int]


@dataclass
class MasterIndex:
    """What the master holds, keyed for matching (read once per merge run)."""

    docs: dict[str, tuple[int, str]] = field(default_factory=dict)
    docs_by_hash: dict[str, tuple[int, str]] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)
    stances: dict[str, tuple[int, str]] = field(default_factory=dict)
    coders: dict[str, int] = field(default_factory=dict)
    coder_names: dict[str, str] = field(default_factory=dict)
    proposals: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    merged: dict[str, list[Merged]] = field(default_factory=dict)

    def unique_names(self, items: dict[str, str]) -> dict[str, str]:
        """Casefolded name -> UUID for names that occur once (an ambiguous name matches nothing)."""
        counts = Counter(name.casefold() for name in items.values())
        return {n.casefold(): u for u, n in items.items() if counts[n.casefold()] == 1}


def load_index(conn: Connection) -> MasterIndex:
    """Read the master's identities, proposal decisions and last merged packet per coder."""
    index = MasterIndex()
    for uuid, doc_id, sha in conn.exec_driver_sql("SELECT uuid, id, sha256 FROM documents"):
        index.docs[uuid] = (doc_id, sha)
        index.docs_by_hash[sha] = (doc_id, uuid)
    index.themes = dict(conn.exec_driver_sql("SELECT uuid, name FROM themes").all())
    for uuid, stance_id, name in conn.exec_driver_sql("SELECT uuid, id, name FROM stances"):
        index.stances[uuid] = (stance_id, name)
    for uuid, coder_id, name in conn.exec_driver_sql("SELECT uuid, id, name FROM coders"):
        index.coders[uuid] = coder_id
        index.coder_names[uuid] = name
    for uuid, status, target in conn.exec_driver_sql(
        "SELECT theme_uuid, status, target_uuid FROM theme_proposals"
    ):
        index.proposals[uuid] = (status, target)
    for coder, counts in conn.exec_driver_sql(
        "SELECT coder_uuid, json(counts) FROM merge_log ORDER BY id"
    ):
        _remember(index, coder, counts)
    return index


def _remember(index: MasterIndex, coder: str, counts_json: str) -> None:
    counts = json.loads(counts_json)
    stamp = Stamp(counts.get("issue", 0), counts.get("revision", 0), counts.get("latest", ""))
    documents = frozenset(
        index.docs[d][0] for d in counts.get("documents", index.docs) if d in index.docs
    )
    index.merged.setdefault(coder, []).append(
        Merged(stamp, counts.get("fingerprint", ""), documents)
    )


def master_document(index: MasterIndex, uuid: str, sha: str, *, foreign: bool) -> int | None:
    """The master's id of a file's statement: same UUID and text, or (foreign) same text."""
    if foreign:
        found = index.docs_by_hash.get(sha)
        return found[0] if found else None
    known = index.docs.get(uuid)
    return known[0] if known is not None and known[1] == sha else None


@dataclass
class Matching:
    """How one layer's references map onto the master."""

    documents: dict[str, int] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)
    stances: dict[str, int] = field(default_factory=dict)
    unmatched_themes: list[ThemeTuple] = field(default_factory=list)
    document_issues: list[DocumentIssue] = field(default_factory=list)
    codebook_issues: list[CodebookIssue] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)


def match_layer(layer: LayerData, index: MasterIndex, *, foreign: bool) -> Matching:
    """Map the layer's documents, themes and stances onto the master, reporting every problem."""
    result = Matching()
    per_doc = Counter(c[1] for c in layer.codings)
    for uuid, sha, title in layer.documents:
        _match_document(result, index, (uuid, sha, title), per_doc[uuid], foreign=foreign)
    theme_names = index.unique_names(index.themes)
    for theme in layer.themes:
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
            if not foreign and index.themes[target] != theme.name:
                result.codebook_issues.append(_renamed(theme, index.themes[target]))
        if foreign:
            result.matches.append(Match("theme", theme.name, theme.uuid, how, target))
    _match_stances(result, layer, index, foreign=foreign)
    return result


def _renamed(theme: ThemeTuple, master_name: str) -> CodebookIssue:
    return CodebookIssue(
        "theme", theme.uuid, theme.name, f"called {master_name!r} in the master",
        "codings are merged under the master's theme",
    )  # fmt: skip


def _match_document(
    result: Matching, index: MasterIndex, doc: tuple[str, str, str], codings: int, *, foreign: bool
) -> None:
    uuid, sha, title = doc
    if foreign:
        found = index.docs_by_hash.get(sha)
        how: How = "hash" if found else "none"
        result.matches.append(Match("document", title, uuid, how, found[1] if found else None))
        if found:
            result.documents[uuid] = found[0]
        else:
            result.document_issues.append(DocumentIssue(uuid, title, "unknown", codings))
        return
    known = index.docs.get(uuid)
    if known is None:
        result.document_issues.append(DocumentIssue(uuid, title, "unknown", codings))
    elif known[1] != sha:
        result.document_issues.append(DocumentIssue(uuid, title, "hash_mismatch", codings))
    else:
        result.documents[uuid] = known[0]


def _match_stances(
    result: Matching, layer: LayerData, index: MasterIndex, *, foreign: bool
) -> None:
    names = index.unique_names({u: n for u, (_, n) in index.stances.items()})
    used = Counter(c[3] for c in layer.codings if c[3] is not None)
    for uuid, _key, name in layer.stances:
        target = uuid if uuid in index.stances else None
        how: How = "uuid" if target else "none"
        if target is None and foreign:
            target = names.get(name.casefold())
            how = "name" if target else "none"
        if target is not None:
            result.stances[uuid] = index.stances[target][0]
        else:
            result.codebook_issues.append(
                CodebookIssue(
                    "stance",
                    uuid,
                    name,
                    "not in the master's stance scale",
                    f"its {used[uuid]} coding(s) are not merged",
                )
            )
        if foreign:
            result.matches.append(Match("stance", name, uuid, how, target))
