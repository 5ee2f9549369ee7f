"""Upkeep an operator runs after a release: recomputing every promise's stored status.

The stored status (``effects/promise_status.py``) is rewritten in the same transaction as
every change, so it only goes stale when the rules that compute it change (a release that
counts deadlines differently, say). ``recompute_statuses`` recomputes every row from the
tables, rewrites those that differ and says how many did; the run is in the audit trail.
"""

from __future__ import annotations

from pydantic import BaseModel

from application.access import require_action
from application.usecase import NoInput
from effects.audit import audit
from effects.promise_status import recompute_all
from lifecycle.permissions import Action, Principal
from models.db import session_scope

# How many of the differing promises the answer and the audit event name.
SHOWN = 100


class StatusRecomputed(BaseModel):
    """What a recomputation found: promises checked, how many stored rows were wrong (or
    missing) and rewritten, and the first ``SHOWN`` of their ids."""

    checked: int
    differed: int
    promise_ids: list[int]


def recompute_statuses(principal: Principal | None, request: NoInput) -> StatusRecomputed:
    """Recompute every promise's stored status from the rules and rewrite those that differ
    (admins and the operator's shell: the same right as the scheduled runs); audited."""
    require_action(principal, Action.RUN_REMINDERS)
    assert principal is not None  # require_action refuses nobody signed in
    with session_scope() as session:
        checked, differed = recompute_all(session)
        result = StatusRecomputed(
            checked=checked, differed=len(differed), promise_ids=differed[:SHOWN]
        )
        audit(
            session,
            promise_id=None,
            actor=principal,
            action="status.recompute",
            details=result.model_dump(),
        )
    return result
