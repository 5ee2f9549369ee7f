"""Looking up promises, their parties, history and people (reads only)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from lifecycle.errors import NotFound
from lifecycle.stages import Stage
from lifecycle.vocabulary import Role
from models import AuditEvent, Organisation, Person, Promise


def get_promise(session: Session, promise_id: int) -> Promise:
    """The promise with this id, or NotFound saying how to list the existing ones."""
    promise = session.get(Promise, promise_id)
    if promise is None:
        raise NotFound(f"no promise with id {promise_id}; `lofte promise list` shows them")
    return promise


def list_promises(
    session: Session,
    region: str | None = None,
    stage: Stage | None = None,
    party: int | None = None,
    open_only: bool = False,
) -> list[Promise]:
    """Promises, optionally of one region, stage and/or party (organisation id), oldest first.

    ``party`` narrows the query in the database (indexed): a coordinator's promises out of a
    region's thousand are read without loading the rest; ``open_only`` leaves out the closed
    ones, so a page of today's work does not grow with ten years of history.
    """
    query = select(Promise).order_by(col(Promise.id))
    if open_only:
        query = query.where(Promise.stage != Stage.CLOSED)
    if region:
        query = query.where(Promise.region_id == region)
    if stage:
        query = query.where(Promise.stage == stage)
    if party is not None:
        query = query.where((Promise.municipality_id == party) | (Promise.police_area_id == party))
    return list(session.exec(query).all())


def history(session: Session, promise_id: int) -> list[AuditEvent]:
    """The audit trail of one promise, oldest first."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.promise_id == promise_id)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
    )


def successor(session: Session, promise_id: int) -> Promise | None:
    """The promise of the next cycle opened from this one, if any."""
    return session.exec(select(Promise).where(Promise.previous_promise_id == promise_id)).first()


def coordinators_of(session: Session, promise: Promise) -> list[Person]:
    """The coordinators of the promise's two parties (who hear about its deadlines)."""
    return list(
        session.exec(
            select(Person)
            .where(
                col(Person.organisation_id).in_([promise.municipality_id, promise.police_area_id]),
                Person.role == Role.COORDINATOR,
            )
            .order_by(col(Person.email))
        ).all()
    )


def organisation_names(session: Session, promise: Promise) -> tuple[str, str]:
    """Names of the promise's municipality (or city district) and local police area."""
    municipality = session.get(Organisation, promise.municipality_id)
    police = session.get(Organisation, promise.police_area_id)
    return (municipality.name if municipality else "?", police.name if police else "?")


def term_description(promise: Promise) -> str:
    """'2026-01-01 – 2027-12-31 (2 år)' for people."""
    return f"{promise.term_start} – {promise.term_end} ({promise.term_years} år)"


def is_date_in_term(promise: Promise, day: date) -> bool:
    """Whether ``day`` falls within the promise's term."""
    return promise.term_start <= day <= promise.term_end
