"""Prefect flow: the daily renewal run, opening next cycles whose renewal day has come."""

from __future__ import annotations

from prefect import flow

from application.next_cycle import RenewalRequest, RenewalResult, may_renew, renew
from flows.runtime import warm_up
from lifecycle.permissions import Principal


@flow(name="lofte-renewal", log_prints=False, retries=0)
def renewal_flow(now: str | None = None) -> RenewalResult:
    """Open every next cycle that is due (``now``: ISO time to act as, for tests)."""
    from prefect import get_run_logger
    from prefect.runtime import flow_run

    result = renew(RenewalRequest(now=now), flow_run_id=flow_run.get_id())
    get_run_logger().info("%d next cycle(s) opened", len(result.opened))
    return result


def renewal_now(principal: Principal | None, request: RenewalRequest) -> RenewalResult:
    """``renewal.run``: the renewal run now, as a flow run (admins; the schedule runs it
    every morning)."""
    may_renew(principal)
    warm_up()  # arriving while the service still warms Prefect: wait for it, then run warm
    return renewal_flow(request.now)
