"""REFI-QDA 1.5 exchange: import and export of ``.qdpx`` projects and ``.qdc`` codebooks.

The standard (www.qdasoftware.org; "REFI-QDA 1.5", with the ``Project.xsd`` and ``Codebook.xsd``
schemas, namespaces ``urn:QDA-XML:project:1.0`` and ``urn:QDA-XML:codebook:1.0``) is how
ATLAS.ti, MAXQDA, NVivo, QualCoder, Taguette and others exchange coded projects. Import with
:func:`import_refi`, export with :func:`export_refi`; both are Qt-free, take ``progress`` and
``cancelled`` callbacks and return plain reports. Must not import Qt or ``ui``.
"""

from r2pcoder.refi.archive import ImportLimits
from r2pcoder.refi.export import export_refi
from r2pcoder.refi.load import import_refi
from r2pcoder.refi.offsets import Unit
from r2pcoder.refi.report import LeftOut, RefiExportReport, RefiImportReport, RefiRefused

__all__ = [
    "ImportLimits",
    "LeftOut",
    "RefiExportReport",
    "RefiImportReport",
    "RefiRefused",
    "Unit",
    "export_refi",
    "import_refi",
]
