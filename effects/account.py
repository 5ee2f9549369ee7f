"""What a change to someone's credentials does in its transaction: the audit record names who
did it (an admin as the admin, never as the person), and the person is told by message."""

from __future__ import annotations

import secrets
from typing import Any

from sqlmodel import Session

from config.clock import now_utc
from effects.audit import audit
from lifecycle.permissions import Principal
from models import Person
from notifications.channel_config import DEFAULT_CHANNEL
from notifications.outbox import enqueue


def credentials_changed(
    session: Session,
    *,
    actor: Principal,
    person: Person,
    event: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Audit ``event`` on ``person``'s account as ``actor`` and queue the person's notice.

    ``event``: ``one_time_password``, ``token_created`` or ``password_changed``. No secret is
    in either: the audit gets ids, the message says where the password comes from.
    """
    at = now_utc()
    audit(
        session,
        promise_id=None,
        actor=actor,
        action=f"account_{event}"[:40],
        details={"person": person.email, **(details or {})},
        at=at,
    )
    enqueue(
        session,
        # One notice per act: a random part, since the same act may be repeated.
        key=f"account:{person.id}:{event}:{secrets.token_hex(8)}",
        kind="account_notice",
        channel=person.channel or DEFAULT_CHANNEL,
        recipient=person.email,
        payload={
            "event": event,
            "email": person.email,
            "by": actor.email,
            "by_name": actor.name or actor.email,
            "at": at.isoformat(timespec="minutes"),
            **(details or {}),
        },
        language=person.language,
    )
