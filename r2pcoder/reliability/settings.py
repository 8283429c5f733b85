"""What an agreement measurement is asked to do: :class:`AgreementSettings` and its defaults.

Settings are plain values (UUIDs and codebook keys, never row ids), so a snapshot stores them as
JSON and a later reader knows exactly what was measured. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from r2pcoder.agreement import BOOTSTRAP_METHODS, MEASURES, BootstrapMethod
from r2pcoder.errors import AgreementInputError

__all__ = [
    "ALL_MEASURES",
    "PRESENCE_MEASURES",
    "UNITS",
    "AgreementSettings",
    "LevelName",
    "UnitKind",
]

UnitKind = Literal["statement", "sentence", "paragraph", "character", "overlap", "unitized"]
UNITS: tuple[UnitKind, ...] = (
    "statement",
    "sentence",
    "paragraph",
    "character",
    "overlap",
    "unitized",
)
LevelName = Literal["nominal", "ordinal", "interval", "ratio"]

ALL_MEASURES: tuple[str, ...] = MEASURES
"""Coefficients for categorical units (statement, sentence, paragraph, overlap): every one the
agreement engine computes."""

PRESENCE_MEASURES: tuple[str, ...] = ("percent_agreement", "cohen_kappa", "krippendorff_alpha")
"""Coefficients the character unit computes (from presence counts, see ``presence.py``)."""


@dataclass(frozen=True)
class AgreementSettings:
    """One agreement measurement's settings.

    Attributes:
        unit: what a unit is: ``statement`` (statement x theme: the stance given, or "not
            coded"), ``sentence`` / ``paragraph`` (stored segments x theme), ``character``
            (presence per character), ``overlap`` (codings matched by span overlap, MAXQDA
            style) or ``unitized`` (Krippendorff's alpha for unitizing).
        measures: coefficient names (see :data:`ALL_MEASURES`); ``None`` picks the unit's
            defaults (see :meth:`chosen_measures`).
        coders: coder UUIDs (or unique names) to compare; ``None`` means every coder.
        documents: document UUIDs; ``None`` means every statement that at least two of the chosen
            coders worked on (coded at least once or marked done).
        themes: theme keys; ``None`` means every theme that a chosen coder used in those
            statements.
        by: a metadata field (``regional_group``, ``speaker``, ``event``, ``doc_type``, ``date``,
            ``on_behalf_of`` or a custom attribute) to stratify by, or ``None``.
        overlap_threshold: for the overlap unit, the least share of the two spans' union that
            their intersection must cover for two codings to match (0.9 = 90 %).
        bootstrap_n: bootstrap resamples for alpha's interval; 0 skips the interval.
        bootstrap_seed: seed of the bootstrap, so the interval is reproducible.
        bootstrap_method: ``"units"`` (BCa interval over units, the default) or ``"pairs"``
            (Krippendorff's bootstrap of value pairs, as in KALPHA); see
            :func:`r2pcoder.agreement.bootstrap_alpha`.
        level: alpha's level of measurement; ``None`` means ordinal when the codebook declares
            its stance scale ordinal and the unit carries stances, else nominal.
        threshold: the alpha below which ``p_below`` (probability from the bootstrap) is given.
    """

    unit: UnitKind = "statement"
    measures: tuple[str, ...] | None = None
    coders: tuple[str, ...] | None = None
    documents: tuple[str, ...] | None = None
    themes: tuple[str, ...] | None = None
    by: str | None = None
    overlap_threshold: float = 0.9
    bootstrap_n: int = 1000
    bootstrap_seed: int = 0
    bootstrap_method: BootstrapMethod = "units"
    level: LevelName | None = None
    threshold: float = 0.667

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise AgreementInputError(f"Unknown unit {self.unit!r}; use one of {', '.join(UNITS)}.")
        if self.measures is not None:
            unknown = [m for m in self.measures if m not in ALL_MEASURES]
            if unknown:
                raise AgreementInputError(
                    f"Unknown measure {unknown[0]!r}; use one of {', '.join(ALL_MEASURES)}."
                )
            if not self.measures:
                raise AgreementInputError("Choose at least one measure.")
        if not 0.0 < self.overlap_threshold <= 1.0:
            raise AgreementInputError(
                "The overlap threshold must lie above 0 and at most 1 (100 %)."
            )
        if self.bootstrap_n < 0:
            raise AgreementInputError("The number of bootstrap samples cannot be negative.")
        if self.bootstrap_method not in BOOTSTRAP_METHODS:
            raise AgreementInputError(
                f"Unknown bootstrap method {self.bootstrap_method!r}; use one of "
                f"{', '.join(BOOTSTRAP_METHODS)}."
            )

    def chosen_measures(self, n_coders: int) -> tuple[str, ...]:
        """The measures to compute: the chosen ones, else the unit's defaults for ``n_coders``."""
        if self.unit == "unitized":
            return ("krippendorff_alpha",)
        if self.measures is not None:
            return self.measures
        if self.unit == "character":
            return PRESENCE_MEASURES
        if self.unit == "overlap":
            return ("percent_agreement", "brennan_prediger")
        kappa = "cohen_kappa" if n_coders == 2 else "fleiss_kappa"  # noqa: PLR2004
        return ("percent_agreement", "krippendorff_alpha", kappa)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (tuples become lists)."""
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgreementSettings:
        """Settings back from :meth:`to_dict` (unknown keys are ignored).

        Settings saved before the bootstrap method was a setting name none: their intervals
        came from Krippendorff's bootstrap of value pairs, so they read back as ``"pairs"``.
        """
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
        }
        values.setdefault("bootstrap_method", "pairs")
        return cls(**values)
