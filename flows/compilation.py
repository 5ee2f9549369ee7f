"""The year-end compilation flows: compile a promise's year (stored for the record), approve
it (which closes the promise or starts its next year), and a region's roll-up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow

from application.artefacts import add_artefact
from application.compilation import compile_and_store
from flows.transition import advance_promise_flow
from lifecycle.permissions import Principal
from models.db import session_scope


@flow(name="compile-year", log_prints=False, validate_parameters=False)
def compile_year_flow(
    promise_id: int, language: str = "sv", now: datetime | None = None
) -> dict[str, Any]:
    """Compile a promise's year through Prefect."""
    return compile_and_store(promise_id, language, now)


@flow(name="approve-compilation", log_prints=False, validate_parameters=False)
def approve_compilation_flow(
    actor: Principal, promise_id: int, approved_by: str, now: datetime | None = None
) -> dict[str, Any]:
    """Approve the year's compilation, then close the promise (opening the next cycle) or
    return it to the action plan for the next year of its term."""
    compile_and_store(promise_id, now=now)
    with session_scope() as session:
        add_artefact(session, promise_id, "approval", {"approved_by": approved_by}, actor)
    return advance_promise_flow(actor, promise_id, now=now)
