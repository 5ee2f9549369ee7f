"""Opening the next cycle of a promise as a new promise, seeded from its findings.

The next cycle opens on the renewal day of the old promise's last year (lifecycle.renewal),
in parallel with the old year's follow-up; the old compilation's findings are linked in when
it is approved.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field, field_validator
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from application.access import require, require_action
from application.agreements import agreement_for_next_cycle, run_agreement_reminders
from application.promises import PromiseId, create_promise
from application.usecase import signed_in
from config.calendar import get_calendars
from config.clock import current_time, local_today
from config.errors import ConfigError
from effects.audit import audit
from effects.hooks import after_create
from lifecycle.criteria import Unmet
from lifecycle.errors import Refused
from lifecycle.i18n import Phrase
from lifecycle.permissions import SYSTEM, Action, Principal
from lifecycle.renewal import renewal_date, renewal_is_due
from lifecycle.stages import Stage
from lifecycle.vocabulary import OrganisationKind, Party
from models import (
    AuditEvent,
    Problem,
    Promise,
    YearEndCompilation,
)
from models.db import get_engine, read_scope, session_scope
from models.inputs import PromiseCreate, plausible_moment
from views.lookup import get_promise, party_organisations, successor


def _seed_problems(session: Session, old: Promise, new: Promise) -> int:
    """Carry the old focus areas over as candidate problems (not yet selected)."""
    problems = session.exec(
        select(Problem)
        .where(Problem.promise_id == old.id, col(Problem.selected))
        .order_by(col(Problem.id))
    ).all()
    for p in problems:
        session.add(
            Problem(
                promise_id=new.id,  # type: ignore[arg-type]
                title=p.title,
                description=p.description,
                places=p.places,
                when=p.when,
                scale=p.scale,
                trend=p.trend,
                selected=False,
                priority_area_id=p.priority_area_id,
                origin_problem_id=p.id,
            )
        )
    return len(problems)


def _refuse_unless_last_year(old: Promise) -> None:
    if old.stage is Stage.CLOSED or old.cycle_year == old.term_years:
        return
    raise Refused(
        [
            Unmet(
                "promise.not_last_year",
                Phrase(
                    "Löftet är i år {year} av {years}; nästa cykel öppnas under det sista året. "
                    "Året därpå fortsätter i samma löfte med en reviderad åtgärdsplan.",
                    {"year": old.cycle_year, "years": old.term_years},
                ),
            )
        ],
        "löfte {id} är inte i sitt sista år",
        id=old.id,
    )


def link_findings(session: Session, old: Promise) -> int | None:
    """Link the old promise's approved last compilation into its successor (idempotent).

    The successor is opened in the autumn, before the old year's compilation exists; when the
    compilation is approved its findings become the successor's starting point.
    """
    new = successor(session, old.id)  # type: ignore[arg-type]
    if new is None or new.previous_compilation_id is not None:
        return None
    compilation = session.exec(
        select(YearEndCompilation).where(
            YearEndCompilation.promise_id == old.id,
            YearEndCompilation.cycle_year == old.term_years,
            col(YearEndCompilation.approved_at).is_not(None),
        )
    ).first()
    if compilation is None:
        return None
    new.previous_compilation_id = compilation.id
    session.add(new)
    return new.id


def open_next_cycle(
    promise_id: int,
    actor: Principal,
    *,
    start: date | None = None,
    years: int | None = None,
    late_start_reason: str | None = None,
    now: datetime | None = None,
    engine: Engine | None = None,
    flow_run_id: str | None = None,
) -> Promise:
    """Open the next cycle of a promise in its last year (idempotent: returns it if opened).

    It opens in parallel with the old year's follow-up and compilation: normally by the daily
    renewal run on the region's renewal day, or earlier by a coordinator. A successor whose
    first deadlines are already past needs ``late_start_reason`` (when the old promise closes
    without a successor, the reason is written by Löfte itself).
    """
    engine = engine or get_engine()
    today = local_today(now)
    with session_scope(engine) as session:
        old = get_promise(session, promise_id)
        require(actor, Action.OPEN_NEXT_CYCLE, old)
        existing = successor(session, promise_id)
        if existing:
            return existing
        _refuse_unless_last_year(old)
        parties = party_organisations(session, old)
        org, police, *also_police = parties[Party.MUNICIPALITY][0], *parties[Party.POLICE]
        if late_start_reason is None and old.stage is Stage.CLOSED:
            late_start_reason = (
                f"Öppnad först när löfte {old.id} avslutades ({today}), efter förnyelsedagen."
            )
        data = PromiseCreate(
            region=old.region_id,
            municipality=org.name,
            police_area=police.name,
            also_police_areas=[o.name for o in also_police],
            area_name=old.area_name,
            start=start or old.term_end + timedelta(days=1),
            years=years or old.term_years,
            municipality_is_city_district=org.kind is OrganisationKind.CITY_DISTRICT,
            agreement_id=agreement_for_next_cycle(
                session, old, start or old.term_end + timedelta(days=1), years or old.term_years
            ),
            late_start_reason=late_start_reason,
        )
        new = create_promise(session, data, actor, previous=old, now=now)
        seeded = _seed_problems(session, old, new)
        session.flush()
        link_findings(session, old)
        after_create(session, new, today)
        details = {"next_promise_id": new.id, "problems_seeded": seeded}
        audit(
            session,
            promise_id=old.id,
            actor=actor,
            action="next_cycle_opened",
            flow_run_id=flow_run_id,
            details=details,
            at=now,  # dated when it happened (the demo records a past year)
        )
        audit(
            session,
            promise_id=new.id,
            actor=actor,
            action="seeded_from",
            flow_run_id=flow_run_id,
            details={"previous_promise_id": old.id, "problems_seeded": seeded},
            at=now,
        )
        return new


def promises_due_for_renewal(session: Session, today: date) -> list[Promise]:
    """Open promises in their last year, past their region's renewal day, without a successor."""
    candidates = session.exec(
        select(Promise)
        .where(Promise.stage != Stage.CLOSED, Promise.cycle_year == Promise.term_years)
        .order_by(col(Promise.id))
    ).all()
    calendars = get_calendars()
    due = []
    for promise in candidates:
        month_day = calendars.rules(promise.region_id).renewal
        if (
            renewal_is_due(
                stage=promise.stage,
                cycle_year=promise.cycle_year,
                term_start=promise.term_start,
                term_years=promise.term_years,
                month_day=month_day,
                today=today,
            )
            and successor(session, promise.id or 0) is None
        ):
            due.append(promise)
    return due


