"""The collaboration agreement's whole life: list, show and change it; renew it together with
the next cycle of its promises; remind its parties before it expires.

"I december 2018 förnyades samverkansöverenskommelsen inför åren 2019-2020, tillsammans med
ett reviderat medborgarlöfte för 2019" (seed 003): when a promise's next cycle opens beyond its
agreement's end, the agreement is renewed with it, awaiting each party's decision.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from application.access import party_filter, require_parties
from application.promise_results import AgreementChanged, AgreementDetail
from application.promises import checked_decisions
from config.clock import local_today
from effects.audit import audit
from lifecycle.errors import SIGN_IN_FIRST, InputError, NotAuthenticated, NotFound
from lifecycle.permissions import Action, Principal, Target, decide
from lifecycle.term import term_end
from lifecycle.vocabulary import Party, Role
from models import Agreement, AgreementParty, Person, Promise
from models.db import read_scope, session_scope
from models.inputs import AgreementChange
from notifications.channel_config import DEFAULT_CHANNEL
from notifications.outbox import enqueue
from views.agreement import (
    EXPIRY_NOTICE_DAYS,
    agreement_detail,
    agreement_summary,
    party_ids,
    successor_of,
    undecided_parties,
)


def get_agreement(session: Session, agreement_id: int) -> Agreement:
    """The agreement with this id, or NotFound saying how to list them."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound.said(
            "ingen överenskommelse med id {id}; `lofte agreement list` listar dem", id=agreement_id
        )
    return agreement


def _may(principal: Principal, action: Action, session: Session, agreement: Agreement) -> bool:
    """Whether the principal may do ``action`` on the agreement: as for a promise of any of
    its municipalities or districts with its local police area (regional reach included)."""
    for municipality_id in party_ids(session, agreement)[:-1]:
        target = Target(
            region_id=agreement.region_id,
            party_organisations={
                Party.MUNICIPALITY: frozenset({municipality_id}),
                Party.POLICE: frozenset({agreement.police_area_id}),
            },
        )
        if decide(principal, action, target) is None:
            return True
    return False


def _require(
    principal: Principal | None, action: Action, session: Session, agreement: Agreement
) -> Principal:
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    if not _may(principal, action, session, agreement):
        # the same refusal (and words) as for the parties' promises
        require_parties(
            principal,
            action,
            agreement.region_id,
            party_ids(session, agreement)[0],
            agreement.police_area_id,
        )
    return principal


class AgreementList(BaseModel):
    """The agreements the person may see, of one police region (or all)."""

    region: str | None = Field(default=None, max_length=40)


def list_agreements(principal: Principal | None, request: AgreementList) -> list[AgreementDetail]:
    """Every agreement the person may read: term, parties, status and what needs doing."""
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    today = local_today()
    with read_scope() as session:
        query = select(Agreement).order_by(col(Agreement.term_start), col(Agreement.id))
        if request.region:
            query = query.where(Agreement.region_id == request.region)
        own = party_filter(principal)
        if own is not None:
            signed = select(AgreementParty.agreement_id).where(
                AgreementParty.organisation_id == own
            )
            query = query.where((col(Agreement.id).in_(signed)) | (Agreement.police_area_id == own))
        rows = [
            a for a in session.exec(query).all() if _may(principal, Action.READ_PROMISE, session, a)
        ]
        return [AgreementDetail.model_validate(agreement_detail(session, a, today)) for a in rows]


class AgreementRef(BaseModel):
    """One agreement by id."""

    agreement_id: int = Field(ge=1, le=2**31 - 1)


def show_agreement(principal: Principal | None, request: AgreementRef) -> AgreementDetail:
    """One agreement: content, each party's decision, organisation, promises, warnings."""
    with read_scope() as session:
        agreement = get_agreement(session, request.agreement_id)
        _require(principal, Action.READ_PROMISE, session, agreement)
        return AgreementDetail.model_validate(agreement_detail(session, agreement, local_today()))


