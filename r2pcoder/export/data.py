"""Reading a project once for an export: statements, codebook, codings of the chosen layer.

Everything is read in one transaction with bulk queries into plain values (no ORM objects cross
this module's border), so 500,000 codings load in a few seconds and the result can be handed to
another thread. Missing metadata is kept as :data:`UNKNOWN` rather than dropped. Must not import
Qt or ``ui``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.codebook.store import StanceInfo, ThemeInfo
from r2pcoder.errors import ExportFailed
from r2pcoder.export.columns import CodingColumns, CodingTuple, read_codings
from r2pcoder.export.layers import (
    MIXED,
    NO_STANCE,
    CoderRef,
    Layer,
    LayerChoice,
    Selection,
    resolve_layer,
    select_codings,
)
from r2pcoder.export.snapshot import SnapshotSummary, check_current, latest_snapshot
from r2pcoder.metadata import GROUPING_FIELDS, STATEMENT_FIELDS, year_of
from r2pcoder.progress import CancelCheck, ProgressFn, check_cancelled, wrap_progress
from r2pcoder.schema import CoderRow, CodingRow, DocumentRow, DocumentStatusRow, utcnow

if TYPE_CHECKING:
    from r2pcoder.db import Project

__all__ = [
    "BY_FIELDS",
    "UNKNOWN",
    "ExportData",
    "Statement",
    "load_export_data",
]

UNKNOWN = "unknown"
"""The value shown for a metadata field left empty; such statements are counted, never dropped."""

BY_FIELDS = GROUPING_FIELDS
"""Fields a breakdown may name (:data:`r2pcoder.metadata.GROUPING_FIELDS`)."""

_MEMBER_SEPARATOR = ";"


@dataclass(frozen=True)
class Statement:
    """A statement's metadata, with ``unknown`` for what is missing.

    Attributes:
        members: the states a group statement speaks for, from the ``members`` attribute
            (``"; "``-separated); empty when not given.
    """

    id: int
    uuid: str
    title: str
    speaker: str
    on_behalf_of: str
    regional_group: str
    date: str
    event: str
    doc_type: str
    position: int
    members: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def year(self) -> str:
        """The year of the statement's date, or ``unknown``."""
        return year_of(self.date) or UNKNOWN

    def value(self, name: str) -> str:
        """A metadata field (or ``year``, or a custom attribute) with ``unknown`` for missing."""
        if name == "year":
            return self.year
        if name in BY_FIELDS:
            text = str(getattr(self, name))
        else:
            text = str(self.attributes.get(name, "")).strip()
        return text or UNKNOWN


