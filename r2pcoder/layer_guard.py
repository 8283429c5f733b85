"""Who may change a coder's layer in a master: the coder's packets, through merges, and nobody else.

Once a coder has been handed a packet (or a packet of theirs has been merged), their codings,
done marks and memos in the master are a copy of their own work: a correction made there would
be overwritten, without a word, by the next merge of their packet, and it would no longer be
their work that reliability measures. So the services refuse such a change with a reason that
points to review, where the lead's decisions go to a separate gold layer
(:mod:`r2pcoder.review`). Merges write through their own bulk path and are not affected.

A coder of a master that never made packets (one researcher coding alone, or a lead coding
the master directly) keeps an ordinary, editable layer. Packets are the coders' own files and
are never restricted here. Kept apart from :mod:`r2pcoder.review` so that the coding service
can import it without loading review and export code at start-up. Must not import Qt or ``ui``.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from r2pcoder.errors import CodingRefused
from r2pcoder.schema import CoderRow, MergeLogRow, PacketAssignmentRow, ProjectRow

__all__ = ["LOCKED", "LayerLocked", "check_layer_editable", "layer_locked", "refuse_locked"]


class LayerLocked(CodingRefused):
    """A change to a coder's layer in a master, where only merges of their packets may change it."""


# Built once: the check runs with every coding applied in a master.
LOCKED = select(CoderRow.name).where(
    CoderRow.id == bindparam("coder"),
    select(ProjectRow.id).where(ProjectRow.role == "master").exists(),
    exists().where(PacketAssignmentRow.coder_uuid == CoderRow.uuid)
    | exists().where(MergeLogRow.coder_uuid == CoderRow.uuid),
)


def layer_locked(session: Session, coder_id: int) -> str | None:
    """The coder's name when their layer in this master belongs to their packets, else ``None``."""
    name = session.scalar(LOCKED, {"coder": coder_id})
    return None if name is None else str(name)


def refuse_locked(name: str) -> NoReturn:
    """Raise the refusal for a change to ``name``'s layer, pointing to review."""
    raise LayerLocked(
        f"{name}'s codings in this master come from {name}'s packets and only a merge of "
        "those packets changes them. To correct or settle them, use review: the lead's "
        "decisions go to the gold layer (r2pcoder review decide, or review mode)."
    )


def check_layer_editable(session: Session, coder_id: int | None) -> None:
    """Refuse a change to ``coder_id``'s codings, done marks or memos when packets own them.

    Raises:
        LayerLocked: the coder has packets of this master; the message points to review.
    """
    if coder_id is None:
        return
    name = layer_locked(session, coder_id)
    if name is not None:
        refuse_locked(name)
