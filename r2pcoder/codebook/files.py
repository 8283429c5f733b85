"""Codebook files: decoding YAML/JSON text, writing YAML in the nested form, atomic saves.

Validation is not done here: :func:`r2pcoder.codebook.load_codebook` passes what
:func:`read_codebook_data` decodes to ``parse_codebook``. Reading a written file gives back an equal
codebook. Everything public is re-exported by :mod:`r2pcoder.codebook`. Pure: must not import Qt or
``ui``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from r2pcoder.codebook.model import CODEBOOK_SCHEMA_VERSION, THEME_TEXT, Codebook, Theme
from r2pcoder.errors import CodebookInvalid, CodebookProblem

__all__ = ["codebook_data", "dump_codebook", "read_codebook_data", "save_codebook"]

_SUFFIXES = (".yaml", ".yml", ".json")


def _theme_data(theme: Theme) -> dict[str, Any]:
    data: dict[str, Any] = {"id": theme.id, "name": theme.name}
    data.update((key, getattr(theme, key)) for key in THEME_TEXT if getattr(theme, key))
    data["color"] = theme.color
    if theme.shortcut is not None:
        data["shortcut"] = theme.shortcut
    if theme.children:
        data["children"] = [_theme_data(c) for c in theme.children]
    return data


def codebook_data(codebook: Codebook) -> dict[str, Any]:
    """Return the plain mapping (file format, nested form) that represents ``codebook``."""
    stances = []
    for stance in codebook.stances.stances:
        entry: dict[str, Any] = {"id": stance.id, "name": stance.name}
        if stance.definition:
            entry["definition"] = stance.definition
        entry["color"] = stance.color
        if stance.shortcut is not None:
            entry["shortcut"] = stance.shortcut
        stances.append(entry)
    return {
        "schema_version": CODEBOOK_SCHEMA_VERSION,
        "id": codebook.id,
        "name": codebook.name,
        "version": codebook.version,
        "description": codebook.description,
        "stances": {"ordinal": codebook.stances.ordinal, "values": stances},
        "themes": [_theme_data(t) for t in codebook.themes],
    }


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice instead of silently keeping the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_MAX_NODES = 100_000
"""Entries a codebook file may expand to, counting each use of an alias (*name) in full."""
_MAX_DEPTH = 100
"""Levels a codebook file may nest; a theme tree is a handful deep."""
_TOO_DEEP = CodebookProblem("file", f"it nests more than {_MAX_DEPTH} levels deep")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_graph(root: yaml.Node, source: str) -> None:
    """Refuse YAML whose anchors contain themselves, or whose aliases expand it without end.

    An alias used inside its own anchor (``themes: &t [{children: *t}]``) builds a structure
    that contains itself, and nested aliases can multiply a small file a billion times (the
    "billion laughs" of XML); either would make every later walk of the codebook run forever.
    The composed node graph is walked once, depth first, counting every entry an alias brings in.
    """
    visits = 0
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, list[yaml.Node]]] = []

    def enter(node: yaml.Node) -> None:
        nonlocal visits
        visits += 1
        if visits > _MAX_NODES:
            message = f"its aliases (*name) expand it to more than {_MAX_NODES:,} entries"
            raise CodebookInvalid(source, [CodebookProblem("file", message)])
        if not isinstance(node, yaml.CollectionNode):
            return
        if id(node) in on_path:
            where = f"line {node.start_mark.line + 1}"
            message = "this anchor (&name) is used inside itself through an alias (*name)"
            raise CodebookInvalid(source, [CodebookProblem(where, message)])
        if len(stack) >= _MAX_DEPTH:
            raise CodebookInvalid(source, [_TOO_DEEP])
        on_path.add(id(node))
        stack.append((node, _children(node)[::-1]))

    enter(root)
    while stack:
        node, pending = stack[-1]
        if pending:
            enter(pending.pop())
        else:
            stack.pop()
            on_path.discard(id(node))


def _check_depth(data: object, source: str) -> None:
    """Refuse decoded JSON that nests deeper than :data:`_MAX_DEPTH` (walked without recursion)."""
    level: list[object] = [data]
    for _ in range(_MAX_DEPTH + 1):
        below: list[object] = []
        for item in level:
            if isinstance(item, dict):
                below.extend(item.values())
            elif isinstance(item, list):
                below.extend(item)
        if not below:
            return
        level = below
    raise CodebookInvalid(source, [_TOO_DEEP])


def _load_yaml(text: str, source: str) -> object:
    loader = _StrictLoader(text)  # a SafeLoader subclass
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check_graph(root, source)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _decode(text: str, suffix: str, source: str) -> object:
    try:
        if suffix == ".json":
            data = json.loads(text)
            _check_depth(data, source)
            return data
        return _load_yaml(text, source)
    except RecursionError:  # the parsers recurse once per level of nesting
        problem = _TOO_DEEP
    except json.JSONDecodeError as exc:
        problem = CodebookProblem(f"line {exc.lineno}", f"not valid JSON: {exc.msg}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        problem = CodebookProblem(where, f"not valid YAML: {getattr(exc, 'problem', None) or exc}")
    raise CodebookInvalid(source, [problem])


def read_codebook_data(path: Path) -> object:
    """Read a codebook file and decode it as YAML or JSON (by suffix), without validating it.

    Raises:
        CodebookInvalid: if the suffix is not ``.yaml``, ``.yml`` or ``.json``, or the file cannot
            be read, is not UTF-8, or is not well-formed (with the line of the first error).
    """
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise CodebookInvalid(source, [CodebookProblem("file", "must end in .yaml, .yml or .json")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookInvalid(source, [CodebookProblem("file", "is not UTF-8 text")]) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CodebookInvalid(
            source, [CodebookProblem("file", f"cannot be read: {reason}")]
        ) from exc
    return _decode(text, suffix, source)


# Line breaks YAML recognises besides \n; a reader would turn them into \n or a space.
_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks so that hand-edited files stay readable."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(ch in value for ch in _ODD_BREAKS):
        style = '"'  # only double quotes keep these breaks; a block or plain scalar would fold them
    elif "\n" in value:
        style = "|"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_codebook(codebook: Codebook) -> str:
    """Return the codebook as YAML text in the nested form; ``parse`` of it gives it back."""
    return yaml.dump(
        codebook_data(codebook), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def save_codebook(codebook: Codebook, path: Path) -> None:
    """Write the codebook to ``path`` (JSON if it ends in ``.json``, else YAML) atomically.

    The text goes to a temporary file in the same folder, which then replaces ``path``, so a
    crash never leaves a half-written codebook.
    """
    if path.suffix.lower() == ".json":
        text = json.dumps(codebook_data(codebook), ensure_ascii=False, indent=2) + "\n"
    else:
        text = dump_codebook(codebook)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
