"""The approval of a year-end compilation as a Prefect flow: approve, then close the promise
(opening its next cycle) or return it to the action plan for the next year of its term."""

from __future__ import annotations

from datetime import datetime

from prefect import flow

from application.compilation import ApprovalRequest
from application.compilation import approve as record
from application.transitions import AdvanceRequest, TransitionResult
from flows.runtime import warm_up
from flows.transition import Refusal, advance_promise_flow, unwrap
from lifecycle.errors import LofteError
from lifecycle.permissions import Principal


@flow(name="approve-compilation", log_prints=False, validate_parameters=False)
def approve_compilation_flow(
    actor: Principal | None, request: ApprovalRequest, now: datetime | None = None
) -> TransitionResult | Refusal:
    """Approve the year's compilation (steering group), then advance the promise."""
    try:
        record(actor, request, now=now)
    except LofteError as exc:
        return Refusal(exc)
    return advance_promise_flow(actor, AdvanceRequest(promise_id=request.promise_id), now=now)


def approve(principal: Principal | None, request: ApprovalRequest) -> TransitionResult:
    """``compilation.approve``: the approve-compilation flow run as ``principal``; refusals
    raised."""
    warm_up()  # arriving while the service still warms Prefect: wait for it, then run warm
    return unwrap(approve_compilation_flow(principal, request))
