"""Creating, finding and describing promises, their parties and the people taking part."""

from __future__ import annotations

from sqlmodel import Session, select

from config.clock import now_utc
from effects.audit import audit
from lifecycle.errors import InputError
from lifecycle.stages import Stage
from lifecycle.term import term_end
from lifecycle.vocabulary import OrganisationKind, Role
from models import Agreement, Organisation, Person, Promise, Region
from models.inputs import AgreementCreate, PersonInput, PromiseCreate


def _region(session: Session, region_id: str) -> Region:
    region = session.get(Region, region_id)
    if region is None:
        known = (
            ", ".join(sorted(session.exec(select(Region.id)).all())) or "none (run `lofte init`)"
        )
        raise InputError(f"unknown region {region_id!r}; known regions: {known}")
    return region


def find_or_create_organisation(
    session: Session, region_id: str, kind: OrganisationKind, name: str
) -> Organisation:
    """The organisation of this kind and name in the region, created on first use."""
    # Compared in Python: SQLite's lower() folds only ASCII, and names here have å, ä and ö.
    wanted = name.strip().casefold()
    candidates = session.exec(
        select(Organisation).where(Organisation.region_id == region_id, Organisation.kind == kind)
    ).all()
    for found in candidates:
        if found.name.casefold() == wanted:
            return found
    org = Organisation(region_id=region_id, kind=kind, name=name.strip())
    session.add(org)
    session.flush()
    return org


def _parties(
    session: Session, region: str, municipality: str, police_area: str, city_district: bool
) -> tuple[Organisation, Organisation]:
    _region(session, region)
    kind = OrganisationKind.CITY_DISTRICT if city_district else OrganisationKind.MUNICIPALITY
    return (
        find_or_create_organisation(session, region, kind, municipality),
        find_or_create_organisation(
            session, region, OrganisationKind.LOCAL_POLICE_AREA, police_area
        ),
    )


def create_agreement(session: Session, data: AgreementCreate) -> Agreement:
    """Create a collaboration agreement (2–4 years) between a municipality and a police area."""
    municipality, police = _parties(
        session,
        data.region,
        data.municipality,
        data.police_area,
        data.municipality_is_city_district,
    )
    agreement = Agreement(
        region_id=data.region,
        municipality_id=municipality.id,  # type: ignore[arg-type]
        police_area_id=police.id,  # type: ignore[arg-type]
        term_start=data.start,
        term_end=term_end(data.start, data.years),
        title=data.title,
    )
    session.add(agreement)
    session.flush()
    return agreement


def _check_agreement(session: Session, agreement_id: int, promise: Promise) -> None:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise InputError(
            f"no agreement with id {agreement_id}; create one with `lofte agreement create`"
        )
    if (agreement.municipality_id, agreement.police_area_id) != (
        promise.municipality_id,
        promise.police_area_id,
    ):
        raise InputError(
            f"agreement {agreement_id} is between other parties; a promise belongs to the "
            "agreement of its own municipality and local police area"
        )
    if not (agreement.term_start <= promise.term_start and promise.term_end <= agreement.term_end):
        raise InputError(
            f"the promise's term ({promise.term_start} – {promise.term_end}) is not within agreement "
            f"{agreement_id}'s term ({agreement.term_start} – {agreement.term_end}); shorten the "
            "promise or pick the agreement that covers it"
        )


def create_promise(
    session: Session, data: PromiseCreate, actor: str, *, previous: Promise | None = None
) -> Promise:
    """Create a promise in its first stage, with its parties, and audit it."""
    municipality, police = _parties(
        session,
        data.region,
        data.municipality,
        data.police_area,
        data.municipality_is_city_district,
    )
    promise = Promise(
        region_id=data.region,
        area_name=data.area_name or data.municipality,
        municipality_id=municipality.id,  # type: ignore[arg-type]
        police_area_id=police.id,  # type: ignore[arg-type]
        term_start=data.start,
        term_end=term_end(data.start, data.years),
        term_years=data.years,
        stage=Stage.RESIDENT_DIALOGUE,
        previous_promise_id=previous.id if previous else None,
        agreement_id=data.agreement_id,
        created_at=now_utc(),
        stage_entered_at=now_utc(),
    )
    if data.agreement_id is not None:
        _check_agreement(session, data.agreement_id, promise)
    session.add(promise)
    session.flush()
    audit(
        session,
        promise_id=promise.id,
        actor=actor,
        action="created",
        to_stage=promise.stage,
        details={"previous_promise_id": promise.previous_promise_id},
    )
    return promise


def add_person(session: Session, data: PersonInput) -> Person:
    """Add or update a person (by e-mail), with their organisation, role, language, channel."""
    org_id = None
    if data.organisation:
        query = select(Organisation)
        if data.region:
            query = query.where(Organisation.region_id == data.region)
        wanted = data.organisation.strip().casefold()
        orgs = [o for o in session.exec(query).all() if o.name.casefold() == wanted]
        if not orgs and data.role is Role.REGIONAL_COORDINATOR and data.region:
            _region(session, data.region)
            orgs = [
                find_or_create_organisation(
                    session, data.region, OrganisationKind.POLICE_REGION, data.organisation
                )
            ]
        if not orgs:
            raise InputError(
                f"no organisation named {data.organisation!r}; it is created with the first "
                "promise that names it (lofte promise create), or check the spelling"
            )
        if len(orgs) > 1:
            raise InputError(
                f"{len(orgs)} organisations are named {data.organisation!r}; add --region"
            )
        org_id = orgs[0].id
    person = session.exec(select(Person).where(Person.email == data.email.lower())).first()
    person = person or Person(email=data.email.lower(), name=data.name, role=data.role)
    person.name, person.role, person.organisation_id = data.name, data.role, org_id
    person.language, person.channel = data.language, data.channel
    session.add(person)
    session.flush()
    return person
