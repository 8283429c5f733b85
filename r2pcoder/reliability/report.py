"""The result of an agreement measurement: :class:`AgreementReport` and its parts, and the bands.

A report is plain frozen data (no ORM objects, no numpy), so it crosses threads, becomes JSON
for a snapshot or the command line, and is shown by the Agreement window as it is. An undefined
coefficient is ``None`` with the reason in ``note``, never a silent 0 or 1. Must not import Qt
or ``ui``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from r2pcoder.bands import BANDS, CHANCE_CORRECTED, band, format_measure, format_value
from r2pcoder.reliability.settings import AgreementSettings

__all__ = [
    "ALL_THEMES",
    "BANDS",
    "CHANCE_CORRECTED",
    "UNUSED_NOTE",
    "AgreementReport",
    "CoderValue",
    "Disagreement",
    "MeasureValue",
    "PairwiseMatrix",
    "ResultRow",
    "Stratum",
    "band",
    "format_measure",
    "format_value",
]

ALL_THEMES = "All themes"
"""The label of the row that pools every theme."""

UNUSED_NOTE = (
    "Nobody coded this theme in these statements; its agreement is undefined, not perfect."
)
"""Why a theme that nobody used has no values (rather than a perfect score)."""


@dataclass(frozen=True)
class MeasureValue:
    """One coefficient: its value (``None`` when undefined, ``note`` says why), interval, band.

    Attributes:
        value: the coefficient, or ``None``.
        note: why the value is undefined, or a remark on how it was computed.
        ci_low, ci_high: bootstrap interval (alpha only), else ``None``.
        p_below: bootstrap probability that alpha is below the settings' threshold.
        band: see :func:`band`.
    """

    value: float | None
    note: str = ""
    ci_low: float | None = None
    ci_high: float | None = None
    p_below: float | None = None
    band: str = ""


@dataclass(frozen=True)
class ResultRow:
    """The coefficients of one slice of the data.

    Attributes:
        scope: ``"theme"``, ``"stance"`` or ``"overall"``.
        key: theme key, stance key, or ``""`` for overall.
        label: what a reader sees (theme or stance name, "All themes").
        variant: which reading of the units (``"stance"``, ``"presence"``, ``"all text"``,
            ``"coded text only"``), ``""`` when the unit has one.
        n_units: units that at least two coders gave a value (the pairable units).
        values: measure name -> value.
        note: a remark on the whole row (e.g. "nobody used this theme").
    """

    scope: str
    key: str
    label: str
    variant: str
    n_units: int
    values: dict[str, MeasureValue]
    note: str = ""


@dataclass(frozen=True)
class PairwiseMatrix:
    """One measure for every pair of coders over all themes; ``None`` on the diagonal."""

    measure: str
    variant: str
    coders: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    notes: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Stratum:
    """The figures within the statements sharing one value of the ``by`` field."""

    field: str
    value: str
    n_documents: int
    rows: tuple[ResultRow, ...]


@dataclass(frozen=True)
class CoderValue:
    """One coder's value for a unit, with the passages they coded there."""

    coder: str
    value: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Disagreement:
    """A unit where the coders gave different values, for the adjudication view."""

    document_id: int
    document_uuid: str
    title: str
    unit: str
    start: int
    end: int
    values: tuple[CoderValue, ...]


@dataclass(frozen=True)
class AgreementReport:
    """What was measured and the result.

    Attributes:
        settings: the settings, with defaults resolved (measures, level).
        computed_at: ISO 8601 UTC time of the computation.
        unit_description: how units and values were built, in plain words (incl. whether
            uncoded text counts).
        coders: (uuid, name) of the coders compared.
        documents: (uuid, sha256, title) of the statements compared.
        themes: (key, name) of the themes compared.
        inputs_fingerprint: SHA-256 over the codings used (uuid, span, theme, stance), so a
            snapshot shows whether the coding changed since.
        rows: per theme, per stance and overall results.
        pairwise: one matrix per variant for the headline measure.
        strata: results per value of ``settings.by``.
        warnings: problems worth a reader's attention that did not stop the computation.
        interval_method: how alpha's intervals were obtained, in one sentence; empty when no
            interval was drawn.
        layers: the layers compared: ``coder:<uuid>`` for each coder's layer, ``gold`` for the
            adjudicated layer (coders against gold); empty in reports saved before layers were
            recorded, which compared coder layers only.
    """

    settings: AgreementSettings
    computed_at: str
    unit_description: str
    coders: tuple[tuple[str, str], ...]
    documents: tuple[tuple[str, str, str], ...]
    themes: tuple[tuple[str, str], ...]
    inputs_fingerprint: str
    rows: tuple[ResultRow, ...]
    pairwise: tuple[PairwiseMatrix, ...] = ()
    strata: tuple[Stratum, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    interval_method: str = ""
    layers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def measures(self) -> tuple[str, ...]:
        """The measures computed, in order."""
        return self.settings.measures or ()

    def theme_rows(self, variant: str | None = None) -> list[ResultRow]:
        """Per-theme rows, of one variant (the first one by default)."""
        return self._scope("theme", variant)

    def overall(self, variant: str | None = None) -> ResultRow | None:
        """The all-themes row of a variant (the first one by default)."""
        rows = self._scope("overall", variant)
        return rows[0] if rows else None

    @property
    def variants(self) -> tuple[str, ...]:
        """The variants present, in order."""
        return tuple(dict.fromkeys(r.variant for r in self.rows))

    def _scope(self, scope: str, variant: str | None) -> list[ResultRow]:
        wanted = self.variants[0] if variant is None and self.rows else variant
        return [r for r in self.rows if r.scope == scope and r.variant == wanted]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        data = asdict(self)
        data["settings"] = self.settings.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgreementReport:
        """A report back from :meth:`to_dict` (e.g. from a snapshot)."""

        def row(r: dict[str, Any]) -> ResultRow:
            values = {k: MeasureValue(**v) for k, v in r["values"].items()}
            return ResultRow(**{**r, "values": values})

        def tuples(items: list[Any]) -> tuple[Any, ...]:
            return tuple(tuple(i) if isinstance(i, list) else i for i in items)

        return cls(
            settings=AgreementSettings.from_dict(data["settings"]),
            computed_at=data["computed_at"],
            unit_description=data["unit_description"],
            coders=tuples(data["coders"]),
            documents=tuples(data["documents"]),
            themes=tuples(data["themes"]),
            inputs_fingerprint=data["inputs_fingerprint"],
            rows=tuple(row(r) for r in data["rows"]),
            pairwise=tuple(
                PairwiseMatrix(
                    p["measure"],
                    p["variant"],
                    tuple(p["coders"]),
                    tuples(p["values"]),
                    tuples(p["notes"]),
                )
                for p in data["pairwise"]
            ),
            strata=tuple(
                Stratum(s["field"], s["value"], s["n_documents"], tuple(row(r) for r in s["rows"]))
                for s in data["strata"]
            ),
            warnings=tuple(data["warnings"]),
            interval_method=str(data.get("interval_method", "")),
            layers=tuple(data.get("layers", ())),
        )
