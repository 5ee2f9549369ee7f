"""The database engine and sessions, for the embedded SQLite file or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from config.settings import get_settings
from lifecycle.errors import Busy


def _sqlite_pragmas(wait_ms: int) -> Any:
    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets the scheduler, the API and a CLI read while one of them writes; foreign
        # keys are off by default in SQLite; busy_timeout makes a second writer wait (at most
        # ``lock_wait_seconds``) instead of failing at once.
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={wait_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return pragmas


def make_engine(url: str, *, read_only: bool = False, lock_wait: float | None = None) -> Engine:
    """Create an engine for ``url`` with the settings each backend needs.

    ``read_only`` (SQLite): transactions begin deferred, so reads never queue behind, or
    block, a writer (WAL lets them read the last committed state meanwhile).
    ``lock_wait``: seconds a write waits for another writer's lock before ``Busy`` (default:
    the ``lock_wait_seconds`` setting; 0: not at all).
    """
    wait = get_settings().lock_wait_seconds if lock_wait is None else lock_wait
    wait_ms = int(wait * 1000)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": wait})
        event.listen(engine, "connect", _sqlite_pragmas(wait_ms))
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so that a
        # read-then-write transaction takes the write lock up front (no upgrade deadlocks).
        begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    # PostgreSQL: readers never wait for writers (MVCC); a write waits for a row lock at most
    # this long (lock_timeout 0 would mean "forever", so "not at all" is 1 ms).
    options = f"-c lock_timeout={max(wait_ms, 1)}"
    pool = (
        {"pool_size": 2, "max_overflow": 2}
        if lock_wait == 0
        else {"pool_size": 10, "max_overflow": 10}
    )
    return create_engine(url, pool_pre_ping=True, connect_args={"options": options}, **pool)


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured database)."""
    return make_engine(url or get_settings().effective_database_url)


@lru_cache(maxsize=4)
def get_read_engine(url: str | None = None) -> Engine:
    """The engine for read-only work: on SQLite one whose transactions take no write lock."""
    url = url or get_settings().effective_database_url
    if make_url(url).get_backend_name() != "sqlite":
        return get_engine(url)
    return make_engine(url, read_only=True)


def get_nowait_engine(url: str | None = None) -> Engine:
    """The engine for best-effort writes (a token's "last used"): it never waits for a lock."""
    return _nowait_engine(url or get_settings().effective_database_url)


@lru_cache(maxsize=4)
def _nowait_engine(url: str) -> Engine:
    return make_engine(url, lock_wait=0)


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether ``exc`` is another writer's lock not given up in time (SQLite busy or locked,
    PostgreSQL's lock_timeout)."""
    from sqlalchemy.exc import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) == "55P03":  # lock_not_available
        return True
    text = str(orig or exc).lower()
    return (
        "database is locked" in text
        or "database is busy" in text
        or "database table is locked" in text
    )


@contextmanager
def read_scope() -> Iterator[Session]:
    """A session for reading only: it never takes SQLite's write lock and never commits."""
    with Session(get_read_engine(), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any exception.

    A write lock that another writer does not give up within ``lock_wait_seconds`` is
    ``Busy`` (HTTP 503, "try again"), with nothing written.
    """
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            if is_lock_timeout(exc):
                raise Busy() from exc
            raise


def write_if_free(work: Callable[[Session], object]) -> bool:
    """Run ``work`` in its own transaction if the write lock is free at once; else skip it.

    For bookkeeping that must never make a request wait (a token's or a session's "last
    used" stamp): True if it was written, False if another writer held the lock.
    """
    try:
        with session_scope(get_nowait_engine()) as session:
            work(session)
        return True
    except Busy:
        return False


def insert_if_new(
    session: Session, table: Any, values: dict[str, Any], unique: list[str]
) -> Any | None:
    """INSERT ``values`` into ``table`` unless a row with the same ``unique`` columns exists;
    the new row's id, or None when one was there already.

    The one place that knows both databases' spelling of INSERT ... ON CONFLICT DO NOTHING
    (SQLite's and PostgreSQL's are separate constructs in SQLAlchemy). RETURNING, not the
    rowcount, says whether the row went in: psycopg 3 reports -1 rows either way.
    """
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    stmt = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique)
        .returning(table.__table__.c.id)
    )
    found = session.execute(stmt).first()
    return None if found is None else found[0]
