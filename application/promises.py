"""Creating, finding and describing promises, their parties and the people taking part."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from application.access import may, party_filter, require, require_action, require_parties
from application.promise_results import AgreementRecord, AuditEntry, PromiseRow, PromiseView
from application.usecase import NoInput
from config.calendar import get_calendars
from config.clock import local_today, now_utc
from effects.audit import audit
from effects.hooks import after_create
from lifecycle.deadlines import past_stage_deadlines
from lifecycle.errors import InputError, NotAuthenticated, describe_validation_error
from lifecycle.i18n import InvalidValue, Phrase, joined
from lifecycle.permissions import Action, Principal
from lifecycle.stages import Stage, parse_stage
from lifecycle.term import term_end
from lifecycle.vocabulary import OrganisationKind, Party, Role
from models import (
    Agreement,
    AgreementParty,
    Organisation,
    PartyOrganisation,
    Person,
    Promise,
    Region,
)
from models.db import read_scope, session_scope
from models.inputs import AgreementCreate, AgreementDecisionInput, PersonInput, PromiseCreate
from views.lookup import get_promise, history, list_promises, organisation_names
from views.promise import promise_view

# An organisation named that is not registered (English in the catalogue).
NO_ORGANISATION = (
    "ingen {kind} som heter {name!r} i region {region}; kontrollera stavningen, eller be en "
    "administratör lägga till den: lofte organisation add --region {region} --kind {kind} "
    "--name {name!r}"
)


def _region(session: Session, region_id: str) -> Region:
    region = session.get(Region, region_id)
    if region is None:
        known = ", ".join(sorted(session.exec(select(Region.id)).all())) or Phrase(
            "inga (kör `lofte init`)"
        )
        raise InputError.said(
            "okänd region {region!r}; kända regioner: {known}", region=region_id, known=known
        )
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
    kind = municipality.kind
    parties = [municipality]
    for name in data.other_municipalities:
        other = find_or_create_organisation(session, data.region, kind, name)
        if other.id not in {p.id for p in parties}:
            parties.append(other)
    agreement = Agreement(
        region_id=data.region,
        municipality_id=municipality.id,  # type: ignore[arg-type]
        police_area_id=police.id,  # type: ignore[arg-type]
        term_start=data.start,
        term_end=term_end(data.start, data.years),
        title=data.title,
        focus_areas=data.focus_areas,
        goals=data.goals,
        follow_up=data.follow_up,
        decided_by=data.decided_by,
        decided_on=data.decided_on,
        diarienummer=data.diarienummer,
        steering_group=data.steering_group,
        preparation_group=data.preparation_group,
        meeting_rhythm=data.meeting_rhythm,
    )
    session.add(agreement)
    session.flush()
    for party in parties:
        session.add(AgreementParty(agreement_id=agreement.id, organisation_id=party.id))  # type: ignore[arg-type]
    session.flush()
    agreement.decisions = checked_decisions(session, agreement, data.decisions)
    session.add(agreement)
    session.flush()
    return agreement


def agreement_party_names(session: Session, agreement: Agreement) -> list[str]:
    """Every party of the agreement by name: its municipalities or districts, then its LPO."""
    party_ids = session.exec(
        select(AgreementParty.organisation_id).where(AgreementParty.agreement_id == agreement.id)
    ).all()
    names = sorted(
        o.name for o in (session.get(Organisation, i) for i in party_ids) if o is not None
    )
    police = session.get(Organisation, agreement.police_area_id)
    return names + ([police.name] if police else [])


def checked_decisions(
    session: Session, agreement: Agreement, decisions: list[AgreementDecisionInput]
) -> list[dict[str, Any]]:
    """Each party's decision as stored, refused when it names someone who is not a party."""
    parties = agreement_party_names(session, agreement)
    by_folded = {name.casefold(): name for name in parties}
    stored = []
    for decision in decisions:
        name = by_folded.get(decision.party.casefold())
        if name is None:
            raise InputError.said(
                "decisions: {party!r} är inte part i överenskommelse {id}; dess parter: {parties}",
                party=decision.party,
                id=agreement.id,
                parties=", ".join(parties),
            )
        stored.append({**decision.model_dump(mode="json"), "party": name})
    return stored


def agreement_view(session: Session, agreement: Agreement) -> AgreementRecord:
    """An agreement with its content and every party by name."""
    *names, police = agreement_party_names(session, agreement)
    return AgreementRecord.model_validate(
        {**agreement.model_dump(), "municipalities": names, "police_area": police}
    )


