"""Deterministic synthetic corpora for benchmarks: codebooks, statements and coded projects.

Statements are about 700 words of R2P-like prose (every 50th about 30 KB, with some accented
letters and emoji), and coders code them with realistic agreement: each coder keeps most of a
shared set of "true" codings, with jittered boundaries and the occasional other stance, plus
codings of their own. The same seed always gives the same project.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert

from r2pcoder.codebook import Codebook, Stance, StanceScale, Theme
from r2pcoder.db import Project, Role
from r2pcoder.metadata import REGIONAL_GROUPS, DocumentMeta
from r2pcoder.schema import CodingRow, DocumentRow, new_uuid, utcnow
from r2pcoder.textnorm import content_hash, normalize_text

_WORDS = [
    "responsibility",
    "protect",
    "prevention",
    "atrocity",
    "crimes",
    "genocide",
    "war",
    "ethnic",
    "cleansing",
    "humanity",
    "sovereignty",
    "assistance",
    "capacity",
    "building",
    "early",
    "warning",
    "mediation",
    "dialogue",
    "council",
    "veto",
    "restraint",
    "accountability",
    "justice",
    "impunity",
    "regional",
    "arrangements",
    "peacekeeping",
    "civilians",
    "commitment",
    "summit",
    "outcome",
    "paragraphs",
    "framework",
    "analysis",
    "risk",
    "factors",
    "structural",
    "root",
    "causes",
    "member",
    "states",
    "international",
    "community",
    "secretary",
    "general",
    "special",
    "adviser",
    "focal",
    "points",
    "human",
    "rights",
    "upr",
    "diplomacy",
    "good",
    "offices",
    "timely",
    "decisive",
    "response",
    "chapter",
    "vii",
    "cooperation",
]
_ACCENTED = ("Côte d'Ivoire", "São Tomé", "Türkiye", "Réunion", "naïve")
_STATES = tuple(f"State {i:03d}" for i in range(193))
_EVENTS = tuple(f"GA informal interactive dialogue on R2P {year}" for year in range(2009, 2025))


@dataclass(frozen=True)
class SynthInfo:
    """What :func:`build_corpus` made."""

    path: Path
    coder_ids: tuple[int, ...]
    document_ids: tuple[int, ...]
    n_codings: int


def synthetic_codebook(n_themes: int = 60, seed: int = 0) -> Codebook:
    """A codebook of ``n_themes`` themes (groups of six: a parent and five children), 5 stances."""
    rng = random.Random(seed)
    themes: list[Theme] = []
    made = 0
    group = 0
    while made < n_themes:
        children = []
        for child in range(min(5, n_themes - made - 1)):
            children.append(
                Theme(
                    id=f"t{group}_{child}",
                    name=f"Theme {group}.{child}",
                    color=f"#{rng.randrange(0x1000000):06x}",
                )
            )
        themes.append(
            Theme(
                id=f"t{group}",
                name=f"Theme {group}",
                children=tuple(children),
                color=f"#{rng.randrange(0x1000000):06x}",
            )
        )
        made += 1 + len(children)
        group += 1
    names = ("Supports", "Supports with reservations", "Neutral", "Opposes", "Unclear")
    stances = tuple(
        Stance(id=name.lower().replace(" ", "_"), name=name, shortcut=str(i + 1))
        for i, name in enumerate(names)
    )
    return Codebook(
        id="synthetic",
        name="Synthetic codebook",
        version="1",
        description="For benchmarks.",
        themes=tuple(themes),
        stances=StanceScale(ordinal=False, stances=stances),
    )


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 24))]
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), rng.choice(_ACCENTED))
    if rng.random() < 0.02:
        words.append("🌍")
    return " ".join(words).capitalize() + "."


def _text(rng: random.Random, words: int) -> str:
    paragraphs, count = [], 0
    while count < words:
        sentences = [_sentence(rng) for _ in range(rng.randint(3, 7))]
        paragraphs.append(" ".join(sentences))
        count += sum(len(s.split()) for s in sentences)
    return normalize_text("\n\n".join(paragraphs) + "\n")


def synthetic_texts(n: int, *, seed: int = 0) -> list[tuple[str, DocumentMeta]]:
    """``n`` statements of about 700 words (every 50th about 5,000 words, some 30 KB)."""
    rng = random.Random(seed)
    result = []
    for i in range(n):
        words = 5000 if i % 50 == 49 else rng.randint(550, 850)
        state = rng.choice(_STATES)
        meta = DocumentMeta(
            title=f"Statement {i + 1} by {state}",
            speaker=state,
            regional_group=rng.choice(REGIONAL_GROUPS[:5]),
            date=f"{rng.randint(2009, 2024)}-09-{rng.randint(1, 28):02d}",
            event=rng.choice(_EVENTS),
            doc_type="state statement",
        )
        result.append((f"{_text(rng, words)}(synthetic statement {i + 1})\n", meta))
    return result


def _true_codings(
    rng: random.Random, length: int, n: int, themes: int, stances: int
) -> list[tuple[int, int, int, int]]:
    codings = []
    for _ in range(n):
        size = rng.randint(20, min(400, max(21, length // 4)))
        start = rng.randrange(0, max(1, length - size))
        codings.append(
            (start, min(length, start + size), rng.randrange(themes), rng.randrange(stances))
        )
    return codings


def _coder_codings(
    rng: random.Random,
    truth: list[tuple[int, int, int, int]],
    length: int,
    themes: int,
    stances: int,
) -> list[tuple[int, int, int, int]]:
    mine = []
    for start, end, theme, stance in truth:
        if rng.random() < 0.8:
            s = min(max(0, start + rng.randint(-10, 10)), length - 1)
            e = min(length, max(s + 1, end + rng.randint(-10, 10)))
            st = stance if rng.random() < 0.85 else rng.randrange(stances)
            mine.append((s, e, theme, st))
    mine.extend(_true_codings(rng, length, len(truth) - len(mine), themes, stances))
    return mine


def build_corpus(
    path: Path,
    *,
    n_docs: int,
    n_coders: int,
    codings_per_doc: int,
    seed: int = 0,
    role: Role = "master",
    codebook: Codebook | None = None,
) -> SynthInfo:
    """Create a project at ``path`` with a synthetic corpus coded by ``n_coders`` coders.

    ``codings_per_doc`` is per coder and statement; rows are bulk-inserted in one transaction.
    """
    rng = random.Random(seed)
    with Project.create(path, name=f"synthetic-{n_docs}", role=role) as project:
        project.codebook.load(codebook or synthetic_codebook(seed=seed))
        theme_ids = [t.id for t in project.codebook.themes()]
        stance_ids = [s.id for s in project.codebook.stances()]
        coder_ids = tuple(project.coders.add(f"Coder {i + 1}").id for i in range(n_coders))
        now = utcnow()
        texts = synthetic_texts(n_docs, seed=seed)
        with project.unit_of_work() as s:
            rows = [
                dict(
                    uuid=new_uuid(),
                    title=m.title,
                    text=t,
                    sha256=content_hash(t),
                    length=len(t),
                    speaker=m.speaker,
                    on_behalf_of="",
                    regional_group=m.regional_group,
                    date=m.date,
                    event=m.event,
                    doc_type=m.doc_type,
                    source_file="",
                    attributes={},
                    position=i + 1,
                    imported_at=now,
                )
                for i, (t, m) in enumerate(texts)
            ]
            s.execute(insert(DocumentRow), rows)
        documents = project.documents.list()
        codings = []
        for doc in documents:
            truth = _true_codings(rng, doc.length, codings_per_doc, len(theme_ids), len(stance_ids))
            for coder in coder_ids:
                for start, end, theme, stance in _coder_codings(
                    rng, truth, doc.length, len(theme_ids), len(stance_ids)
                ):
                    codings.append(
                        dict(
                            uuid=new_uuid(),
                            document_id=doc.id,
                            coder_id=coder,
                            theme_id=theme_ids[theme],
                            stance_id=stance_ids[stance],
                            start=start,
                            end=end,
                            memo="",
                            created_at=now,
                            modified_at=now,
                        )
                    )
        if codings:  # an empty parameter list would mean one row of defaults
            with project.unit_of_work() as s:
                s.execute(insert(CodingRow), codings)
        return SynthInfo(path, coder_ids, tuple(d.id for d in documents), len(codings))
