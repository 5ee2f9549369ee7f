"""The Prefect flow that delivers the notification outbox.

A thin wrapper: all the work is ``notifications.dispatcher.dispatch_pending`` (plain code, so
the CLI, tests and benchmark run without Prefect). Scheduled every ``DISPATCH_INTERVAL_SECONDS``
by the embedded scheduler and by the ``lofte-dispatch-outbox`` deployment in prefect.yaml; a
run stops claiming after ``max_seconds`` so two runs overlap little (and harmlessly: claimed
messages are leased, the database decides who sends what).
"""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.runtime import apply_process_settings
from notifications.dispatcher import dispatch_pending

DISPATCH_INTERVAL_SECONDS = 60


@flow(name="lofte-dispatch-outbox", log_prints=False)
def dispatch_outbox_flow(max_seconds: float = 50.0) -> dict[str, Any]:
    """Deliver what is due in the outbox; returns the run's report (counts, no secrets)."""
    apply_process_settings()
    report = dispatch_pending(max_seconds=max_seconds)
    return report.as_dict()


def dispatch_once(max_seconds: float, concurrency: int | None) -> dict[str, Any] | None:
    """Deliver what is due once, from an operator's shell (``lofte outbox dispatch``).

    Returns None when no channels are configured (nothing can be sent); a broken channels
    file raises ConfigError naming the file and key.
    """
    from notifications.channel_config import load_channels

    setup = load_channels()
    if setup is None:
        return None
    report = dispatch_pending(setup=setup, max_seconds=max_seconds, concurrency=concurrency)
    return report.as_dict()