def _check_agreement(session: Session, agreement_id: int, promise: Promise) -> None:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise InputError.said(
            "ingen överenskommelse med id {id}; skapa en med `lofte agreement create`",
            id=agreement_id,
        )
    parties = set(
        session.exec(
            select(AgreementParty.organisation_id).where(
                AgreementParty.agreement_id == agreement_id
            )
        ).all()
    )
    if agreement.police_area_id != promise.police_area_id or promise.municipality_id not in parties:
        raise InputError.said(
            "överenskommelse {id} gäller andra parter; ett löfte hör till en överenskommelse "
            "som dess eget lokalpolisområde och dess kommun (eller stadsdel) har skrivit under",
            id=agreement_id,
        )
    if not (agreement.term_start <= promise.term_start and promise.term_end <= agreement.term_end):
        raise InputError.said(
            "löftets period ({start} – {end}) ligger inte inom överenskommelse {id}s period "
            "({agreement_start} – {agreement_end}); korta löftet eller välj den "
            "överenskommelse som täcker det",
            start=promise.term_start,
            end=promise.term_end,
            id=agreement_id,
            agreement_start=agreement.term_start,
            agreement_end=agreement.term_end,
        )


def _add_police_areas(session: Session, promise: Promise, names: list[str]) -> None:
    """Make further LPOs part of the promise's police party (a city district split between
    two police areas); each name is a local police area of the promise's region."""
    seen: set[int | None] = {promise.police_area_id}
    for name in names:
        org = find_or_create_organisation(
            session, promise.region_id, OrganisationKind.LOCAL_POLICE_AREA, name
        )
        if org.id in seen:
            raise InputError.said(
                "{name} står redan som lokalpolisområde i löftet; ange varje lokalpolisområde "
                "en gång",
                name=org.name,
            )
        seen.add(org.id)
        session.add(
            PartyOrganisation(
                promise_id=promise.id,  # type: ignore[arg-type]
                organisation_id=org.id,  # type: ignore[arg-type]
                party=Party.POLICE,
            )
        )


def _refuse_late_start(data: PromiseCreate, today: date) -> None:
    """A promise whose stage deadlines are already past opens late: only if someone says why."""
    if data.late_start_reason:
        return
    rules = get_calendars().rules(data.region)
    past = past_stage_deadlines(data.start, data.years, rules, today)
    if not past:
        return
    listed = joined(
        [Phrase("{stage} (senast {due})", {"stage": d.stage, "due": d.due}) for d in past]
    )
    raise InputError.said(
        "Ett löfte som börjar {start} skulle öppna med {count} tidsfrister för steg som redan har passerat i dag ({today}): {listed}. Börja det senare, eller säg varför det börjar sent, så visas det som försenat från början.",
        start=data.start,
        count=len(past),
        today=today,
        listed=listed,
    )


def create_promise(
    session: Session,
    data: PromiseCreate,
    actor: Principal,
    *,
    previous: Promise | None = None,
    now: datetime | None = None,
) -> Promise:
    """Create a promise in its first stage, with its parties, and audit it.

    Refused (InputError) when its first stage deadlines are already behind ``now`` and no
    ``late_start_reason`` says why.
    """
    _refuse_late_start(data, local_today(now))
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
        late_start_reason=data.late_start_reason,
        created_at=now_utc(now),
        stage_entered_at=now_utc(now),
    )
    if data.agreement_id is not None:
        _check_agreement(session, data.agreement_id, promise)
    session.add(promise)
    session.flush()
    _add_police_areas(session, promise, data.also_police_areas)
    audit(
        session,
        promise_id=promise.id,
        actor=actor,
        action="created",
        to_stage=promise.stage,
        at=promise.created_at,
        details={
            "previous_promise_id": promise.previous_promise_id,
            "late_start_reason": promise.late_start_reason,
        },
    )
    return promise


def add_person(session: Session, data: PersonInput) -> Person:
    """Add or update a person (by e-mail), with their organisation, role, language, channel."""
    org_id = None
    if data.organisation:
        query = select(Organisation)
        if data.region:
            query = query.where(Organisation.region_id == data.region)
        if data.organisation_kind:
            query = query.where(Organisation.kind == data.organisation_kind)
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
            raise InputError.said(
                "ingen organisation heter {name!r}; den skapas med det första löfte som nämner "
                "den (lofte promise create), eller kontrollera stavningen",
                name=data.organisation,
            )
        if len(orgs) > 1:
            kinds = ", ".join(sorted(f"{o.kind.value} in {o.region_id}" for o in orgs))
            raise InputError.said(
                "{count} organisationer heter {name!r} ({kinds}); säg vilken: --region och "
                "--organisation-kind",
                count=len(orgs),
                name=data.organisation,
                kinds=kinds,
            )
        org_id = orgs[0].id
    person = session.exec(select(Person).where(Person.email == data.email.lower())).first()
    person = person or Person(email=data.email.lower(), name=data.name, role=data.role)
    person.name, person.role, person.organisation_id = data.name, data.role, org_id
    person.language, person.channel = data.language, data.channel
    person.service_account = data.service_account
    session.add(person)
    session.flush()
    return person