def change_agreement(principal: Principal | None, request: AgreementChange) -> AgreementChanged:
    """Change what the parties agreed on, their decisions or their organisation (audited)."""
    given = request.model_fields_set - {"agreement_id"}
    if not given:
        raise InputError.said(
            "inget att ändra: ange minst ett fält (se `lofte agreement change --help`)"
        )
    with session_scope() as session:
        agreement = get_agreement(session, request.agreement_id)
        actor = _require(principal, Action.CREATE_AGREEMENT, session, agreement)
        changed = []
        for name in sorted(given):
            value = getattr(request, name)
            if name == "decisions":
                value = checked_decisions(session, agreement, value or [])
            elif value is None and name != "decided_on":
                value = [] if name == "focus_areas" else ""
            if getattr(agreement, name) != value:
                setattr(agreement, name, value)
                changed.append(name)
        session.add(agreement)
        for promise_id in session.exec(
            select(Promise.id).where(Promise.agreement_id == agreement.id)
        ).all():
            audit(
                session,
                promise_id=promise_id,
                actor=actor,
                action="agreement_changed",
                details={"agreement_id": agreement.id, "changed": changed},
            )
        session.flush()
        return AgreementChanged.model_validate(
            {**agreement_detail(session, agreement, local_today()), "changed": changed}
        )


def renew_agreement(session: Session, agreement: Agreement, start: date) -> Agreement:
    """The agreement's successor (created once): the same parties, content and organisation,
    from the day after it ends (or ``start``, if later), as long again (2–4 years), awaiting
    each party's decision."""
    existing = successor_of(session, agreement)
    if existing is not None:
        return existing
    first = max(agreement.term_end + timedelta(days=1), start)
    years = min(4, max(2, agreement.term_end.year - agreement.term_start.year + 1))
    renewed = Agreement(
        region_id=agreement.region_id,
        municipality_id=agreement.municipality_id,
        police_area_id=agreement.police_area_id,
        term_start=first,
        term_end=term_end(first, years),
        title=agreement.title,
        focus_areas=list(agreement.focus_areas),
        goals=agreement.goals,
        follow_up=agreement.follow_up,
        steering_group=agreement.steering_group,
        preparation_group=agreement.preparation_group,
        meeting_rhythm=agreement.meeting_rhythm,
        previous_agreement_id=agreement.id,
    )
    session.add(renewed)
    session.flush()
    for organisation_id in party_ids(session, agreement)[:-1]:
        session.add(AgreementParty(agreement_id=renewed.id, organisation_id=organisation_id))  # type: ignore[arg-type]
    session.flush()
    return renewed


def agreement_for_next_cycle(session: Session, old: Promise, start: date, years: int) -> int | None:
    """The agreement the next cycle belongs to: the old one if it covers the new term, else
    its renewal (opened now, with the promise, as Sollentuna renewed both in December)."""
    if old.agreement_id is None:
        return None
    agreement = session.get(Agreement, old.agreement_id)
    end = term_end(start, years)
    while agreement is not None:
        if agreement.term_start <= start and end <= agreement.term_end:
            return agreement.id
        if agreement.term_end >= end:
            return None  # it covers the end but starts later: not this promise's agreement
        agreement = renew_agreement(session, agreement, start)
    return None


def remind_expiring(session: Session, today: date) -> int:
    """Queue a reminder to the coordinators and steering groups of every party of each
    agreement that ends within a notice period (120 and 30 days before) and is not renewed
    with every party's decision. Idempotent: one message per agreement, step and person."""
    queued = 0
    latest = today + timedelta(days=max(EXPIRY_NOTICE_DAYS))
    for agreement in session.exec(
        select(Agreement).where(Agreement.term_end >= today, Agreement.term_end <= latest)
    ).all():
        nxt = successor_of(session, agreement)
        if nxt is not None and not undecided_parties(session, nxt):
            continue
        step = min(d for d in EXPIRY_NOTICE_DAYS if agreement.term_end - today <= timedelta(d))
        summary = agreement_summary(session, agreement, today)
        people = session.exec(
            select(Person).where(
                col(Person.organisation_id).in_(party_ids(session, agreement)),
                col(Person.role).in_([Role.COORDINATOR, Role.STEERING_GROUP]),
            )
        ).all()
        for person in people:
            queued += enqueue(
                session,
                key=f"agreement-expiry:{agreement.id}:{step}:{person.email}",
                kind="agreement_expiry",
                channel=person.channel or DEFAULT_CHANNEL,
                recipient=person.email,
                payload={
                    "agreement": agreement.title,
                    "agreement_id": agreement.id,
                    "term_end": agreement.term_end.isoformat(),
                    "parties": [*summary["municipalities"], summary["police_area"]],
                    "renewal": nxt.id if nxt else None,
                    "undecided": undecided_parties(session, nxt) if nxt else [],
                    "days_left": (agreement.term_end - today).days,
                },
                language=person.language,
            )
    return queued


def run_agreement_reminders(now: datetime | None = None) -> int:
    """The daily reminder of expiring agreements (part of the renewal run), in its own
    transaction; returns how many messages were queued."""
    with session_scope() as session:
        return remind_expiring(session, local_today(now))
