"""Stored deadlines: computed from a promise's calendar, kept in step with its stage.

Call ``sync_deadlines`` in the same transaction as any change that can move a deadline or
finish one: creating a promise, a transition (forward, back, next year, close), a submitted
evaluation round, a changed calendar. It is idempotent: running it twice changes nothing.

Rules it keeps:

- every deadline of the term exists once (unique on promise, kind, stage, year, ref);
- a deadline of a stage the promise has passed is done; going back reopens it;
- an evaluation round's deadline is done when the round is submitted, or when the promise
  has left that year's evaluation (a missed round is reported in the compilation instead of
  being chased for ever);
- done deadlines are history and keep their date; open ones follow the calendar;
- while the promise is in continuous evaluation, the year's EvaluationRound rows exist and
  unsubmitted ones carry the calendar's due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from config.calendar import CalendarModel, get_calendars
from effects.promise_status import mark as mark_status
from lifecycle.deadlines import (
    KIND_ROUND,
    KIND_STAGE,
    CalendarRules,
    PlannedDeadline,
    plan_deadlines,
    stage_passed,
)
from lifecycle.i18n import Phrase
from lifecycle.reminders import first_trigger
from lifecycle.rounds import EvaluationRule, round_due_dates
from lifecycle.stages import Stage
from models.artefacts import ActivityStatusReport, EvaluationRound, IndicatorValue
from models.base import utcnow
from models.operations import Deadline
from models.promise import Promise
from models.reminders import PromiseCalendar, ReminderSent


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: rows inserted, updated, deleted, and open deadlines already overdue."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    overdue: int = 0


def _override_source(promise_id: int | None) -> Phrase:
    """The promise's own calendar, as an error about it names it ("löfte 7: egen kalender")."""
    return Phrase("löfte {id}: egen kalender", {"id": promise_id})


def _override_of(
    session: Session, promise_id: int
) -> tuple[PromiseCalendar | None, dict[str, Any] | None]:
    row = session.get(PromiseCalendar, promise_id)
    return row, (row.override if row is not None else None)


def calendar_for(session: Session, promise: Promise) -> tuple[CalendarModel, CalendarRules, str]:
    """(model, rules, fingerprint) of the promise's effective calendar.

    Defaults, then the region's file, then the promise's own override; a broken override
    raises ConfigError naming the promise.
    """
    assert promise.id is not None
    _, override = _override_of(session, promise.id)
    return get_calendars().resolve(promise.region_id, override, source=_override_source(promise.id))


def evaluation_rule_for(session: Session, promise: Promise) -> EvaluationRule:
    """The promise's evaluation rhythm (tertial, quarterly, explicit dates ...)."""
    return calendar_for(session, promise)[1].evaluation


def evaluation_round_dues(session: Session, promise: Promise, cycle_year: int) -> list[date]:
    """Due dates of the promise's evaluation rounds in ``cycle_year`` (round n is item n-1).

    The same dates ``sync_deadlines`` gives the round deadlines and the EvaluationRound rows.
    """
    return round_due_dates(promise.term_start, cycle_year, evaluation_rule_for(session, promise))


def _is_done(
    planned_kind: str, stage: Stage, cycle_year: int, promise: Promise, submitted: bool
) -> bool:
    if planned_kind == KIND_ROUND:
        return submitted or stage_passed(promise.stage, promise.cycle_year, stage, cycle_year)
    return stage_passed(promise.stage, promise.cycle_year, stage, cycle_year)