# --- use cases ---------------------------------------------------------------------------------

# Ids are INTEGER columns: 32 bits on PostgreSQL (a larger one is "out of range", a 500).
MAX_ID = 2**31 - 1
PromiseId = Annotated[int, Field(ge=1, le=MAX_ID, description="The promise's id")]
Language = Literal["sv", "en"]


class PromiseListRequest(BaseModel):
    """Filters for listing promises."""

    region: str | None = Field(default=None, max_length=40)
    stage: str | None = Field(default=None, max_length=40)
    open: bool = Field(default=False, description="Only the promises not closed")


class PromiseRequest(BaseModel):
    """One promise, and the language to describe it in."""

    promise_id: PromiseId
    language: Language = "sv"


def _find_organisation(
    session: Session, region_id: str, kind: OrganisationKind, name: str
) -> Organisation | None:
    wanted = name.strip().casefold()
    for found in session.exec(
        select(Organisation).where(Organisation.region_id == region_id, Organisation.kind == kind)
    ).all():
        if found.name.casefold() == wanted:
            return found
    return None


def _require_own_party(
    session: Session,
    principal: Principal | None,
    action: Action,
    region: str,
    municipality: str,
    police_area: str,
    city_district: bool,
    also_police_areas: tuple[str, ...] = (),
) -> None:
    """Before anything is created: the principal's organisation must be one of the parties."""
    _region(session, region)
    kind = OrganisationKind.CITY_DISTRICT if city_district else OrganisationKind.MUNICIPALITY
    lpo = OrganisationKind.LOCAL_POLICE_AREA
    municipality_org = _find_organisation(session, region, kind, municipality)
    police_org = _find_organisation(session, region, lpo, police_area)
    also = [(_find_organisation(session, region, lpo, name), name) for name in also_police_areas]
    require_parties(
        principal,
        action,
        region,
        municipality_org.id if municipality_org and municipality_org.id else -1,
        police_org.id if police_org and police_org.id else -1,
        *(org.id for org, _ in also if org and org.id),
    )
    # Organisations are never made up on the fly (a typo would create a second "Farsta"):
    # every party must be registered, in this region, as the kind named.
    for found, name, org_kind in (
        (municipality_org, municipality, kind),
        (police_org, police_area, lpo),
        *((org, name, lpo) for org, name in also),
    ):
        if found is None:
            raise InputError.said(NO_ORGANISATION, kind=org_kind.value, name=name, region=region)


def _row(session: Session, promise: Promise) -> PromiseRow:
    municipality, police = organisation_names(session, promise)
    return PromiseRow(
        id=promise.id,  # type: ignore[arg-type]
        region=promise.region_id,
        area=promise.area_name,
        municipality=municipality,
        police_area=police,
        stage=promise.stage.value,
        version=promise.version,
        cycle_year=promise.cycle_year,
        term_start=promise.term_start,
        term_end=promise.term_end,
    )


def list_visible_promises(
    principal: Principal | None, request: PromiseListRequest
) -> list[PromiseRow]:
    """The promises the principal may read, optionally of one region and/or stage."""
    if principal is None:
        require_action(principal, Action.READ_PROMISE)
    assert principal is not None
    try:
        stage = parse_stage(request.stage) if request.stage else None
    except InvalidValue as exc:
        raise InputError.of(exc.phrase) from exc
    with read_scope() as session:
        if request.region:
            _region(session, request.region)
        return [
            _row(session, p)
            for p in list_promises(
                session, request.region, stage, party_filter(principal), open_only=request.open
            )
            if may(principal, Action.READ_PROMISE, p)
        ]


def show_promise(principal: Principal | None, request: PromiseRequest) -> PromiseView:
    """A promise: its stage, what is still missing before the next one, its history."""
    with read_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.READ_PROMISE, promise)
        return PromiseView.model_validate(
            promise_view(session, request.promise_id, request.language)
        )


