"""Residents who follow a published promise by e-mail, and the requests that rate-limit them.

A subscription is created unconfirmed (double opt-in) and confirmed from a link in the first
message; consent is recorded with the wording's version. Unsubscribing deletes the row, so
the address is gone. The confirmation and unsubscribe tokens are stored as SHA-256 digests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class ResidentSubscription(SQLModel, table=True):
    """One address following one promise: pending until confirmed, deleted on unsubscribe."""

    __table_args__ = (UniqueConstraint("promise_id", "email", name="uq_subscription_address"),)

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    email: str = Field(max_length=254)
    language: str = Field(default="sv", max_length=2)
    # SHA-256 of the link tokens: the confirm link works once, the unsubscribe link always.
    confirm_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    unsubscribe_token_hash: str = Field(max_length=64, unique=True)
    # The raw unsubscribe token, so every message can carry the link (it can only unsubscribe).
    unsubscribe_token: str = Field(max_length=64)
    consent_version: str = Field(max_length=40)
    requested_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None
    confirmations_sent: int = 0


class SubscriptionRequest(SQLModel, table=True):
    """One subscribe request, kept a day, to limit requests per address and per client."""

    __table_args__ = (
        Index("ix_subscriptionrequest_client", "client_hash", "at"),
        Index("ix_subscriptionrequest_address", "address_hash", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    # SHA-256 digests: the table says how often, never who.
    client_hash: str = Field(max_length=64)
    address_hash: str = Field(max_length=64)
