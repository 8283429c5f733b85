"""REFI users onto coders, and the rule that says whose coding a coding is.

Users become coders with their GUID as the coder's UUID (REFI-QDA 1.5, ``UserType``), so a second
import of the same file, or of our own export, finds the same coders; a coder is never matched
by name, since two people may share one. A user a coding names but ``<Users>`` does not list
gets a coder named after the start of the GUID.

Attribution: a selection and its coding may name different ``creatingUser``s (NVivo does). The
coder of a coding is the coding's ``creatingUser`` (who applied the code), else the selection's,
else the source's, else the project's ``creatingUserGUID``, else one coder "unattributed (ORIGIN)"
per writing program; files where selection and coding disagree are reported. Must not import Qt
or ``ui``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from r2pcoder.coders import insert_coder
from r2pcoder.refi.guids import guid_key, uuid_for
from r2pcoder.refi.model import RefiData
from r2pcoder.schema import CoderRow
from r2pcoder.wording import counted

__all__ = ["Coders"]


class Coders:
    """Coder ids for REFI user GUIDs, created on first use inside one session."""

    def __init__(self, s: Session, data: RefiData, warnings: list[str]) -> None:
        self._s = s
        self._names = {guid_key(u.guid): u.name.strip() for u in data.users}
        self._origin = data.origin.strip() or "REFI-QDA file"
        self._fallback = data.creating_user
        self._warnings = warnings
        rows = list(s.scalars(select(CoderRow)))
        self._by_uuid = {r.uuid: r.id for r in rows}
        self._names_taken = {r.name.casefold(): r.uuid for r in rows}
        self._ids: dict[str, int] = {}
        self.added = 0
        self.matched = 0
        self.disagreements = 0
        self.unattributed = 0

    def id_for(self, guid: str | None) -> int:
        """The coder id for a user GUID (None: nobody named; see the module's rule)."""
        key = guid_key(guid) if guid else ""
        if key in self._ids:
            return self._ids[key]
        if not key:
            self.unattributed += 1
            uuid = uuid_for(f"unattributed/{self._origin}", "user")
            name = f"unattributed ({self._origin})"
        else:
            uuid = uuid_for(key, "user")
            name = self._names.get(key) or f"User {key[:8]}"
        coder_id = self._by_uuid.get(uuid)
        if coder_id is not None:
            self.matched += 1
        else:
            if key and key not in self._names:
                self._warnings.append(f"user {guid} is named by codings but not listed in <Users>")
            other = self._names_taken.get(name.casefold())
            if other is not None and other != uuid:
                self._warnings.append(
                    f"a coder called {name!r} already exists with another identity; the file's "
                    f"{name!r} was added as a separate coder"
                )
            coder_id = insert_coder(self._s, name[:200], uuid=uuid).id
            self._by_uuid[uuid] = coder_id
            self.added += 1
        self._ids[key] = coder_id
        return coder_id

    def attribute(self, coding: str | None, selection: str | None, source: str | None) -> int:
        """The coder of a coding: the coding's user, else the selection's, source's, project's."""
        if coding and selection and guid_key(coding) != guid_key(selection):
            self.disagreements += 1
        return self.id_for(coding or selection or source or self._fallback)

    def report(self) -> None:
        """Add the attribution notes to the warnings."""
        if self.disagreements:
            self._warnings.append(
                f"in {counted(self.disagreements, 'coding')} the selection and the coding name "
                "different users; each coding went to the coding's user"
            )
        if self.unattributed:
            self._warnings.append(
                f"some codings or notes name no user; they went to the coder 'unattributed "
                f"({self._origin})'"
            )
