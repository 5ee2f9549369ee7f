"""Writing to the notification outbox, inside the caller's transaction.

A change and the messages it causes commit together or not at all. The idempotency key is
unique, so enqueueing the same message twice (a re-run, a retry after a crash) is a no-op.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from models.base import utcnow
from models.operations import OutboxMessage


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    channel: str,
    recipient: str,
    subject: str,
    payload: dict[str, Any],
    language: str = "sv",
    promise_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a message to the outbox unless one with ``key`` exists; True if it was added.

    Runs in the caller's session and transaction; nothing is sent until it commits.
    """
    values = {
        "idempotency_key": key,
        "kind": kind,
        "channel": channel,
        "recipient": recipient,
        "language": language,
        "subject": subject,
        "payload": payload,
        "promise_id": promise_id,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": not_before or utcnow(),
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OutboxMessage).values(**values).on_conflict_do_nothing(
        index_elements=["idempotency_key"]
    )
    result = session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]
