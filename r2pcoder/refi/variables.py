"""REFI-QDA variables and cases onto statement metadata: known fields where they correspond.

Variables attach to a source either directly (``<VariableValue>`` inside the source, as MAXQDA
writes them) or through a ``<Case>`` that lists the source in a ``<SourceRef>`` (a case without a
name carrying one source's values is how MAXQDA and Quirkos write document variables; NVivo's
named cases are people or organisations), per REFI-QDA 1.5, section 12 "Cases and variables"
and the readers of QualCoder (issue #465). A variable whose name (case and separators ignored,
after a ``Cases:``-style prefix) is one of r2pcoder's fields fills that field: speaker (also
"country", "state", "delegation"), on behalf of, regional group, date, event, document type and
title. A value that the field cannot hold (a regional group that is not a UN group, a date not
written YYYY-MM-DD) and every other variable become free attributes under the variable's name; a
variable called ``attr:NAME`` becomes attribute NAME. Named cases add the attribute ``case``.
Must not import Qt or ``ui``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from r2pcoder.metadata import DocumentMeta, validate_meta
from r2pcoder.refi.guids import guid_key
from r2pcoder.refi.model import RefiCase, RefiSource, RefiVariable, RefiVariableValue

__all__ = ["FIELD_NAMES", "field_for", "meta_for"]

FIELD_NAMES: dict[str, str] = {
    "title": "Title",
    "speaker": "Speaker",
    "on_behalf_of": "On behalf of",
    "regional_group": "Regional group",
    "date": "Date",
    "event": "Event",
    "doc_type": "Document type",
}
"""Our metadata fields and the variable names an export gives them."""

_ALIASES = {
    "title": "title",
    "speaker": "speaker",
    "country": "speaker",
    "state": "speaker",
    "member state": "speaker",
    "delegation": "speaker",
    "on behalf of": "on_behalf_of",
    "regional group": "regional_group",
    "un regional group": "regional_group",
    "date": "date",
    "statement date": "date",
    "event": "event",
    "meeting": "event",
    "document type": "doc_type",
    "doc type": "doc_type",
}
_PREFIX = re.compile(r"(cases?|files?|documents?|sources?)\s*:\s*", re.IGNORECASE)
_ATTR = "attr:"
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T")


def field_for(name: str) -> str | None:
    """Our metadata field for a variable called ``name``, or None for a free attribute."""
    if name.lower().startswith(_ATTR):
        return None
    text = _PREFIX.sub("", name.strip(), count=1)
    folded = " ".join(text.replace("_", " ").replace("-", " ").casefold().split())
    return _ALIASES.get(folded)


def _attribute_name(name: str) -> str:
    return name[len(_ATTR) :].strip() if name.lower().startswith(_ATTR) else name.strip()


def meta_for(
    source: RefiSource,
    variables: Mapping[str, RefiVariable],
    cases: Iterable[RefiCase],
    warnings: list[str],
) -> DocumentMeta:
    """The metadata of ``source``: its own values first, then those of the cases covering it.

    ``variables`` is keyed by :func:`~r2pcoder.refi.guids.guid_key`; notes on values that did
    not fit a field, or that two places gave differently, are appended to ``warnings``.
    """
    fields: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    names: list[str] = []
    values: list[RefiVariableValue] = list(source.values)
    for case in cases:
        values.extend(case.values)
        if case.name:
            names.append(case.name)
    for value in values:
        variable = variables.get(guid_key(value.variable))
        if variable is None or not value.value:
            continue
        target = field_for(variable.name)
        text = value.value
        if target == "date" and _DATETIME.match(text):
            text = text[:10]  # a DateTimeValue: the statement's date is its day
        if target is not None and _fits(target, text):
            held = fields.setdefault(target, text)
            if held != text:
                warnings.append(
                    f"source {source.name!r} has two values for {variable.name!r} "
                    f"({held!r} and {text!r}); the first was kept"
                )
            continue
        if target is not None:
            warnings.append(
                f"source {source.name!r}: {variable.name} {value.value!r} does not fit "
                f"the {target} field; kept as an attribute"
            )
        attributes.setdefault(_attribute_name(variable.name), value.value)
    if names:
        attributes.setdefault("case", "; ".join(dict.fromkeys(names)))
    meta = replace(DocumentMeta(attributes=attributes), **fields)
    return replace(meta, title=meta.title or source.name.strip() or "Untitled statement")


def _fits(target: str, value: str) -> bool:
    given: dict[str, Any] = {target: value}
    return not validate_meta(replace(DocumentMeta(), **given))
