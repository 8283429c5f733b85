"""The queries a million codings meet use the indexes made for them (EXPLAIN QUERY PLAN)."""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from tests.conftest import TemplateIds
from tests.core.test_merge import code, make_packets

from r2pcoder import glance
from r2pcoder.coding import CodingRequest
from r2pcoder.db import Project
from r2pcoder.merge import merge_packets
from r2pcoder.review import board

Plan = list[tuple[str, list[str]]]


@contextmanager
def _recorded(project: Project) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the project's engine runs meanwhile, with its (first) parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, many: bool) -> None:
        seen.append((sql, params[0] if many and params else params))

    event.listen(project.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(project.engine, "before_cursor_execute", record)


def _plans(path: Path, statements: list[tuple[str, Any]]) -> Plan:
    conn = sqlite3.connect(path)
    try:
        return [
            (sql, [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params or ())])
            for sql, params in statements
            if sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"))
        ]
    finally:
        conn.close()


def _scans_of_codings(plans: Plan) -> list[tuple[str, str]]:
    return [
        (sql, step) for sql, steps in plans for step in steps if step.startswith("SCAN codings")
    ]


def _coded(project: Project, ids: TemplateIds) -> None:
    theme = project.codebook.themes()[0].id
    for doc in ids.documents:
        for coder in ids.coders:
            project.codings.apply(CodingRequest(doc, coder, theme, 0, 4))


def _during(project: Project, call: Callable[[], object]) -> Plan:
    with _recorded(project) as seen:
        call()
    return _plans(project.path, seen)


def test_one_coders_statuses_counts_and_list_use_the_coder_index(
    project: Project, ids: TemplateIds
) -> None:
    _coded(project, ids)
    ana = ids.coders[0]
    calls = {
        "statuses": lambda: project.documents.statuses(ana),
        "count": lambda: project.codings.count(ana),
        "list": lambda: list(project.codings.listing(coder_id=ana)),
    }
    for name, call in calls.items():
        plans = _during(project, call)
        steps = [step for _sql, found in plans for step in found]
        assert any("ix_codings_coder (coder_id=?)" in step for step in steps), (name, steps)
        assert _scans_of_codings(plans) == [], name


def test_a_glance_counts_each_coders_codings_from_the_coder_index(project_path: Path) -> None:
    conn = sqlite3.connect(project_path)
    steps = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {glance._CODERS}")]
    conn.close()
    assert "SEARCH c USING COVERING INDEX ix_codings_coder (coder_id=?)" in steps


def test_a_re_merge_never_scans_the_codings_of_the_master(
    project_path: Path, tmp_path: Path
) -> None:
    packets = make_packets(project_path, tmp_path / "out", "Ana", "Ben")
    code(packets["Ana"], (0, 0, 5), (1, 2, 9))
    code(packets["Ben"], (0, 1, 6))
    with Project(project_path) as master:
        merge_packets(master, list(packets.values()))
    code(packets["Ana"], (2, 0, 3))  # Ana's file changed: read, compared and written again
    with Project(project_path) as master:
        plans = _during(master, lambda: merge_packets(master, list(packets.values())))
    assert any("INSERT INTO codings" in sql for sql, _ in plans)
    steps = [step for _sql, found in plans for step in found]
    assert any("ix_codings_coder (coder_id=?)" in step for step in steps)
    assert _scans_of_codings(plans) == []


def test_who_coded_a_cell_first_is_read_per_statement_not_per_theme(project_path: Path) -> None:
    # Per cell over the theme index, this walked a theme's codings once per cell: 78 s for the
    # 23,140 cells of a master of 200,000 codings, where one pass per statement takes a second.
    conn = sqlite3.connect(project_path)
    try:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {board._FIRST}", ("[1]",))]
    finally:
        conn.close()
    assert any("USING INDEX ix_codings_document (document_id=?)" in step for step in plan), plan
    assert not any("ix_codings_theme" in step or step.startswith("SCAN c") for step in plan)
