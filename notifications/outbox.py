"""Writing to the notification outbox, inside the caller's transaction.

A change and the messages it causes commit together or not at all. The idempotency key is
unique, so enqueueing the same message twice (a re-run, a retry after a crash) is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from models.base import utcnow
from models.db import insert_if_new
from models.operations import DeliveryAttempt, OutboxMessage


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    channel: str,
    recipient: str,
    payload: dict[str, Any],
    language: str = "sv",
    promise_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a message to the outbox unless one with ``key`` exists; True if it was added.

    Runs in the caller's session and transaction; nothing is sent until it commits. The
    subject is the kind's subject template filled in with ``payload`` (its only home).
    """
    from notifications.render import Renderer

    subject = Renderer().subject(kind, language, payload)
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
    return insert_if_new(session, OutboxMessage, values, ["idempotency_key"]) is not None


def list_messages(
    session: Session, *, failed_only: bool = False, limit: int = 200
) -> list[OutboxMessage]:
    """Outbox rows, newest first; ``failed_only`` gives the dead-lettered ones."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)  # type: ignore[union-attr]
    if failed_only:
        query = query.where(OutboxMessage.status == "dead")
    return list(session.exec(query))


def attempts_of(session: Session, message_id: int) -> list[DeliveryAttempt]:
    """The delivery log of one message, oldest attempt first."""
    query = (
        select(DeliveryAttempt)
        .where(DeliveryAttempt.message_id == message_id)
        .order_by(DeliveryAttempt.at, DeliveryAttempt.id)  # type: ignore[arg-type]
    )
    return list(session.exec(query))


@dataclass
class RetryResult:
    """What ``retry_dead`` did: re-queued ids, ids that do not exist, ids not dead-lettered."""

    requeued: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    not_dead: list[int] = field(default_factory=list)


def retry_dead(
    session: Session,
    ids: list[int] | None = None,
    *,
    all_failed: bool = False,
    now: datetime | None = None,
) -> RetryResult:
    """Put dead-lettered messages back in the queue, due now, with a fresh set of attempts.

    The delivery log is kept; attempt numbers of the new round start again at 1. The
    idempotency key does not change, so a receiver that did get an earlier attempt can still
    recognise the message.
    """
    result = RetryResult()
    if all_failed:
        rows = list(session.exec(select(OutboxMessage).where(OutboxMessage.status == "dead")))
    else:
        wanted = sorted(set(ids or []))
        rows = (
            list(session.exec(select(OutboxMessage).where(OutboxMessage.id.in_(wanted))))  # type: ignore[union-attr]
            if wanted
            else []
        )  # type: ignore[union-attr]
        found = {row.id for row in rows}
        result.missing = [i for i in wanted if i not in found]
    for row in sorted(rows, key=lambda r: r.id or 0):
        if row.status != "dead":
            result.not_dead.append(row.id or 0)
            continue
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = now or utcnow()
        session.add(row)
        result.requeued.append(row.id or 0)
    return result
