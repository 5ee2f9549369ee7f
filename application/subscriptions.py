"""Residents follow a published promise by e-mail: subscribe, confirm, unsubscribe.

Double opt-in: subscribing stores the address unconfirmed and queues a message with a
confirmation link; only a confirmed address gets news (effects/resident_mail.py). Consent is
recorded with the version of the wording the resident agreed to. Unsubscribing deletes the
address, cancels what was still queued for it and blanks it on messages already sent.

Nobody can learn from the answers whether an address follows a promise: subscribing answers
the same whether the address is new, pending, confirmed or over its limit. Requests are
limited per mailbox and per client (both stored as digests, kept a day).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, func, select

from application.public import is_published
from config.clock import now_utc
from effects.resident_mail import RESIDENT_KINDS, queue_confirmation
from lifecycle.errors import NO_PUBLISHED_PROMISE, InputError, NotFound, TooManyRequests
from lifecycle.safe_text import invisible_character_in
from models import OutboxMessage, Promise, ResidentSubscription, SubscriptionRequest
from models.base import as_utc
from models.db import session_scope

# The consent wording residents agree to (web/templates/public_subscribe.html); a new
# wording gets a new version, and each subscription keeps the version it was given under.
# bevakning-2 (issue 21): the text names the data controllers and links to /personuppgifter.
CONSENT_VERSION = "bevakning-2"
CONFIRM_WITHIN = timedelta(days=7)
# Confirmation messages per mailbox (victim+1@, Victim@ and victim@ are one mailbox) a day:
# from one client, and from all clients together. Asking again while a link sent in the last
# day is still unused sends nothing and keeps that link working, so nobody can spend a
# resident's messages on one promise or make the link they received useless.
PER_ADDRESS_PER_DAY = 3
PER_MAILBOX_PER_DAY = 6
RESEND_AFTER = timedelta(days=1)
PER_CLIENT_PER_HOUR = 20
MAX_ADDRESS = 254
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:.]{2,}$")


class SubscribeErrors(InputError):
    """What is wrong with a subscribe form, per field (``epost``, ``samtycke``), in Swedish."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("; ".join(fields.values()))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_address(raw: str) -> str:
    """The address as stored: trimmed, NFC and lower-case."""
    return unicodedata.normalize("NFC", raw.strip()).lower()


def mailbox(address: str) -> str:
    """The mailbox an address reaches, for counting: without a ``+tag`` and, at Gmail,
    without dots (``Anna.B+3@gmail.com`` and ``annab@googlemail.com`` are one mailbox)."""
    local, _, domain = normalise_address(address).rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def check_form(address: str, consent: bool) -> dict[str, str]:
    """The subscribe form's errors per field (empty: fine)."""
    errors: dict[str, str] = {}
    if not address:
        errors["epost"] = "Fyll i din e-postadress"
    elif (
        len(address) > MAX_ADDRESS
        or not _ADDRESS.match(address)
        or invisible_character_in(address) is not None
    ):
        errors["epost"] = "Skriv e-postadressen som namn@exempel.se"
    if not consent:
        errors["samtycke"] = "Kryssa i att du samtycker, annars kan vi inte skicka något"
    return errors


def _count_since(session: Session, column: object, value: str, since: datetime) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(SubscriptionRequest)
            .where(column == value, col(SubscriptionRequest.at) >= since)
        ).one()
    )


