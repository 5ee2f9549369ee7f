"""The reminder run: what is due for a reminder or overdue today, one digest per recipient.

``run_reminders(engine, now)`` is the plain function (tests and the benchmark call it);
``reminders_flow`` is the thin Prefect flow around it that the schedulers run.

How a run works, and why it never sends anything twice:

1. **Scan** (one indexed query): open deadlines whose ``next_remind_on`` has come. Its cost
   grows with what is due, not with the number of promises stored.
2. **Plan**: for each, the ladder step current today (the latest whose trigger day has come,
   so after downtime the latest step is sent once, not every missed one) and its recipients:
   the coordinators of the promise's municipality and police area, plus (escalation steps)
   the region's coordinators. Every (deadline, step, recipient) is an *item*.
3. **Queue**, one transaction per recipient: record each item in ``remindersent`` (unique;
   an item recorded before is dropped) and enqueue one digest of the new items, keyed by
   them, in the outbox. A crash between recipients leaves the finished ones committed; the
   next run finds their items recorded and queues exactly the missing digests.
4. **Advance** each scanned deadline's ``next_remind_on`` to its next trigger day.

On a day that is not a Swedish working day nothing is sent (what falls due on it was sent
the working day before, and anything caught up waits for the next working day).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, distinct, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from config.calendar import get_calendars, local_day
from lifecycle.calendar import is_working_day, working_days_between
from lifecycle.deadlines import what_is_due as describe_due
from lifecycle.reminders import LadderStep, ReminderLadder, current_step, next_trigger
from lifecycle.stages import Stage
from lifecycle.vocabulary import Role
from models.base import utcnow
from models.db import insert_if_new, session_scope
from models.operations import Deadline
from models.organisation import Organisation, Person
from models.promise import PartyOrganisation, Promise
from models.reminders import PromiseCalendar, ReminderSent
from notifications import outbox
from notifications.channel_config import DEFAULT_CHANNEL

log = logging.getLogger(__name__)


_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's limits


@dataclass(frozen=True)
class Recipient:
    """Who a digest goes to (a Person, reduced to what the message needs)."""

    email: str
    name: str
    language: str
    channel: str


@dataclass(frozen=True)
class DueDeadline:
    """An open deadline whose ladder step has come, with what the message says about it."""

    deadline_id: int
    promise_id: int
    area_name: str
    region_id: str
    term_years: int
    kind: str
    stage: Stage
    cycle_year: int
    ref: str
    due: date
    nominal_due: date | None
    step: LadderStep
    ladder: ReminderLadder
    next_remind_on: date | None

    @property
    def step_id(self) -> str:
        """The step and the due date it belongs to: a moved deadline gets its ladder again."""
        return f"{self.step.code}@{self.due.isoformat()}"


@dataclass(frozen=True)
class Item:
    """One (deadline, ladder step, recipient): the unit that is sent at most once."""

    deadline: DueDeadline
    recipient: Recipient

    @property
    def key(self) -> tuple[int, str, str]:
        """(deadline id, step id, recipient): unique in ``remindersent``."""
        return (self.deadline.deadline_id, self.deadline.step_id, self.recipient.email)


@dataclass
class ReminderPlan:
    """What a run would queue: every due deadline and the items per recipient."""

    day: date
    due: list[DueDeadline] = field(default_factory=list)
    items: dict[str, list[Item]] = field(default_factory=dict)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    already_sent: set[tuple[int, str, str]] = field(default_factory=set)
    unaddressed: list[int] = field(default_factory=list)


@dataclass
class ReminderReport:
    """The outcome of a run (``--json`` prints ``as_dict()``)."""

    now: str
    day: str
    working_day: bool
    scanned: int = 0
    queued: int = 0
    skipped: int = 0
    items_queued: int = 0
    items_skipped: int = 0
    escalations: int = 0
    unaddressed: list[int] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form: ``queued`` new messages, ``skipped`` ones queued before."""
        return asdict(self)


