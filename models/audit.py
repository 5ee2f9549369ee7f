"""The append-only audit trail: every change and every transition, by whom and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.base import json_field, utcnow


class AuditEvent(SQLModel, table=True):
    """One recorded change. Rows are only ever inserted, never updated or deleted."""

    __table_args__ = (Index("ix_auditevent_promise_at", "promise_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int | None = Field(default=None, foreign_key="promise.id")
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=254)
    # "transition", "created", "artefact_added", "next_cycle_opened", ...
    action: str = Field(max_length=40)
    from_stage: str | None = Field(default=None, max_length=40)
    to_stage: str | None = Field(default=None, max_length=40)
    reason: str | None = None
    flow_run_id: str | None = Field(default=None, max_length=64)
    # Who did it as proven, not as typed: the person, and how (password, oidc, token, ...).
    actor_person_id: int | None = Field(default=None, foreign_key="person.id")
    auth_method: str | None = Field(default=None, max_length=20)
    auth_proof: str | None = Field(default=None, max_length=200)
    details: dict[str, Any] = json_field(dict)
