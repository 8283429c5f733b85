from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
    type_coerce,
)

from r2pcoder.schema import UtcDateTime

MOMENTS = [
    datetime(2026, 1, 15, 9, 30, tzinfo=UTC),  # no microseconds: still six digits
    datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=timezone(timedelta(hours=5))),  # 28 February
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),  # a year of three digits
    datetime(2020, 2, 29, 23, 59, 59),  # naive: taken as UTC
]


@pytest.fixture
def table() -> tuple[object, Table]:
    engine = create_engine("sqlite://")
    meta = MetaData()
    t = Table(
        "t",
        meta,
        Column("id", Integer, primary_key=True),
        Column("ours", UtcDateTime()),
        Column("generic", DateTime()),
    )
    meta.create_all(engine)
    return engine, t


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_timestamp_is_stored_as_sqlalchemys_datetime_stores_it_and_read_back_in_utc(
    table: tuple[object, Table], moment: datetime
) -> None:
    engine, t = table
    naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(insert(t).values(ours=moment, generic=naive))
        ours, generic, stored, expected = conn.execute(
            select(
                t.c.ours,
                t.c.generic,
                type_coerce(t.c.ours, String),
                type_coerce(t.c.generic, String),
            )
        ).one()
    assert stored == expected
    assert len(stored) == 26
    assert ours == naive.replace(tzinfo=UTC) == generic.replace(tzinfo=UTC)
    assert ours.tzinfo is UTC


def test_a_timestamp_that_is_not_a_datetime_is_refused(table: tuple[object, Table]) -> None:
    engine, t = table
    with engine.begin() as conn, pytest.raises(Exception, match="must be a datetime"):  # type: ignore[attr-defined]
        conn.execute(insert(t).values(ours="2026-01-01 00:00:00.000000"))
