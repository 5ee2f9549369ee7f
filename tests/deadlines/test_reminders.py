"""The reminder run: one digest per recipient, exactly once, across crashes and re-runs."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import Session, func, select

import jobs.reminders as reminders
from config.calendar import current_time
from jobs.reminders import run_reminders
from lifecycle.vocabulary import OrganisationKind, Role
from models.db import session_scope
from models.operations import Deadline, OutboxMessage
from models.organisation import Organisation, Person
from models.reminders import ReminderSent

from .conftest import MUNICIPAL, POLICE, REGIONAL, World

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _at(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def _more_municipalities(world: World, count: int) -> list[int]:
    """Extra municipalities, each with its own coordinator, sharing the police area."""
    ids = []
    with session_scope(world.engine) as session:
        for n in range(count):
            org = Organisation(
                region_id="stockholm", kind=OrganisationKind.MUNICIPALITY, name=f"Kommun {n}"
            )
            session.add(org)
            session.flush()
            session.add(
                Person(
                    email=f"samordnare{n}@kommun{n}.example",
                    name=f"Samordnare {n}",
                    organisation_id=org.id,
                    role=Role.COORDINATOR,
                    language="sv",
                )
            )
            assert org.id is not None
            ids.append(org.id)
    return ids


def test_one_digest_per_recipient_listing_everything_due(world: World) -> None:
    with time_machine.travel(_at(date(2025, 9, 1), 10), tick=False):
        ids = [world.promise(area=f"Område {n}") for n in range(5)]
    # 3 Oct 2025: every promise's dialogue deadline (23 Oct) is 14 working days away.
    with time_machine.travel(_at(date(2025, 10, 3)), tick=False):
        report = run_reminders(world.engine, current_time())
    assert report.queued == 2 and report.items_queued == 10
    by_recipient = {m.recipient: m for m in world.messages()}
    assert set(by_recipient) == {MUNICIPAL, POLICE}
    listed = sorted(i["promise_id"] for i in by_recipient[MUNICIPAL].payload["items"])
    assert listed == sorted(ids)
    assert by_recipient[MUNICIPAL].payload["counts"] == {"items": 5, "overdue": 0, "escalations": 0}
    assert by_recipient[MUNICIPAL].subject == "Löfte: 5 tidsfrister att bevaka"
    assert by_recipient[POLICE].subject == "Löfte: 5 deadlines to watch"
    assert all(f"Område {n}" in by_recipient[MUNICIPAL].payload["text"] for n in range(5))


def test_run_after_a_crash_queues_exactly_the_missing_digests(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    municipalities = _more_municipalities(world, 4)
    with time_machine.travel(_at(date(2025, 9, 1), 10), tick=False):
        for n, org in enumerate(municipalities):
            world.promise(area=f"Kommun {n}", municipality_id=org)
    # Five recipients on 3 Oct: four municipal coordinators and the police coordinator.
    real_enqueue = reminders.outbox.enqueue
    calls = {"n": 0}

    def crash_on_third(*args: Any, **kwargs: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("simulated crash half-way through the run")
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(reminders.outbox, "enqueue", crash_on_third)
    with (
        time_machine.travel(_at(date(2025, 10, 3)), tick=False),
        pytest.raises(RuntimeError, match="simulated crash"),
    ):
        run_reminders(world.engine, current_time())
    before = {m.recipient: m.idempotency_key for m in world.messages()}
    assert len(before) == 2  # two digests committed; the third rolled back with its bookkeeping

    monkeypatch.setattr(reminders.outbox, "enqueue", real_enqueue)
    with time_machine.travel(_at(date(2025, 10, 3), 9), tick=False):
        report = run_reminders(world.engine, current_time())
    assert report.queued == 3 and report.skipped == 2
    after = {m.recipient: m.idempotency_key for m in world.messages()}
    assert len(after) == 5 and len(world.messages()) == 5
    assert {k: after[k] for k in before} == before  # the first two untouched
    with Session(world.engine) as session:
        sent = session.exec(select(func.count()).select_from(ReminderSent)).one()
    # One row per (deadline, step, recipient), never twice: the police coordinator's digest
    # lists all four promises, each municipal coordinator's its own.
    assert sent == 8 == sum(len(m.payload["items"]) for m in world.messages())

    with time_machine.travel(_at(date(2025, 10, 3), 15), tick=False):
        again = run_reminders(world.engine, current_time())
    assert (again.queued, again.skipped) == (0, 5)


def test_two_runs_racing_never_send_an_item_twice(world: World) -> None:
    """A scheduled run and a manual one that planned the same items: the second finds them taken."""
    with time_machine.travel(_at(date(2025, 9, 1), 10), tick=False):
        world.promise()
    day = date(2025, 10, 3)
    with Session(world.engine) as session:
        plan = reminders.plan_reminders(session, day)
    with time_machine.travel(_at(day), tick=False):
        run_reminders(world.engine, current_time())
    # The stale plan's items were all taken by the run above.
    for email, items in plan.items.items():
        queued, new = reminders._queue_recipient(world.engine, day, plan.recipients[email], items)
        assert (queued, new) == (False, [])
    assert len(world.messages()) == 2


def test_weekends_and_holidays_send_nothing_and_the_next_working_day_catches_up(
    world: World,
) -> None:
    with time_machine.travel(_at(date(2026, 4, 1), 10), tick=False):
        promise_id = world.promise(
            term_start=date(2026, 9, 1),
            override={"evaluation": {"rhythm": "explicit", "dates": ["06-19"]}},
        )
    # The explicit round on midsummer eve 2027 (Sat 19 June? no: a Saturday in 2027) moves
    # to Friday 18 June 2027.
    rounds = [d for d in world.deadlines(promise_id) if d.kind == "evaluation_round"]
    assert [(d.due, d.nominal_due) for d in rounds] == [(date(2027, 6, 18), date(2027, 6, 19))]
    # Midsummer eve 2026 is Friday 19 June: a run then sends nothing, not even what is due.
    with time_machine.travel(_at(date(2026, 6, 19)), tick=False):
        report = run_reminders(world.engine, current_time())
    assert report.working_day is False and report.queued == 0
    # The dialogue deadline (term 1 Sep 2026 minus 10 weeks = Tue 23 June) reached its
    # 14-day step on 2 June; nothing ran since. Monday 22 June sends the step current then
    # (1 day before), once: not the three missed ones.
    with time_machine.travel(_at(date(2026, 6, 22)), tick=False):
        report = run_reminders(world.engine, current_time())
    assert report.queued == 2
    steps = {i["step"] for m in world.messages() for i in m.payload["items"]}
    assert steps == {"before:1"}


def test_a_deadline_without_coordinators_is_reported(world: World) -> None:
    with session_scope(world.engine) as session:
        lonely = Organisation(
            region_id="stockholm", kind=OrganisationKind.MUNICIPALITY, name="Ensam kommun"
        )
        police = Organisation(
            region_id="stockholm", kind=OrganisationKind.LOCAL_POLICE_AREA, name="LPO utan folk"
        )
        session.add_all([lonely, police])
        session.flush()
        assert lonely.id and police.id
        ids = (lonely.id, police.id)
    with time_machine.travel(_at(date(2025, 9, 1), 10), tick=False):
        world.promise(municipality_id=ids[0], police_area_id=ids[1])
    with time_machine.travel(_at(date(2025, 10, 3)), tick=False):
        report = run_reminders(world.engine, current_time())
    assert report.queued == 0 and len(report.unaddressed) == 1


def test_the_scan_reads_only_what_is_due(world: World) -> None:
    """Deadlines whose next step lies ahead are not even read (the index does the work)."""
    with time_machine.travel(_at(date(2025, 9, 1), 10), tick=False):
        for n in range(3):
            world.promise(area=f"Område {n}", term_start=date(2026, 1, 1), years=4)
    with Session(world.engine) as session:
        total = session.exec(select(func.count()).select_from(Deadline)).one()
        due = reminders.scan_due(session, date(2025, 10, 3))
    # Year 1: five stages, Stockholm's two tertial rounds, the compilation; years 2-4: plan,
    # rounds, compilation.
    assert total == 3 * (8 + 3 * 4) and len(due) == 3
    assert {d.stage.value for d in due} == {"resident_dialogue"}


def test_reminders_flow_runs_under_prefect(world: World, prefect_harness: None) -> None:
    from flows.reminders import reminders_flow

    with time_machine.travel(_at(date(2025, 9, 1), 10), tick=False):
        world.promise()
    result = reminders_flow("2025-10-03T07:00:00+02:00")
    assert result["queued"] == 2 and result["day"] == "2025-10-03"
    assert reminders_flow("2025-10-03")["skipped"] == 2
    assert {m.recipient for m in world.messages()} == {MUNICIPAL, POLICE}
    assert REGIONAL not in {m.recipient for m in world.messages()}
    with Session(world.engine) as session:
        assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 2
