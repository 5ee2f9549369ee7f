"""Status reports to the regions: a weekly snapshot of each region's overview, stored and sent.

``run_status_reports(engine, now)`` is the plain function (tests, the CLI); the Prefect flow
``status_report_flow`` wraps it and is scheduled weekly (``flows/schedule.py``, embedded and
``prefect.yaml``). For each region with promises, in one transaction:

1. build the overview (``reports.overview``) as of the local day;
2. store it as the region's ``StatusSnapshot`` of that day, insert-if-absent on the unique
   (region, day): a second run on the same day finds the first snapshot and keeps it;
3. compare it with the previous snapshot and the one a quarter earlier (the trend);
4. enqueue a ``status_report`` message keyed ``status:{region}:{day}`` to the region's status
   channel (insert-if-absent too, so the same day is never queued twice).

Then the outbox is dispatched once, so the report leaves at once instead of at the next
dispatcher run. Every stage transition also queues a small ``status_event`` to the same
channel (``enqueue_transition_status_event``, called from the transition hooks).

Where a region's reports go (no secrets here: the channel in the channels file names the
environment variable with the signing secret):

- ``config/status_reports.yaml`` (or ``$LOFTE_STATUS_REPORTS_FILE``)::

      regions:
        stockholm: {channel: region-stockholm, language: sv}

- otherwise, by convention, a channel named ``region-<region id>`` in the channels file.

A region with neither still gets its snapshot stored; nothing is sent for it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from prefect import flow
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from config.calendar import current_time, local_day
from config.settings import ConfigError
from lifecycle.transitions import TransitionPlan
from models.base import utcnow
from models.db import session_scope
from models.operations import StatusSnapshot
from models.organisation import Organisation, Region
from models.promise import Promise
from notifications.channel_config import ChannelSetup, channels_file_path
from notifications.outbox import enqueue
from reports.overview import build_overview

log = logging.getLogger("lofte.status")

ROUTES_ENV = "LOFTE_STATUS_REPORTS_FILE"
DEFAULT_ROUTES_PATH = Path("config/status_reports.yaml")
CONVENTION_PREFIX = "region-"
QUARTER_DAYS = 91
# Figures compared between snapshots (the trend) and shown in ``lofte status history``.
TREND_KEYS = ("promises", "late", "on_track", "late_evaluations", "overdue_rounds", "overdue_items",
              "activities_not_done", "worst_working_days_late")


# --- where a region's reports go ------------------------------------------------------------


class _RegionRoute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(min_length=1, max_length=80)
    language: str = Field(default="sv", pattern="^(sv|en)$")
    recipient: str | None = Field(default=None, max_length=254)
    transition_events: bool = True


class _RoutesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regions: dict[str, _RegionRoute] = Field(default_factory=dict)


@dataclass(frozen=True)
class StatusRoute:
    """Where a region's status reports and transition events go."""

    region: str
    channel: str
    recipient: str
    language: str = "sv"
    transition_events: bool = True
    source: str = "convention"


