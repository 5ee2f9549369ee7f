"""The transition flows: advancing a promise and opening its next cycle, as Prefect flow runs.

Each flow is a thin shell around a use case of the application layer (which checks the
principal's right and owns the transaction): it records the flow run's id on the audit record
and emits a Prefect event. A refusal, a conflict or a missing right is a normal outcome, not
a failed run: it is returned (``ok`` false, with every unmet criterion) rather than raised,
and ``raise_for_result`` turns it back into the error for the API and the CLI.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from prefect import flow
from pydantic import BaseModel, Field

from application.next_cycle import open_next_cycle
from application.operations import operation
from application.promises import PromiseId
from application.transitions import TransitionResult, advance_promise, error_result
from flows.runtime import warm_up
from lifecycle.criteria import Unmet
from lifecycle.errors import (
    Conflict,
    Forbidden,
    InputError,
    LofteError,
    NotAuthenticated,
    NotFound,
    Refused,
)
from lifecycle.permissions import Principal
from lifecycle.stages import Stage, parse_stage
from lifecycle.transitions import TransitionKind


def _flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    return str(run_id) if run_id else None


def _emit(result: TransitionResult, actor: Principal) -> None:
    from prefect.events import emit_event

    emit_event(
        event=f"lofte.promise.{result.kind or 'transition'}",
        resource={
            "prefect.resource.id": f"lofte.promise.{result.promise_id}",
            "prefect.resource.name": f"promise {result.promise_id}",
        },
        payload={
            "from_stage": result.from_stage,
            "to_stage": result.to_stage,
            "version": result.version,
            "actor": actor.email,
        },
    )


@flow(name="advance-promise", log_prints=False, validate_parameters=False)
def advance_promise_flow(
    actor: Principal,
    promise_id: int,
    to: str | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
    open_next_cycle: bool = True,
) -> dict[str, Any]:
    """Advance a promise through Prefect; a closed promise opens its next cycle as a subflow.

    ``now`` exists for the demo loader and tests only; no client can set it.
    """
    run_id = _flow_run_id()
    try:
        result = advance_promise(
            promise_id,
            actor,
            Stage(to) if to else None,
            reason,
            expected_version=expected_version,
            flow_run_id=run_id,
            now=now,
        )
    except LofteError as exc:
        return error_result(promise_id, exc).as_dict()
    _emit(result, actor)
    if result.kind == TransitionKind.CLOSE.value and open_next_cycle:
        opened = open_next_cycle_flow(actor, promise_id, now=now)
        result.next_promise_id = opened.get("next_promise_id")
    return result.as_dict()


@flow(name="open-next-cycle", log_prints=False, validate_parameters=False)
def open_next_cycle_flow(
    actor: Principal,
    promise_id: int,
    start: date | None = None,
    years: int | None = None,
    now: datetime | None = None,
    late_start_reason: str | None = None,
) -> dict[str, Any]:
    """Open the next cycle of a promise in its last year through Prefect."""
    try:
        new = open_next_cycle(
            promise_id,
            actor,
            start=start,
            years=years,
            late_start_reason=late_start_reason,
            now=now,
            flow_run_id=_flow_run_id(),
        )
    except LofteError as exc:
        return error_result(promise_id, exc).as_dict()
    return {
        "ok": True,
        "promise_id": promise_id,
        "next_promise_id": new.id,
        "stage": new.stage.value,
    }


def raise_for_result(result: dict[str, Any]) -> dict[str, Any]:
    """Return a successful flow result; raise the error a refused one describes."""
    if result.get("ok"):
        return result
    kind, message = result.get("error_kind"), str(result.get("error") or "refused")
    if kind == "Refused":
        unmet = [Unmet(u["code"], u["message_sv"], u["message_en"]) for u in result["unmet"]]
        raise Refused(unmet, message)
    if kind == "Forbidden":
        raise Forbidden(str(result.get("error_sv") or message), message)
    simple: dict[str, type[LofteError]] = {
        "Conflict": Conflict,
        "NotFound": NotFound,
        "NotAuthenticated": NotAuthenticated,
    }
    raise simple.get(str(kind), InputError)(message)


class AdvanceRequest(BaseModel):
    """Move a promise on (or, with ``to`` and a ``reason``, back)."""

    promise_id: PromiseId
    to: str | None = Field(default=None, max_length=40, description="Target stage")
    reason: str | None = Field(default=None, max_length=2000, description="Why (going back)")
    expected_version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class NextCycleRequest(BaseModel):
    """Open the next cycle of a promise in its last year (or closed)."""

    promise_id: PromiseId
    late_start_reason: str | None = Field(
        default=None,
        max_length=300,
        description="Why the next cycle opens with its first deadlines already past",
    )


@operation("promise.advance", AdvanceRequest)
def advance(principal: Principal | None, request: AdvanceRequest) -> dict[str, Any]:
    """Run the advance-promise flow as ``principal``."""
    if principal is None:
        raise NotAuthenticated("sign in first (lofte login, or a token in LOFTE_TOKEN)")
    warm_up()  # arriving while the service still warms Prefect: wait for it, then run warm
    try:
        to = parse_stage(request.to).value if request.to else None
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    return raise_for_result(
        advance_promise_flow(
            principal, request.promise_id, to, request.reason, request.expected_version
        )
    )


@operation("promise.next_cycle", NextCycleRequest)
def next_cycle(principal: Principal | None, request: NextCycleRequest) -> dict[str, Any]:
    """Run the open-next-cycle flow as ``principal``."""
    if principal is None:
        raise NotAuthenticated("sign in first (lofte login, or a token in LOFTE_TOKEN)")
    warm_up()  # arriving while the service still warms Prefect: wait for it, then run warm
    return raise_for_result(
        open_next_cycle_flow(
            principal, request.promise_id, late_start_reason=request.late_start_reason
        )
    )


@flow(name="advance-promise-as", log_prints=False, validate_parameters=False)
def advance_promise_as(
    acting_as: str, promise_id: int, to: str | None = None, reason: str | None = None
) -> dict[str, Any]:
    """A deployment run of a transition, for a named registered person: checked against the
    same permissions as the API, recorded as ``deployment`` with the flow run's id."""
    from application.identity import named_principal

    try:
        principal = named_principal(acting_as, "deployment", f"flow-run:{_flow_run_id()}")
        stage = parse_stage(to).value if to else None
    except (LofteError, ValueError) as exc:
        return {
            "ok": False,
            "promise_id": promise_id,
            "error": str(exc),
            "error_kind": type(exc).__name__,
        }
    return advance_promise_flow(principal, promise_id, stage, reason)
