"""One schedule, two ways: the embedded APScheduler and prefect.yaml agree; the embedded one
fires the reminder job on time and catches up once after downtime."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)

from flows.schedule import ON_DEMAND, SCHEDULE, job, prefect_yaml, render_prefect_yaml
from flows.scheduler import build_scheduler, start, trigger_of

from .conftest import MUNICIPAL, POLICE, World

ROOT = Path(__file__).parents[2]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_prefect_yaml_is_generated_from_the_schedule() -> None:
    on_disk = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    assert on_disk == render_prefect_yaml(), "regenerate: python -m flows.schedule > prefect.yaml"


def test_prefect_yaml_is_valid_for_prefect() -> None:
    from prefect.cli.deploy._models import PrefectYamlModel

    model = PrefectYamlModel.model_validate(yaml.safe_load((ROOT / "prefect.yaml").read_text()))
    assert [d.entrypoint for d in model.deployments] == [j.entrypoint for j in SCHEDULE] + [
        f.entrypoint for f in ON_DEMAND
    ]
    assert all(d.work_pool and d.work_pool.name == "lofte-process" for d in model.deployments)


@pytest.mark.parametrize(
    "start_at",
    [
        datetime(2026, 3, 28, 12, tzinfo=UTC),  # across the switch to summer time
        datetime(2026, 10, 24, 12, tzinfo=UTC),  # and back
    ],
)
def test_embedded_and_prefect_fire_at_the_same_moments(start_at: datetime) -> None:
    """The same instants from APScheduler's trigger and from Prefect's own cron schedule.

    One difference is the libraries' and is allowed: in the hour that repeats when summer
    time ends (02:00-03:00 twice), APScheduler fires a sub-hourly job in both passes and
    Prefect in the first only. The daily and weekly jobs are not affected.
    """
    import asyncio
    import inspect

    from prefect.server.schemas.schedules import CronSchedule

    deployments = {
        d["entrypoint"]: d
        for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
        if d["schedules"]
    }
    assert set(deployments) == {j.entrypoint for j in SCHEDULE}
    repeated_hour = (datetime(2026, 10, 25, 1, tzinfo=UTC), datetime(2026, 10, 25, 2, tzinfo=UTC))
    for entry in SCHEDULE:
        (schedule,) = deployments[entry.entrypoint]["schedules"]
        assert (schedule["cron"], schedule["timezone"]) == (entry.cron, "Europe/Stockholm")
        end = start_at + (
            timedelta(hours=16) if entry.id == "dispatch-outbox" else timedelta(days=60)
        )
        dates = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"]).get_dates(
            n=10_000, start=start_at, end=end
        )
        if inspect.iscoroutine(dates):
            dates = asyncio.run(dates)
        prefect_times = [d.astimezone(UTC) for d in dates]
        trigger = trigger_of(entry)
        embedded: list[datetime] = []
        previous = None
        now = start_at
        for _ in range(2000):  # bounded: never loop for ever on a trigger bug
            fire = trigger.get_next_fire_time(previous, now)
            assert fire is not None
            if fire.astimezone(UTC) > end:
                break
            embedded.append(fire.astimezone(UTC))
            previous, now = fire, fire  # as APScheduler's own loop asks it
        else:
            pytest.fail(f"{entry.id}: no end to the fire times")
        assert len(prefect_times) > 3
        extra = sorted(set(embedded) - set(prefect_times))
        assert set(prefect_times) <= set(embedded), entry.id
        assert all(repeated_hour[0] <= t < repeated_hour[1] for t in extra), (entry.id, extra)
        if entry.id != "dispatch-outbox":
            assert embedded == prefect_times, entry.id


def test_the_schedule_says_what_the_issue_asks() -> None:
    reminders = trigger_of(job("reminders"))
    # Every working morning at 07:00 Stockholm time, summer and winter.
    winter = reminders.get_next_fire_time(None, datetime(2026, 1, 9, 8, tzinfo=STOCKHOLM))  # Friday
    assert winter == datetime(2026, 1, 12, 7, tzinfo=STOCKHOLM)  # Monday
    summer = reminders.get_next_fire_time(None, datetime(2026, 6, 17, 8, tzinfo=STOCKHOLM))
    assert summer is not None and summer.astimezone(UTC) == datetime(2026, 6, 18, 5, tzinfo=UTC)
    assert prefect_yaml()["deployments"][0]["schedules"][0]["timezone"] == "Europe/Stockholm"


def _listen(scheduler: Any) -> tuple[list[JobExecutionEvent], threading.Event]:
    events: list[JobExecutionEvent] = []
    ran = threading.Event()

    def listener(event: JobExecutionEvent) -> None:
        events.append(event)
        ran.set()

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return events, ran


def test_embedded_scheduler_fires_the_reminder_job_at_seven(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Friday 3 October 2025, 06:59:58: at 07:00 the job runs and queues the day's digests."""
    import flows.reminders
    import jobs.reminders
    from config.calendar import current_time
    from models.db import get_engine

    with time_machine.travel(datetime(2025, 9, 1, 10, tzinfo=STOCKHOLM), tick=False):
        world.promise()
    # The job runs the reminder flow; here its plain function (no Prefect server needed).
    monkeypatch.setattr(
        flows.reminders,
        "reminders_flow",
        lambda now=None: jobs.reminders.run_reminders(get_engine(), current_time(now)).as_dict(),
    )
    with time_machine.travel(datetime(2025, 10, 3, 6, 59, 58, tzinfo=STOCKHOLM), tick=True):
        scheduler = build_scheduler(world.engine, jobs=(job("reminders"),))
        events, ran = _listen(scheduler)
        start(scheduler)
        try:
            assert scheduler.get_job("reminders").next_run_time == datetime(
                2025, 10, 3, 7, tzinfo=STOCKHOLM
            )
            assert ran.wait(60), "the reminder job did not run"
        finally:
            scheduler.shutdown(wait=True)
    assert [e.code for e in events] == [EVENT_JOB_EXECUTED]
    assert events[0].retval["day"] == "2025-10-03" and events[0].retval["queued"] == 2
    assert {m.recipient for m in world.messages()} == {MUNICIPAL, POLICE}


