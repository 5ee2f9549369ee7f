"""The one definition of what runs when: the embedded scheduler and ``prefect.yaml`` both come
from ``SCHEDULE``.

The embedded scheduler (``flows.scheduler``) reads it directly. ``prefect.yaml`` is generated
from it (``python -m flows.schedule > prefect.yaml``) and a test checks that the file in the
repository is exactly what would be generated, so the two cannot drift apart.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

TIMEZONE = "Europe/Stockholm"
WORK_POOL = "lofte-process"


# Weekdays are written as names, never numbers: APScheduler 3 counts day_of_week from 0 =
# Monday while cron (and Prefect) count from 0 = Sunday, so "1-5" would mean Tuesday to
# Saturday embedded and Monday to Friday on Prefect. tests/deadlines/test_schedule.py
# compares the fire times of both.


@dataclass(frozen=True)
class ScheduledJob:
    """A flow that runs on a cron schedule (in ``timezone``), embedded or on a Prefect server."""

    id: str
    entrypoint: str  # path/to/file.py:flow_function, as prefect.yaml wants it
    cron: str
    description: str
    timezone: str = TIMEZONE

    @property
    def module(self) -> str:
        """The Python module of the flow (``flows.reminders``)."""
        return self.entrypoint.split(":", 1)[0].removesuffix(".py").replace("/", ".")

    @property
    def function(self) -> str:
        """The flow function's name."""
        return self.entrypoint.split(":", 1)[1]

    @property
    def deployment_name(self) -> str:
        """The Prefect deployment's name (``lofte-reminders``)."""
        return f"lofte-{self.id}"

    def load(self) -> Callable[..., Any]:
        """Import the flow (ImportError if its module is not in this build yet)."""
        module = importlib.import_module(self.module)
        flow: Callable[..., Any] = getattr(module, self.function)
        return flow


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob(
        id="reminders",
        entrypoint="flows/reminders.py:reminders_flow",
        # Every working morning. Holidays are skipped inside the flow (the Swedish calendar
        # cannot be written in cron); a run on one sends nothing.
        cron="0 7 * * mon-fri",
        description="Påminnelser och eskaleringar, en sammanfattning per mottagare / "
        "reminders and escalations, one digest per recipient.",
    ),
    ScheduledJob(
        id="renewal",
        entrypoint="flows/renewal.py:renewal_flow",
        # Every morning, before the reminders: a promise whose renewal day has come gets its
        # next cycle opened (idempotent), so its deadlines reach the same morning's reminders.
        cron="30 6 * * *",
        description="Öppna nästa cykel för löften vars förnyelsedag har kommit / "
        "open the next cycle of promises whose renewal day has come.",
    ),
    ScheduledJob(
        id="dispatch-outbox",
        entrypoint="flows/dispatch.py:dispatch_outbox_flow",
        cron="*/2 * * * *",
        description="Skicka det som väntar i utkorgen / deliver what waits in the outbox.",
    ),
    ScheduledJob(
        id="status-report",
        entrypoint="flows/status_report.py:status_report_flow",
        cron="0 8 * * mon",
        description="Regional lägesrapport varje måndag / weekly regional status report.",
    ),
)


@dataclass(frozen=True)
class StartedFlow:
    """A flow a person (or an operator's script) starts as a Prefect deployment run."""

    name: str  # the deployment's name
    entrypoint: str
    description: str


# Runs a person starts: each acts for the person named in its ``acting_as`` parameter and is
# checked against the same permissions as the API (flows/transition.py, flows/deployments.py).
ON_DEMAND: tuple[StartedFlow, ...] = (
    StartedFlow(
        "advance-promise",
        "flows/transition.py:advance_promise_as",
        "Flytta ett löfte vidare för en namngiven person / advance a promise for a named person "
        "(parameters acting_as, promise_id; optional to, reason).",
    ),
    StartedFlow(
        "open-next-cycle",
        "flows/deployments.py:open_next_cycle_as",
        "Öppna nästa cykel för ett löfte i sitt sista år / open the next cycle of a promise "
        "in its last year "
        "(parameters acting_as, promise_id; optional late_start_reason).",
    ),
    StartedFlow(
        "approve-compilation",
        "flows/deployments.py:approve_compilation_as",
        "Godkänn årssammanställningen (styrgruppen) / approve the year-end compilation "
        "(parameters acting_as, promise_id, approved_by; optional diarienummer).",
    ),
)


def job(job_id: str) -> ScheduledJob:
    """The scheduled job with this id (KeyError listing the known ids)."""
    for entry in SCHEDULE:
        if entry.id == job_id:
            return entry
    raise KeyError(f"unknown job {job_id!r}; known: {', '.join(j.id for j in SCHEDULE)}")


def prefect_yaml() -> dict[str, Any]:
    """The content of ``prefect.yaml``: one deployment per job, same cron, same time zone."""
    return {
        "name": "lofte",
        "prefect-version": "3.8.8",
        # Workers run from a checkout of this repository (with the package installed), so
        # there is nothing to build or push; they work in the directory they start in.
        "build": None,
        "push": None,
        "pull": [
            {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $LOFTE_HOME }}"}}
        ],
        "deployments": [
            {
                "name": j.deployment_name,
                "description": j.description,
                "entrypoint": j.entrypoint,
                "parameters": {},
                "work_pool": {"name": WORK_POOL, "work_queue_name": "default"},
                "schedules": [{"cron": j.cron, "timezone": j.timezone, "active": True}],
                "concurrency_limit": 1,
                "tags": ["lofte"],
            }
            for j in SCHEDULE
        ]
        + [
            {
                "name": f.name,
                "description": f.description,
                "entrypoint": f.entrypoint,
                "parameters": {},
                "work_pool": {"name": WORK_POOL, "work_queue_name": "default"},
                "schedules": [],
                "tags": ["lofte"],
            }
            for f in ON_DEMAND
        ],
    }


HEADER = """\
# Prefect deployments of Löfte's scheduled flows, for a Prefect server with a process work
# pool and workers (see docs/scheduling.md).
#
# GENERATED from flows/schedule.py (the single definition the embedded scheduler also uses):
#     python -m flows.schedule > prefect.yaml
# Do not edit by hand: tests/deadlines/test_schedule.py fails when this file and
# flows/schedule.py disagree.
#
# The scheduled runs come first; then the runs a person starts (acting_as = their e-mail),
#   prefect deployment run advance-promise-as/advance-promise -p acting_as=EMAIL -p promise_id=ID
# Applied with `python scripts/prefect_deploy.py --all` (that is `prefect --no-prompt deploy
# --all` with a client fix; scripts/topology does it; docs/operations.md "Production").
"""


def render_prefect_yaml() -> str:
    """``prefect.yaml`` as text, header included."""
    return HEADER + yaml.safe_dump(prefect_yaml(), sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    sys.stdout.write(render_prefect_yaml())