def scan_due(session: Session, day: date) -> list[DueDeadline]:
    """Open deadlines whose next reminder step has come on ``day``, with their current step.

    One query on the (done, next_remind_on) index joined to the promise by primary key.
    """
    calendars = get_calendars()
    query = (
        sa_select(
            Deadline,
            col(Promise.area_name),
            col(Promise.region_id),
            col(Promise.term_years),
            col(PromiseCalendar.override),
        )
        .join(Promise, col(Promise.id) == col(Deadline.promise_id))
        .outerjoin(PromiseCalendar, col(PromiseCalendar.promise_id) == col(Deadline.promise_id))
        .where(col(Deadline.done).is_(False), col(Deadline.next_remind_on) <= day)
        .order_by(col(Deadline.due), col(Deadline.id))
    )
    found = []
    for deadline, area_name, region_id, term_years, override in session.execute(query):
        ladder = calendars.resolve(
            region_id, override, source=f"promise {deadline.promise_id}: calendar override"
        )[1].ladder
        step = current_step(deadline.due, ladder, day)
        assert deadline.id is not None
        if step is None:  # the ladder changed under it; the advance step reschedules it
            step = LadderStep("none", 0, day)
        found.append(
            DueDeadline(
                deadline_id=deadline.id,
                promise_id=deadline.promise_id,
                area_name=area_name,
                region_id=region_id,
                term_years=term_years,
                kind=deadline.kind,
                stage=Stage(deadline.stage),
                cycle_year=deadline.cycle_year,
                ref=deadline.ref,
                due=deadline.due,
                nominal_due=deadline.nominal_due,
                step=step,
                ladder=ladder,
                next_remind_on=deadline.next_remind_on,
            )
        )
    return found


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _recipient(person: Person) -> Recipient:
    return Recipient(
        email=person.email,
        name=person.name,
        language=person.language if person.language in ("sv", "en") else "sv",
        channel=person.channel or DEFAULT_CHANNEL,
    )


def plan_reminders(session: Session, day: date) -> ReminderPlan:
    """Scan and plan a run on ``day`` without writing anything (what would be sent)."""
    plan = ReminderPlan(day=day)
    plan.due = scan_due(session, day)  # all of them get their next trigger day afterwards
    due = [d for d in plan.due if d.step.kind != "none"]
    if not due:
        return plan

    # The promises' organisations, and (for escalations) their regions, in a few queries.
    promise_ids = sorted({d.promise_id for d in due})
    orgs_of: dict[int, tuple[int, ...]] = {}
    for chunk in _chunks(promise_ids):
        for pid, municipality_id, police_area_id in session.exec(
            select(Promise.id, Promise.municipality_id, Promise.police_area_id).where(
                col(Promise.id).in_(chunk)
            )
        ):
            assert pid is not None
            orgs_of[pid] = (municipality_id, police_area_id)
        # a city district split between two police areas: the second LPO hears too
        for pid, org_id in session.exec(
            select(PartyOrganisation.promise_id, PartyOrganisation.organisation_id).where(
                col(PartyOrganisation.promise_id).in_(chunk)
            )
        ):
            orgs_of[pid] = (*orgs_of[pid], org_id)
    org_ids = sorted({o for pair in orgs_of.values() for o in pair})
    by_org: dict[tuple[int, str], list[Person]] = defaultdict(list)
    for chunk in _chunks(org_ids):
        for person in session.exec(
            select(Person).where(col(Person.organisation_id).in_(chunk)).order_by(col(Person.email))
        ):
            assert person.organisation_id is not None
            by_org[(person.organisation_id, person.role.value)].append(person)
    regional_roles = {r for d in due if d.step.escalates for r in d.ladder.escalate_to}
    by_region: dict[tuple[str, str], list[Person]] = defaultdict(list)
    escalating_regions = sorted({d.region_id for d in due if d.step.escalates})
    if escalating_regions and Role.REGIONAL_COORDINATOR.value in regional_roles:
        for person, region_id in session.exec(
            select(Person, Organisation.region_id)
            .join(Organisation, col(Organisation.id) == col(Person.organisation_id))
            .where(
                col(Organisation.region_id).in_(escalating_regions),
                Person.role == Role.REGIONAL_COORDINATOR,
            )
            .order_by(col(Person.email))
        ):
            by_region[(region_id, Role.REGIONAL_COORDINATOR.value)].append(person)

    for d in due:
        people: dict[str, Person] = {}
        for org in orgs_of.get(d.promise_id, ()):
            for person in by_org.get((org, Role.COORDINATOR.value), []):
                people[person.email] = person
        if d.step.escalates:
            for role in d.ladder.escalate_to:
                if role == Role.REGIONAL_COORDINATOR.value:
                    extra = by_region.get((d.region_id, role), [])
                else:
                    extra = [
                        p
                        for org in orgs_of.get(d.promise_id, ())
                        for p in by_org.get((org, role), [])
                    ]
                for person in extra:
                    people[person.email] = person
        if not people:
            plan.unaddressed.append(d.deadline_id)
            continue
        for email in sorted(people):
            recipient = plan.recipients.setdefault(email, _recipient(people[email]))
            plan.items.setdefault(email, []).append(Item(d, recipient))

    deadline_ids = sorted({d.deadline_id for d in due})
    for chunk in _chunks(deadline_ids):
        for deadline_id, step, email in session.exec(
            select(ReminderSent.deadline_id, ReminderSent.step, ReminderSent.recipient).where(
                col(ReminderSent.deadline_id).in_(chunk)
            )
        ):
            plan.already_sent.add((deadline_id, step, email))
    return plan


