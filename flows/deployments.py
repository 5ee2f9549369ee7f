"""Flows a Prefect deployment run starts for a named person: the next cycle and the approval.

``advance_promise_as`` (flows/transition.py) is the pattern: the person is named by e-mail
(whoever may start flow runs on the Prefect server is trusted to name them, as an operator's
shell is with ``--actor``), recorded as ``deployment`` with the flow run's id, and then
checked against exactly the same permissions as the API. A refusal is the run's result
(``ok`` false with the reason), not a failed run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prefect import flow
from pydantic import BaseModel

from application.compilation import ApprovalRequest
from application.next_cycle import NextCycleRequest
from flows.compilation import approve_compilation_flow
from flows.transition import Refusal, _flow_run_id, open_next_cycle_flow
from lifecycle.errors import LofteError
from lifecycle.permissions import Principal


def run_as(
    acting_as: str, promise_id: int, body: Callable[[Principal], BaseModel | Refusal]
) -> dict[str, Any]:
    """Run ``body`` as the registered person ``acting_as``; an unknown person is a refusal.
    The run's result is a report for Prefect's UI (``ok`` false with the reason if refused)."""
    from application.identity import named_principal

    try:
        principal = named_principal(acting_as, "deployment", f"flow-run:{_flow_run_id()}")
    except LofteError as exc:
        return Refusal(exc).as_report(promise_id)
    outcome = body(principal)
    if isinstance(outcome, Refusal):
        return outcome.as_report(promise_id)
    return outcome.model_dump(mode="json")


@flow(name="open-next-cycle-as", log_prints=False, validate_parameters=False)
def open_next_cycle_as(
    acting_as: str, promise_id: int, late_start_reason: str | None = None
) -> dict[str, Any]:
    """A deployment run opening the next cycle of a promise in its last year, for a named
    person (``late_start_reason`` when its first deadlines are already past)."""
    return run_as(
        acting_as,
        promise_id,
        lambda who: open_next_cycle_flow(
            who,
            NextCycleRequest(promise_id=promise_id, late_start_reason=late_start_reason or None),
        ),
    )


@flow(name="approve-compilation-as", log_prints=False, validate_parameters=False)
def approve_compilation_as(
    acting_as: str, promise_id: int, approved_by: str, diarienummer: str | None = None
) -> dict[str, Any]:
    """A deployment run approving a year-end compilation (then advancing), for a named person
    of the steering group; ``approved_by`` names the body (``Styrgruppen i Sollentuna``),
    ``diarienummer`` the decision's file number."""
    return run_as(
        acting_as,
        promise_id,
        lambda who: approve_compilation_flow(
            who,
            ApprovalRequest(
                promise_id=promise_id,
                approved_by=approved_by[:200],
                diarienummer=diarienummer or None,
            ),
        ),
    )
