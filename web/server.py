"""Runs the service: uvicorn serving the API, and the embedded scheduler beside it."""

from __future__ import annotations

import logging

import uvicorn

from web.api import create_app

log = logging.getLogger("lofte.serve")


def run(host: str, port: int, *, with_scheduler: bool = True) -> None:
    """Serve until interrupted; the scheduler (if available) runs in the same process."""
    scheduler = None
    if with_scheduler:
        try:
            from flows.scheduler import start_embedded_scheduler
        except ImportError:
            log.warning("embedded scheduler not available in this build")
        else:
            scheduler = start_embedded_scheduler()
    try:
        uvicorn.run(create_app(), host=host, port=port, log_level="info")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
