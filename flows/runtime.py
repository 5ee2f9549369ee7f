"""How this process talks to Prefect: settings applied once, a warm-up, and a test harness.

Prefect with no ``PREFECT_API_URL`` starts a temporary local server on the first flow call of
a process (6–15 s here, not thread-safe). ``warm_up()`` makes that happen once, from one thread,
before anything else runs flows. Flow heartbeats are switched off through Prefect's settings
API: with them on, every synchronous flow run costs about a second more.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_warm = False


def configure_prefect_environment() -> None:
    """Defaults for Prefect in our processes, set before Prefect is imported (caller's env wins).

    Telemetry is off (this machine has no internet, and its write collides with the first
    flow run on the temporary server's SQLite file) and Prefect's INFO chatter stays out of
    a coordinator's terminal.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # We run no Prefect tasks in the hot path; on SQLite the recorder stalls flow-run inserts.
    os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "false")


def _fast_settings() -> dict[Any, Any]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    return {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


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
        settings = current.settings.copy_with_update(updates=_fast_settings())
        prefect_context.GLOBAL_SETTINGS_CONTEXT = SettingsContext(
            profile=current.profile, settings=settings
        )


def warm_up() -> float:
    """Run one trivial flow so Prefect's (temporary) server is up; returns the seconds it took."""
    global _warm
    import time

    apply_process_settings()
    with _lock:
        if _warm:
            return 0.0
        from prefect import flow

        @flow(name="lofte-warm-up", log_prints=False)
        def _warm_up() -> None:
            return None

        started = time.perf_counter()
        _warm_up()
        _warm = True
        return time.perf_counter() - started


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
