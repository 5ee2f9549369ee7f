"""Read models: a promise as the CLI, the API and the pages show it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from config.clock import local_today
from models.kinds import KINDS
from views.lookup import get_promise, history, organisation_names, successor
from views.snapshot import current_unmet

# What a promise's view counts: every kind that has rows of its own.
COUNTED = {k.counted_as: k.table for k in KINDS.values() if k.counted_as and k.table}


def promise_view(session: Session, promise_id: int, language: str = "sv") -> dict[str, Any]:
    """The promise with its unmet exit criteria, its transitions and artefact counts."""
    promise = get_promise(session, promise_id)
    municipality, police = organisation_names(session, promise)
    unmet = current_unmet(session, promise, local_today())
    transitions = [
        {
            "from_stage": e.from_stage,
            "to_stage": e.to_stage,
            "actor": e.actor,
            "at": e.at.isoformat(),
            "reason": e.reason,
            "flow_run_id": e.flow_run_id,
        }
        for e in history(session, promise_id)
        if e.action == "transition"
    ]
    counts = {
        name: session.exec(
            select(func.count()).select_from(model).where(model.promise_id == promise_id)  # type: ignore[attr-defined]
        ).one()
        for name, model in COUNTED.items()
    }
    nxt = successor(session, promise_id)
    return {
        "id": promise.id,
        "region": promise.region_id,
        "area": promise.area_name,
        "municipality": municipality,
        "police_area": police,
        "stage": promise.stage.value,
        "stage_name": promise.stage.name_in(language),
        "version": promise.version,
        "cycle_year": promise.cycle_year,
        "term_start": promise.term_start.isoformat(),
        "term_end": promise.term_end.isoformat(),
        "term_years": promise.term_years,
        "previous_promise_id": promise.previous_promise_id,
        "previous_compilation_id": promise.previous_compilation_id,
        # Said by whoever created it with deadlines already past: shown as late from the start.
        "late_start_reason": promise.late_start_reason,
        "next_promise_id": nxt.id if nxt else None,
        "unmet": [u.as_dict(language) for u in unmet],
        "history": transitions,
        "counts": counts,
    }
