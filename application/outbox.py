"""The outbox, for admins: what was sent or dead-lettered, and sending dead letters again."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from application.access import require_action
from effects.resident_mail import RESIDENT_KINDS
from lifecycle.errors import Conflict, InputError, NotFound
from lifecycle.permissions import Action, Principal
from models.db import read_scope, session_scope
from notifications.outbox import list_messages, retry_dead


class OutboxListRequest(BaseModel):
    """Which messages: all (newest first) or only the dead-lettered ones."""

    failed: bool = False
    limit: int = Field(default=50, ge=1, le=10_000)


class OutboxMessageRow(BaseModel):
    """One outbox message as an admin sees it (a resident's address never shown)."""

    id: int
    status: str
    kind: str
    channel: str
    recipient: str
    language: str
    attempts: int
    next_attempt_at: str | None
    sent_at: str | None
    created_at: str
    idempotency_key: str
    last_error: str | None


def _row(m: Any) -> OutboxMessageRow:
    return OutboxMessageRow(
        id=m.id,
        status=m.status,
        kind=m.kind,
        channel=m.channel,
        # A resident's address is never shown, not even to admins (docs/public.md).
        recipient="(invånare)" if m.kind in RESIDENT_KINDS else m.recipient,
        language=m.language,
        attempts=m.attempts,
        next_attempt_at=m.next_attempt_at.isoformat() if m.status == "pending" else None,
        sent_at=m.sent_at.isoformat() if m.sent_at else None,
        created_at=m.created_at.isoformat(),
        idempotency_key=m.idempotency_key,
        last_error=m.last_error,
    )


def list_outbox(principal: Principal | None, request: OutboxListRequest) -> list[OutboxMessageRow]:
    """Outbox messages, newest first (admins)."""
    require_action(principal, Action.MANAGE_OUTBOX)
    with read_scope() as session:
        return [
            _row(m) for m in list_messages(session, failed_only=request.failed, limit=request.limit)
        ]


class OutboxRetryRequest(BaseModel):
    """Dead letters to queue again: by id, or every one."""

    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=10_000
    )
    all_failed: bool = False


class Requeued(BaseModel):
    """The dead letters queued again."""

    requeued: list[int]


def retry_outbox(principal: Principal | None, request: OutboxRetryRequest) -> Requeued:
    """Queue dead-lettered messages again, all or nothing (admins)."""
    require_action(principal, Action.MANAGE_OUTBOX)
    if bool(request.ids) == request.all_failed:
        raise InputError.said(
            "Ange antingen vilka meddelanden som ska skickas igen eller att alla misslyckade ska det, inte båda."
        )
    with session_scope() as session:
        result = retry_dead(session, request.ids, all_failed=request.all_failed)
        if result.missing:
            raise NotFound.said(
                "inget sådant meddelande: {ids}", ids=", ".join(map(str, result.missing))
            )
        if result.not_dead:
            # All or nothing: a typo in one id must not half-apply the command.
            raise Conflict.said(
                "inte avförda, lämnade orörda: {ids}", ids=", ".join(map(str, result.not_dead))
            )
        if not result.requeued:
            raise Conflict.said("inga avförda meddelanden")
        return Requeued(requeued=list(result.requeued))
