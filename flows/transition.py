"""The transition flows: advancing a promise and opening its next cycle, as Prefect flow runs.

Each flow runs one use case of the application layer (which checks the principal's right and
owns the transaction), records the flow run's id on the audit record and emits a Prefect
event. A refusal, a conflict or a missing right is a normal outcome, not a failed run: the
flow returns the error itself, wrapped in a ``Refusal``, and the front door
(``advance``, ``next_cycle``) raises that same error again for the API, the CLI and the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn, TypeVar

from prefect import flow

from application.next_cycle import NextCycleRequest, NextCycleResult
from application.next_cycle import next_cycle as open_next
from application.transitions import AdvanceRequest, TransitionResult
from application.transitions import advance as advance_use_case
from flows.runtime import warm_up
from lifecycle.errors import LofteError
from lifecycle.permissions import Principal
from lifecycle.transitions import TransitionKind

T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    """A use case's refusal carried out of its flow run unchanged (the run itself completes:
    a coordinator's "not yet" is not a failed run in Prefect's UI)."""

    error: LofteError
    ok: bool = False

    def raise_again(self) -> NoReturn:
        """Raise the refusal where the caller is (the API, the CLI, a page)."""
        raise self.error

    def as_report(self, promise_id: int) -> dict[str, Any]:
        """What a deployment run shows as its result in Prefect's UI."""
        return {
            "ok": False,
            "promise_id": promise_id,
            "error": str(self.error),
            "error_kind": type(self.error).__name__,
        }


def unwrap(outcome: T | Refusal) -> T:
    """The flow's result, or its refusal raised again."""
    if isinstance(outcome, Refusal):
        outcome.raise_again()
    return outcome


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
    actor: Principal | None,
    request: AdvanceRequest,
    now: datetime | None = None,
    open_next_cycle: bool = True,
) -> TransitionResult | Refusal:
    """Advance a promise through Prefect; a closed promise opens its next cycle as a subflow.

    ``now`` exists for the demo loader and tests only; no client can set it.
    """
    try:
        result = advance_use_case(actor, request, flow_run_id=_flow_run_id(), now=now)
    except LofteError as exc:
        return Refusal(exc)
    assert actor is not None  # advance_use_case refuses no one signed in
    _emit(result, actor)
    if result.kind == TransitionKind.CLOSE.value and open_next_cycle:
        opened = open_next_cycle_flow(actor, NextCycleRequest(promise_id=request.promise_id), now)
        if isinstance(opened, NextCycleResult):
            result.next_promise_id = opened.next_promise_id
    return result


@flow(name="open-next-cycle", log_prints=False, validate_parameters=False)
def open_next_cycle_flow(
    actor: Principal | None, request: NextCycleRequest, now: datetime | None = None
) -> NextCycleResult | Refusal:
    """Open the next cycle of a promise in its last year through Prefect."""
    try:
        return open_next(actor, request, flow_run_id=_flow_run_id(), now=now)
    except LofteError as exc:
        return Refusal(exc)


def advance(principal: Principal | None, request: AdvanceRequest) -> TransitionResult:
    """``promise.advance``: the advance-promise flow run as ``principal``; refusals raised."""
    warm_up()  # arriving while the service still warms Prefect: wait for it, then run warm
    return unwrap(advance_promise_flow(principal, request))


def next_cycle(principal: Principal | None, request: NextCycleRequest) -> NextCycleResult:
    """``promise.next_cycle``: the open-next-cycle flow run as ``principal``; refusals raised."""
    warm_up()  # arriving while the service still warms Prefect: wait for it, then run warm
    return unwrap(open_next_cycle_flow(principal, request))


@flow(name="advance-promise-as", log_prints=False, validate_parameters=False)
def advance_promise_as(
    acting_as: str, promise_id: int, to: str | None = None, reason: str | None = None
) -> dict[str, Any]:
    """A deployment run of a transition, for a named registered person: checked against the
    same permissions as the API, recorded as ``deployment`` with the flow run's id."""
    from application.identity import named_principal

    try:
        principal = named_principal(acting_as, "deployment", f"flow-run:{_flow_run_id()}")
        request = AdvanceRequest(promise_id=promise_id, to=to, reason=reason)
    except LofteError as exc:
        return Refusal(exc).as_report(promise_id)
    outcome = advance_promise_flow(principal, request)
    if isinstance(outcome, Refusal):
        return outcome.as_report(promise_id)
    return outcome.model_dump(mode="json")
