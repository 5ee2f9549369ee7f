"""The suite's own PostgreSQL database is emptied between tests down to its catalogues, with
every id sequence back at 1 (tests/conftest.py), whatever the test before wrote."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from tests import demo_copy
from tests.conftest import CATALOGUE_TABLES, _empty_pg
from tests.helpers import new_promise


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_emptying_keeps_the_catalogues_and_restarts_every_id(db) -> None:
    demo_copy.demo_region(date(2026, 11, 22))  # rows in most tables
    with db.engine.begin() as conn:
        conn.execute(text("insert into apscheduler_jobs (id, job_state) values ('j', '')"))
        regions = conn.execute(text("select count(*) from region")).scalar_one()
    assert regions > 0

    _empty_pg(db.engine)

    with db.engine.connect() as conn:
        left = {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
            if name not in CATALOGUE_TABLES
        }
        left["apscheduler_jobs"] = conn.execute(
            text("select count(*) from apscheduler_jobs")
        ).scalar_one()
        assert conn.execute(text("select count(*) from region")).scalar_one() == regions
    assert {name: n for name, n in left.items() if n} == {}
    assert new_promise() == 1
