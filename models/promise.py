"""The collaboration agreement and the citizen promise itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from lifecycle.stages import Stage
from lifecycle.vocabulary import Party
from models.base import enum_field, json_field, utcnow


class Agreement(SQLModel, table=True):
    """A collaboration agreement (samverkansöverenskommelse), 2–4 years, above the promises.

    It holds what the parties agreed on, "inriktning, mål och uppföljning" (seed 001): its
    focus areas, goals and how it is followed up, and the decision behind it. One local police
    area often signs with several city districts (LPO Järva with Rinkeby-Kista and
    Spånga-Tensta): ``municipality_id`` is the first of them, ``AgreementParty`` lists them all.
    """

    id: int | None = Field(default=None, primary_key=True)
    region_id: str = Field(foreign_key="region.id", max_length=40)
    municipality_id: int = Field(foreign_key="organisation.id")
    police_area_id: int = Field(foreign_key="organisation.id")
    term_start: date
    term_end: date
    title: str = ""
    focus_areas: list[str] = json_field(list)
    goals: str = ""
    follow_up: str = ""
    decided_by: str = Field(default="", max_length=300)
    decided_on: date | None = None
    diarienummer: str = Field(default="", max_length=80)
    # Each party's own decision: [{"party": "Sollentuna", "body": "Kommunstyrelsen",
    # "decided_on": "2018-12-10", "paragraph": "§ 212", "diarienummer": "KS 2018/0412"}].
    decisions: list[dict[str, Any]] = json_field(list)
    # How the collaboration is organised: the steering group (styrgrupp), the preparation
    # group (beredningsgrupp) and how often they meet.
    steering_group: str = Field(default="", max_length=300)
    preparation_group: str = Field(default="", max_length=300)
    meeting_rhythm: str = Field(default="", max_length=300)
    # The agreement this one renews ("förnyades samverkansöverenskommelsen inför åren
    # 2019-2020, tillsammans med ett reviderat medborgarlöfte", seed 003).
    previous_agreement_id: int | None = Field(default=None, foreign_key="agreement.id")


class AgreementParty(SQLModel, table=True):
    """A municipality or city district that is a party to an agreement."""

    agreement_id: int = Field(foreign_key="agreement.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)


class Promise(SQLModel, table=True):
    """A citizen promise (medborgarlöfte) and where it stands in the cycle.

    ``version`` is bumped on every change of stage; an update that names an old version
    touches nothing (optimistic locking), so two coordinators cannot both advance it.
    """

    __table_args__ = (
        Index("ix_promise_region_stage", "region_id", "stage"),
        # A coordinator's promises are found by their organisation (Mina uppgifter).
        Index("ix_promise_municipality", "municipality_id"),
        Index("ix_promise_police_area", "police_area_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: str = Field(foreign_key="region.id", max_length=40)
    area_name: str = Field(max_length=200)
    municipality_id: int = Field(foreign_key="organisation.id")
    police_area_id: int = Field(foreign_key="organisation.id")
    agreement_id: int | None = Field(default=None, foreign_key="agreement.id")
    term_start: date
    term_end: date
    term_years: int
    cycle_year: int = 1
    stage: Stage = enum_field(Stage, Stage.RESIDENT_DIALOGUE)
    version: int = 1
    previous_promise_id: int | None = Field(default=None, foreign_key="promise.id")
    # Set when the person creating the promise said why it starts with deadlines behind it.
    late_start_reason: str | None = Field(default=None, max_length=300)
    # The previous cycle's approved year-end compilation, whose findings this cycle builds on.
    # (No foreign key: the compilation already points at a promise, and a cycle of foreign
    # keys would leave no order to create or delete the two tables in.)
    previous_compilation_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    stage_entered_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class PartyOrganisation(SQLModel, table=True):
    """One more organisation in a party of a promise, besides the one on ``Promise``.

    A city district can lie in two local police areas (in the demo, Enskede-Årsta-Vantör: its
    northern parts under LPO Globen, Rågsved under LPO Farsta). Its one promise then has both
    LPOs as the police party: the coordinators and steering group of each take part, and each
    LPO signs the promise.
    """

    promise_id: int = Field(foreign_key="promise.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)
    party: Party = enum_field(Party)