def test_embedded_scheduler_catches_up_once_after_downtime(
    world: World, prefect_harness: None
) -> None:
    """Jobs stored a week ago, nothing ran since: on start the reminder job runs once, as the
    real Prefect flow, and the next run is the next working morning."""
    real_now = datetime.now(UTC)
    with time_machine.travel(real_now - timedelta(days=8), tick=False):
        before = build_scheduler(world.engine, jobs=(job("reminders"),))
        assert start(before, paused=True) == {"reminders": "added"}
        missed_from = before.get_job("reminders").next_run_time
        before.shutdown(wait=False)
    assert missed_from < real_now - timedelta(days=2)  # at least five working mornings missed

    scheduler = build_scheduler(world.engine, jobs=(job("reminders"),))
    events, ran = _listen(scheduler)
    assert start(scheduler) == {"reminders": "kept"}  # the stored next run time survives
    try:
        assert ran.wait(120), "the missed run did not run on start"
    finally:
        scheduler.shutdown(wait=True)
    assert [e.code for e in events] == [EVENT_JOB_EXECUTED], [e.exception for e in events]
    assert events[0].retval["day"] == datetime.now(STOCKHOLM).date().isoformat()

    after = build_scheduler(world.engine, jobs=(job("reminders"),))
    start(after, paused=True)
    next_run = after.get_job("reminders").next_run_time
    after.shutdown(wait=False)
    assert next_run > datetime.now(UTC)
    local = next_run.astimezone(STOCKHOLM)
    assert (local.time(), local.weekday() < 5) == (time(7), True)
    assert local.date() >= date.today()