REVISION_OPENED = "revision_opened"


def _open_revisions(actor: Principal, today: date, flow_run_id: str | None) -> None:
    """In a multi-year term, the next year's revised plan opens on the renewal day (once).

    From then the revised promise text and sign-offs can be recorded ahead
    (``for_next_year``), in parallel with this year's follow-up, so the next year starts
    with its plan already agreed. The audit trail says when it opened.
    """
    calendars = get_calendars()
    with session_scope() as session:
        candidates = session.exec(
            select(Promise).where(
                col(Promise.stage).in_([Stage.CONTINUOUS_EVALUATION, Stage.YEAR_END_COMPILATION]),
                Promise.cycle_year < Promise.term_years,
            )
        ).all()
        for promise in candidates:
            opens = renewal_date(
                promise.term_start, promise.cycle_year, calendars.rules(promise.region_id).renewal
            )
            if today < opens:
                continue
            done = session.exec(
                select(AuditEvent).where(
                    AuditEvent.promise_id == promise.id, AuditEvent.action == REVISION_OPENED
                )
            ).all()
            if any(e.details.get("cycle_year") == promise.cycle_year + 1 for e in done):
                continue
            audit(
                session,
                promise_id=promise.id,
                actor=actor,
                action=REVISION_OPENED,
                flow_run_id=flow_run_id,
                details={"cycle_year": promise.cycle_year + 1, "opens": opens.isoformat()},
            )


def run_renewal(
    actor: Principal, *, now: datetime | None = None, flow_run_id: str | None = None
) -> list[dict[str, int | None]]:
    """Open the next cycle of every promise whose renewal day has come (the daily run).

    Idempotent: a promise whose successor exists is skipped, so running it twice (or after a
    crash half-way) opens nothing twice. Each promise is opened in its own transaction.
    """
    today = local_today(now)
    with read_scope() as session:
        due = [p.id for p in promises_due_for_renewal(session, today)]
    _open_revisions(actor, today, flow_run_id)
    run_agreement_reminders(now)
    opened = []
    for promise_id in due:
        new = open_next_cycle(promise_id, actor, now=now, flow_run_id=flow_run_id)  # type: ignore[arg-type]
        opened.append({"promise_id": promise_id, "next_promise_id": new.id})
    return opened


class NextCycleRequest(BaseModel):
    """Open the next cycle of a promise in its last year (or closed)."""

    promise_id: PromiseId
    late_start_reason: str | None = Field(
        default=None,
        max_length=300,
        description="Why the next cycle opens with its first deadlines already past",
    )


class NextCycleResult(BaseModel):
    """The promise whose next cycle is open, and the new promise (in its first stage)."""

    ok: bool = True
    promise_id: int
    next_promise_id: int
    stage: str


def next_cycle(
    principal: Principal | None,
    request: NextCycleRequest,
    *,
    flow_run_id: str | None = None,
    now: datetime | None = None,
) -> NextCycleResult:
    """The use case ``promise.next_cycle`` (run by the flow ``open-next-cycle``): open the
    next cycle now, or return the one already open."""
    new = open_next_cycle(
        request.promise_id,
        signed_in(principal),
        late_start_reason=request.late_start_reason,
        now=now,
        flow_run_id=flow_run_id,
    )
    return NextCycleResult(
        promise_id=request.promise_id,
        next_promise_id=new.id or 0,
        stage=new.stage.value,
    )


class RenewalRequest(BaseModel):
    """Run the renewal now, optionally as of another moment (ISO date or time)."""

    now: str | None = Field(default=None, max_length=40)

    @field_validator("now")
    @classmethod
    def _a_plausible_moment(cls, value: str | None) -> str | None:
        # Checked here, so that a bad value is a 422 naming the field, not a failed flow run.
        if value is not None:
            try:
                moment = current_time(value)
            except ConfigError:
                raise ValueError("not an ISO date or time (e.g. 2026-09-01T07:00)") from None
            plausible_moment(moment)
        return value


class Opened(BaseModel):
    """One next cycle the renewal run opened."""

    promise_id: int
    next_promise_id: int | None


class RenewalResult(BaseModel):
    """What a renewal run opened (nothing, when nothing was due)."""

    opened: list[Opened]


def may_renew(principal: Principal | None) -> None:
    """Whether the person may run the renewal now (admins; the schedule runs it as Löfte)."""
    require_action(principal, Action.RUN_REMINDERS)


def renew(request: RenewalRequest, *, flow_run_id: str | None = None) -> RenewalResult:
    """The use case ``renewal.run`` (run by the flow ``lofte-renewal``, as Löfte itself):
    open every next cycle whose renewal day has come; safe to repeat."""
    opened = run_renewal(SYSTEM, now=current_time(request.now), flow_run_id=flow_run_id)
    return RenewalResult(opened=[Opened.model_validate(row) for row in opened])
