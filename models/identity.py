"""Accounts and credentials: local passwords, web sessions, personal access tokens, sign-in
throttling and the identities an OIDC provider vouches for.

No secret is stored as itself: passwords as argon2id hashes, session ids and tokens as
SHA-256 digests (they are long random strings, so a fast digest is enough to make a stolen
table useless).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class LocalPassword(SQLModel, table=True):
    """A person's local password (the embedded default's way to sign in)."""

    person_id: int = Field(primary_key=True, foreign_key="person.id")
    password_hash: str = Field(max_length=300)
    changed_at: datetime = Field(default_factory=utcnow)
    # A one-time password an admin set: the person must choose their own at first sign-in.
    must_change: bool = False


class WebSession(SQLModel, table=True):
    """A signed-in browser: idle and absolute timeouts; ended at sign-out or rotation."""

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the cookie's value
    person_id: int = Field(foreign_key="person.id", index=True)
    method: str = Field(max_length=20)
    proof: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None


class AccessToken(SQLModel, table=True):
    """A personal access token for API clients and the CLI: shown once, stored as a digest."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    name: str = Field(default="", max_length=100)
    token_hash: str = Field(unique=True, max_length=64)
    # What the token may do besides the person's work ("api"): "tokens" to create tokens,
    # "credentials" to change the password; comma-separated (lifecycle: TOKEN_SCOPES).
    scopes: str = Field(default="api", max_length=100)
    # The token that created this one, if any: revoking it revokes this one too.
    parent_id: int | None = Field(default=None, foreign_key="accesstoken.id", index=True)
    # Who created it, when not the owner (an admin for a service account).
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins per account (e-mail) and per client address: slowed, then locked."""

    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    first_failure_at: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None


class OidcIdentity(SQLModel, table=True):
    """Who an OIDC provider's subject is in Löfte."""

    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_oidc_issuer_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=300)
    subject: str = Field(max_length=300)
    person_id: int = Field(foreign_key="person.id", index=True)
    last_sign_in_at: datetime = Field(default_factory=utcnow)