@dataclass(frozen=True)
class ExportData:
    """Everything an export reports, as plain values.

    Attributes:
        project_name: the project's name.
        codebook: codebook name and version, for the report header.
        layer: the layer the results come from (printed in every output).
        statements: by document id, in document order.
        texts: normalized text by document id (quotes are slices of it).
        themes: every theme, retired ones included (old codings may use them), in codebook order.
        stances: every stance, in scale order.
        selection: what the layer keeps (see :class:`~r2pcoder.export.layers.Selection`).
        snapshot: the latest reliability snapshot, or ``None``.
        threshold_default: the lead's reliability threshold when the snapshot names none.
        created_at: when the export was made (UTC).
    """

    project_name: str
    codebook: str
    layer: Layer
    statements: dict[int, Statement]
    texts: dict[int, str]
    themes: tuple[ThemeInfo, ...]
    stances: tuple[StanceInfo, ...]
    selection: Selection
    snapshot: SnapshotSummary | None
    threshold_default: float
    created_at: datetime

    _paths: dict[int, str] = field(init=False, repr=False, compare=False)
    _stance_names: dict[int, str] = field(init=False, repr=False, compare=False)
    _keys: dict[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen, so the lookups built once here are set through object.__setattr__.
        object.__setattr__(self, "_paths", {t.id: " > ".join(t.path) for t in self.themes})
        object.__setattr__(self, "_stance_names", {s.id: s.name for s in self.stances})
        object.__setattr__(self, "_keys", {t.id: t.key for t in self.themes})

    def theme_key(self, theme_id: int) -> str:
        """The theme's stable codebook id."""
        return self._keys.get(theme_id, UNKNOWN)

    def theme_path(self, theme_id: int) -> str:
        """The theme's path from the root, e.g. ``Prevention > Early warning``."""
        return self._paths.get(theme_id, UNKNOWN)

    def stance_name(self, value: int | None) -> str:
        """The name of a stance id, or of :data:`NO_STANCE` / :data:`MIXED`."""
        if value is None or value == NO_STANCE:
            return "no stance given"
        if value == MIXED:
            return "mixed stances"
        return self._stance_names.get(value, UNKNOWN)

    def stance_order(self) -> list[int]:
        """Stance values in report order: the scale, then mixed, then no stance."""
        return [s.id for s in self.stances] + [MIXED, NO_STANCE]


def _members(attributes: dict[str, Any]) -> tuple[str, ...]:
    raw = str(attributes.get("members", ""))
    return tuple(dict.fromkeys(m.strip() for m in raw.split(_MEMBER_SEPARATOR) if m.strip()))


def _statements(s: Session) -> tuple[dict[int, Statement], dict[int, str]]:
    columns = (
        DocumentRow.id,
        DocumentRow.uuid,
        DocumentRow.title,
        *(getattr(DocumentRow, name) for name in STATEMENT_FIELDS),
        DocumentRow.position,
        DocumentRow.attributes,
        DocumentRow.text,
    )
    statements: dict[int, Statement] = {}
    texts: dict[int, str] = {}
    for row in s.execute(select(*columns).order_by(DocumentRow.position, DocumentRow.id)):
        attributes = {str(k): str(v) for k, v in dict(row.attributes or {}).items()}
        statements[row.id] = Statement(
            id=row.id,
            uuid=row.uuid,
            title=row.title.strip() or UNKNOWN,
            speaker=row.speaker.strip(),
            on_behalf_of=row.on_behalf_of.strip(),
            regional_group=row.regional_group.strip(),
            date=row.date.strip(),
            event=row.event.strip(),
            doc_type=row.doc_type.strip(),
            position=row.position,
            members=_members(attributes),
            attributes=attributes,
        )
        texts[row.id] = row.text
    return statements, texts


def _codings(s: Session, coder_ids: Sequence[int]) -> CodingColumns:
    # Straight to the driver, as columns: SQLAlchemy's Row objects, a tuple per coding and an
    # ORDER BY (SQLite would sort a million rows) together cost more than the rest of an
    # export's reading. Same connection, so the same transaction as the other reads.
    driver = s.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return read_codings(driver, CodingRow.__tablename__, coder_ids)


def _coders(s: Session) -> list[CoderRef]:
    stmt = select(CoderRow.id, CoderRow.uuid, CoderRow.name).order_by(CoderRow.id)
    return [CoderRef(*row) for row in s.execute(stmt)]


def _threshold(settings: dict[str, Any]) -> float:
    value = settings.get("reliability_threshold", 0.667)
    return float(value) if isinstance(value, int | float) else 0.667


def load_export_data(
    project: Project,
    choice: LayerChoice,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportData:
    """Read what an export needs and apply the chosen layer.

    Raises:
        ExportFailed: unknown coder, no coders, no codebook, or a gold layer with no decision.
        Cancelled: when ``cancelled()`` turns true.
    """
    report = wrap_progress(progress, 0.0, 1.0)
    report(0.0)
    with project.reading() as s:
        coders = _coders(s)
        statements, texts = _statements(s)
        rank = {d: i for i, d in enumerate(statements)}
        check_cancelled(cancelled)
        report(0.2)
        if choice.rule in ("gold", "final"):
            # Imported here: review reads the export's layer types, so a module-level import
            # would be circular.
            from r2pcoder.review.layers import review_selection  # noqa: PLC0415

            layer, selection = review_selection(s, choice.rule, coders, rank)
            codings: Sequence[CodingTuple] = selection.codings
        else:
            layer = resolve_layer(choice, coders)
            codings = _codings(s, [c.id for c in layer.coders])
            done = [
                tuple(r)
                for r in s.execute(
                    select(DocumentStatusRow.coder_id, DocumentStatusRow.document_id)
                )
            ]
            selection = select_codings(layer, codings, _pairs(done), rank)
        snapshot = latest_snapshot(s)
    check_cancelled(cancelled)
    if snapshot is not None:
        snapshot = check_current(project, snapshot)
    report(0.6)
    themes = tuple(project.codebook.themes(include_retired=True))
    if not themes:
        raise ExportFailed("This project has no codebook yet, so there is nothing to export.")
    stances = tuple(project.codebook.stances(include_retired=True))
    selection = _nonempty(selection, layer, bool(codings))
    check_cancelled(cancelled)
    report(1.0)
    info = project.info
    return ExportData(
        project_name=info.name,
        codebook=f"{info.codebook_name} {info.codebook_version}".strip(),
        layer=layer,
        statements=statements,
        texts=texts,
        themes=themes,
        stances=stances,
        selection=selection,
        snapshot=snapshot,
        threshold_default=_threshold(info.settings),
        created_at=utcnow(),
    )


def _nonempty(selection: Selection, layer: Layer, any_codings: bool) -> Selection:
    if selection.codings:
        return selection
    if layer.rule in ("gold", "final") and selection.cells:
        return selection  # empty (all absent, or all awaiting), and every output says so
    if not any_codings:
        who = layer.coders[0].name if len(layer.coders) == 1 else "the chosen coders"
        raise ExportFailed(f"Nothing to export: {who} coded nothing yet.")
    raise ExportFailed(
        f"Nothing to export under the layer '{layer.label()}': the chosen coders agree on no "
        "theme in any statement; try another layer (one coder, or the majority)."
    )


def _pairs(rows: Sequence[tuple[Any, ...]]) -> list[tuple[int, int]]:
    return [(int(r[0]), int(r[1])) for r in rows]
