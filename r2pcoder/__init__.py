"""r2pcoder core: a Qt-free library for coding UN statements on the Responsibility to Protect.

Open a project with :class:`Project`; its services (``project.documents``, ``project.codings``,
``project.codebook``, ``project.coders``, ``project.memos``) carry out what a coder or lead does,
one committed transaction per call. Must not import Qt or ``ui``.
"""

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