def routes_file_path(environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """The status routes file and whether it was named explicitly (then it must exist)."""
    env = os.environ if environ is None else environ
    named = env.get(ROUTES_ENV)
    return (Path(named), True) if named else (DEFAULT_ROUTES_PATH, False)


def load_routes(path: Path | None = None, environ: Mapping[str, str] | None = None) -> dict[str, StatusRoute]:
    """The explicit routes (region id → route); empty when no file is configured.

    A broken file raises ConfigError naming the file, the key and the problem.
    """
    explicit = path is not None
    if path is None:
        path, explicit = routes_file_path(environ)
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: {ROUTES_ENV}: the status reports file does not exist")
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        parsed = _RoutesFile.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: (file): cannot read YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
    return {
        region: StatusRoute(
            region=region, channel=r.channel, recipient=r.recipient or f"region:{region}",
            language=r.language, transition_events=r.transition_events, source=str(path),
        )
        for region, r in parsed.regions.items()
    }


def _channel_names(setup: ChannelSetup | None) -> set[str] | None:
    """Names of the configured channels (None: no channels file at all).

    Without a loaded setup only the file's channel names are read, not its secrets: the
    transition path must neither need the signing secrets nor fail on a missing one.
    """
    if setup is not None:
        return set(setup.channels)
    path, _ = channels_file_path()
    if not path.exists():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: (file): cannot read YAML: {exc}") from exc
    channels = raw.get("channels") if isinstance(raw, dict) else None
    return set(channels) if isinstance(channels, dict) else set()


def route_for(
    region: str,
    routes: dict[str, StatusRoute] | None = None,
    setup: ChannelSetup | None = None,
) -> StatusRoute | None:
    """The region's status route: its entry in the routes file, else the ``region-<id>``
    channel when the channels file has one, else None (nothing is sent for the region).

    An entry naming a channel the channels file does not have raises ConfigError.
    """
    routes = load_routes() if routes is None else routes
    names = _channel_names(setup)
    route = routes.get(region)
    if route is not None:
        if names is not None and route.channel not in names:
            raise ConfigError(
                f"{route.source}: regions.{region}.channel: channel {route.channel!r} is not in the channels file"
            )
        return route
    convention = f"{CONVENTION_PREFIX}{region}"
    if names is not None and convention in names:
        return StatusRoute(region=region, channel=convention, recipient=f"region:{region}")
    return None


# --- snapshots ------------------------------------------------------------------------------


def _figures(summary: dict[str, Any] | None) -> dict[str, Any]:
    summary = summary or {}
    return {key: summary.get(key) for key in TREND_KEYS}


def trend_of(session: Session, region: str, day: date, summary: dict[str, Any]) -> dict[str, Any]:
    """This day's figures against the previous snapshot and the one a quarter (91 days) before.

    Each comparison holds the older snapshot's day, its figures and the change (now − then);
    None where there is no such snapshot yet.
    """
    def before(limit: date) -> Any:
        return session.execute(
            sa_select(col(StatusSnapshot.taken_on), col(StatusSnapshot.summary))
            .where(col(StatusSnapshot.region_id) == region, col(StatusSnapshot.taken_on) <= limit)
            .order_by(col(StatusSnapshot.taken_on).desc())
            .limit(1)
        ).first()

    now = _figures(summary)

    def compare(found: Any) -> dict[str, Any] | None:
        if found is None:
            return None
        then = _figures(found.summary)
        change = {
            k: (now[k] - then[k]) if isinstance(now[k], int) and isinstance(then[k], int) else None
            for k in TREND_KEYS
        }
        return {"taken_on": found.taken_on.isoformat(), "figures": then, "change": change}

    return {
        "figures": now,
        "previous": compare(before(day - timedelta(days=1))),
        "quarter_ago": compare(before(day - timedelta(days=QUARTER_DAYS))),
    }


def _insert_snapshot(session: Session, values: dict[str, Any]) -> int | None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(StatusSnapshot)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["region_id", "taken_on"])
        # RETURNING, not rowcount: psycopg 3 reports -1 for INSERT ... ON CONFLICT DO NOTHING.
        .returning(col(StatusSnapshot.id))
    )
    found = session.execute(stmt).first()
    return None if found is None else int(found[0])


def take_snapshot(
    session: Session, region: str, day: date, language: str = "sv"
) -> tuple[StatusSnapshot, bool]:
    """The region's snapshot of ``day``: made and stored now, or the one stored earlier that day.

    Returns (snapshot, created). Runs in the caller's transaction.
    """
    existing = session.exec(
        select(StatusSnapshot).where(StatusSnapshot.region_id == region, StatusSnapshot.taken_on == day)
    ).first()
    if existing is not None:
        return existing, False
    data = build_overview(session, region, day, language)
    data["trend"] = trend_of(session, region, day, data["summary"])
    new_id = _insert_snapshot(session, {
        "region_id": region, "taken_on": day, "taken_at": utcnow(), "data": data, "summary": data["summary"],
    })
    snapshot = session.exec(
        select(StatusSnapshot).where(StatusSnapshot.region_id == region, StatusSnapshot.taken_on == day)
    ).one()
    # new_id None: a concurrent run stored the day's snapshot between our read and insert.
    return snapshot, new_id is not None


