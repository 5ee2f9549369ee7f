"""Advancing a promise: load, check the rules, commit in one transaction.

The commit is one transaction: the new stage (guarded by the promise's version, so of two
coordinators advancing at once exactly one wins), the audit record, the effects of entering
the stage and the notices it causes. Nothing is half-written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlalchemy.engine import Engine

from application.access import require
from application.promises import PromiseId
from application.usecase import signed_in
from config.clock import local_today, now_utc
from effects.audit import audit
from effects.hooks import after_transition
from effects.promise_status import mark as mark_status
from lifecycle.errors import Conflict, InputError, Refused
from lifecycle.i18n import InvalidValue, Phrase
from lifecycle.permissions import Action, Principal
from lifecycle.stages import Stage, parse_stage
from lifecycle.transitions import TransitionKind, TransitionRefused, plan_transition
from models import Promise
from models.db import get_engine, session_scope
from views.lookup import get_promise
from views.snapshot import build_snapshot


class AdvanceRequest(BaseModel):
    """Move a promise on (or, with ``to`` and a ``reason``, back)."""

    promise_id: PromiseId
    to: str | None = Field(default=None, max_length=40, description="Target stage")
    reason: str | None = Field(default=None, max_length=2000, description="Why (going back)")
    expected_version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class TransitionResult(BaseModel):
    """What a transition did: from which stage to which, the promise's new version, the
    effects of entering the stage, and the next cycle if closing opened one."""

    ok: bool = True
    promise_id: int
    from_stage: str
    to_stage: str
    kind: str
    version: int
    cycle_year: int
    flow_run_id: str | None = None
    effects: dict[str, int] = Field(default_factory=dict)
    next_promise_id: int | None = None


def advance(
    principal: Principal | None,
    request: AdvanceRequest,
    *,
    flow_run_id: str | None = None,
    now: datetime | None = None,
) -> TransitionResult:
    """The use case ``promise.advance``: move the promise to its next stage, or back to
    ``request.to`` with a reason; run by the flow ``advance-promise`` (flows/transition.py).

    Raises NotAuthenticated, InputError (an unknown stage), Forbidden, Refused (with every
    unmet criterion), Conflict or NotFound; nothing is written then.
    """
    actor = signed_in(principal)
    try:
        to = parse_stage(request.to) if request.to else None
    except InvalidValue as exc:
        raise InputError.of(exc.phrase) from exc
    return advance_promise(
        request.promise_id,
        actor,
        to,
        request.reason,
        expected_version=request.expected_version,
        flow_run_id=flow_run_id,
        now=now,
    )


def advance_promise(
    promise_id: int,
    actor: Principal,
    to: Stage | None = None,
    reason: str | None = None,
    *,
    expected_version: int | None = None,
    flow_run_id: str | None = None,
    now: datetime | None = None,
    engine: Engine | None = None,
) -> TransitionResult:
    """Move a promise to ``to`` (default: its natural next step) if the rules allow it.

    Raises Refused (with every unmet criterion), Conflict (someone else moved it first) or
    NotFound. ``expected_version`` is the version the caller saw; without it, the version read
    here is the one the write must still find.
    """
    engine = engine or get_engine()
    today = local_today(now)
    with session_scope(engine) as session:
        promise = get_promise(session, promise_id)
        backwards = to is not None and to.position < promise.stage.position
        require(actor, Action.SEND_BACK if backwards else Action.ADVANCE, promise)
        if expected_version is not None and promise.version != expected_version:
            raise Conflict.said(
                "löfte {id} har ändrats sedan du läste det (version {expected}, nu {version}, "
                "steg {stage}); ladda om och försök igen",
                id=promise_id,
                expected=expected_version,
                version=promise.version,
                stage=promise.stage,
            )
        seen_version = promise.version
        snapshot = build_snapshot(session, promise, today)
    try:
        plan = plan_transition(snapshot, to, reason)
    except TransitionRefused as exc:
        target = to or Phrase("nästa steg")
        raise Refused(
            exc.unmet, "löfte {id} kan inte gå till {target}", id=promise_id, target=target
        ) from None

    moment = now_utc(now)
    with session_scope(engine) as session:
        values: dict[str, Any] = {
            "stage": plan.to_stage,
            "version": seen_version + 1,
            "cycle_year": plan.cycle_year,
            "stage_entered_at": moment,
        }
        if plan.kind is TransitionKind.CLOSE:
            values["closed_at"] = moment
        result = session.execute(
            update(Promise)
            .where(Promise.id == promise_id, Promise.version == seen_version)  # type: ignore[arg-type]
            .values(**values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict.said(
                "löfte {id} ändrades av någon annan i samma ögonblick; inget skrevs; ladda om "
                "och försök igen",
                id=promise_id,
            )
        mark_status(session, promise_id)  # a bulk UPDATE: the ORM does not see it
        promise = get_promise(session, promise_id)  # a fresh session: loads the updated row
        effects = after_transition(session, promise, plan, today, actor)
        audit(
            session,
            promise_id=promise_id,
            actor=actor,
            action="transition",
            from_stage=plan.from_stage.value,
            to_stage=plan.to_stage.value,
            reason=reason,
            flow_run_id=flow_run_id,
            details={"kind": plan.kind.value, "cycle_year": plan.cycle_year, **effects},
            at=moment,
        )
    return TransitionResult(
        ok=True,
        promise_id=promise_id,
        from_stage=plan.from_stage.value,
        to_stage=plan.to_stage.value,
        kind=plan.kind.value,
        version=seen_version + 1,
        cycle_year=plan.cycle_year,
        flow_run_id=flow_run_id,
        effects=effects,
    )
