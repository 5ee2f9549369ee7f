"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and one Prefect harness.

Every test that asks for ``db`` runs twice, once per backend. PostgreSQL is the local server
(127.0.0.1:5432, database ``test``, or ``LOFTE_TEST_POSTGRES_URL``); each test session works
in a database of its own created there, so parallel sessions never meet. Where PostgreSQL is
not reachable its tests are skipped with the reason shown, unless ``LOFTE_REQUIRE_POSTGRES=1``
(set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url

from config.settings import reset_settings
from flows.runtime import configure_prefect_environment
from models.db import get_engine, get_read_engine, make_engine

configure_prefect_environment()

PG_ADMIN_URL = os.environ.get(
    "LOFTE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("LOFTE_REQUIRE_POSTGRES") == "1"


@dataclass
class Database:
    """A migrated test database with the catalogues loaded."""

    backend: str
    url: str
    engine: Engine


def _pg_reachable() -> str | None:
    try:
        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}: {exc}"


def _prepare(engine: Engine) -> None:
    from config.catalogue import get_catalogue
    from models.catalogue_loader import load_catalogue_into
    from models.db import session_scope
    from models.migrate import upgrade

    upgrade(engine)
    with session_scope(engine) as session:
        load_catalogue_into(session, get_catalogue())


# What a test marked `fast` may not ask for: the database, Prefect, a browser, a served app.
_SLOW_FIXTURES = {"db", "prefect_harness", "browser", "page", "server", "world", "receiver"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The fast, pure tests first (the order is otherwise kept), so a broken rule fails within
    seconds of `make test`; a `fast` test that asks for a slow fixture is a collection error."""
    for item in items:
        if item.get_closest_marker("fast"):
            slow = _SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ()))
            if slow:
                raise pytest.UsageError(
                    f"{item.nodeid} is marked fast but uses {', '.join(sorted(slow))}"
                )
        # Under pytest-xdist (``make test``), the end-to-end tests go to one worker, one after
        # another: `make run` needs port 8470 in CI and the topology its fixed ports. Everything
        # else is safe side by side: each worker has its own session, so its own SQLite
        # template, PostgreSQL database (named by process) and Prefect harness.
        if item.get_closest_marker("smoke") or item.get_closest_marker("topology"):
            item.add_marker(pytest.mark.xdist_group("end-to-end"))
    items.sort(key=lambda item: item.get_closest_marker("fast") is None)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    _prepare(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str]:
    reason = _pg_reachable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(f"LOFTE_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    name = f"lofte_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A commit of a test need not wait for its WAL on disk: only a crash of PostgreSQL
        # itself could lose one (none of the tests crash it), and the suite commits thousands.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    _prepare(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# What a fresh test database holds from the start: the migrations' mark and the catalogue.
CATALOGUE_TABLES = {"alembic_version", "region", "priorityarea"}


@cache
def data_tables() -> list[Table]:
    """The tables a test writes (all but the catalogues), parents before children."""
    from sqlmodel import SQLModel

    import models  # noqa: F401  (every table registered)

    return [t for t in SQLModel.metadata.sorted_tables if t.name not in CATALOGUE_TABLES]


_cleanup_sql: dict[str, str] = {}


def _pg_cleanup_sql(conn: Connection) -> str:
    """What empties a PostgreSQL test database down to its catalogues: a DELETE per table,
    children first, and each of those tables' id sequences back to 1. On tables of a few
    rows this takes about 15 ms, where one TRUNCATE of all of them took about 90 ms (it makes
    new files for every table and index). Read from the database once per database."""
    key = conn.engine.url.render_as_string(hide_password=False)
    if key in _cleanup_sql:
        return _cleanup_sql[key]
    modelled = {t.name for t in data_tables()} | CATALOGUE_TABLES
    # Tables the migrations make beside the models (APScheduler's job store) are emptied too.
    extra = [
        name
        for (name,) in conn.execute(
            text("select tablename from pg_tables where schemaname = current_schema()")
        )
        if name not in modelled
    ]
    owned = conn.execute(
        text(
            "select s.relname, t.relname from pg_class s "
            "join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i') "
            "join pg_class t on t.oid = d.refobjid "
            "where s.relkind = 'S'"
        )
    ).all()
    statements = [f'DELETE FROM "{name}"' for name in extra]
    statements += [f'DELETE FROM "{t.name}"' for t in reversed(data_tables())]
    statements += [
        f'ALTER SEQUENCE "{seq}" RESTART' for seq, table in owned if table not in CATALOGUE_TABLES
    ]
    _cleanup_sql[key] = ";\n".join(statements)
    return _cleanup_sql[key]


def _empty_pg(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(_pg_cleanup_sql(conn))


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("LOFTE_DATABASE_URL", url)
    reset_settings()
    get_engine.cache_clear()
    get_read_engine.cache_clear()
    return get_engine()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    """A fresh, migrated database with the catalogues loaded, made the configured one."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "lofte.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        engine = _use(url, monkeypatch)
    else:
        url = request.getfixturevalue("_pg_database")
        engine = _use(url, monkeypatch)
        _empty_pg(engine)
    yield Database(request.param, url, engine)
    engine.dispose()
    get_engine.cache_clear()
    get_read_engine.cache_clear()
    reset_settings()


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data dir and no stray LOFTE_* settings from the shell."""
    for key in list(os.environ):
        if key.startswith("LOFTE_") and key not in (
            "LOFTE_TEST_POSTGRES_URL",
            "LOFTE_REQUIRE_POSTGRES",
        ):
            monkeypatch.delenv(key)
    monkeypatch.setenv("LOFTE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOFTE_USE_SERVICE", "false")
    reset_settings()
    yield
    reset_settings()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test server for the whole session (starting one costs ~10 s)."""
    from flows.runtime import prefect_test_session

    with prefect_test_session():
        yield


@pytest.fixture(scope="session", autouse=True)
def _demo_builds_shared(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under pytest-xdist, the workers of one run share their builds of the demo region
    (tests/demo_copy.py) in the run's temporary folder, which each worker's is inside."""
    from tests import demo_copy

    if os.environ.get("PYTEST_XDIST_WORKER"):
        demo_copy.shared_folder = tmp_path_factory.getbasetemp().parent / "demo-region"