def _ensure_rounds(session: Session, promise: Promise, planned: list[PlannedDeadline]) -> None:
    """Create the current year's missing EvaluationRound rows; align unsubmitted due dates."""
    assert promise.id is not None
    year = promise.cycle_year
    dues = {p.round_number: p.due for p in planned if p.kind == KIND_ROUND and p.cycle_year == year}
    existing = {
        r.number: r
        for r in session.exec(
            select(EvaluationRound).where(
                EvaluationRound.promise_id == promise.id, EvaluationRound.cycle_year == year
            )
        )
    }
    for number, due in dues.items():
        assert number is not None
        row = existing.get(number)
        if row is None:
            session.add(
                EvaluationRound(promise_id=promise.id, cycle_year=year, number=number, due=due)
            )
        elif row.submitted_at is None and row.due != due:
            row.due = due
            session.add(row)
    # Rounds the calendar no longer has (a rhythm with fewer rounds, or rows planned with
    # another rhythm): an unsubmitted one with nothing reported in it goes, so the exit
    # criteria do not wait for a round nobody is asked for. Anything with content stays.
    for number, row in existing.items():
        if number in dues or row.submitted_at is not None or row.id is None:
            continue
        reported = (
            session.exec(
                select(ActivityStatusReport.id).where(ActivityStatusReport.round_id == row.id)
            ).first()
            or session.exec(
                select(IndicatorValue.id).where(IndicatorValue.round_id == row.id)
            ).first()
        )
        if reported is None:
            session.delete(row)
    session.flush()


def sync_deadlines(session: Session, promise: Promise, today: date | None = None) -> SyncResult:
    """(Re)compute and upsert every deadline of ``promise``, in the caller's transaction.

    Idempotent. Marks deadlines of passed stages (and submitted rounds) done, reopens those of
    stages the promise went back to, moves open ones to the calendar's current dates, removes
    open ones the calendar no longer has, and schedules each open one's next reminder step.
    ``today`` (the local day, default: the configured clock) only counts what is overdue.
    """
    from config.calendar import current_time, local_day

    assert promise.id is not None, "flush the promise before syncing its deadlines"
    today = today or local_day(current_time())
    _, rules, fingerprint = calendar_for(session, promise)
    planned = plan_deadlines(promise.term_start, promise.term_years, rules)

    if promise.stage is Stage.CONTINUOUS_EVALUATION:
        _ensure_rounds(session, promise, planned)
    submitted = {
        (r.cycle_year, f"round:{r.number}")
        for r in session.exec(
            select(EvaluationRound).where(
                EvaluationRound.promise_id == promise.id,
                col(EvaluationRound.submitted_at).is_not(None),
            )
        )
    }
    calendar_row = session.get(PromiseCalendar, promise.id)
    calendar_changed = calendar_row is None or calendar_row.fingerprint != fingerprint

    existing = {
        (d.kind, d.stage, d.cycle_year, d.ref): d
        for d in session.exec(select(Deadline).where(Deadline.promise_id == promise.id))
    }
    now = utcnow()
    if today < now.date():  # worked on after the fact (the demo): done on that day, not now
        now = datetime.combine(today, time(12), tzinfo=UTC)
    inserted = updated = 0
    for plan in planned:
        done = _is_done(
            plan.kind,
            plan.stage,
            plan.cycle_year,
            promise,
            (plan.cycle_year, plan.ref) in submitted,
        )
        nominal = plan.nominal if plan.nominal != plan.due else None
        row = existing.pop(plan.key, None)
        if row is None:
            session.add(
                Deadline(
                    promise_id=promise.id,
                    kind=plan.kind,
                    stage=plan.stage.value,
                    cycle_year=plan.cycle_year,
                    ref=plan.ref,
                    due=plan.due,
                    nominal_due=nominal,
                    done=done,
                    done_at=now if done else None,
                    next_remind_on=None if done else first_trigger(plan.due, rules.ladder),
                )
            )
            inserted += 1
            continue
        changed = False
        if done and not row.done:
            row.done, row.done_at, row.next_remind_on = True, now, None
            changed = True
        elif not done:
            moved = row.due != plan.due
            if row.done or moved or calendar_changed:
                # Reopened, moved or a new ladder: look at its ladder again from the start;
                # the scan sends only the step current on its day, and nothing already sent.
                row.next_remind_on = first_trigger(plan.due, rules.ladder)
                changed = True
            if row.done:
                row.done, row.done_at = False, None
            if moved:
                row.due, row.nominal_due = plan.due, nominal
        if changed:
            session.add(row)
            updated += 1

    # What is left is no longer in the calendar (a changed rhythm, a shorter term). Open ones
    # go; done ones are history and stay.
    gone = [d.id for d in existing.values() if not d.done and d.id is not None]
    if gone:
        session.execute(delete(ReminderSent).where(col(ReminderSent.deadline_id).in_(gone)))
        session.execute(delete(Deadline).where(col(Deadline.id).in_(gone)))
        mark_status(session, promise.id)  # a bulk DELETE: the ORM does not see it

    if calendar_row is None:
        session.add(PromiseCalendar(promise_id=promise.id, fingerprint=fingerprint))
    elif calendar_changed:
        calendar_row.fingerprint, calendar_row.updated_at = fingerprint, now
        session.add(calendar_row)
    session.flush()

    overdue = len(
        [
            d
            for d in session.exec(
                select(Deadline).where(
                    Deadline.promise_id == promise.id, col(Deadline.done).is_(False)
                )
            )
            if d.due < today
        ]
    )
    return SyncResult(inserted=inserted, updated=updated, deleted=len(gone), overdue=overdue)