def what_is_due(d: DueDeadline, language: str) -> str:
    """What the deadline is about, e.g. ``Uppföljning 2 (år 1)`` or ``Action plan``."""
    return describe_due(d.kind, d.stage, d.ref, d.cycle_year, d.term_years, language)


def _item_payload(d: DueDeadline, day: date) -> dict[str, Any]:
    left = working_days_between(day, d.due)
    return {
        "deadline_id": d.deadline_id,
        "promise_id": d.promise_id,
        "area_name": d.area_name,
        "region_id": d.region_id,
        "kind": d.kind,
        "stage": d.stage.value,
        "stage_name_sv": d.stage.name_in("sv"),
        "stage_name_en": d.stage.name_in("en"),
        "what_sv": what_is_due(d, "sv"),
        "what_en": what_is_due(d, "en"),
        "cycle_year": d.cycle_year,
        "ref": d.ref,
        "due": d.due.isoformat(),
        "nominal_due": d.nominal_due.isoformat() if d.nominal_due else None,
        "step": d.step.code,
        "step_kind": d.step.kind,
        "escalation": d.step.escalates,
        "overdue": d.due < day,
        "working_days_left": max(left, 0),
        "working_days_late": max(-left, 0),
    }


def compose_digest(recipient: Recipient, items: list[dict[str, Any]], day: date) -> tuple[str, str]:
    """(subject, text) of a digest in the recipient's language: overdue first, then upcoming.

    The text is rendered by the notifier's own templates (the digest or escalation template),
    so what the outbox shows is exactly what is delivered.
    """
    from notifications.render import Renderer

    lang = recipient.language
    kind = "escalation" if any(i["escalation"] for i in items) else "digest"
    payload = {
        "day": day.isoformat(),
        "recipient": {"email": recipient.email, "name": recipient.name},
        "items": items,
    }
    rendered = Renderer().render(kind, lang, payload, html=False)
    return rendered.subject, rendered.text


def digest_key(recipient: str, day: date, item_keys: Iterable[tuple[int, str, str]]) -> str:
    """The outbox idempotency key of a digest: its recipient, day and exact items."""
    digest = hashlib.sha256(
        "\n".join(f"{d}|{s}|{r}" for d, s, r in sorted(item_keys)).encode()
    ).hexdigest()[:20]
    return f"reminders:{day.isoformat()}:{recipient}:{digest}"[:200]


def _insert_sent(session: Session, values: dict[str, Any]) -> bool:
    unique = ["deadline_id", "step", "recipient"]
    return insert_if_new(session, ReminderSent, values, unique) is not None


