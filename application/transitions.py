"""Advancing a promise: load, check the rules, commit in one transaction.

The commit is one transaction: the new stage (guarded by the promise's version, so of two
coordinators advancing at once exactly one wins), the audit record, the effects of entering
the stage and the notices it causes. Nothing is half-written."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine

from application.access import require
from config.clock import local_today, now_utc
from effects.audit import audit
from effects.hooks import after_transition
from effects.promise_status import mark as mark_status
from lifecycle.errors import Conflict, Forbidden, LofteError, Refused
from lifecycle.permissions import Action, Principal
from lifecycle.stages import Stage
from lifecycle.transitions import TransitionKind, TransitionRefused, plan_transition
from models import Promise
from models.db import get_engine, session_scope
from views.lookup import get_promise
from views.snapshot import build_snapshot


@dataclass
class TransitionResult:
    """What a transition did (or, with ``ok`` false, why it did not happen)."""

    ok: bool
    promise_id: int
    from_stage: str | None = None
    to_stage: str | None = None
    kind: str | None = None
    version: int | None = None
    cycle_year: int | None = None
    flow_run_id: str | None = None
    effects: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    error_kind: str | None = None
    error_sv: str | None = None
    unmet: list[dict[str, Any]] = field(default_factory=list)
    next_promise_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return asdict(self)


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
            raise Conflict(
                f"promise {promise_id} changed since you read it (version {expected_version}, "
                f"now {promise.version}, stage {promise.stage}); reload and try again"
            )
        seen_version = promise.version
        snapshot = build_snapshot(session, promise, today)
    try:
        plan = plan_transition(snapshot, to, reason)
    except TransitionRefused as exc:
        target = to.value if to else "the next stage"
        raise Refused(exc.unmet, f"promise {promise_id} cannot move to {target}") from None

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
            raise Conflict(
                f"promise {promise_id} was changed by someone else at the same moment; "
                "nothing was written; reload and try again"
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


def error_result(promise_id: int, exc: LofteError) -> TransitionResult:
    """A TransitionResult describing a refusal, conflict or bad input."""
    unmet = [u.as_dict() for u in exc.unmet] if isinstance(exc, Refused) else []
    return TransitionResult(
        ok=False,
        promise_id=promise_id,
        error=str(exc) if not isinstance(exc, Refused) else exc.headline,
        error_kind=type(exc).__name__,
        error_sv=exc.message_sv if isinstance(exc, Forbidden) else None,
        unmet=unmet,
    )
