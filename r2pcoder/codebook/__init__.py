"""Codebooks: the theme tree and stance scale coders apply, their files, and a project's copy.

The package is split by what each part does:

* :mod:`~r2pcoder.codebook.model`: the value types (:class:`Theme`, :class:`Stance`,
  :class:`StanceScale`, :class:`Codebook`), frozen dataclasses;
* :mod:`~r2pcoder.codebook.validate`: reading a codebook from data, with every problem reported
  at once with its place, and the ``migrate_codebook`` ladder of the file format;
* :mod:`~r2pcoder.codebook.files`: YAML/JSON decoding with its safety checks, writing, atomic
  saves;
* :mod:`~r2pcoder.codebook.diff`: what changed between two versions of a codebook;
* :mod:`~r2pcoder.codebook.store`: the codebook inside a project (``project.codebook``), the only
  part that touches the database.

This module re-exports the pure parts (everything but the store, so that importing it loads no
database code). Must not import Qt or ``ui``.
"""

from r2pcoder.codebook.diff import CodebookDiff, diff_codebooks
from r2pcoder.codebook.files import dump_codebook, save_codebook
from r2pcoder.codebook.model import (
    CODEBOOK_SCHEMA_VERSION,
    DEFAULT_COLOR,
    Codebook,
    Stance,
    StanceScale,
    Theme,
)
from r2pcoder.codebook.validate import load_codebook, migrate_codebook, parse_codebook

__all__ = [
    "CODEBOOK_SCHEMA_VERSION",
    "DEFAULT_COLOR",
    "Codebook",
    "CodebookDiff",
    "Stance",
    "StanceScale",
    "Theme",
    "diff_codebooks",
    "dump_codebook",
    "load_codebook",
    "migrate_codebook",
    "parse_codebook",
    "save_codebook",
]
