"""Prefect flow: the daily renewal run, opening next cycles whose renewal day has come."""

from __future__ import annotations

from typing import Any

from prefect import flow
from pydantic import BaseModel, Field, field_validator

from application.access import require_action
from application.next_cycle import run_renewal
from application.operations import operation
from config.calendar import current_time
from config.errors import ConfigError
from flows.runtime import warm_up
from lifecycle.permissions import SYSTEM, Action, Principal
from models.inputs import plausible_moment


@flow(name="lofte-renewal", log_prints=False, retries=0)
def renewal_flow(now: str | None = None) -> dict[str, Any]:
    """Open every next cycle that is due (``now``: ISO time to act as, for tests)."""
    from prefect import get_run_logger
    from prefect.runtime import flow_run

    opened = run_renewal(SYSTEM, now=current_time(now), flow_run_id=flow_run.get_id())
    get_run_logger().info("%d next cycle(s) opened", len(opened))
    return {"opened": opened}


class RenewalRequest(BaseModel):
    """Run the renewal now, optionally as of another moment (ISO date or time)."""

    now: str | None = Field(default=None, max_length=40)

    @field_validator("now")
    @classmethod
    def _a_plausible_moment(cls, value: str | None) -> str | None:
        # Checked here, so that a bad value is a 422 naming the field, not a failed flow run.
        if value is not None:
            try:
                moment = current_time(value)
            except ConfigError:
                raise ValueError("not an ISO date or time (e.g. 2026-09-01T07:00)") from None
            plausible_moment(moment)
        return value


@operation("renewal.run", RenewalRequest)
def renewal_now(principal: Principal | None, request: RenewalRequest) -> dict[str, Any]:
    """Run the daily renewal run now (admins; the schedule runs it every morning)."""
    require_action(principal, Action.RUN_REMINDERS)
    warm_up()  # arriving while the service still warms Prefect: wait for it, then run warm
    return renewal_flow(request.now)