def subscribe(
    promise_id: int,
    address: str,
    consent: bool,
    client: str,
    *,
    language: str = "sv",
    now: datetime | None = None,
) -> None:
    """Ask to follow a published promise: queues a confirmation link unless the address
    already follows it. Raises SubscribeErrors (the form is wrong), NotFound (no published
    promise) or TooManyRequests (this client asked too often); otherwise answers nothing, so
    the caller cannot tell a new address from a known one."""
    address = normalise_address(address[: MAX_ADDRESS + 1])
    errors = check_form(address, consent)
    if errors:
        raise SubscribeErrors(errors)
    moment = now_utc(now)
    with session_scope() as session:
        promise = session.get(Promise, promise_id)
        if promise is None or not is_published(session, promise_id):
            raise NotFound.said(NO_PUBLISHED_PROMISE, id=promise_id)
        session.exec(
            delete(SubscriptionRequest).where(
                col(SubscriptionRequest.at) < moment - timedelta(days=1)
            )
        )
        client_hash, mailbox_hash = _digest(client), _digest(mailbox(address))
        if (
            _count_since(
                session, SubscriptionRequest.client_hash, client_hash, moment - timedelta(hours=1)
            )
            >= PER_CLIENT_PER_HOUR
        ):
            raise TooManyRequests.said(
                "för många förfrågningar från den här klienten; försök igen om en timme"
            )
        # Every request counts against its client; only one that sends a message counts
        # against the mailbox (the row names the mailbox then, else nothing).
        asked = SubscriptionRequest(at=moment, client_hash=client_hash, address_hash="-")
        session.add(asked)
        day = moment - timedelta(days=1)
        from_here = _sent_since(session, mailbox_hash, day, client_hash)
        if from_here >= PER_ADDRESS_PER_DAY or (
            _sent_since(session, mailbox_hash, day) >= PER_MAILBOX_PER_DAY
        ):
            return  # over the mailbox's limit: silently nothing, as for a known address
        _expire_unconfirmed(session, moment)
        sub = session.exec(
            select(ResidentSubscription).where(
                ResidentSubscription.promise_id == promise_id,
                ResidentSubscription.email == address,
            )
        ).first()
        if sub is not None and sub.confirmed_at is not None:
            return  # already follows it: nothing to send, and nothing to tell the asker
        if (
            sub is not None
            and sub.confirm_token_hash is not None
            and as_utc(sub.requested_at) > moment - RESEND_AFTER
        ):
            return  # the link sent within the day still works: no second one, no new token
        asked.address_hash = mailbox_hash
        token = secrets.token_urlsafe(32)
        if sub is None:
            unsubscribe = secrets.token_urlsafe(32)
            sub = ResidentSubscription(
                promise_id=promise_id,
                email=address,
                language=language if language in ("sv", "en") else "sv",
                unsubscribe_token=unsubscribe,
                unsubscribe_token_hash=_digest(unsubscribe),
                consent_version=CONSENT_VERSION,
                requested_at=moment,
            )
        sub.confirm_token_hash = _digest(token)
        sub.requested_at = moment  # the new link is valid a week from now, as its message says
        sub.confirmations_sent += 1
        session.add(sub)
        session.flush()
        queue_confirmation(session, sub, promise, token)


def _sent_since(
    session: Session, mailbox_hash: str, since: datetime, client_hash: str | None = None
) -> int:
    """Confirmation messages queued for a mailbox since ``since`` (from one client, or all)."""
    query = (
        select(func.count())
        .select_from(SubscriptionRequest)
        .where(
            SubscriptionRequest.address_hash == mailbox_hash,
            col(SubscriptionRequest.at) >= since,
        )
    )
    if client_hash is not None:
        query = query.where(SubscriptionRequest.client_hash == client_hash)
    return int(session.exec(query).one())


def _expire_unconfirmed(session: Session, moment: datetime) -> None:
    # An address never confirmed is not kept beyond the week its link is valid.
    session.exec(
        delete(ResidentSubscription).where(
            col(ResidentSubscription.confirmed_at).is_(None),
            col(ResidentSubscription.requested_at) < moment - CONFIRM_WITHIN,
        )
    )


def confirm(token: str, *, now: datetime | None = None) -> dict[str, object]:
    """Confirm a subscription from its link; the promise it follows. NotFound when the link
    is unknown, used or more than a week old (one answer for all three)."""
    moment = now_utc(now)
    with session_scope() as session:
        sub = session.exec(
            select(ResidentSubscription).where(
                ResidentSubscription.confirm_token_hash == _digest(token[:100])
            )
        ).first()
        if sub is None or as_utc(sub.requested_at) < moment - CONFIRM_WITHIN:
            raise NotFound.said("bekräftelselänken gäller inte (använd, utgången eller felskriven)")
        sub.confirmed_at = moment
        sub.confirm_token_hash = None  # the link works once
        session.add(sub)
        promise = session.get(Promise, sub.promise_id)
        return {"promise_id": sub.promise_id, "area": promise.area_name if promise else ""}


def unsubscribe(token: str) -> dict[str, object]:
    """End a subscription from the link in any message: the address is deleted, messages
    still queued for it are cancelled and it is blanked on those already sent. NotFound
    when the link is unknown (already unsubscribed, or mistyped)."""
    with session_scope() as session:
        sub = session.exec(
            select(ResidentSubscription).where(
                ResidentSubscription.unsubscribe_token_hash == _digest(token[:100])
            )
        ).first()
        if sub is None:
            raise NotFound.said(
                "avregistreringslänken gäller inte (redan använd, eller felskriven)"
            )
        promise = session.get(Promise, sub.promise_id)
        _forget_address(session, sub)
        session.delete(sub)
        return {"promise_id": sub.promise_id, "area": promise.area_name if promise else ""}


def _forget_address(session: Session, sub: ResidentSubscription) -> None:
    messages = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.recipient == sub.email,
            OutboxMessage.promise_id == sub.promise_id,
            col(OutboxMessage.kind).in_(RESIDENT_KINDS),
        )
    ).all()
    for message in messages:
        if message.status == "pending":
            message.status = "cancelled"  # the dispatcher only claims pending messages
        message.recipient = ""
        message.payload = {}
        session.add(message)
