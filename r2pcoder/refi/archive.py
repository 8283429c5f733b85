"""Opening a ``.qdpx`` without trusting it: member names, sizes, the ``.qde``, source paths.

A ``.qdpx`` is a zip archive holding ``project.qde`` and the sources in a folder ``sources``
(REFI-QDA 1.5, section 7, "Exchange format"); source paths inside it are written
``internal://NAME`` and name a file in that folder. Nothing is ever extracted to disk: members are
read into memory, one at a time, with a cap on what each one and all of them together may hold.
The archive is refused with one line when a member name points outside it (``..``, an absolute
path or a drive letter: "zip slip"), a member is encrypted, declares or turns out to hold more than
the limits, the file is not a zip or is damaged, or there is no ``.qde``.

Tolerated, with a warning: a ``.qde`` with another name when it is the only one (ATLAS.ti names it
after the project, QualCoder issue #1369), the whole project inside one folder of the zip, and the
folder written ``Sources`` (the standard says ``sources``; QualCoder's reader accepts both) or any
other case. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

from r2pcoder.refi.report import RefiRefused

__all__ = ["ImportLimits", "RefiArchive", "check_inside"]

_CHUNK = 1 << 20
_DRIVE = re.compile(r"[A-Za-z]:")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?://)?(.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class ImportLimits:
    """How much an import reads before it refuses a file.

    Attributes:
        member_bytes: the most one member (the ``.qde``, a source) may hold once unpacked.
        total_bytes: the most all members read together may hold.
        members: the most members the archive may list.
    """

    member_bytes: int = 512 * 1024 * 1024
    total_bytes: int = 2 * 1024 * 1024 * 1024
    members: int = 200_000


def check_inside(raw: str, what: str, shown: str | None = None) -> PurePosixPath:
    """The relative path ``raw`` names, or :class:`RefiRefused` if it leaves its folder.

    ``shown`` is how the path is named in the message (default: ``raw``).
    """
    text = raw.replace("\\", "/")
    raw = raw if shown is None else shown
    if "\x00" in text:
        raise RefiRefused(f"{what} {raw!r} contains a NUL character; the file was refused.")
    if text.startswith("/") or _DRIVE.match(text):
        raise RefiRefused(f"{what} {raw!r} is an absolute path, outside the archive; refused.")
    path = PurePosixPath(text)
    if ".." in path.parts:
        raise RefiRefused(f"{what} {raw!r} points outside the archive (it contains ..); refused.")
    return path


class RefiArchive:
    """An opened ``.qdpx`` whose member names and declared sizes were checked.

    Use as a context manager. ``qde`` is the member holding the project; ``warnings`` lists what
    was tolerated.
    """

    def __init__(self, path: Path, limits: ImportLimits | None = None) -> None:
        self.path = path
        self.limits = limits or ImportLimits()
        self.warnings: list[str] = []
        self._read_total = 0
        name = path.name
        if not path.is_file():
            raise RefiRefused(f"{name} does not exist or is not a file.")
        if not zipfile.is_zipfile(path):
            raise RefiRefused(f"{name} is not a REFI-QDA project: it is not a zip archive.")
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise RefiRefused(f"{name} is a damaged zip archive ({exc}); refused.") from exc
        try:
            self._members = self._check_members()
            self.root, self.qde = self._find_qde()
        except BaseException:
            self._zip.close()
            raise

    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > self.limits.members:
            raise RefiRefused(
                f"{self.path.name} lists {len(infos):,} members, more than the limit of "
                f"{self.limits.members:,}; refused."
            )
        members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            clean = str(check_inside(info.filename, "Archive member"))
            if info.flag_bits & 0x1:
                raise RefiRefused(f"Archive member {info.filename!r} is encrypted; refused.")
            if info.file_size > self.limits.member_bytes:
                raise RefiRefused(
                    f"Archive member {info.filename!r} declares {info.file_size:,} bytes, more "
                    f"than the limit of {self.limits.member_bytes:,}; refused."
                )
            declared += info.file_size
            if not info.is_dir():
                members[clean] = info
        if declared > self.limits.total_bytes:
            raise RefiRefused(
                f"{self.path.name} declares {declared:,} bytes in all, more than the limit of "
                f"{self.limits.total_bytes:,}; refused."
            )
        return members

    def _find_qde(self) -> tuple[str, str]:
        qdes = sorted(n for n in self._members if n.lower().endswith(".qde"))
        if not qdes:
            raise RefiRefused(f"{self.path.name} holds no .qde project file; refused.")
        top = [n for n in qdes if "/" not in n]
        standard = [n for n in top if n.lower() == "project.qde"]
        if standard:
            if len(top) > 1:
                self.warnings.append(f"several .qde files; {standard[0]} was read")
            return "", standard[0]
        if len(qdes) == 1:
            qde = qdes[0]
            root = qde.rpartition("/")[0]
            where = f" in the folder {root}/" if root else ""
            self.warnings.append(f"the project file is called {qde}{where}, not project.qde")
            return (root + "/" if root else ""), qde
        raise RefiRefused(
            f"{self.path.name} holds several .qde files and none is project.qde "
            f"({', '.join(qdes[:3])}); refused."
        )

    def read(self, member: str) -> bytes:
        """The bytes of ``member``, read with the caps; :class:`RefiRefused` if exceeded."""
        info = self._members[member]
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    if size > self.limits.member_bytes or size > info.file_size:
                        raise RefiRefused(
                            f"Archive member {member!r} holds more than it declares or than the "
                            f"limit of {self.limits.member_bytes:,} bytes; refused."
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise RefiRefused(
                f"Archive member {member!r} is damaged or does not hold what it declares "
                f"({exc}); refused."
            ) from exc
        self._read_total += size
        if self._read_total > self.limits.total_bytes:
            raise RefiRefused(
                f"{self.path.name} unpacks to more than {self.limits.total_bytes:,} bytes; refused."
            )
        return b"".join(chunks)

    def source_member(self, raw: str) -> str | None:
        """The member an ``internal://`` path names, or None if the archive lacks it.

        Raises:
            RefiRefused: the path leaves the archive (``..``, absolute, ``relative://``,
                ``absolute://`` or another scheme).
        """
        match = _SCHEME.match(raw.strip())
        if match is None or len(match.group(1)) == 1:  # no scheme, or a drive letter
            rel = raw.strip()
            self.warnings.append(f"source path {raw!r} has no internal:// prefix; read as one")
        elif match.group(1).lower() == "internal":
            rel = match.group(2)
        else:
            raise RefiRefused(
                f"Source path {raw!r} points outside the archive; r2pcoder reads sources only "
                "from inside the .qdpx. Refused."
            )
        path = check_inside(rel, "Source path", raw)
        parts = path.parts
        if parts and parts[0].lower() == "sources":
            parts = parts[1:]
        wanted = "/".join(parts)
        return self._lookup(wanted)

    def _lookup(self, wanted: str) -> str | None:
        candidates = [f"{self.root}sources/{wanted}", f"{self.root}Sources/{wanted}"]
        for name in candidates:
            if name in self._members:
                if not name.startswith(f"{self.root}sources/"):
                    self._warn_once(
                        "the sources folder is called Sources; the standard says sources"
                    )
                return name
        folded = f"{self.root}sources/{wanted}".casefold()
        for name in self._members:
            if name.casefold() == folded:
                self._warn_once("source file names differ in letter case from their paths")
                return name
        return None

    def _warn_once(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def close(self) -> None:
        """Close the zip file."""
        self._zip.close()

    def __enter__(self) -> RefiArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
