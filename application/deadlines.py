"""Deadlines, calendars and calendar feeds of promises: reading them and changing a calendar."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from application.access import may, party_filter, require, require_action, require_region
from application.promises import PromiseId, PromiseRequest, _region
from application.usecase import FileResult
from config.calendar import parse_override
from config.clock import current_time, local_day
from config.errors import ConfigError
from effects.deadlines import calendar_for, resync_calendars, set_calendar_override
from lifecycle.errors import InputError
from lifecycle.permissions import Action, Principal
from models.db import read_scope, session_scope
from models.inputs import AsOf
from models.reminders import PromiseCalendar
from views.deadlines import deadline_dict, deadlines_of, open_deadlines_of
from views.ical import promise_feed, region_feed
from views.lookup import get_promise, list_promises


class DeadlinesRequest(BaseModel):
    """A promise's deadlines, as seen on a day (``as_of``: a read-only "what if", default today)."""

    promise_id: PromiseId
    as_of: AsOf = None


class DeadlineRow(BaseModel):
    """A deadline of a stage or an evaluation round: due when, done or not, working days
    left, and when its next reminder goes."""

    id: int | None
    promise_id: int
    kind: str
    stage: str
    stage_name_sv: str
    stage_name_en: str
    cycle_year: int
    ref: str
    round: int | None
    due: str
    nominal_due: str | None
    done: bool
    done_at: str | None
    status: Literal["done", "overdue", "open"]
    working_days_left: int | None
    next_reminder_on: str | None


class MyDeadlineRow(DeadlineRow):
    """An open deadline of one of the person's promises, with the promise's area."""

    area: str


def show_deadlines(principal: Principal | None, request: DeadlinesRequest) -> list[DeadlineRow]:
    """Every deadline of the promise (stages and evaluation rounds), with working days left."""
    today = local_day(current_time(request.as_of))
    with read_scope() as session:
        require(principal, Action.READ_PROMISE, get_promise(session, request.promise_id))
        return [
            DeadlineRow.model_validate(deadline_dict(d, today))
            for d in deadlines_of(session, request.promise_id)
        ]


class MyDeadlinesRequest(BaseModel):
    """The signed-in person's open deadlines (``as_of``: a read-only "what if")."""

    as_of: AsOf = None


def my_deadlines(principal: Principal | None, request: MyDeadlinesRequest) -> list[MyDeadlineRow]:
    """Every open deadline of the promises the person may read and that are not closed, next
    first, with the area's name (the start page's "Mina uppgifter"), in one query."""
    if principal is None:
        require_action(principal, Action.READ_PROMISE)
    assert principal is not None
    today = local_day(current_time(request.as_of))
    with read_scope() as session:
        promises = {
            p.id: p
            for p in list_promises(session, party=party_filter(principal), open_only=True)
            if may(principal, Action.READ_PROMISE, p)
        }
        return [
            MyDeadlineRow(**deadline_dict(d, today), area=promises[d.promise_id].area_name)
            for d in open_deadlines_of(session, list(promises))  # type: ignore[arg-type]
        ]


class CalendarView(BaseModel):
    """A promise's effective calendar, its own override (if any) and the calendar's
    fingerprint (its deadlines are resynced when it changes)."""

    promise_id: int
    region: str
    override: dict[str, Any] | None
    fingerprint: str
    calendar: dict[str, Any]


class CalendarSynced(BaseModel):
    """A promise's deadlines recomputed after its calendar changed."""

    promise_id: int
    inserted: int
    updated: int
    deleted: int
    overdue: int


class Resynced(BaseModel):
    """How many promises' deadlines were recomputed."""

    resynced: int


def show_calendar(principal: Principal | None, request: PromiseRequest) -> CalendarView:
    """The promise's effective calendar: the region's, merged with its own override if any."""
    with read_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.READ_PROMISE, promise)
        model, _, fingerprint = calendar_for(session, promise)
        row = session.get(PromiseCalendar, request.promise_id)
        return CalendarView(
            promise_id=request.promise_id,
            region=promise.region_id,
            override=row.override if row else None,
            fingerprint=fingerprint,
            calendar=model.model_dump(mode="json"),
        )


class CalendarOverrideRequest(BaseModel):
    """A promise's own calendar, as YAML text: the parts that differ from the region's."""

    promise_id: PromiseId
    override: str = Field(max_length=100_000)
    source: str = Field(default="override", max_length=300)


def set_calendar(principal: Principal | None, request: CalendarOverrideRequest) -> CalendarSynced:
    """Give the promise its own calendar (merged with the region's); deadlines recomputed.

    The right is checked before the text is even parsed; the text is read with the bounded
    loader, and a broken override is an InputError (422) naming the field, nothing stored.
    """
    with read_scope() as session:
        require(principal, Action.CHANGE_CALENDAR, get_promise(session, request.promise_id))
    override = parse_override(request.override, request.source)
    with session_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.CHANGE_CALENDAR, promise)
        try:
            result = set_calendar_override(session, promise, override)
        except ConfigError as exc:
            raise InputError.of(exc) from None  # its sentence, in both languages
        return CalendarSynced(promise_id=request.promise_id, **result.__dict__)


def clear_calendar(principal: Principal | None, request: PromiseRequest) -> CalendarSynced:
    """Remove the promise's own calendar; its deadlines follow the region's again."""
    with session_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.CHANGE_CALENDAR, promise)
        result = set_calendar_override(session, promise, None)
        return CalendarSynced(promise_id=request.promise_id, **result.__dict__)


class RegionFilter(BaseModel):
    """One region, or (``None``) all of them."""

    region: str | None = Field(default=None, max_length=40)


def resync(principal: Principal | None, request: RegionFilter) -> Resynced:
    """Recompute every deadline after the calendar files were edited (admins)."""
    require_action(principal, Action.RUN_REMINDERS)
    with session_scope() as session:
        if request.region:
            _region(session, request.region)
        return Resynced(resynced=resync_calendars(session, request.region))


def promise_calendar_feed(principal: Principal | None, request: PromiseRequest) -> FileResult:
    """The promise's deadlines as an iCalendar feed."""
    with read_scope() as session:
        require(principal, Action.EXPORT_PROMISE, get_promise(session, request.promise_id))
        feed = promise_feed(session, request.promise_id)
    return FileResult(
        feed.encode("utf-8"), "text/calendar; charset=utf-8", f"promise-{request.promise_id}.ics"
    )


class RegionRequest(BaseModel):
    """One region."""

    region: str = Field(max_length=40)


def region_calendar_feed(principal: Principal | None, request: RegionRequest) -> FileResult:
    """Every promise's deadlines in the region as one iCalendar feed (regional coordinators)."""
    with read_scope() as session:
        _region(session, request.region)
        require_region(principal, Action.READ_REGION, request.region)
        feed = region_feed(session, request.region)
    return FileResult(
        feed.encode("utf-8"), "text/calendar; charset=utf-8", f"region-{request.region}.ics"
    )
