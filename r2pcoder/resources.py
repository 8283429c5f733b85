"""Locates the bundled ``codebook/`` and ``sample_data/`` folders, in a checkout or a wheel.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from r2pcoder.errors import R2pError

__all__ = ["bundled"]

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: Literal["codebook", "sample_data"]) -> Path:
    """The folder of bundled files called ``name``.

    A checkout keeps them beside the package; a wheel carries them inside it (``_bundled/``).
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise R2pError(f"The bundled {name} folder is missing from this installation.")
