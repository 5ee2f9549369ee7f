"""Running the reminders by hand (admins): queue today's digests, or preview a day's."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from application.access import require_action
from config.clock import current_time, local_day
from lifecycle.errors import InputError
from lifecycle.permissions import Action, Principal
from models.db import get_engine, read_scope
from models.inputs import AsOf


class RemindersRequest(BaseModel):
    """Queue today's reminders, or (``dry_run``) preview what a day's run would queue."""

    dry_run: bool = False
    as_of: AsOf = None


def run_reminders_now(principal: Principal | None, request: RemindersRequest) -> dict[str, Any]:
    """Queue today's reminder digests (safe to repeat: nothing is queued twice)."""
    from jobs.reminders import preview_reminders, run_reminders

    require_action(principal, Action.RUN_REMINDERS)
    if request.dry_run:
        with read_scope() as session:
            return preview_reminders(session, local_day(current_time(request.as_of)))
    if request.as_of is not None:
        raise InputError("as_of only goes with dry_run: a real run queues at the server's time")
    return run_reminders(get_engine(), current_time()).as_dict()
