"""Regions, their priority areas, organisations and people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from lifecycle.vocabulary import OrganisationKind, Role
from models.base import enum_field, utcnow


class Region(SQLModel, table=True):
    """A police region (loaded from config/catalogues/regions.yaml)."""

    id: str = Field(primary_key=True, max_length=40)
    name_sv: str
    name_en: str


class PriorityArea(SQLModel, table=True):
    """A priority area of a region (loaded from the region's catalogue file)."""

    id: str = Field(primary_key=True, max_length=80)
    region_id: str = Field(foreign_key="region.id", index=True, max_length=40)
    set_id: str = Field(max_length=80)
    name_sv: str
    name_en: str
    mandatory: bool = False
    valid_from: int | None = None
    valid_until: int | None = None


class Organisation(SQLModel, table=True):
    """A municipality, city district, local police area, police region or county board.

    Names are unique per region and kind only: LPO Sollentuna and Sollentuna kommun may both be
    called "Sollentuna", so every lookup says which kind it wants.
    """

    __table_args__ = (
        UniqueConstraint("region_id", "kind", "name", name="uq_organisation_region_kind_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: str = Field(foreign_key="region.id", index=True, max_length=40)
    kind: OrganisationKind = enum_field(OrganisationKind)
    name: str = Field(max_length=200)
    # City districts belong to a city, local police areas to a police area: free text is enough.
    parent_name: str | None = Field(default=None, max_length=200)
    # "Minskat antal utsatta områden där sådana finns": mandatory only where such areas exist.
    has_vulnerable_areas: bool = False
    # How residents reach the organisation about its promises (a functional mailbox or a
    # phone number, never a person's own address): shown on the public pages.
    public_contact: str = Field(default="", max_length=300)


class Person(SQLModel, table=True):
    """Someone who takes part: coordinator, steering group member or regional coordinator."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)
    name: str = Field(max_length=200)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    role: Role = enum_field(Role)
    language: str = Field(default="sv", max_length=2)
    # Name of the notification channel (config) this person is reached through; None: default.
    channel: str | None = Field(default=None, max_length=80)
    # An account for a program (an integration), not a person: only it may be given tokens by
    # an admin; a person's tokens are their own to make.
    service_account: bool = False
    created_at: datetime = Field(default_factory=utcnow)
