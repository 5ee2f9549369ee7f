"""Running the reminders by hand (admins): queue today's digests, or preview a day's."""

from __future__ import annotations

from datetime import date

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


class ReminderDigest(BaseModel):
    """One digest a run would queue: to whom, in which language, what it says."""

    recipient: str
    language: str
    subject: str
    text: str


class RemindersPreview(BaseModel):
    """What a run on ``day`` would queue (``dry_run``); nothing on a day off."""

    day: date
    working_day: bool
    would_queue: list[ReminderDigest]


class QueuedDigest(BaseModel):
    """A digest queued by the run: its recipient and how many items it holds."""

    recipient: str
    items: int


class RemindersRun(BaseModel):
    """What a run did: ``queued`` new messages, ``skipped`` ones queued before."""

    # The moment as the job wrote it (ISO 8601 with its offset, not pydantic's "Z").
    now: str
    day: date
    working_day: bool
    scanned: int
    queued: int
    skipped: int
    items_queued: int
    items_skipped: int
    escalations: int
    unaddressed: list[int]
    messages: list[QueuedDigest]


def run_reminders_now(
    principal: Principal | None, request: RemindersRequest
) -> RemindersRun | RemindersPreview:
    """Queue today's reminder digests (safe to repeat: nothing is queued twice)."""
    from jobs.reminders import preview_reminders, run_reminders

    require_action(principal, Action.RUN_REMINDERS)
    if request.dry_run:
        with read_scope() as session:
            day = local_day(current_time(request.as_of))
            return RemindersPreview.model_validate(preview_reminders(session, day))
    if request.as_of is not None:
        raise InputError.said(
            "En egen tidpunkt går bara i en provkörning: en riktig körning köar efter serverns tid."
        )
    return RemindersRun.model_validate(run_reminders(get_engine(), current_time()).as_dict())
