"""Bookkeeping of deadlines and reminders: which ladder steps reached whom, and each promise's
own calendar.

``ReminderSent`` is what makes the reminder run idempotent: one row per (deadline, ladder step,
recipient), unique, written in the same transaction as the digest that carries it. A second
run, or a run after a crash half-way, finds the row and sends nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class ReminderSent(SQLModel, table=True):
    """One ladder step of one deadline, queued for one recipient (in ``outbox_key``'s digest)."""

    __tablename__ = "remindersent"
    __table_args__ = (
        UniqueConstraint("deadline_id", "step", "recipient", name="uq_remindersent_item"),
        # "What was queued on this day" (a re-run reports those digests as skipped).
        Index("ix_remindersent_run_on", "run_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadline.id")
    # The ladder step and the due date it was computed for, e.g. "before:7@2026-06-18": a
    # deadline that moves gets its ladder again.
    step: str = Field(max_length=60)
    recipient: str = Field(max_length=254)
    outbox_key: str = Field(max_length=200)
    run_on: date
    created_at: datetime = Field(default_factory=utcnow)


class PromiseCalendar(SQLModel, table=True):
    """A promise's calendar: its own override (if any) and the fingerprint its deadlines follow.

    ``fingerprint`` is that of the effective calendar (defaults, region, override) the stored
    deadlines were computed from; ``lofte calendar resync`` recomputes those that differ.
    """

    __tablename__ = "promisecalendar"

    promise_id: int = Field(foreign_key="promise.id", primary_key=True)
    override: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    fingerprint: str = Field(default="", max_length=40)
    updated_at: datetime = Field(default_factory=utcnow)
