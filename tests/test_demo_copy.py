"""The demo region a test gets from tests/demo_copy.py is the real build, row for row, and the
test's own rows get ids after it (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete

from tests import demo_copy
from tests.conftest import _empty_pg, data_tables
from tests.helpers import new_promise

DAY = date(2026, 11, 22)


def test_a_copied_demo_region_is_the_build_row_for_row(db) -> None:
    demo_copy.demo_region(DAY)  # built here, or copied from this run's build
    built = demo_copy._read_rows(db.engine)
    # Back to a fresh database (on PostgreSQL with its id sequences at 1 again): the next
    # call copies.
    if db.backend == "postgres":
        _empty_pg(db.engine)
    else:
        with db.engine.begin() as conn:
            for table in reversed(data_tables()):
                conn.execute(delete(table))

    report = demo_copy.demo_region(DAY)

    assert demo_copy._read_rows(db.engine) == built
    assert report["promises"] == len(built["promise"]) >= 14
    largest = max(row["id"] for row in built["promise"])
    assert new_promise(municipality="Solna") > largest
