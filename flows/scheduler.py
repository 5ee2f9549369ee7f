"""The embedded scheduler: APScheduler in-process, its jobs persisted in our own database.

``lofte serve`` starts it beside the API (``start_embedded_scheduler``); ``lofte scheduler``
runs it alone in the foreground. The jobs are those of ``flows.schedule.SCHEDULE`` (the same
definition ``prefect.yaml`` is generated from), stored in the ``apscheduler_jobs`` table.

After downtime a job that missed one or more runs runs once when the scheduler starts
(``coalesce=True``, no misfire limit), not once per missed slot. For that the stored job, with
its stored next run time, is kept on start-up: re-adding it would compute the next run from
now and silently drop the missed one. Only a job whose definition changed is replaced.

Run only one embedded scheduler per database; for more, use Prefect deployments and workers
(docs/scheduling.md).
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import Engine

from flows.schedule import SCHEDULE, TIMEZONE, ScheduledJob, job

log = logging.getLogger("lofte.scheduler")

JOB_FUNCTION = "flows.scheduler:run_scheduled_job"
JOBS_TABLE = "apscheduler_jobs"  # created by migration 0001


def run_scheduled_job(job_id: str) -> Any:
    """What the scheduler runs (by reference, so it survives in the job store): the job's flow.

    A flow whose module is not part of this build yet (a later issue) is skipped with a
    warning instead of failing every time.
    """
    entry = job(job_id)
    try:
        flow = entry.load()
    except (ImportError, AttributeError) as exc:
        log.warning(
            "scheduled job %s: %s is not available (%s); skipped", job_id, entry.entrypoint, exc
        )
        return None
    from flows.runtime import apply_process_settings, configure_prefect_environment

    configure_prefect_environment()
    apply_process_settings()
    return flow()


def trigger_of(entry: ScheduledJob) -> CronTrigger:
    """The APScheduler trigger of a scheduled job: its cron line in its time zone."""
    return CronTrigger.from_crontab(entry.cron, timezone=ZoneInfo(entry.timezone))


def _job_options() -> dict[str, Any]:
    # misfire_grace_time None: a missed run is never dropped for being too late; coalesce
    # folds all missed runs into one.
    return {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


def build_scheduler(
    engine: Engine | None = None, *, jobs: tuple[ScheduledJob, ...] = SCHEDULE
) -> BackgroundScheduler:
    """A scheduler (not started) with the job store on ``engine`` (default: the configured DB)."""
    from models.db import get_engine

    jobstore = SQLAlchemyJobStore(engine=engine or get_engine(), tablename=JOBS_TABLE)
    scheduler = BackgroundScheduler(
        jobstores={"default": jobstore},
        executors={"default": ThreadPoolExecutor(max_workers=2)},
        job_defaults=_job_options(),
        timezone=ZoneInfo(TIMEZONE),
    )
    scheduler._lofte_jobs = jobs  # type: ignore[attr-defined]
    return scheduler


def reconcile_jobs(
    scheduler: BaseScheduler, jobs: tuple[ScheduledJob, ...] = SCHEDULE
) -> dict[str, str]:
    """Make the stored jobs match ``jobs`` (scheduler started, paused); returns what was done.

    An unchanged job keeps its stored next run time (so a missed run still runs once); a
    changed one is rescheduled; a new one added; one no longer defined removed.
    """
    done: dict[str, str] = {}
    wanted = {entry.id for entry in jobs}
    for stored in scheduler.get_jobs():
        if stored.id not in wanted:
            scheduler.remove_job(stored.id)
            done[stored.id] = "removed"
    for entry in jobs:
        trigger = trigger_of(entry)
        stored = scheduler.get_job(entry.id)
        if stored is None:
            scheduler.add_job(
                JOB_FUNCTION,
                trigger=trigger,
                args=[entry.id],
                id=entry.id,
                name=entry.deployment_name,
                replace_existing=True,
                **_job_options(),
            )
            done[entry.id] = "added"
        elif (
            repr(stored.trigger) != repr(trigger)
            or stored.func_ref != JOB_FUNCTION
            or list(stored.args) != [entry.id]
        ):
            scheduler.add_job(
                JOB_FUNCTION,
                trigger=trigger,
                args=[entry.id],
                id=entry.id,
                name=entry.deployment_name,
                replace_existing=True,
                **_job_options(),
            )
            done[entry.id] = "replaced"
        else:
            scheduler.modify_job(entry.id, name=entry.deployment_name, **_job_options())
            done[entry.id] = "kept"
    return done


def start(scheduler: BaseScheduler, *, paused: bool = False) -> dict[str, str]:
    """Start ``scheduler``: reconcile its stored jobs while paused, then let missed runs run.

    ``paused=True`` leaves it paused (to look at the jobs without running any).
    """
    jobs: tuple[ScheduledJob, ...] = getattr(scheduler, "_lofte_jobs", SCHEDULE)
    scheduler.start(paused=True)
    done = reconcile_jobs(scheduler, jobs)
    _log_jobs(done)
    if not paused:
        scheduler.resume()
    return done


def _log_jobs(done: dict[str, str]) -> None:
    for job_id, what in done.items():
        log.info("scheduler: job %s %s", job_id, what)


def resync_on_start(engine: Engine | None = None) -> int:
    """Recompute deadlines of promises whose calendar changed while we were down (config edits)."""
    from effects.deadlines import resync_calendars
    from models.db import session_scope

    try:
        with session_scope(engine) as session:
            return resync_calendars(session)
    except Exception:  # a broken calendar must not stop the scheduler
        log.exception("scheduler: could not resync calendars on start")
        return 0


def start_embedded_scheduler(engine: Engine | None = None) -> BackgroundScheduler:
    """Start the background scheduler for ``lofte serve``; call ``.shutdown()`` to stop it.

    Prefect is warmed first, from this thread: a missed run may fire the moment the scheduler
    starts, and Prefect's temporary server must not be started from two threads at once.
    """
    from flows.runtime import configure_prefect_environment, warm_up

    configure_prefect_environment()
    warm_up()
    resync_on_start(engine)
    scheduler = build_scheduler(engine)
    start(scheduler)
    return scheduler


def next_runs(scheduler: BaseScheduler) -> list[dict[str, Any]]:
    """Each stored job with its next run time (for ``lofte scheduler --list``)."""
    return [
        {
            "id": j.id,
            "name": j.name,
            "trigger": str(j.trigger),
            "next_run_time": j.next_run_time.isoformat() if j.next_run_time else None,
        }
        for j in scheduler.get_jobs()
    ]


def run_foreground(engine: Engine | None = None) -> None:
    """``lofte scheduler``: run the scheduler until interrupted (Ctrl-C or SIGTERM)."""
    import signal
    import threading

    stop = threading.Event()

    def _stop(_signum: int, _frame: Any) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, _stop)
    scheduler = start_embedded_scheduler(engine)
    try:
        for entry in next_runs(scheduler):
            log.info("scheduler: %s next at %s", entry["id"], entry["next_run_time"])
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown(wait=True)
        signal.signal(signal.SIGTERM, previous)
