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
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from config.calendar import current_time, local_day
from config.settings import ConfigError
from models.base import utcnow
from models.db import insert_if_new, session_scope
from models.operations import StatusSnapshot
from models.organisation import Region
from models.promise import Promise
from notifications.channel_config import ChannelSetup
from notifications.outbox import enqueue
from notifications.status_routes import StatusRoute, load_routes, route_for
from reports.overview import build_overview

log = logging.getLogger("lofte.status")


QUARTER_DAYS = 91


TREND_KEYS = (
    "promises",
    "late",
    "on_track",
    "late_evaluations",
    "overdue_rounds",
    "overdue_items",
    "activities_not_done",
    "worst_working_days_late",
)


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
    found = insert_if_new(session, StatusSnapshot, values, ["region_id", "taken_on"])
    return None if found is None else int(found)


def take_snapshot(
    session: Session, region: str, day: date, language: str = "sv"
) -> tuple[StatusSnapshot, bool]:
    """The region's snapshot of ``day``: made and stored now, or the one stored earlier that day.

    Returns (snapshot, created). Runs in the caller's transaction.
    """
    existing = session.exec(
        select(StatusSnapshot).where(
            StatusSnapshot.region_id == region, StatusSnapshot.taken_on == day
        )
    ).first()
    if existing is not None:
        return existing, False
    data = build_overview(session, region, day, language)
    data["trend"] = trend_of(session, region, day, data["summary"])
    new_id = _insert_snapshot(
        session,
        {
            "region_id": region,
            "taken_on": day,
            "taken_at": utcnow(),
            "data": data,
            "summary": data["summary"],
        },
    )
    snapshot = session.exec(
        select(StatusSnapshot).where(
            StatusSnapshot.region_id == region, StatusSnapshot.taken_on == day
        )
    ).one()
    # new_id None: a concurrent run stored the day's snapshot between our read and insert.
    return snapshot, new_id is not None


def status_history(session: Session, region: str, limit: int = 60) -> list[dict[str, Any]]:
    """The region's stored snapshots, newest first: day, time and the trend figures."""
    rows = session.execute(
        sa_select(
            col(StatusSnapshot.id),
            col(StatusSnapshot.taken_on),
            col(StatusSnapshot.taken_at),
            col(StatusSnapshot.summary),
        )
        .where(col(StatusSnapshot.region_id) == region)
        .order_by(col(StatusSnapshot.taken_on).desc())
        .limit(limit)
    ).all()
    return [
        {
            "snapshot_id": r.id,
            "taken_on": r.taken_on.isoformat(),
            "taken_at": r.taken_at.isoformat(),
            **_figures(r.summary),
        }
        for r in rows
    ]


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
        "totals": {
            "promises": summary["promises"],
            "on_track": summary["on_track"],
            "late": summary["late"],
        },
        "late": late,
        "summary": summary,
        "trend": data.get("trend"),
        "rows": data["rows"],
        "language": language,
    }


def status_key(region: str, day: date) -> str:
    """The outbox idempotency key of a region's report of one day."""
    return f"status:{region}:{day.isoformat()}"


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
            raise ConfigError.said(
                "--region: okänd region {region!r}; kända: {known}", region=region, known=known
            )
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
                    payload=status_payload(snapshot, name, route.language),
                    language=route.language,
                )
            else:
                report.unrouted.append(region_id)
            summary = snapshot.data["summary"]
            assert snapshot.id is not None
            report.regions.append(
                RegionResult(
                    region=region_id,
                    snapshot_id=snapshot.id,
                    snapshot_created=created,
                    channel=route.channel if route else None,
                    queued=queued,
                    promises=summary["promises"],
                    late=summary["late"],
                    late_evaluations=summary["late_evaluations"],
                )
            )
            report.queued += int(queued)
    if deliver and report.queued and setup is not None:
        from notifications.dispatcher import dispatch_pending

        report.dispatch = dispatch_pending(engine, setup=setup).as_dict()
    log.info(
        "status reports %s: %d regions, %d queued, unrouted: %s",
        day,
        len(report.regions),
        report.queued,
        ", ".join(report.unrouted) or "none",
    )
    return report


__all__ = [
    "RegionResult",
    "StatusRoute",
    "StatusRunReport",
    "load_routes",
    "route_for",
    "run_status_reports",
    "status_history",
    "take_snapshot",
    "trend_of",
]
