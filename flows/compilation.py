"""The approval of a year-end compilation as a Prefect flow: approve, then close the promise
(opening its next cycle) or return it to the action plan for the next year of its term."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from prefect import flow
from pydantic import BaseModel, Field

from application.compilation import record_approval
from application.operations import operation
from application.promises import PromiseId
from application.transitions import error_result
from flows.runtime import warm_up
from flows.transition import advance_promise_flow, raise_for_result
from lifecycle.errors import LofteError, NotAuthenticated
from lifecycle.permissions import Principal


@flow(name="approve-compilation", log_prints=False, validate_parameters=False)
def approve_compilation_flow(
    actor: Principal,
    promise_id: int,
    approved_by: str,
    now: datetime | None = None,
    diarienummer: str | None = None,
    paragraph: str | None = None,
    decided_on: date | None = None,
) -> dict[str, Any]:
    """Approve the year's compilation (steering group), then advance the promise."""
    try:
        record_approval(
            actor,
            promise_id,
            approved_by,
            now,
            diarienummer=diarienummer,
            paragraph=paragraph,
            decided_on=decided_on,
        )
    except LofteError as exc:
        return error_result(promise_id, exc).as_dict()
    return advance_promise_flow(actor, promise_id, now=now)


class ApprovalRequest(BaseModel):
    """Approve a promise's compilation, on behalf of (e.g.) ``Styrgruppen i Nacka``."""

    promise_id: PromiseId
    approved_by: str = Field(min_length=2, max_length=200)
    diarienummer: str | None = Field(
        default=None, max_length=80, description="The decision's file number (diarienummer)"
    )
    paragraph: str | None = Field(
        default=None, max_length=40, description="The paragraph of the minutes (§ 12)"
    )
    decided_on: date | None = Field(default=None, description="The day of the decision")


@operation("compilation.approve", ApprovalRequest)
def approve(principal: Principal | None, request: ApprovalRequest) -> dict[str, Any]:
    """Run the approve-compilation flow as ``principal``."""
    if principal is None:
        raise NotAuthenticated("sign in first (lofte login, or a token in LOFTE_TOKEN)")
    warm_up()  # arriving while the service still warms Prefect: wait for it, then run warm
    return raise_for_result(
        approve_compilation_flow(
            principal,
            request.promise_id,
            request.approved_by,
            diarienummer=request.diarienummer,
            paragraph=request.paragraph,
            decided_on=request.decided_on,
        )
    )