def mark_round_submitted(session: Session, evaluation_round: EvaluationRound) -> None:
    """Mark the deadline of a just-submitted evaluation round done (caller's transaction).

    ``sync_deadlines`` derives the same from ``submitted_at``; this is the cheap call for the
    submit path, which does not need the rest of the promise's deadlines recomputed.
    """
    row = session.exec(
        select(Deadline).where(
            Deadline.promise_id == evaluation_round.promise_id,
            Deadline.kind == KIND_ROUND,
            Deadline.cycle_year == evaluation_round.cycle_year,
            Deadline.ref == f"round:{evaluation_round.number}",
        )
    ).first()
    if row is not None and not row.done:
        # Done when the round was submitted (recorded after the fact: then, not now).
        done_at = evaluation_round.submitted_at or utcnow()
        row.done, row.done_at, row.next_remind_on = True, done_at, None
        session.add(row)
        session.flush()


def set_calendar_override(
    session: Session, promise: Promise, override: dict[str, Any] | None, today: date | None = None
) -> SyncResult:
    """Store (or with None clear) the promise's own calendar override, then resync its deadlines.

    The override is validated first: a broken one raises ConfigError naming the promise, the
    key and the problem, and nothing is stored.
    """
    assert promise.id is not None
    get_calendars().resolve(
        promise.region_id, override or None, source=_override_source(promise.id)
    )
    row = session.get(PromiseCalendar, promise.id)
    if row is None:
        row = PromiseCalendar(promise_id=promise.id, fingerprint="")
    row.override = override or None
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return sync_deadlines(session, promise, today)


def resync_calendars(
    session: Session, region_id: str | None = None, today: date | None = None
) -> int:
    """Resync every open promise whose effective calendar changed (e.g. an edited region file).

    Returns how many promises were resynced. Reads every open promise once: a maintenance
    step (``lofte calendar resync``, scheduler start-up), not part of the daily scan.
    """
    query = select(Promise).where(Promise.stage != Stage.CLOSED)
    if region_id:
        query = query.where(Promise.region_id == region_id)
    stored = {row.promise_id: row for row in session.exec(select(PromiseCalendar))}
    count = 0
    for promise in session.exec(query).all():
        assert promise.id is not None
        row = stored.get(promise.id)
        override = row.override if row else None
        fingerprint = get_calendars().resolve(
            promise.region_id, override, source=_override_source(promise.id)
        )[2]
        if row is None or row.fingerprint != fingerprint:
            sync_deadlines(session, promise, today)
            count += 1
    return count


__all__ = [
    "KIND_ROUND",
    "KIND_STAGE",
    "SyncResult",
    "calendar_for",
    "evaluation_round_dues",
    "evaluation_rule_for",
    "mark_round_submitted",
    "resync_calendars",
    "set_calendar_override",
    "sync_deadlines",
]
