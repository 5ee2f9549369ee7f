"""The collaboration agreement and the citizen promise itself."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from lifecycle.stages import Stage
from models.base import enum_field, utcnow


class Agreement(SQLModel, table=True):
    """A collaboration agreement (samverkansöverenskommelse), 2–4 years, above the promises."""

    id: int | None = Field(default=None, primary_key=True)
    region_id: str = Field(foreign_key="region.id", max_length=40)
    municipality_id: int = Field(foreign_key="organisation.id")
    police_area_id: int = Field(foreign_key="organisation.id")
    term_start: date
    term_end: date
    title: str = ""


class Promise(SQLModel, table=True):
    """A citizen promise (medborgarlöfte) and where it stands in the cycle.

    ``version`` is bumped on every change of stage; an update that names an old version
    touches nothing (optimistic locking), so two coordinators cannot both advance it.
    """

    __table_args__ = (Index("ix_promise_region_stage", "region_id", "stage"),)

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
    created_at: datetime = Field(default_factory=utcnow)
    stage_entered_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