def _queue_recipient(
    engine: Engine, day: date, recipient: Recipient, items: list[Item]
) -> tuple[bool, list[Item]]:
    """Record the recipient's items and enqueue their digest, in one transaction.

    Returns (queued, new items). Items another run recorded first are left out; when none is
    left nothing is queued.
    """
    keys = [i.key for i in items]
    key = digest_key(recipient.email, day, keys)
    with session_scope(engine) as session:
        new = [
            i
            for i in items
            if _insert_sent(
                session,
                {
                    "deadline_id": i.deadline.deadline_id,
                    "step": i.deadline.step_id,
                    "recipient": recipient.email,
                    "outbox_key": key,
                    "run_on": day,
                    "created_at": utcnow(),
                },
            )
        ]
        if not new:
            return False, []
        if len(new) != len(items):  # a concurrent run took some: key the digest by what is left
            key = digest_key(recipient.email, day, [i.key for i in new])
            for i in new:
                session.execute(
                    update(ReminderSent)
                    .where(
                        and_(
                            col(ReminderSent.deadline_id) == i.deadline.deadline_id,
                            col(ReminderSent.step) == i.deadline.step_id,
                            col(ReminderSent.recipient) == recipient.email,
                        )
                    )
                    .values(outbox_key=key)
                )
        payload_items = [_item_payload(i.deadline, day) for i in new]
        subject, text = compose_digest(recipient, payload_items, day)
        escalation = any(i.deadline.step.escalates for i in new)
        promise_ids = {i.deadline.promise_id for i in new}
        queued = outbox.enqueue(
            session,
            key=key,
            kind="escalation" if escalation else "digest",
            channel=recipient.channel,
            recipient=recipient.email,
            language=recipient.language,
            promise_id=next(iter(promise_ids)) if len(promise_ids) == 1 else None,
            payload={
                "day": day.isoformat(),
                "recipient": {"email": recipient.email, "name": recipient.name},
                "items": payload_items,
                "counts": {
                    "items": len(payload_items),
                    "overdue": sum(1 for i in payload_items if i["overdue"]),
                    "escalations": sum(1 for i in payload_items if i["escalation"]),
                },
                "subject": subject,
                "text": text,
            },
        )
        return queued, new


def _advance(engine: Engine, due: list[DueDeadline], day: date) -> None:
    """Move each scanned deadline's next reminder to its next trigger day.

    Conditional on the row still having the due date and next_remind_on the scan saw, so a
    sync that moved the deadline meanwhile is not overwritten.
    """
    with session_scope(engine) as session:
        for d in due:
            session.execute(
                update(Deadline)
                .where(
                    and_(
                        col(Deadline.id) == d.deadline_id,
                        col(Deadline.due) == d.due,
                        col(Deadline.next_remind_on) == d.next_remind_on,
                        col(Deadline.done).is_(False),
                    )
                )
                .values(next_remind_on=next_trigger(d.due, d.ladder, day))
            )


def run_reminders(engine: Engine, now: datetime) -> ReminderReport:
    """Queue today's reminder digests; safe to run again or after a crash (see module doc)."""
    day = local_day(now)
    report = ReminderReport(
        now=now.isoformat(), day=day.isoformat(), working_day=is_working_day(day)
    )
    if not report.working_day:
        log.info("reminders: %s is not a working day in Sweden; nothing to send", day)
        return report
    with Session(engine) as session:
        # Digests of this day queued by an earlier run (a re-run, or a run before a crash).
        report.skipped = session.exec(
            select(func.count(distinct(col(ReminderSent.outbox_key)))).where(
                ReminderSent.run_on == day
            )
        ).one()
        plan = plan_reminders(session, day)
    report.scanned = len(plan.due)
    report.unaddressed = sorted(set(plan.unaddressed))
    for deadline_id in report.unaddressed:
        log.warning("reminders: deadline %s has no one to remind (no coordinator)", deadline_id)
    for email in sorted(plan.items):
        items = plan.items[email]
        fresh = [i for i in items if i.key not in plan.already_sent]
        if not fresh:
            report.items_skipped += len(items)
            continue
        queued, new = _queue_recipient(engine, day, plan.recipients[email], fresh)
        report.items_skipped += len(items) - len(new)
        if queued:
            report.queued += 1
            report.items_queued += len(new)
            report.escalations += sum(1 for i in new if i.deadline.step.escalates)
            report.messages.append({"recipient": email, "items": len(new)})
    _advance(engine, plan.due, day)
    log.info(
        "reminders %s: %d due, %d digests queued, %d already queued",
        day,
        report.scanned,
        report.queued,
        report.skipped,
    )
    return report


def preview_reminders(session: Session, day: date) -> dict[str, Any]:
    """What a run on ``day`` would queue, without writing anything: one digest per recipient."""
    digests = []
    if is_working_day(day):
        plan = plan_reminders(session, day)
        for email in sorted(plan.items):
            fresh = [i for i in plan.items[email] if i.key not in plan.already_sent]
            if not fresh:
                continue
            recipient = plan.recipients[email]
            subject, text = compose_digest(
                recipient, [_item_payload(i.deadline, day) for i in fresh], day
            )
            digests.append(
                {
                    "recipient": email,
                    "language": recipient.language,
                    "subject": subject,
                    "text": text,
                }
            )
    return {"day": day.isoformat(), "working_day": is_working_day(day), "would_queue": digests}