def status_history(session: Session, region: str, limit: int = 60) -> list[dict[str, Any]]:
    """The region's stored snapshots, newest first: day, time and the trend figures."""
    rows = session.execute(
        sa_select(col(StatusSnapshot.id), col(StatusSnapshot.taken_on), col(StatusSnapshot.taken_at),
                  col(StatusSnapshot.summary))
        .where(col(StatusSnapshot.region_id) == region)
        .order_by(col(StatusSnapshot.taken_on).desc())
        .limit(limit)
    ).all()
    return [
        {"snapshot_id": r.id, "taken_on": r.taken_on.isoformat(), "taken_at": r.taken_at.isoformat(),
         **_figures(r.summary)}
        for r in rows
    ]


# --- the message ----------------------------------------------------------------------------


def _region_name(session: Session, region: str, language: str) -> str:
    row = session.get(Region, region)
    if row is None:
        return region
    return row.name_sv if language == "sv" else row.name_en


def status_payload(snapshot: StatusSnapshot, region_name: str, language: str) -> dict[str, Any]:
    """The ``status_report`` message's data: what the templates show, plus the whole snapshot.

    ``totals`` and ``late`` are the fields documented for the kind (docs/notifications.md);
    ``summary``, ``trend`` and ``rows`` carry the overview itself for the region's systems.
    """
    data = snapshot.data
    summary = data["summary"]
    late = [
        {
            "promise": f"{row['area']} ({row['promise_id']})",
            "promise_id": row["promise_id"],
            "municipality": row["municipality"],
            "stage": row["stage"],
            "kind": item["kind"],
            "what": item["what"],
            "due": item["due"],
            "days_overdue": item["working_days_late"],
            "responsible": [p["email"] for p in item["responsible"]],
        }
        for row in data["rows"]
        for item in row["overdue"]
    ]
    return {
        "region": snapshot.region_id,
        "region_name": region_name,
        "date": snapshot.taken_on.isoformat(),
        "snapshot_id": snapshot.id,
        "taken_at": snapshot.taken_at.isoformat(),
        "totals": {"promises": summary["promises"], "on_track": summary["on_track"], "late": summary["late"]},
        "late": late,
        "summary": summary,
        "trend": data.get("trend"),
        "rows": data["rows"],
        "language": language,
    }


def status_subject(region_name: str, day: date, language: str) -> str:
    """The report's subject line."""
    if language == "sv":
        return f"Lägesrapport medborgarlöften {region_name} {day.isoformat()}"
    return f"Citizen promises status report {region_name} {day.isoformat()}"


def status_key(region: str, day: date) -> str:
    """The outbox idempotency key of a region's report of one day."""
    return f"status:{region}:{day.isoformat()}"


# --- the run --------------------------------------------------------------------------------


@dataclass
class RegionResult:
    """What the run did for one region."""

    region: str
    snapshot_id: int
    snapshot_created: bool
    channel: str | None
    queued: bool
    promises: int
    late: int
    late_evaluations: int


@dataclass
class StatusRunReport:
    """The outcome of a run (``--json`` prints ``as_dict()``)."""

    now: str
    day: str
    regions: list[RegionResult] = field(default_factory=list)
    unrouted: list[str] = field(default_factory=list)
    queued: int = 0
    dispatch: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return asdict(self)


def regions_with_promises(session: Session) -> list[str]:
    """Every region that has at least one promise (the others have nothing to report)."""
    return sorted(session.execute(sa_select(col(Promise.region_id)).distinct()).scalars())


