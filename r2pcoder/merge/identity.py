"""Is a returned file what it claims to be? Checked against the master's record of packets issued.

A packet names its coder, its issue and (since schema 2) its own UUID; the master recorded, when
it made the packet, which UUID and issue it gave to whom. A packet of this master is merged only
if it matches such a record exactly: a packet that claims another coder's name, an issue never
made, or a UUID the master does not know is refused. With ``--foreign`` such a file is imported
as foreign instead (it is then compared only with its own copies, never with issued packets), but
never under the name of a coder this master issued packets to: only that coder's own packets can
bring that coder's work. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from r2pcoder.merge.foreign import MasterIndex
from r2pcoder.merge.ledger import Ledger
from r2pcoder.merge.report import Refusal
from r2pcoder.merge.source import CoderLine, SourceHeader

__all__ = ["Candidate", "identify"]


@dataclass(frozen=True)
class Candidate:
    """One coder's work in one file, as the merge will treat it."""

    header: SourceHeader
    coder: CoderLine
    foreign: bool = False
    notes: tuple[str, ...] = ()


def identify(
    header: SourceHeader, index: MasterIndex, ledger: Ledger, *, foreign: bool
) -> list[Candidate] | Refusal:
    """The file's layers as candidates, or why the file cannot be merged."""
    name = header.path.name
    if header.role == "packet" and not header.foreign:
        coder = header.coders[0]
        record = ledger.find(header.packet_uuid, coder.coder_uuid, header.issue)
        if record is not None and (record.coder_uuid, record.issue) == (
            coder.coder_uuid,
            header.issue,
        ):
            return [Candidate(header, coder)]
        claim = f"{_name(index, coder)}'s packet, issue {header.issue}"
        if record is not None:
            given = index.coder_names.get(record.coder_uuid, record.coder_uuid)
            reason = (
                f"this master issued it to {given} (issue {record.issue}), but it claims to "
                f"be {claim}"
            )
        else:
            reason = f"it matches no packet this master issued (it claims to be {claim})"
        if not foreign:
            return Refusal(
                name, f"{reason}; if it really comes from elsewhere, merge it with --foreign"
            )
        return _as_foreign(header, index, ledger, f"{reason}: imported as foreign")
    return _as_foreign(header, index, ledger, "")


def _as_foreign(
    header: SourceHeader, index: MasterIndex, ledger: Ledger, note: str
) -> list[Candidate] | Refusal:
    found = []
    for coder in header.coders:
        if ledger.issued_to(coder.coder_uuid):
            return Refusal(
                header.path.name,
                f"it holds work under the name of {_name(index, coder)}, to whom this master "
                f"issued packets; only {_name(index, coder)}'s own packets can bring that work",
            )
        key = (
            coder.key
            if coder.key.startswith("foreign:")
            else (f"foreign:{header.project_uuid}:{coder.key}")
        )
        line = replace(coder.line, key=key)
        moved = replace(coder, key=key, issue=0, history=replace(coder.history, line=line))
        notes = [note] if note else []
        if coder.coder_uuid in index.coders:
            notes.append(
                f"matched coder {index.coder_names[coder.coder_uuid]} of the master by identity"
            )
        found.append(Candidate(header, moved, foreign=True, notes=tuple(notes)))
    return found


def _name(index: MasterIndex, coder: CoderLine) -> str:
    return index.coder_names.get(coder.coder_uuid, coder.coder_name)
