"""The stored status of each promise: what the region-wide pages need, kept in step.

A region's overview and its public page used to read every open deadline, evaluation round
and year-end compilation of every promise on each request, so their cost grew with what was
stored. One row per promise holds the facts those pages need (its open deadlines, the
activities marked not done this year, the reports it owes residents, whether it is published),
written in the same transaction as every change that can alter them
(``effects/promise_status.py``). Everything that depends on the day (what is late, how many
working days) is still worked out when read, from these stored dates.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.base import utcnow


class PromiseStatus(SQLModel, table=True):
    """One promise's status as the region-wide pages read it (JSON lists as text)."""

    __tablename__ = "promisestatus"
    __table_args__ = (
        Index("ix_promisestatus_region", "region_id", "closed", "current_year"),
        Index("ix_promisestatus_region_published", "region_id", "published", "current_year"),
    )

    promise_id: int = Field(foreign_key="promise.id", primary_key=True)
    region_id: str = Field(max_length=40)
    stage: str = Field(max_length=40)
    cycle_year: int
    # The calendar year the promise's current cycle year starts in: "this year's promises".
    current_year: int
    closed: bool = False
    published: bool = False
    first_open_due: date | None = None
    # [[kind, stage, cycle_year, ref, due, nominal_due], ...] of the open deadlines, by due.
    open_deadlines: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    # The same deadlines' due dates as "YYYY-MM-DD|r" (a round) or "|s", comma separated and
    # sorted: what is late on a day is a prefix, found by bisection without parsing JSON.
    open_dues: str = Field(default="", sa_column=Column(Text, nullable=False))
    # [{activity_id, title, responsible, round, reason}, ...]: latest report says not done.
    not_done: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    # [[kind, year, number, due, reported_on], ...]: every report owed to residents.
    public_reports: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
