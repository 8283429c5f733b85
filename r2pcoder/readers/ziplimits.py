"""Zip-based files (``.docx``, and any other zip-based format a reader adds) checked before reading.

A zip archive can expand far beyond its own size: a few megabytes of deflated zeros make
gigabytes ("zip bomb"), and parts can overlap so that one compressed stream counts many times
(D. Fifield, "A better zip bomb", WOOT '19, https://www.bamsoftware.com/hacks/zipbomb/). Reading
such a file stalls the import and exhausts memory. :func:`check_archive` refuses it first: the
sizes the archive declares must add up to no more than the import limit. Then every part is
decompressed in chunks of a megabyte and counted: Python's :mod:`zipfile` stops a part at its
declared size and checks its CRC, so a part that expands to more than it declares is refused as
damaged after at most its declared size, and what a later reader (python-docx) can be made to
decompress is bounded by the limit. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import io
import zipfile

from r2pcoder.errors import ImportProblem

__all__ = ["MAX_PARTS", "check_archive"]

MAX_PARTS = 10_000
"""More parts than this is no document: a Word file has a few dozen."""

_CHUNK = 1 << 20
_MB = 1024 * 1024


def check_archive(data: bytes, name: str, limit: int) -> None:
    """Refuse a zip archive that expands to more than ``limit`` bytes, or is damaged.

    Args:
        data: the file's bytes.
        name: the file name, for messages.
        limit: the most the archive may expand to, in bytes.

    Raises:
        ImportProblem: too many parts, declared sizes over ``limit``, a part that expands to more
            than it declares, or a damaged or encrypted archive; the message names the file.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise ImportProblem(
                    f"{name} holds {len(parts):,} parts, more than any document "
                    f"({MAX_PARTS:,}); it is not a statement"
                )
            declared = sum(part.file_size for part in parts)
            if declared > limit:
                raise ImportProblem(
                    f"{name} would expand to {declared / _MB:,.0f} MB, more than the import "
                    f"limit of {limit / _MB:,.0f} MB; it is not a statement (it may be a 'zip "
                    "bomb')"
                )
            for part in parts:
                with archive.open(part) as stream:
                    while stream.read(_CHUNK):
                        pass  # decompressed and CRC-checked, one megabyte at a time
    except ImportProblem:
        raise
    except Exception as exc:  # zipfile, zlib, bz2 and lzma each raise their own types
        raise ImportProblem(
            f"{name} is not a valid zip-based file (it may be damaged or encrypted)"
        ) from exc