def run_status_reports(
    engine: Engine | None = None,
    now: datetime | str | None = None,
    *,
    region: str | None = None,
    setup: ChannelSetup | None = None,
    routes: dict[str, StatusRoute] | None = None,
    deliver: bool = True,
) -> StatusRunReport:
    """Snapshot, store and queue each region's status report; then dispatch the outbox once.

    Safe to repeat: a second run on the same day keeps the stored snapshot and queues
    nothing (both are insert-if-absent on the region and day). ``setup`` defaults to the
    channels file, ``routes`` to the status routes file; ``deliver=False`` leaves the messages
    to the dispatcher. An unknown ``region`` raises ConfigError naming the known ones.
    """
    from models.db import get_engine
    from notifications.channel_config import load_channels

    engine = engine or get_engine()
    moment = current_time(now)
    day = local_day(moment)
    report = StatusRunReport(now=moment.isoformat(), day=day.isoformat())
    setup = setup if setup is not None else load_channels()
    routes = load_routes() if routes is None else routes
    with Session(engine) as session:
        if region is not None and session.get(Region, region) is None:
            known = ", ".join(sorted(r.id for r in session.exec(select(Region)).all()))
            raise ConfigError(f"--region: unknown region {region!r}; known: {known}")
        regions = [region] if region is not None else regions_with_promises(session)
    for region_id in regions:
        route = route_for(region_id, routes, setup)
        language = route.language if route else "sv"
        with session_scope(engine) as session:
            snapshot, created = take_snapshot(session, region_id, day, language)
            queued = False
            if route is not None:
                name = _region_name(session, region_id, route.language)
                queued = enqueue(
                    session,
                    key=status_key(region_id, day),
                    kind="status_report",
                    channel=route.channel,
                    recipient=route.recipient,
                    subject=status_subject(name, day, route.language),
                    payload=status_payload(snapshot, name, route.language),
                    language=route.language,
                )
            else:
                report.unrouted.append(region_id)
            summary = snapshot.data["summary"]
            assert snapshot.id is not None
            report.regions.append(RegionResult(
                region=region_id, snapshot_id=snapshot.id, snapshot_created=created,
                channel=route.channel if route else None, queued=queued,
                promises=summary["promises"], late=summary["late"],
                late_evaluations=summary["late_evaluations"],
            ))
            report.queued += int(queued)
    if deliver and report.queued and setup is not None:
        from notifications.dispatcher import dispatch_pending

        report.dispatch = dispatch_pending(engine, setup=setup).as_dict()
    log.info("status reports %s: %d regions, %d queued, unrouted: %s",
             day, len(report.regions), report.queued, ", ".join(report.unrouted) or "none")
    return report


@flow(name="lofte-status-report", log_prints=False, retries=0)
def status_report_flow(now: str | None = None, region: str | None = None) -> dict[str, Any]:
    """Prefect flow: each region's weekly status report (``now``: ISO time to act as)."""
    from prefect import get_run_logger

    report = run_status_reports(now=now, region=region)
    get_run_logger().info(
        "%s: %d regions, %d reports queued, unrouted: %s",
        report.day, len(report.regions), report.queued, ", ".join(report.unrouted) or "none",
    )
    return report.as_dict()


# --- transition events ----------------------------------------------------------------------


def enqueue_transition_status_event(
    session: Session, promise: Promise, plan: TransitionPlan, actor: str
) -> int:
    """Queue a small ``status_event`` about a transition to the region's status channel.

    Called in the transition's transaction (``flows.lifecycle_hooks.after_transition``), after
    the promise's version was bumped; keyed by promise and version, so it is written once.
    Returns 1 when queued, 0 when the region has no status channel (or opts out). A broken
    routes or channels file is logged and never stops the transition.
    """
    try:
        route = route_for(promise.region_id)
    except ConfigError as exc:
        log.warning("status event for promise %s not queued: %s", promise.id, exc)
        return 0
    if route is None or not route.transition_events:
        return 0
    lang = route.language
    municipality = session.get(Organisation, promise.municipality_id)
    police = session.get(Organisation, promise.police_area_id)
    to_name = plan.to_stage.name_in(lang)
    subject = (
        f"{promise.area_name}: nu i steget {to_name}" if lang == "sv"
        else f"{promise.area_name}: now in the stage {to_name}"
    )
    payload = {
        "region": promise.region_id,
        "promise_id": promise.id,
        "promise": promise.area_name,
        "municipality": municipality.name if municipality else None,
        "police_area": police.name if police else None,
        "from_stage": plan.from_stage.value,
        "to_stage": plan.to_stage.value,
        "transition": plan.kind.value,
        "cycle_year": promise.cycle_year,
        "version": promise.version,
        "by": actor,
        "at": (promise.stage_entered_at or utcnow()).isoformat(),
    }
    return int(enqueue(
        session,
        key=f"status-event:{promise.id}:v{promise.version}",
        kind="status_event",
        channel=route.channel,
        recipient=route.recipient,
        subject=subject,
        payload=payload,
        language=lang,
        promise_id=promise.id,
    ))


__all__ = [
    "RegionResult",
    "StatusRoute",
    "StatusRunReport",
    "enqueue_transition_status_event",
    "load_routes",
    "route_for",
    "run_status_reports",
    "status_history",
    "status_report_flow",
    "take_snapshot",
    "trend_of",
]
