"""Opening the next cycle of a closed promise as a new promise, seeded from its findings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from application.access import require
from application.promises import create_promise
from config.clock import local_today
from effects.audit import audit
from effects.hooks import after_create
from lifecycle.criteria import Unmet
from lifecycle.errors import Refused
from lifecycle.permissions import Action, Principal
from lifecycle.stages import Stage
from lifecycle.vocabulary import OrganisationKind
from models import Organisation, Problem, Promise
from models.db import get_engine, session_scope
from models.inputs import PromiseCreate
from views.lookup import get_promise, organisation_names, successor


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


def open_next_cycle(
    promise_id: int,
    actor: Principal,
    *,
    start: date | None = None,
    years: int | None = None,
    now: datetime | None = None,
    engine: Engine | None = None,
    flow_run_id: str | None = None,
) -> Promise:
    """Open the next cycle of a closed promise (idempotent: returns it if already opened)."""
    engine = engine or get_engine()
    with session_scope(engine) as session:
        old = get_promise(session, promise_id)
        require(actor, Action.OPEN_NEXT_CYCLE, old)
        if old.stage is not Stage.CLOSED:
            raise Refused(
                [
                    Unmet(
                        "promise.not_closed",
                        "Nästa cykel kan öppnas först när löftet är avslutat.",
                        "The next cycle can only be opened once the promise is closed.",
                    )
                ],
                f"promise {promise_id} is still in {old.stage}",
            )
        existing = successor(session, promise_id)
        if existing:
            return existing
        municipality, police = organisation_names(session, old)
        org = session.get(Organisation, old.municipality_id)
        data = PromiseCreate(
            region=old.region_id,
            municipality=municipality,
            police_area=police,
            area_name=old.area_name,
            start=start or old.term_end + timedelta(days=1),
            years=years or old.term_years,
            municipality_is_city_district=bool(org and org.kind is OrganisationKind.CITY_DISTRICT),
        )
        new = create_promise(session, data, actor, previous=old)
        seeded = _seed_problems(session, old, new)
        after_create(session, new, local_today(now))
        details = {"next_promise_id": new.id, "problems_seeded": seeded}
        audit(
            session,
            promise_id=old.id,
            actor=actor,
            action="next_cycle_opened",
            flow_run_id=flow_run_id,
            details=details,
        )
        audit(
            session,
            promise_id=new.id,
            actor=actor,
            action="seeded_from",
            flow_run_id=flow_run_id,
            details={"previous_promise_id": old.id, "problems_seeded": seeded},
        )
        return new