def promise_history(principal: Principal | None, request: PromiseRequest) -> list[AuditEntry]:
    """The full audit trail of a promise, oldest first."""
    with read_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.READ_PROMISE, promise)
        events = history(session, request.promise_id)
        ids = {e.actor_person_id for e in events if e.actor_person_id is not None}
        names = (
            dict(session.exec(select(Person.id, Person.name).where(col(Person.id).in_(ids))).all())
            if ids
            else {}
        )
        return [
            AuditEntry.model_validate(e, from_attributes=True).model_copy(
                update={"actor_name": names.get(e.actor_person_id)}
            )
            for e in events
        ]


def create_promise_as(principal: Principal | None, request: PromiseCreate) -> PromiseView:
    """Create a promise (first stage: resident dialogue) for a party the principal belongs to."""
    with session_scope() as session:
        _require_own_party(
            session,
            principal,
            Action.CREATE_PROMISE,
            request.region,
            request.municipality,
            request.police_area,
            request.municipality_is_city_district,
            tuple(request.also_police_areas),
        )
        assert principal is not None
        promise = create_promise(session, request, principal)
        after_create(session, promise, local_today())
        return PromiseView.model_validate(promise_view(session, promise.id))  # type: ignore[arg-type]


def create_agreement_as(principal: Principal | None, request: AgreementCreate) -> AgreementRecord:
    """Create a collaboration agreement for a party the principal belongs to."""
    with session_scope() as session:
        _require_own_party(
            session,
            principal,
            Action.CREATE_AGREEMENT,
            request.region,
            request.municipality,
            request.police_area,
            request.municipality_is_city_district,
        )
        kind = (
            OrganisationKind.CITY_DISTRICT
            if request.municipality_is_city_district
            else OrganisationKind.MUNICIPALITY
        )
        for name in request.other_municipalities:
            if _find_organisation(session, request.region, kind, name) is None:
                raise InputError.said(
                    NO_ORGANISATION, kind=kind.value, name=name, region=request.region
                )
        return agreement_view(session, create_agreement(session, request))


def check_channel(name: str | None) -> None:
    """Refuse a notification channel that is not configured (it would dead-letter later)."""
    if name is None:
        return
    from notifications.channel_config import load_channels

    setup = load_channels()
    known = sorted(setup.channels) if setup else []
    if name not in known:
        raise InputError.said(
            "kanalen {name!r} är inte konfigurerad; konfigurerade kanaler: {known}; utelämna "
            "den för att använda standardkanalen",
            name=name,
            known=", ".join(known) or Phrase("inga (LOFTE_CHANNELS_FILE)"),
        )


class PersonRow(BaseModel):
    """A registered person: role, organisation and how they are told things."""

    id: int
    email: str
    name: str
    role: str
    service_account: bool
    organisation: str | None
    organisation_kind: str | None
    region: str | None
    language: str
    channel: str | None


def add_person_as(principal: Principal | None, request: PersonInput) -> PersonRow:
    """Add or update a person (admins only)."""
    require_action(principal, Action.MANAGE_PEOPLE)
    check_channel(request.channel)
    with session_scope() as session:
        return _person_row(session, add_person(session, request))


def _person_row(session: Session, person: Person) -> PersonRow:
    org = session.get(Organisation, person.organisation_id) if person.organisation_id else None
    return PersonRow(
        id=person.id or 0,
        email=person.email,
        name=person.name,
        role=person.role.value,
        service_account=person.service_account,
        organisation=org.name if org else None,
        organisation_kind=org.kind.value if org else None,
        region=org.region_id if org else None,
        language=person.language,
        channel=person.channel,
    )


def list_people(principal: Principal | None, _request: NoInput) -> list[PersonRow]:
    """Every registered person with organisation and role (admins only)."""
    require_action(principal, Action.MANAGE_PEOPLE)
    with read_scope() as session:
        people = session.exec(select(Person).order_by(col(Person.email))).all()
        return [_person_row(session, p) for p in people]


def bootstrap_admin(params: dict[str, Any]) -> PersonRow:
    """Add the installation's first admin, from a shell on the server, without credentials.

    Allowed only while there is no admin at all; after that, admins add people.
    """
    if isinstance(params, dict):
        try:
            request = PersonInput.model_validate(params)
        except ValidationError as exc:
            raise describe_validation_error(exc, "person", PersonInput) from None
    else:
        request = params
    if request.role is not Role.ADMIN:
        raise InputError.said("bara den första administratören kan läggas till utan inloggning")
    with session_scope() as session:
        if session.exec(select(Person).where(Person.role == Role.ADMIN)).first() is not None:
            raise NotAuthenticated.said(
                "det finns redan en administratör: logga in som administratör (eller ange "
                "--actor) för att lägga till personer"
            )
        return _person_row(session, add_person(session, request))
