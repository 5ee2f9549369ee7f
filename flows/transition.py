"""Advancing a promise: the plain function (load → check the rules → commit) and its flow.

The commit is one transaction: the new stage (guarded by the promise's version, so of two
coordinators advancing at once exactly one wins), the audit record, the effects of entering
the stage and the notices it causes. Nothing is half-written.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from prefect import flow

from application.next_cycle import open_next_cycle
from application.transitions import TransitionResult, advance_promise, error_result
from lifecycle.errors import LofteError
from lifecycle.stages import Stage
from lifecycle.transitions import TransitionKind


def _flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    return str(run_id) if run_id else None


def _emit(result: TransitionResult, actor: str) -> None:
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
            "actor": actor,
        },
    )


@flow(name="advance-promise", log_prints=False, validate_parameters=False)
def advance_promise_flow(
    promise_id: int,
    actor: str,
    to: str | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
    open_next_cycle: bool = True,
) -> dict[str, Any]:
    """Advance a promise through Prefect; a closed promise opens its next cycle as a subflow.

    A refusal or conflict is a normal outcome for a coordinator, not a failed run: it is
    returned (``ok`` false, with every unmet criterion) rather than raised.
    """
    from flows.transition import open_next_cycle_flow

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
        opened = open_next_cycle_flow(promise_id, actor, now=now)
        result.next_promise_id = opened.get("next_promise_id")
    return result.as_dict()


@flow(name="open-next-cycle", log_prints=False, validate_parameters=False)
def open_next_cycle_flow(
    promise_id: int,
    actor: str,
    start: date | None = None,
    years: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Open the next cycle of a closed promise through Prefect."""
    from flows.transition import _flow_run_id

    new = open_next_cycle(
        promise_id, actor, start=start, years=years, now=now, flow_run_id=_flow_run_id()
    )
    return {
        "ok": True,
        "promise_id": promise_id,
        "next_promise_id": new.id,
        "stage": new.stage.value,
    }
