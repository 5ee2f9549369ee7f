"""Looking up promises, their parties, history and people (reads only)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, or_, select

from lifecycle.errors import NotFound
from lifecycle.names import joined, organisation_title
from lifecycle.stages import Stage
from lifecycle.vocabulary import Party, Role
from models import AuditEvent, Organisation, PartyOrganisation, Person, Promise, SignOff


def get_promise(session: Session, promise_id: int) -> Promise:
    """The promise with this id, or NotFound saying how to list the existing ones."""
    promise = session.get(Promise, promise_id)
    if promise is None:
        raise NotFound.said(
            "inget löfte med id {id}; `lofte promise list` visar dem", id=promise_id
        )
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
        shared = select(PartyOrganisation.promise_id).where(
            PartyOrganisation.organisation_id == party
        )
        query = query.where(
            or_(
                col(Promise.municipality_id) == party,
                col(Promise.police_area_id) == party,
                col(Promise.id).in_(shared),
            )
        )
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


def party_organisation_ids(session: Session, promise: Promise) -> dict[Party, list[int]]:
    """The organisations making up each party of the promise, the lead one first.

    Usually one each; a city district in two police areas has two LPOs as its police party
    (``PartyOrganisation``).
    """
    ids = {
        Party.MUNICIPALITY: [promise.municipality_id],
        Party.POLICE: [promise.police_area_id],
    }
    if promise.id is not None:
        for party, org_id in session.exec(
            select(PartyOrganisation.party, PartyOrganisation.organisation_id)
            .where(PartyOrganisation.promise_id == promise.id)
            .order_by(col(PartyOrganisation.organisation_id))
        ).all():
            ids[Party(party)].append(org_id)
    return ids


def party_organisations(session: Session, promise: Promise) -> dict[Party, list[Organisation]]:
    """The organisations making up each party of the promise, the lead one first."""
    return {
        party: [org for org in (session.get(Organisation, i) for i in ids) if org is not None]
        for party, ids in party_organisation_ids(session, promise).items()
    }


def signatures(
    session: Session, promise: Promise, year: int
) -> tuple[frozenset[Party], dict[Party, tuple[str, ...]]]:
    """The parties that have signed the year, and, for a party of two organisations (a city
    district split between two police areas), those of its organisations yet to sign."""
    orgs = party_organisations(session, promise)
    signatures = session.exec(
        select(SignOff.party, SignOff.organisation_id).where(
            SignOff.promise_id == promise.id,
            SignOff.cycle_year == year,
            col(SignOff.revoked_at).is_(None),
        )
    ).all()
    # a sign-off from before a party could have two organisations is its lead's
    signed_ids = {(Party(p), org_id or orgs[Party(p)][0].id) for p, org_id in signatures}
    unsigned = {
        party: tuple(o.name for o in members if (party, o.id) not in signed_ids)
        for party, members in orgs.items()
    }
    return (
        frozenset(p for p in Party if not unsigned[p]),
        {p: names for p, names in unsigned.items() if names and len(orgs[p]) > 1},
    )


def signatories(session: Session, promise: Promise, year: int) -> list[dict[str, object]]:
    """Who signs the promise, organisation by organisation: the steering group members there
    (they have the right), and the signature of ``year`` if it is made."""
    orgs = party_organisations(session, promise)
    made = {
        (Party(s.party), s.organisation_id or orgs[Party(s.party)][0].id): s
        for s in session.exec(
            select(SignOff).where(
                SignOff.promise_id == promise.id,
                SignOff.cycle_year == year,
                col(SignOff.revoked_at).is_(None),
            )
        ).all()
    }
    rows: list[dict[str, object]] = []
    for party, members in orgs.items():
        for org in members:
            signed = made.get((party, org.id))
            people = session.exec(
                select(Person)
                .where(Person.organisation_id == org.id, Person.role == Role.STEERING_GROUP)
                .order_by(col(Person.name))
            ).all()
            rows.append(
                {
                    "party": party.value,
                    "organisation": org.name,
                    "organisation_id": org.id,
                    "people": [p.name or p.email for p in people],
                    "signed_by": signed.signed_by if signed else None,
                    "signed_as": signed.signed_as if signed else None,
                    "signed_on": signed.signed_on.isoformat() if signed else None,
                }
            )
    return rows


def coordinators_of(session: Session, promise: Promise) -> list[Person]:
    """The coordinators of the promise's parties (who hear about its deadlines)."""
    every = [i for ids in party_organisation_ids(session, promise).values() for i in ids]
    return list(
        session.exec(
            select(Person)
            .where(
                col(Person.organisation_id).in_(every),
                Person.role == Role.COORDINATOR,
            )
            .order_by(col(Person.email))
        ).all()
    )


def organisation_names(session: Session, promise: Promise) -> tuple[str, str]:
    """Names of the promise's municipality (or city district) and local police area; a party
    of two organisations reads "LPO Globen och LPO Farsta"."""
    orgs = party_organisations(session, promise)

    def named(party: Party) -> str:
        return " och ".join(org.name for org in orgs[party]) or "?"

    return named(Party.MUNICIPALITY), named(Party.POLICE)


def party_titles(organisations: dict[Party, list[Organisation]], language: str) -> str:
    """The parties (``party_organisations``) by their full names as a sentence reads them:
    "Hässelby-Vällingby stadsdelsnämnd och lokalpolisområde Vällingby" (``lifecycle/names.py``)."""
    titles = [
        organisation_title(org.name, org.kind, language, in_sentence=True)
        for party in (Party.MUNICIPALITY, Party.POLICE)
        for org in organisations[party]
    ]
    return joined(titles, language)


def term_description(promise: Promise) -> str:
    """'2026-01-01 – 2027-12-31 (2 år)' for people."""
    return f"{promise.term_start} – {promise.term_end} ({promise.term_years} år)"


def is_date_in_term(promise: Promise, day: date) -> bool:
    """Whether ``day`` falls within the promise's term."""
    return promise.term_start <= day <= promise.term_end
