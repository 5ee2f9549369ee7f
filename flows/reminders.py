"""Prefect flow: queue today's reminder digests."""

from __future__ import annotations

from typing import Any

from prefect import flow

from config.calendar import current_time
from jobs.reminders import run_reminders


@flow(name="lofte-reminders", log_prints=False, retries=0)
def reminders_flow(now: str | None = None) -> dict[str, Any]:
    """Prefect flow: queue today's reminder digests (``now``: ISO time to act as, for tests)."""
    from prefect import get_run_logger

    from models.db import get_engine

    report = run_reminders(get_engine(), current_time(now))
    get_run_logger().info(
        "%s: %d due, %d digests queued, %d already queued",
        report.day,
        report.scanned,
        report.queued,
        report.skipped,
    )
    return report.as_dict()
