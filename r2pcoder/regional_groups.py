"""The UN regional group of every Member State and observer State, and matching their names.

The table is the bundled ``r2pcoder/data/un_regional_groups.yaml``: the 193 Member States as
the UN Department for General Assembly and Conference Management lists them, the two observer
States, the names statements commonly use instead (Russia, South Korea, Turkey, Ivory Coast,
Vietnam ...), and the special cases with the group the counts use (the file's ``counting``
text and each State's ``note`` say which and why). Names are matched without regard to case,
accents, punctuation (any apostrophe), "&" for "and", "St" for "Saint" or a leading "the", so
"COTE D'IVOIRE", "Cote d'Ivoire" and "the Côte d'Ivoire" are one State. A name the table does
not know is never guessed: :meth:`RegionalGroupTable.find` returns ``None``. Must not import
Qt or ``ui``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import yaml

from r2pcoder.errors import R2pError
from r2pcoder.metadata import REGIONAL_GROUPS, DocumentMeta
from r2pcoder.resources import data_file

__all__ = [
    "RegionalGroupTable",
    "State",
    "normalize_name",
    "read_table",
    "regional_groups",
    "speaker_group",
]

TABLE_FILE = "un_regional_groups.yaml"
# Anything but a letter or digit separates words: apostrophes of every kind, hyphens, commas.
_WORD = re.compile(r"[^0-9a-z]+")


def normalize_name(name: str) -> str:
    """The form names are compared in: lower case, no accents, words of letters and digits.

    "Côte d'Ivoire" -> "cote d ivoire"; "U.S.A." -> "usa"; "St. Lucia" -> "saint lucia";
    "the Gambia" -> "gambia"; "Antigua & Barbuda" -> "antigua and barbuda".
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace(".", "").replace("&", " and ")
    words = _WORD.sub(" ", plain).split()
    words = ["saint" if w == "st" else w for w in words]
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class State:
    """A Member State or observer State and the regional group the counts put it in.

    Attributes:
        name: the UN's short name ("Russian Federation", "Türkiye").
        group: one of :data:`~r2pcoder.metadata.REGIONAL_GROUPS` (``none``: in no group).
        status: ``member`` or ``observer`` (non-member observer State).
        aliases: other names it goes by.
        also: other groups it takes part in (Türkiye: Asia-Pacific).
        note: why its group is special, and which group the counts use.
    """

    name: str
    group: str
    status: Literal["member", "observer"] = "member"
    aliases: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class RegionalGroupTable:
    """The table with its source, the date it was checked and the counting rule."""

    source: str
    url: str
    checked: str
    counting: str
    states: tuple[State, ...]
    _index: dict[str, State] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, State] = {}
        for state in self.states:
            for name in (state.name, *state.aliases):
                key = normalize_name(name)
                other = index.get(key)
                if other is not None and other is not state:
                    raise R2pError(
                        f"The regional group table gives the name {name!r} to both "
                        f"{other.name} and {state.name}."
                    )
                index[key] = state
        object.__setattr__(self, "_index", index)

    def find(self, name: str) -> State | None:
        """The State called ``name`` (or one of its aliases), or ``None``; never a guess."""
        return self._index.get(normalize_name(name)) if name.strip() else None

    def citation(self) -> str:
        """Where the table comes from, in one line."""
        return f"{self.source} {self.url} (checked {self.checked})"


def _state(entry: Any) -> State:
    if not isinstance(entry, dict) or not {"name", "group"} <= set(entry):
        raise R2pError(f"A State in the regional group table has no name or group: {entry!r}.")
    group = str(entry["group"])
    also = tuple(str(g) for g in entry.get("also", ()))
    for named in (group, *also):
        if named not in REGIONAL_GROUPS:
            raise R2pError(f"The regional group table names an unknown group {named!r}.")
    status = str(entry.get("status", "member"))
    if status not in ("member", "observer"):
        raise R2pError(f"The regional group table gives {entry['name']} the status {status!r}.")
    return State(
        name=str(entry["name"]),
        group=group,
        status="observer" if status == "observer" else "member",
        aliases=tuple(str(a) for a in entry.get("aliases", ())),
        also=also,
        note=" ".join(str(entry.get("note", "")).split()),
    )


def read_table(text: str) -> RegionalGroupTable:
    """Parse a regional group table (the YAML layout of the bundled file).

    Raises:
        R2pError: the file is not such a table, names an unknown group, or gives one name to
            two States.
    """
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("states"), list):
        raise R2pError("The regional group table has no list of states.")
    return RegionalGroupTable(
        source=" ".join(str(data.get("source", "")).split()),
        url=str(data.get("url", "")),
        checked=str(data.get("checked", "")),
        counting=" ".join(str(data.get("counting", "")).split()),
        states=tuple(_state(entry) for entry in data["states"]),
    )


@lru_cache(maxsize=1)
def regional_groups() -> RegionalGroupTable:
    """The bundled table (read once; it never changes while r2pcoder runs)."""
    return read_table(data_file(TABLE_FILE).read_text(encoding="utf-8"))


def speaker_group(meta: DocumentMeta) -> tuple[DocumentMeta, str]:
    """Fill an empty regional group from a speaker the table knows, or check a given one.

    Returns the metadata (with the group filled in when it was empty) and a sentence for the
    import report: what was filled in, or that a given group differs from the table's (the
    given group is kept: the lead may know better, e.g. a State speaking for another group);
    ``""`` when there is nothing to say (speaker not a State, or group as in the table).
    """
    state = regional_groups().find(meta.speaker)
    if state is None:
        return meta, ""
    given = meta.regional_group
    if not given:
        filled = DocumentMeta(**{**vars(meta), "regional_group": state.group})
        return filled, (
            f"regional group set to {state.group!r} from the speaker {state.name} "
            "(UN regional groups table)"
        )
    if given == state.group:
        return meta, ""
    also = f" (it also takes part in {given})" if given in state.also else ""
    return meta, (
        f"regional group {given!r} kept as given, but the UN regional groups table puts "
        f"{state.name} in {state.group!r}{also}; the statement counts under {given!r}, the "
        f"State itself (states counted with --count-members) under {state.group!r}"
    )
