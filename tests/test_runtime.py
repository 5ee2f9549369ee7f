"""Prefect runs with heartbeats off in every thread of a process (each costs ~1 s a run)."""

from __future__ import annotations

import threading


def test_heartbeats_are_off_in_other_threads_too(prefect_harness) -> None:
    from prefect.settings import get_current_settings

    seen: list[object] = []
    thread = threading.Thread(
        target=lambda: seen.append(get_current_settings().flows.heartbeat_frequency)
    )
    thread.start()
    thread.join()
    assert seen == [None]
    assert get_current_settings().flows.heartbeat_frequency is None


def test_settings_are_copied_once_not_on_every_flow_call(prefect_harness) -> None:
    """Every flow call applies the process settings; once they hold, nothing is copied again
    (a copy of Prefect's settings costs ~20 ms)."""
    import prefect.context as prefect_context

    from flows.runtime import apply_process_settings

    seen: list[object] = []

    def twice() -> None:  # a thread of the service: no settings context of its own
        apply_process_settings()
        seen.append(prefect_context.GLOBAL_SETTINGS_CONTEXT)
        apply_process_settings()
        seen.append(prefect_context.GLOBAL_SETTINGS_CONTEXT)

    thread = threading.Thread(target=twice)
    thread.start()
    thread.join()
    assert seen[0] is seen[1]
    assert prefect_context.GLOBAL_SETTINGS_CONTEXT.settings.flows.heartbeat_frequency is None
