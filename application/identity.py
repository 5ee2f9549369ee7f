"""Authentication (temporary stub until the identity module lands): operator principals only."""

from __future__ import annotations

from sqlmodel import select

from application.access import principal_of
from lifecycle.errors import NotAuthenticated
from lifecycle.permissions import Principal
from models import Person
from models.db import read_scope


def operator_principal(email: str) -> Principal:
    """The registered person named on a server shell (``--actor``)."""
    with read_scope() as session:
        person = session.exec(select(Person).where(Person.email == email.lower())).first()
        if person is None:
            raise NotAuthenticated(f"{email} is not a registered person (lofte person add)")
        return principal_of(session, person, "operator")


def authenticate_bearer(token: str) -> Principal:
    """Tokens arrive with the identity module."""
    raise NotAuthenticated("tokens are not available yet")


def authenticate_session(session_id: str) -> Principal:
    """Sessions arrive with the identity module."""
    raise NotAuthenticated("sessions are not available yet")


def sign_in_with_password(
    email: str, password: str, client: str, previous_session: str | None = None
) -> tuple[str, Principal]:
    """Passwords arrive with the identity module."""
    raise NotAuthenticated("passwords are not available yet")
