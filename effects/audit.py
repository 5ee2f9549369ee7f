"""The append-only audit trail, written in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from config.clock import now_utc
from lifecycle.permissions import Principal
from models import AuditEvent


def audit(
    session: Session,
    *,
    promise_id: int | None,
    actor: Principal,
    action: str,
    from_stage: str | None = None,
    to_stage: str | None = None,
    reason: str | None = None,
    flow_run_id: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the audit trail (in the caller's transaction).

    The actor is the authenticated principal: its e-mail address and how it was proven
    (password, OIDC issuer, token id, operator shell, system), never a name merely typed.
    """
    event = AuditEvent(
        promise_id=promise_id,
        actor=actor.email,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        flow_run_id=flow_run_id,
        details=details or {},
        actor_person_id=actor.person_id,
        auth_method=actor.method,
        auth_proof=actor.proof,
        at=at or now_utc(),
    )
    session.add(event)
    return event
