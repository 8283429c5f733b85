"""``r2pcoder init | info | import | coder | codebook``: set up a project from the command line.

The database layer and the file readers are loaded by the commands that use them, so that
``--help`` and a refused file cost no more than Python's own start. Must not import Qt or ``ui``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from r2pcoder.cli.commands import add_command
from r2pcoder.cli.common import EXIT_PARTIAL, add_json_flag, emit, open_project, project_arg
from r2pcoder.codebook import load_codebook, save_codebook
from r2pcoder.errors import R2pError
from r2pcoder.metadata import REGIONAL_GROUPS, DocumentMeta
from r2pcoder.wording import counted

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the project set-up commands."""
    init = add_command(sub, "init")
    project_arg(init)
    init.add_argument("--name", default="", help="project name (default: the file name)")
    init.add_argument("--codebook", type=Path, help="codebook file to load at once")
    add_json_flag(init)
    init.set_defaults(handler=_init)

    info = add_command(sub, "info")
    project_arg(info)
    add_json_flag(info)
    info.set_defaults(handler=_info)

    _register_import(sub)
    _register_coder(sub)
    _register_codebook(sub)


def _init(args: argparse.Namespace) -> int:
    from r2pcoder.db import Project  # noqa: PLC0415 - see the module docstring

    codebook = load_codebook(args.codebook) if args.codebook else None
    with Project.create(args.project, name=args.name) as project:
        if codebook is not None:
            project.codebook.load(codebook)
        info = project.info
    data = {
        "file": str(args.project),
        "uuid": info.uuid,
        "name": info.name,
        "codebook": info.codebook_id or None,
    }
    emit(args, data, [f"Created {args.project} ({info.uuid})."])
    return 0


def _info(args: argparse.Namespace) -> int:
    # A glance at the file (see r2pcoder.glance); one of an older schema is upgraded first, as
    # opening it always does.
    from r2pcoder.glance import glance  # noqa: PLC0415 - see the module docstring
    from r2pcoder.migrations import SCHEMA_VERSION, check_file  # noqa: PLC0415

    if check_file(args.project).user_version != SCHEMA_VERSION:
        open_project(args.project).close()
    seen = glance(args.project)
    coder_rows: list[dict[str, Any]] = [
        {"uuid": c.uuid, "name": c.name, "codings": c.codings} for c in seen.coders
    ]
    data: dict[str, Any] = {
        "uuid": seen.uuid,
        "name": seen.name,
        "role": seen.role,
        "codebook": {
            "id": seen.codebook_id,
            "name": seen.codebook_name,
            "version": seen.codebook_version,
        },
        "themes": seen.themes,
        "stances": seen.stances,
        "documents": seen.documents,
        "coders": coder_rows,
        "codings": seen.codings,
    }
    lines = [
        f"{seen.name} ({seen.role}, {seen.uuid})",
        f"Codebook: {seen.codebook_name or 'none loaded'} {seen.codebook_version}".rstrip(),
        f"{counted(seen.themes, 'theme')}, {counted(seen.stances, 'stance')}, "
        f"{counted(seen.documents, 'statement')}, {counted(seen.codings, 'coding')}",
        *(f"  coder {c['name']}: {counted(c['codings'], 'coding')}" for c in coder_rows),
    ]
    emit(args, data, lines)
    return 0


