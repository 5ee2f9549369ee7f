"""The demo region for tests that read it: built once per test session, then copied.

``lofte demo`` builds thirty promises through the use cases, as coordinators would: six to
ten seconds a time, and about a third of the test workers' time when every test that reads
the demo built it anew. ``demo_region(day)`` runs the real ``load_demo`` the first time a
test run asks for a day (on each database backend, with the same settings), keeps every row
it wrote, and writes those rows into the next test's fresh database instead of building
again; the parallel workers of one run share the builds. The rows are the same ones ``load_demo`` wrote, read back through the schema, so a
test reads what the demo writes; ``load_demo`` itself is still tested as itself (its second
run, an interrupted run, every commit of a run: tests/test_demo_and_api.py,
tests/test_demo_resume.py, tests/test_promise_status.py).

A database that already holds anything beyond the catalogues gets a real ``load_demo``: what
the demo makes of an existing region is then the question.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, func, select, text
from sqlalchemy.engine import Connection, Engine

from models.db import get_engine
from tests.conftest import data_tables

# Settings that only say where things live: the copy goes to this test's database and folder.
_WHERE = {"LOFTE_DATABASE_URL", "LOFTE_DATA_DIR"}

_Build = tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]  # the report and the rows
_built: dict[tuple[Any, ...], _Build] = {}
# Under pytest-xdist, the folder the workers share (tests/conftest.py sets it): the first
# worker to need a build makes it and leaves it there, the others wait for it and read it.
shared_folder: Path | None = None


def demo_region(day: date | None = None) -> dict[str, Any]:
    """``load_demo(day)`` on the configured database, copied from this run's first build of
    the same day and settings when there is one; returns ``load_demo``'s report."""
    from application.demo import load_demo
    from config.clock import local_today

    engine = get_engine()
    if not _holds_only_the_catalogue(engine):
        return load_demo(day)
    settings = sorted(
        (k, v) for k, v in os.environ.items() if k.startswith("LOFTE_") and k not in _WHERE
    )
    key = (engine.dialect.name, day or local_today(), tuple(settings))
    build = _built.get(key)
    if build is None:
        with _shared(key) as stored:
            if stored is None or not stored.exists():
                report = load_demo(day)  # the first build of this run: the real thing
                _built[key] = (copy.deepcopy(report), _read_rows(engine))
                if stored is not None:
                    partial = stored.with_suffix(".partial")
                    partial.write_bytes(pickle.dumps(_built[key]))
                    partial.replace(stored)
                return report
            build = _built[key] = pickle.loads(stored.read_bytes())
    report, rows = build
    _write_rows(engine, rows)
    return copy.deepcopy(report)


@contextmanager
def _shared(key: tuple[Any, ...]) -> Iterator[Path | None]:
    """The shared file of ``key``'s build, held under a lock (None without a shared folder)."""
    if shared_folder is None:
        yield None
        return
    shared_folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:20]
    with (shared_folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield shared_folder / f"{name}.pickle"


def _holds_only_the_catalogue(engine: Engine) -> bool:
    with engine.connect() as conn:
        return all(
            conn.execute(select(func.count()).select_from(t)).scalar_one() == 0
            for t in data_tables()
        )


def _read_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        # In key order, so a row that refers to an earlier one of its table (a renewed promise
        # to the one before) is written after it.
        return {
            t.name: [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key)).mappings()]
            for t in data_tables()
        }


def _write_rows(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    with engine.begin() as conn:
        for table in data_tables():
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
        if engine.dialect.name == "postgresql":
            _advance_sequences(conn)


def _advance_sequences(conn: Connection) -> None:
    """PostgreSQL hands out ids from sequences that explicit ids do not move: set each to the
    largest id copied, so the test's own rows get new ones (SQLite takes max + 1 by itself)."""
    for table in data_tables():
        if "id" not in table.c or not isinstance(table.c.id.type, Integer):
            continue  # no sequence: a key given by the row itself (a session id, a token)
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'COALESCE(MAX(id), 0) + 1, false) FROM "{table.name}"'
            )
        )
