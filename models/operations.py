"""Operational tables: deadlines, the notification outbox with its delivery log, and the
regional status snapshots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.base import json_field, utcnow


class Deadline(SQLModel, table=True):
    """When something of a promise is due: a stage's exit, or an evaluation round.

    The partial picture the reminder scan needs (open deadlines by due date) is indexed, so
    the scan's cost grows with what is due, not with every promise ever stored.
    """

    __table_args__ = (
        Index("ix_deadline_open_due", "done", "due"),
        # One row per deadline of a promise: a sync upserts on it (migration 0003 made it unique).
        Index(
            "ix_deadline_promise", "promise_id", "kind", "stage", "cycle_year", "ref", unique=True
        ),
        # The reminder scan: open deadlines whose next ladder step has come (migration 0003).
        Index("ix_deadline_open_remind", "done", "next_remind_on"),
        # The regional overview: each promise's next open deadline is one seek (migration 0004).
        Index("ix_deadline_promise_open_due", "promise_id", "done", "due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id")
    # "stage" (exit of a stage) or "evaluation_round".
    kind: str = Field(max_length=30)
    stage: str = Field(max_length=40)
    cycle_year: int = 1
    # What the deadline is about beyond the stage, e.g. "round:3" for evaluation round 3.
    ref: str = Field(default="", max_length=60)
    due: date
    done: bool = False
    done_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # The date the calendar gives before moving off a weekend or holiday (None: not moved).
    nominal_due: date | None = None
    # Trigger day of the next reminder step still to look at (None: the ladder is finished).
    next_remind_on: date | None = None


class OutboxMessage(SQLModel, table=True):
    """A message to deliver, written in the same transaction as the change that caused it.

    ``idempotency_key`` is unique: inserting the same message twice is a no-op, and the key is
    sent with every delivery attempt so receivers can drop a duplicate after a crash.
    """

    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    # "digest", "escalation", "transition", "status_report", ...
    kind: str = Field(max_length=40)
    channel: str = Field(max_length=80)
    recipient: str = Field(max_length=254)
    language: str = Field(default="sv", max_length=2)
    subject: str = ""
    payload: dict[str, Any] = json_field(dict)
    promise_id: int | None = Field(default=None, foreign_key="promise.id", index=True)
    # pending → sent, or dead after the last allowed attempt.
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class DeliveryAttempt(SQLModel, table=True):
    """One attempt to deliver an outbox message (never stores secrets in clear)."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="outboxmessage.id", index=True)
    attempt: int
    at: datetime = Field(default_factory=utcnow)
    status_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None


class StatusSnapshot(SQLModel, table=True):
    """A region's status as reported on one day (kept for trends over time)."""

    # One snapshot per region and day (migration 0004 made it unique): a second run on the
    # same day finds the first and sends nothing new.
    __table_args__ = (
        Index("ix_statussnapshot_region_taken", "region_id", "taken_on", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: str = Field(foreign_key="region.id", max_length=40)
    taken_on: date
    taken_at: datetime = Field(default_factory=utcnow)
    data: dict[str, Any] = json_field(dict)
    # The overview's summary alone (migration 0004), so trends read a few numbers per
    # snapshot instead of every stored row.
    summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
