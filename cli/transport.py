"""Runs the flows a command needs: through a running ``lofte serve`` when one answers
(Prefect is warm there: ~0.1 s), else in this process (Prefect's cold start: 6–15 s)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from config.settings import get_settings


def service_available() -> bool:
    """Whether a ``lofte serve`` answers at the configured URL.

    With no service the connection is refused at once; the timeout only matters when one is
    there but busy, and then waiting beats falling back to a 10 s cold start.
    """
    settings = get_settings()
    if not settings.use_service:
        return False
    try:
        response = httpx.get(f"{settings.service_url}/health", timeout=2.0)
        return response.status_code == 200 and response.json().get("service") == "lofte"
    except (httpx.HTTPError, ValueError):
        return False


def _post(path: str, body: dict[str, Any]) -> dict[str, Any]:
    settings = get_settings()
    response = httpx.post(f"{settings.service_url}{path}", json=body, timeout=60)
    data: dict[str, Any] = response.json()
    return data


def advance(
    promise_id: int,
    actor: str,
    to: str | None,
    reason: str | None,
    expected_version: int | None,
    now: datetime | None,
) -> tuple[dict[str, Any], str]:
    """Advance through the service or in-process; returns (result, "service"|"in-process")."""
    body = {
        "actor": actor,
        "to": to,
        "reason": reason,
        "expected_version": expected_version,
        "now": now.isoformat() if now else None,
    }
    if service_available():
        return _post(f"/api/promises/{promise_id}/advance", body), "service"
    from flows.runtime import warm_up
    from flows.transition import advance_promise_flow

    warm_up()
    result = advance_promise_flow(promise_id, actor, to, reason, expected_version, now)
    return result, "in-process"


def next_cycle(promise_id: int, actor: str, now: datetime | None) -> tuple[dict[str, Any], str]:
    """Open the next cycle through the service or in-process."""
    if service_available():
        body = {"actor": actor, "now": now.isoformat() if now else None}
        return _post(f"/api/promises/{promise_id}/next-cycle", body), "service"
    from flows.runtime import warm_up
    from flows.transition import open_next_cycle_flow

    warm_up()
    return open_next_cycle_flow(promise_id, actor, now=now), "in-process"
