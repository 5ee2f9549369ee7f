"""Organisations: the municipalities, city districts, local police areas, police regions and
county boards that take part. Admins add them; names are unique per kind and region."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlmodel import col, select

from application.access import require_action
from application.promises import _find_organisation, _region
from lifecycle.errors import InputError
from lifecycle.permissions import Action, Principal
from lifecycle.vocabulary import OrganisationKind
from models import Organisation
from models.db import read_scope, session_scope
from models.inputs import check_name


class OrganisationInput(BaseModel):
    """A new organisation of a region."""

    region: str = Field(max_length=40)
    kind: OrganisationKind
    name: str = Field(min_length=2, max_length=200)
    parent_name: str | None = Field(default=None, max_length=200)
    has_vulnerable_areas: bool = Field(
        default=False,
        description="The municipality or city district has vulnerable areas (utsatta områden)",
    )

    @field_validator("name", "parent_name")
    @classmethod
    def _visible(cls, value: str | None, info: ValidationInfo) -> str | None:
        """NFC, and no invisible characters (a look-alike "LPO Farsta" is refused)."""
        return None if value is None else check_name(str(info.field_name), value)


class OrganisationRow(BaseModel):
    """An organisation of a region, with its public contact route."""

    id: int
    region: str
    kind: str
    name: str
    parent_name: str | None
    has_vulnerable_areas: bool
    public_contact: str | None


def _row(org: Organisation) -> OrganisationRow:
    return OrganisationRow(
        id=org.id or 0,
        region=org.region_id,
        kind=org.kind.value,
        name=org.name,
        parent_name=org.parent_name,
        has_vulnerable_areas=org.has_vulnerable_areas,
        public_contact=org.public_contact,
    )


def add_organisation(principal: Principal | None, request: OrganisationInput) -> OrganisationRow:
    """Add an organisation (admins); a second one of the same kind and name is refused."""
    require_action(principal, Action.MANAGE_PEOPLE)
    with session_scope() as session:
        _region(session, request.region)
        if _find_organisation(session, request.region, request.kind, request.name):
            raise InputError.said(
                "det finns redan en {kind} som heter {name!r} i {region}",
                kind=request.kind.value,
                name=request.name,
                region=request.region,
            )
        org = Organisation(
            region_id=request.region,
            kind=request.kind,
            name=request.name.strip(),
            parent_name=request.parent_name,
            has_vulnerable_areas=request.has_vulnerable_areas,
        )
        session.add(org)
        session.flush()
        return _row(org)


class OrganisationContactInput(BaseModel):
    """How residents reach an organisation about its promises: a functional mailbox
    (trygghet@sollentuna.se) or a phone number (08-579 210 00); empty removes it."""

    id: int
    public_contact: str = Field(default="", max_length=300)


_MAILBOX = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,25}$")


def set_contact(principal: Principal | None, request: OrganisationContactInput) -> OrganisationRow:
    """Set the public contact route of an organisation (admins): shown on its promises'
    public pages, so it must be a functional mailbox or a phone number, never a person's."""
    require_action(principal, Action.MANAGE_PEOPLE)
    contact = request.public_contact.strip()
    if contact and not (_MAILBOX.match(contact) or _PHONE.match(contact)):
        raise InputError.said(
            "{contact!r} är varken en e-postadress eller ett telefonnummer; ange "
            "organisationens funktionsbrevlåda (trygghet@kommun.se) eller telefon (08-123 456 00)",
            contact=contact,
        )
    with session_scope() as session:
        org = session.get(Organisation, request.id)
        if org is None:
            raise InputError.said(
                "ingen organisation med id {id}; `lofte organisation list` visar dem",
                id=request.id,
            )
        org.public_contact = contact
        session.add(org)
        return _row(org)


class OrganisationFilter(BaseModel):
    """Organisations of one region, or all."""

    region: str | None = Field(default=None, max_length=40)


def list_organisations(
    principal: Principal | None, request: OrganisationFilter
) -> list[OrganisationRow]:
    """Every organisation, by region, kind and name (any signed-in person)."""
    if principal is None:
        require_action(principal, Action.MANAGE_PEOPLE)
    with read_scope() as session:
        query = select(Organisation).order_by(
            col(Organisation.region_id), col(Organisation.kind), col(Organisation.name)
        )
        if request.region:
            query = query.where(Organisation.region_id == request.region)
        return [_row(o) for o in session.exec(query).all()]
