"""Prefect flow: each region's weekly status report."""

from __future__ import annotations

from typing import Any

from prefect import flow

from jobs.status_report import run_status_reports


@flow(name="lofte-status-report", log_prints=False, retries=0)
def status_report_flow(now: str | None = None, region: str | None = None) -> dict[str, Any]:
    """Prefect flow: each region's weekly status report (``now``: ISO time to act as)."""
    from prefect import get_run_logger

    report = run_status_reports(now=now, region=region)
    get_run_logger().info(
        "%s: %d regions, %d reports queued, unrouted: %s",
        report.day,
        len(report.regions),
        report.queued,
        ", ".join(report.unrouted) or "none",
    )
    return report.as_dict()
