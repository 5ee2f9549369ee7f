"""Read models of collaboration agreements: an agreement with its parties, decisions,
organisation and promises, and the agreement as a promise shows it (with its warnings).

"Den stadsövergripande samverkansöverenskommelsen utgör ramen för de lokala
samverkansöverenskommelserna" (seed 002); "Överenskommelsen och löftet förnyades i december
2018" (seed 003): the agreement is shown wherever its promises are, and its renewal with them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from lifecycle.calendar import long_day
from models import Agreement, AgreementParty, Organisation, Promise

# How long before its end an agreement counts as expiring (and its parties are reminded).
EXPIRY_NOTICE_DAYS = (120, 30)


def party_ids(session: Session, agreement: Agreement) -> list[int]:
    """The organisations that signed: the municipalities or city districts, then the LPO."""
    ids = session.exec(
        select(AgreementParty.organisation_id).where(AgreementParty.agreement_id == agreement.id)
    ).all()
    return [*sorted(ids), agreement.police_area_id]


def _names(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.exec(select(Organisation).where(col(Organisation.id).in_(ids))).all()
    return {o.id: o.name for o in rows if o.id is not None}


def successor_of(session: Session, agreement: Agreement) -> Agreement | None:
    """The agreement that renews this one, if any."""
    return session.exec(
        select(Agreement).where(Agreement.previous_agreement_id == agreement.id)
    ).first()


def status(agreement: Agreement, today: date) -> str:
    """``upcoming``, ``active``, ``expiring`` (within the notice period) or ``expired``."""
    if today < agreement.term_start:
        return "upcoming"
    if today > agreement.term_end:
        return "expired"
    if agreement.term_end - today <= timedelta(days=max(EXPIRY_NOTICE_DAYS)):
        return "expiring"
    return "active"


def undecided_parties(session: Session, agreement: Agreement) -> list[str]:
    """The parties whose own decision on the agreement is not recorded yet."""
    names = _names(session, party_ids(session, agreement))
    decided = {str(d.get("party", "")).casefold() for d in agreement.decisions}
    return [n for n in names.values() if n.casefold() not in decided]


def agreement_summary(session: Session, agreement: Agreement, today: date) -> dict[str, Any]:
    """The agreement in brief: term, parties, status, decisions and organisation."""
    ids = party_ids(session, agreement)
    names = _names(session, ids)
    nxt = successor_of(session, agreement)
    return {
        "id": agreement.id,
        "title": agreement.title,
        "region": agreement.region_id,
        "term_start": agreement.term_start.isoformat(),
        "term_end": agreement.term_end.isoformat(),
        "status": status(agreement, today),
        "municipalities": [names[i] for i in ids[:-1] if i in names],
        "police_area": names.get(agreement.police_area_id),
        "focus_areas": agreement.focus_areas,
        "goals": agreement.goals,
        "follow_up": agreement.follow_up,
        "decided_by": agreement.decided_by,
        "decided_on": agreement.decided_on.isoformat() if agreement.decided_on else None,
        "diarienummer": agreement.diarienummer,
        "decisions": agreement.decisions,
        "undecided": undecided_parties(session, agreement),
        "steering_group": agreement.steering_group,
        "preparation_group": agreement.preparation_group,
        "meeting_rhythm": agreement.meeting_rhythm,
        "previous_agreement_id": agreement.previous_agreement_id,
        "next_agreement_id": nxt.id if nxt else None,
    }


def agreement_detail(session: Session, agreement: Agreement, today: date) -> dict[str, Any]:
    """The agreement with every promise it covers and what needs doing about it."""
    view = agreement_summary(session, agreement, today)
    promises = session.exec(
        select(Promise)
        .where(Promise.agreement_id == agreement.id)
        .order_by(col(Promise.term_start), col(Promise.area_name))
    ).all()
    view["promises"] = [
        {
            "id": p.id,
            "area": p.area_name,
            "term_start": p.term_start.isoformat(),
            "term_end": p.term_end.isoformat(),
            "stage": p.stage.value,
        }
        for p in promises
    ]
    view["warnings"] = agreement_warnings(session, agreement, today)
    return view


def agreement_warnings(session: Session, agreement: Agreement, today: date) -> list[str]:
    """What needs doing about the agreement, in Swedish: decisions missing, the end near."""
    warnings = []
    undecided = undecided_parties(session, agreement)
    if undecided:
        warnings.append("Beslut saknas från: " + ", ".join(undecided) + ".")
    nxt = successor_of(session, agreement)
    if status(agreement, today) in ("expiring", "expired") and nxt is None:
        warnings.append(
            f"Överenskommelsen löper ut {long_day(agreement.term_end)} och är inte förnyad."
        )
    return warnings


def promise_agreement(session: Session, promise: Promise, today: date) -> dict[str, Any] | None:
    """The agreement a promise belongs to, as its page shows it, with warnings (the promise's
    term beyond the agreement's end, a renewal not yet decided); or a warning alone when the
    promise has no agreement though its parties' last one ended before it."""
    if promise.agreement_id is None:
        last = session.exec(
            select(Agreement)
            .join(AgreementParty, col(AgreementParty.agreement_id) == Agreement.id)
            .where(
                AgreementParty.organisation_id == promise.municipality_id,
                Agreement.police_area_id == promise.police_area_id,
            )
            .order_by(col(Agreement.term_end).desc())
        ).first()
        if last is None or last.term_end >= promise.term_end:
            return None
        return {
            "id": None,
            "warnings": [
                f"Löftet gäller till {long_day(promise.term_end)} men parternas senaste "
                f"överenskommelse ({last.title or last.id}) löpte ut "
                f"{long_day(last.term_end)}: förnya överenskommelsen."
            ],
        }
    agreement = session.get(Agreement, promise.agreement_id)
    if agreement is None:
        return None
    view = agreement_summary(session, agreement, today)
    warnings = []
    if promise.term_end > agreement.term_end:
        warnings.append(
            f"Löftet gäller till {long_day(promise.term_end)}, efter överenskommelsens slut "
            f"{long_day(agreement.term_end)}: förnya överenskommelsen."
        )
    if view["undecided"]:
        warnings.append("Överenskommelsen saknar beslut från: " + ", ".join(view["undecided"]))
    view["warnings"] = warnings
    return view
