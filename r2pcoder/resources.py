"""Locates the bundled ``codebook/`` and ``sample_data/`` folders and the package's data files.

Must not import Qt or ``ui``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from r2pcoder.errors import R2pError

__all__ = ["bundled", "data_file"]

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: Literal["codebook", "sample_data"]) -> Path:
    """The folder of bundled files called ``name``.

    A checkout keeps them beside the package; a wheel carries them inside it (``_bundled/``).
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise R2pError(f"The bundled {name} folder is missing from this installation.")


def data_file(name: str) -> Path:
    """A data file shipped inside the package, ``r2pcoder/data/NAME``.

    For example the UN regional groups table. The folder is part of the package, so the path is
    the same in a checkout and in a wheel.
    """
    path = _PACKAGE / "data" / name
    if not path.is_file():
        raise R2pError(f"The data file {name} is missing from this installation.")
    return path
