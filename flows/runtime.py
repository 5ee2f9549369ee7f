"""How this process talks to Prefect: settings applied once, a warm-up, and a test harness.

Prefect with no ``PREFECT_API_URL`` starts a temporary local server on the first flow call of
a process (6–15 s here, not thread-safe). ``warm_up()`` makes that happen once, from one thread,
before anything else runs flows. Flow heartbeats are switched off through Prefect's settings
API: with them on, every synchronous flow run costs about a second more.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger("lofte.runtime")

_lock = threading.Lock()
_warm = False


def configure_prefect_environment() -> None:
    """Defaults for Prefect in our processes, set before Prefect is imported (caller's env wins).

    Telemetry is off (this machine has no internet, and its write collides with the first
    flow run on the temporary server's SQLite file) and Prefect's INFO chatter stays out of
    a coordinator's terminal.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # All of Löfte's state in its data folder: Prefect's temporary server keeps its database
    # under PREFECT_HOME (default ~/.prefect).
    from config.client import client_settings

    os.environ.setdefault("PREFECT_HOME", str(client_settings().data_dir / "prefect"))
    # The first start in a new data folder creates Prefect's database (about 20 s on two
    # busy cores); its default 20 s timeout would fail a fresh `make run`.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # We run no Prefect tasks in the hot path; on SQLite the recorder stalls flow-run inserts.
    os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "false")


def _fast_settings() -> dict[Any, Any]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    return {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


def _applied(settings: Any) -> bool:
    """Whether ``settings`` already hold what ``_fast_settings`` sets."""
    return all(setting.value_from(settings) == value for setting, value in _fast_settings().items())


def apply_process_settings() -> None:
    """Switch off flow heartbeats for every thread of this process.

    ``temporary_settings`` lives in a context variable, so it would only reach the thread that
    entered it; the API serves requests from a thread pool. Prefect falls back to a
    process-global settings context where a thread has none of its own, so we replace that
    one (the same mechanism Prefect's own test harness uses).
    """
    import prefect.context as prefect_context
    from prefect.context import SettingsContext, get_settings_context

    with _lock:
        current = get_settings_context()
        if current is prefect_context.GLOBAL_SETTINGS_CONTEXT and _applied(current.settings):
            return  # every flow call comes here: copying Prefect's settings costs ~20 ms
        settings = current.settings.copy_with_update(updates=_fast_settings())
        prefect_context.GLOBAL_SETTINGS_CONTEXT = SettingsContext(
            profile=current.profile, settings=settings
        )


def warm_up() -> float:
    """Run one trivial flow so Prefect's (temporary) server is up; returns the seconds it took.

    The first call of a process first stops the temporary servers that killed processes of
    this data folder left running (only those: a live owner's server is never touched), then
    starts this process's own and records it. Later calls return at once, so the clean-up runs
    once per process, before anything is warmed, whichever of the scheduler, the API or a
    command warms first.
    """
    global _warm
    import time

    apply_process_settings()
    with _lock:
        if _warm:
            return 0.0
        temporary = "PREFECT_API_URL" not in os.environ
        if temporary:
            clean_up_orphaned_servers()
            _start_temporary_server_in_its_own_session()
        from prefect import flow

        @flow(name="lofte-warm-up", log_prints=False)
        def _warm_up() -> None:
            return None

        started = time.perf_counter()
        _warm_up()
        _warm = True
        if temporary:
            remember_temporary_server()
        _freeze_startup_objects()
        return time.perf_counter() - started


class _SubprocessInOwnSession:
    """The ``subprocess`` module as Prefect's server module sees it: every process it starts
    gets a session of its own."""

    def __init__(self) -> None:
        import subprocess

        self._real = subprocess

    def Popen(self, *args: Any, **kwargs: Any) -> Any:  # the module's own name
        """``subprocess.Popen`` with ``start_new_session=True``."""
        kwargs.setdefault("start_new_session", True)
        return self._real.Popen(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _start_temporary_server_in_its_own_session() -> None:
    """Start Prefect's temporary server outside the terminal's process group.

    Ctrl-C in a terminal signals every process of its foreground group at once: Prefect's
    server died with the service's, while a scheduled run was still talking to it, and the
    service then hung on shut-down retrying a server that was gone. In a session of its own
    the server only stops when its owner stops it (``stop_temporary_server``), after the
    scheduler and the requests are done; a killed owner's server is stopped by the next
    start (``clean_up_orphaned_servers``). Only the module that starts it is affected.
    """
    from prefect.server.api import server as prefect_server

    if not isinstance(prefect_server.subprocess, _SubprocessInOwnSession):
        prefect_server.subprocess = _SubprocessInOwnSession()  # type: ignore[assignment]


def _freeze_startup_objects() -> None:
    """Keep what start-up built (Prefect, SQLAlchemy, pydantic models) out of the garbage
    collector's full passes: they live as long as the process, and each full pass over them
    paused a page for about 200 ms (bench/web.py's p95, docs/performance.md)."""
    import gc

    gc.collect()
    gc.freeze()


def _data_dir() -> Path:
    from config.client import client_settings

    return client_settings().data_dir


def _temporary_servers() -> list[Any]:
    from prefect.server.api.server import SubprocessASGIServer

    return list(SubprocessASGIServer._instances.values())


def remember_temporary_server() -> None:
    """Record the temporary Prefect server this process started, with this process as its
    owner, so that a start after this process is killed with SIGKILL can stop it."""
    from flows.server_records import write_record

    for server in _temporary_servers():
        if server.server_process is not None:
            write_record(_data_dir(), server.server_process.pid)


def stop_temporary_server() -> None:
    """Stop the temporary Prefect server this process started (SIGTERM reaches us, not it:
    uvicorn re-raises the signal after its graceful shutdown, so atexit never runs)."""
    from flows.server_records import forget_own_record

    for server in _temporary_servers():
        server.stop()
    forget_own_record(_data_dir())


def clean_up_orphaned_servers() -> list[int]:
    """Stop the temporary Prefect servers that processes of this data folder, since killed,
    left running; never one whose owner still runs. Returns the ids of those stopped."""
    from flows.server_records import stop_orphaned_servers

    stopped = stop_orphaned_servers(_data_dir())
    for pid in stopped:
        log.warning("stopped temporary Prefect server %s: the process that owned it is gone", pid)
    return stopped


@contextmanager
def prefect_test_session() -> Iterator[None]:
    """A Prefect test server for a whole test session, with heartbeats off and warmed up."""
    global _warm
    import prefect.context as prefect_context
    from prefect.settings import temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # The harness sets its settings in this thread's context (which beats the process-global
    # one), so this thread gets heartbeats off explicitly; other threads get them below.
    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates=_fast_settings()),
    ):
        before = prefect_context.GLOBAL_SETTINGS_CONTEXT
        _warm = False
        warm_up()
        try:
            yield
        finally:
            prefect_context.GLOBAL_SETTINGS_CONTEXT = before
