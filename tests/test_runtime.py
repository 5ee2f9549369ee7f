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
