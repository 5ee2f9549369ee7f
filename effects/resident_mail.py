"""Messages to residents who follow a promise, queued in the caller's transaction.

The confirmation link of the double opt-in, then one message per follow-up round that gives
residents feedback and one when the year-end result is approved. Each message's idempotency
key names the subscription and the event, so a re-run, a retry or an edited round never
sends the same news twice; every message carries its unsubscribe link (and the mail channel
turns it into RFC 8058 one-click headers).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from config.settings import get_settings
from lifecycle.names import organisation_title
from models import EvaluationRound, Organisation, Promise, ResidentSubscription, YearEndCompilation
from notifications.channel_config import RESIDENTS_CHANNEL
from notifications.outbox import enqueue
from views.lookup import organisation_names

RESIDENT_KINDS = ("resident_confirm", "resident_round", "resident_year_end")


def public_link(path: str) -> str:
    """An absolute link to a public page, for a message that leaves the building."""
    return get_settings().public_base_url + path


def unsubscribe_link(token: str) -> str:
    """The link that ends a subscription (and deletes the address)."""
    return public_link(f"/offentligt/avsluta/{token}")


def _about(session: Session, promise: Promise) -> dict[str, Any]:
    municipality, police = organisation_names(session, promise)
    org = session.get(Organisation, promise.municipality_id)
    kind = org.kind if org is not None else None
    return {
        "area": promise.area_name,
        "municipality": municipality,
        # "Polisen och Bromma stadsdelsnämnd har …": the party by its full name
        "municipality_title": organisation_title(municipality, kind, "sv", in_sentence=True),
        "municipality_title_en": organisation_title(municipality, kind, "en", in_sentence=True),
        "police_area": police,
        "promise_id": promise.id,
        "promise_url": public_link(f"/offentligt/loften/{promise.id}"),
    }


def queue_confirmation(
    session: Session, subscription: ResidentSubscription, promise: Promise, token: str
) -> bool:
    """Queue the message with the confirmation link; False if this one was already queued."""
    return enqueue(
        session,
        key=f"resident-confirm:{subscription.id}:{subscription.confirmations_sent}",
        kind="resident_confirm",
        channel=RESIDENTS_CHANNEL,
        recipient=subscription.email,
        payload={
            **_about(session, promise),
            "confirm_url": public_link(f"/offentligt/bekrafta/{token}"),
            "unsubscribe_url": unsubscribe_link(subscription.unsubscribe_token),
        },
        language=subscription.language,
        promise_id=promise.id,
    )


def _confirmed(session: Session, promise_id: int) -> list[ResidentSubscription]:
    return list(
        session.exec(
            select(ResidentSubscription)
            .where(
                ResidentSubscription.promise_id == promise_id,
                col(ResidentSubscription.confirmed_at).is_not(None),
            )
            .order_by(col(ResidentSubscription.id))
        ).all()
    )


def _to_followers(session: Session, promise: Promise, kind: str, event: str, news: dict) -> int:
    about = _about(session, promise)
    count = 0
    for sub in _confirmed(session, promise.id or 0):
        count += enqueue(
            session,
            key=f"{kind}:{promise.id}:{event}:{sub.id}",
            kind=kind,
            channel=RESIDENTS_CHANNEL,
            recipient=sub.email,
            payload={**about, **news, "unsubscribe_url": unsubscribe_link(sub.unsubscribe_token)},
            language=sub.language,
            promise_id=promise.id,
        )
    return count


def tell_followers_of_round(session: Session, promise: Promise, rnd: EvaluationRound) -> int:
    """One message per follower for a submitted round with feedback to residents."""
    feedback = rnd.feedback_to_residents.strip()
    if not feedback:  # a round without words for residents is not news for them
        return 0
    news = {"year": rnd.cycle_year, "round": rnd.number, "feedback": feedback}
    return _to_followers(session, promise, "resident_round", f"{rnd.cycle_year}:{rnd.number}", news)


def tell_followers_of_year_end(
    session: Session, promise: Promise, compilation: YearEndCompilation
) -> int:
    """One message per follower when the year-end result is approved."""
    news = {"year": compilation.cycle_year, "summary": compilation.summary}
    return _to_followers(session, promise, "resident_year_end", str(compilation.cycle_year), news)
