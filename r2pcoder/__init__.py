"""r2pcoder core: a Qt-free library for coding UN statements on the Responsibility to Protect.

Open a project with :class:`Project`; its services (``project.documents``, ``project.codings``,
``project.codebook``, ``project.coders``, ``project.memos``) carry out what a coder or lead does,
one committed transaction per call. Must not import Qt or ``ui``.

The names below are loaded on first use (PEP 562): importing ``r2pcoder`` or one of its light
modules (errors, the command line's table of commands) must not load SQLAlchemy, pandas or
numpy, which cost a command-line call more than its own work.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from r2pcoder.codebook import Codebook, load_codebook
    from r2pcoder.coding import Coding, CodingRequest
    from r2pcoder.db import Project
    from r2pcoder.errors import R2pError
    from r2pcoder.importer import import_files
    from r2pcoder.metadata import DocumentMeta

__version__ = "0.1.0"

__all__ = [
    "Codebook",
    "Coding",
    "CodingRequest",
    "DocumentMeta",
    "Project",
    "R2pError",
    "__version__",
    "import_files",
    "load_codebook",
]

_HOMES = {
    "Codebook": "r2pcoder.codebook",
    "load_codebook": "r2pcoder.codebook",
    "Coding": "r2pcoder.coding",
    "CodingRequest": "r2pcoder.coding",
    "Project": "r2pcoder.db",
    "R2pError": "r2pcoder.errors",
    "import_files": "r2pcoder.importer",
    "DocumentMeta": "r2pcoder.metadata",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'r2pcoder' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # found once; later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
