"""REFI notes onto memos: of themes, statements and codings, by who wrote them.

Notes on codes become theme memos, notes on sources statement memos, notes on selections and
codings the memo of the coding.

A ``<Note>`` (REFI-QDA 1.5, ``NotesType``; the text inline in ``PlainTextContent``, in a file of
the archive, or only in its description) is attached by a ``<NoteRef>`` from what it comments
on; NVivo also ties a note to a selection through a ``<Link>`` (QualCoder's ``refi.py``). Memos
are one per target and coder in r2pcoder, so several notes on one target join with a blank line,
and a memo the project already has is extended, never replaced. A note nothing points to, or one
on the project as a whole, has no place in r2pcoder and is reported as left out. Must not import
Qt or ``ui``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from r2pcoder.memos import memo_row, write_memo
from r2pcoder.refi.guids import guid_key
from r2pcoder.refi.model import RefiNote
from r2pcoder.refi.people import Coders
from r2pcoder.refi.read import LoadedFile
from r2pcoder.refi.report import LeftOut

__all__ = ["NoteBook"]

_Target = tuple[str, int, int | None]


class NoteBook:
    """Note texts by GUID, and the memos they become, written at the end of the import."""

    def __init__(self, loaded: LoadedFile, coders: Coders) -> None:
        self._texts = loaded.notes
        self._notes: dict[str, RefiNote] = {guid_key(n.guid): n for n in loaded.data.notes}
        self._coders = coders
        self._used: set[str] = set()
        self._memos: dict[_Target, list[str]] = defaultdict(list)
        self._links: dict[str, list[str]] = defaultdict(list)
        for origin, target in loaded.data.links:
            a, b = guid_key(origin), guid_key(target)
            if a in self._notes:
                self._links[b].append(a)
            elif b in self._notes:
                self._links[a].append(b)

    def texts(self, refs: Sequence[str], selection: str = "") -> list[str]:
        """The texts of the notes ``refs`` name (and of notes linked to ``selection``)."""
        if not refs and not self._links:
            return []
        keys = [guid_key(r) for r in refs] + self._links.get(guid_key(selection), [])
        found = []
        for key in dict.fromkeys(keys):
            if key in self._texts:
                self._used.add(key)
                if self._texts[key]:
                    found.append(self._texts[key])
        return found

    def note(self, key: str) -> RefiNote | None:
        """The note with this GUID key, if the file has one."""
        return self._notes.get(key)

    def coder_of(self, ref: str) -> int | None:
        """The coder who wrote note ``ref`` (None: nobody is named; a project memo)."""
        note = self._notes.get(guid_key(ref))
        return None if note is None or not note.user else self._coders.id_for(note.user)

    def on_document(self, document_id: int, refs: Iterable[str]) -> None:
        """Notes on a statement become that statement's memos, per writer."""
        for ref in refs:
            for text in self.texts([ref]):
                self.add("document", document_id, self.coder_of(ref), text)

    def on_theme(self, theme_id: int, refs: Iterable[str]) -> None:
        """Notes on a code become the theme's memos, per writer."""
        for ref in refs:
            for text in self.texts([ref]):
                self.add("theme", theme_id, self.coder_of(ref), text)

    def add(self, kind: str, target: int, coder_id: int | None, text: str) -> None:
        """Queue ``text`` for the memo of ``kind`` (document or theme) ``target`` by a coder."""
        if text.strip():
            self._memos[(kind, target, coder_id)].append(text.strip())

    def write(self, s: Session) -> int:
        """Write every queued memo, extending memos the project has; returns how many."""
        written = 0
        for (kind, target, coder_id), texts in self._memos.items():
            document_id = target if kind == "document" else None
            theme_id = target if kind == "theme" else None
            text = "\n\n".join(dict.fromkeys(texts))
            existing = memo_row(s, document_id, theme_id, coder_id)
            if existing is not None and existing.text.strip():
                if text in existing.text:
                    continue
                text = f"{existing.text}\n\n{text}"
            write_memo(s, text, document_id=document_id, theme_id=theme_id, coder_id=coder_id)
            written += 1
        return written

    def unused(self, project_refs: Iterable[str]) -> list[LeftOut]:
        """Notes that were never attached: on the project as a whole, or on nothing."""
        on_project = {guid_key(r) for r in project_refs}
        left = []
        for key, note in self._notes.items():
            if key in self._used or not self._texts.get(key):
                continue
            where = (
                "it is a note on the project as a whole"
                if key in on_project
                else ("it is attached to no source, code or selection")
            )
            left.append(
                LeftOut(f"note {note.name or key!r}", f"{where}; r2pcoder has no place for it")
            )
        return left
