"""A status event about each transition, queued for the region in its transaction."""

from __future__ import annotations

import logging

from sqlmodel import Session

from config.settings import ConfigError
from lifecycle.permissions import Principal
from lifecycle.transitions import TransitionPlan
from models.base import utcnow
from models.promise import Promise
from notifications.outbox import enqueue
from notifications.status_routes import route_for
from views.lookup import organisation_names

log = logging.getLogger("lofte.status")


def enqueue_transition_status_event(
    session: Session, promise: Promise, plan: TransitionPlan, actor: Principal
) -> int:
    """Queue a small ``status_event`` about a transition to the region's status channel.

    Called in the transition's transaction (``effects.hooks.after_transition``), after
    the promise's version was bumped; keyed by promise and version, so it is written once.
    Returns 1 when queued, 0 when the region has no status channel (or opts out). A broken
    routes or channels file is logged and never stops the transition.
    """
    try:
        route = route_for(promise.region_id)
    except ConfigError as exc:
        log.warning("status event for promise %s not queued: %s", promise.id, exc)
        return 0
    if route is None or not route.transition_events:
        return 0
    lang = route.language
    municipality_name, police_name = organisation_names(session, promise)
    payload = {
        "region": promise.region_id,
        "promise_id": promise.id,
        "promise": promise.area_name,
        "municipality": municipality_name,
        "police_area": police_name,
        "from_stage": plan.from_stage.value,
        "to_stage": plan.to_stage.value,
        "transition": plan.kind.value,
        "cycle_year": promise.cycle_year,
        "version": promise.version,
        "by": actor.email,
        "by_name": actor.name or actor.email,
        "at": (promise.stage_entered_at or utcnow()).isoformat(),
    }
    return int(
        enqueue(
            session,
            key=f"status-event:{promise.id}:v{promise.version}",
            kind="status_event",
            channel=route.channel,
            recipient=route.recipient,
            payload=payload,
            language=lang,
            promise_id=promise.id,
        )
    )