def _register_import(sub: Any) -> None:
    imp = add_command(
        sub,
        "import",
        description="Import statements. Metadata comes from a CSV (one row per file, a 'file' "
        "column plus title, speaker, on_behalf_of, regional_group, date, event, doc_type, "
        "attr:<name>) and/or the options below, which fill what the CSV leaves empty. Exit "
        f"code {EXIT_PARTIAL} when some files were refused.",
    )
    project_arg(imp)
    imp.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    imp.add_argument("--metadata", type=Path, help="metadata CSV (alone: import what it lists)")
    for name in ("title", "speaker", "on-behalf-of", "date", "event", "doc-type"):
        imp.add_argument(f"--{name}", default="", help=f"{name.replace('-', ' ')} for every file")
    imp.add_argument(
        "--regional-group",
        default="",
        choices=REGIONAL_GROUPS,
        metavar="GROUP",
        help=f"regional group for every file: {', '.join(REGIONAL_GROUPS)} (left empty, it is "
        "taken from a speaker that is a UN Member or observer State)",
    )
    add_json_flag(imp)
    imp.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    if not args.paths and args.metadata is None:
        raise R2pError("Nothing to import: give files, folders, or --metadata.")
    defaults = DocumentMeta(
        title=args.title,
        speaker=args.speaker,
        on_behalf_of=args.on_behalf_of,
        date=args.date,
        event=args.event,
        doc_type=args.doc_type,
        regional_group=args.regional_group,
    )
    from r2pcoder.importer import import_files  # noqa: PLC0415 - see the module docstring

    with open_project(args.project) as project:
        report = import_files(project, args.paths, metadata_csv=args.metadata, defaults=defaults)
    emit(args, report.to_dict(), report.summary())
    if report.failed:
        return EXIT_PARTIAL if report.imported else 1
    return 0


def _register_coder(sub: Any) -> None:
    coder = add_command(sub, "coder")
    actions = coder.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a coder")
    project_arg(add)
    add.add_argument("name")
    add_json_flag(add)
    add.set_defaults(handler=_coder_add)
    lst = actions.add_parser("list", help="list coders")
    project_arg(lst)
    add_json_flag(lst)
    lst.set_defaults(handler=_coder_list)


def _coder_add(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        coder = project.coders.add(args.name)
    emit(args, vars(coder), [f"Added coder {coder.name} ({coder.uuid})."])
    return 0


def _coder_list(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        coders = project.coders.list()
    emit(args, [vars(c) for c in coders], [f"{c.name}\t{c.uuid}" for c in coders])
    return 0


def _register_codebook(sub: Any) -> None:
    cb = add_command(sub, "codebook")
    actions = cb.add_subparsers(dest="action", required=True, metavar="ACTION")
    val = actions.add_parser("validate", help="check a codebook file and list every problem")
    val.add_argument("file", type=Path)
    add_json_flag(val)
    val.set_defaults(handler=_codebook_validate)
    load = actions.add_parser("load", help="load (or revise) the project's codebook")
    project_arg(load)
    load.add_argument("file", type=Path)
    add_json_flag(load)
    load.set_defaults(handler=_codebook_load)
    export = actions.add_parser("export", help="write the project's codebook to a YAML file")
    project_arg(export)
    export.add_argument("file", type=Path)
    add_json_flag(export)
    export.set_defaults(handler=_codebook_export)


def _codebook_validate(args: argparse.Namespace) -> int:
    from r2pcoder.errors import CodebookInvalid  # noqa: PLC0415

    try:
        codebook = load_codebook(args.file)
    except CodebookInvalid as exc:
        problems = [str(p) for p in exc.problems]
        emit(
            args,
            {"valid": False, "problems": problems},
            [f"{args.file} has {counted(len(problems), 'problem')}:", *problems],
        )
        return 1
    themes = sum(1 for _ in codebook.walk())
    stances = len(codebook.stances.stances)
    emit(
        args,
        {"valid": True, "themes": themes, "stances": stances},
        [f"{args.file} is valid: {counted(themes, 'theme')}, {counted(stances, 'stance')}."],
    )
    return 0


def _codebook_load(args: argparse.Namespace) -> int:
    codebook = load_codebook(args.file)
    with open_project(args.project) as project:
        report = project.codebook.load(codebook)
    lines = report.summary()
    emit(args, {"changes": lines, "retired": dict(report.retired)}, lines)
    return 0


def _codebook_export(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        codebook = project.codebook.current()
    if codebook is None:
        raise R2pError(f"{args.project.name} has no codebook yet; load one first.")
    save_codebook(codebook, args.file)
    emit(
        args,
        {"file": str(args.file), "id": codebook.id, "version": codebook.version},
        [f"Wrote {args.file}."],
    )
    return 0
