"""What happens, in the same transaction, when a promise is created, changes stage or has a
round submitted: evaluation rounds planned, sign-offs revoked, the promise published,
deadlines kept in step and the people concerned told (through the outbox)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from config.clock import now_utc
from config.settings import get_settings
from effects.deadlines import mark_round_submitted, sync_deadlines
from effects.resident_mail import tell_followers_of_round, tell_followers_of_year_end
from effects.status_event import enqueue_transition_status_event
from lifecycle.i18n import translate
from lifecycle.permissions import Principal
from lifecycle.stages import Stage
from lifecycle.transitions import TransitionKind, TransitionPlan
from models import (
    EvaluationRound,
    Person,
    Promise,
    PromiseText,
    SignOff,
    YearEndCompilation,
)
from notifications.channel_config import DEFAULT_CHANNEL
from notifications.outbox import enqueue
from views.lookup import coordinators_of, organisation_names
from views.public_plan import freeze, mark_revising


def _round_count(session: Session, promise: Promise) -> int:
    return len(
        session.exec(
            select(EvaluationRound.id).where(
                EvaluationRound.promise_id == promise.id,
                EvaluationRound.cycle_year == promise.cycle_year,
            )
        ).all()
    )


def revoke_signoffs(session: Session, promise: Promise) -> int:
    """Revoke this year's signatures of the plan (it changed); how many were revoked."""
    signoffs = session.exec(
        select(SignOff).where(
            SignOff.promise_id == promise.id,
            SignOff.cycle_year == promise.cycle_year,
            col(SignOff.revoked_at).is_(None),
        )
    ).all()
    for signoff in signoffs:
        signoff.revoked_at = now_utc()
        session.add(signoff)
    return len(signoffs)


def _publish(session: Session, promise: Promise) -> None:
    text = session.exec(
        select(PromiseText).where(
            PromiseText.promise_id == promise.id, PromiseText.cycle_year == promise.cycle_year
        )
    ).first()
    if text and text.published_at is None:
        text.published_at = now_utc()
        session.add(text)


def is_public(session: Session, promise: Promise) -> bool:
    """Whether a year of the promise has been published (residents can read it)."""
    return (
        session.exec(
            select(PromiseText.id).where(
                PromiseText.promise_id == promise.id, col(PromiseText.published_at).is_not(None)
            )
        ).first()
        is not None
    )


def after_create(session: Session, promise: Promise, today: date) -> None:
    """Effects of creating a promise."""
    sync_deadlines(session, promise, today)


def after_transition(
    session: Session, promise: Promise, plan: TransitionPlan, today: date, actor: Principal
) -> dict[str, int]:
    """Effects of a transition that has just been written; returns what was done, for the audit."""
    effects: dict[str, int] = {}
    if plan.kind is TransitionKind.BACK and plan.to_stage.position <= Stage.ACTION_PLAN.position:
        if is_public(session, promise):
            # Residents keep seeing the signed plan (and who signed it) while it is revised
            # (docs/public.md); marked before the signatures are cancelled.
            mark_revising(session, promise, now_utc())
        effects["signoffs_revoked"] = revoke_signoffs(session, promise)
    if plan.to_stage is Stage.CONTINUOUS_EVALUATION:
        _publish(session, promise)
        freeze(session, promise, now_utc())  # what residents see until the next signing
    # The sync also creates the year's evaluation rounds once the promise is in continuous
    # evaluation, from the same calendar as their deadlines.
    sync_deadlines(session, promise, today)
    if plan.to_stage is Stage.CONTINUOUS_EVALUATION:
        effects["rounds_planned"] = _round_count(session, promise)
    effects["notices"] = notify_transition(session, promise, plan, actor)

    effects["status_events"] = enqueue_transition_status_event(session, promise, plan, actor)
    return effects


def round_submitted(session: Session, promise: Promise, rnd: EvaluationRound) -> None:
    """Effects of a submitted evaluation round: its deadline is done, and residents who
    follow the promise hear the feedback given to them."""
    mark_round_submitted(session, rnd)
    tell_followers_of_round(session, promise, rnd)


def compilation_approved(
    session: Session, promise: Promise, compilation: YearEndCompilation
) -> None:
    """Effects of an approved year-end compilation: residents who follow the promise hear."""
    tell_followers_of_year_end(session, promise, compilation)


def next_year_words(promise: Promise, year: int, language: str = "sv") -> str:
    """What approving a year of a multi-year promise means: back to the action plan."""
    return translate(
        "Årssammanställningen för år {last} är godkänd. Löftet gäller i {years} år och går "
        "därför tillbaka till åtgärdsplanen för år {year} av {years}: uppdatera analysen "
        "(trygghetsmätningen, lägesbilden, prioriteringarna), revidera planen och underteckna "
        "den på nytt.",
        language,
        last=year - 1,
        years=promise.term_years,
        year=year,
    )


def notify_transition(
    session: Session, promise: Promise, plan: TransitionPlan, actor: Principal
) -> int:
    """Queue a transition notice to each coordinator of both parties; returns how many."""
    municipality, police = organisation_names(session, promise)
    count = 0
    for person in coordinators_of(session, promise):
        lang = person.language
        # The transition template's contract (docs/notifications.md): promise, from/to stage, by.
        payload = {
            "promise": promise.area_name,
            "promise_id": promise.id,
            "organisation": f"{municipality} / {police}",
            "from_stage": plan.from_stage.value,
            "to_stage": plan.to_stage.value,
            "by": actor.email,
            "by_name": actor.name or actor.email,
            "at": now_utc().isoformat(timespec="minutes"),
            "kind": plan.kind.value,
            "cycle_year": plan.cycle_year,
            # A link to the promise's page, where the next step is (never a command).
            "url": f"{get_settings().public_base_url}/loften/{promise.id}",
        }
        if plan.kind is TransitionKind.NEXT_YEAR:
            # Approving a year of a multi-year term starts the next year at the action plan:
            # said in words, not left for the reader to guess from the stage (issue 22).
            payload["comment"] = next_year_words(promise, plan.cycle_year, lang)
        count += enqueue(
            session,
            key=f"transition:{promise.id}:v{promise.version}:{person.email}",
            kind="transition",
            channel=person.channel or DEFAULT_CHANNEL,
            recipient=person.email,
            payload=payload,
            language=lang,
            promise_id=promise.id,
        )
    return count


def ask_to_sign(
    session: Session,
    promise: Promise,
    organisation: str,
    signers: list[Person],
    actor: Principal,
    today: date,
) -> int:
    """Queue a request to sign the promise to each steering group member who may sign for
    ``organisation``; at most one a day each (asking twice in a day sends nothing new)."""
    count = 0
    for person in signers:
        payload = {
            "promise": promise.area_name,
            "promise_id": promise.id,
            "organisation": organisation,
            "year": promise.cycle_year,
            "by_name": actor.name or actor.email,
            # the promise's page, where the signatures are (never a command)
            "url": f"{get_settings().public_base_url}/loften/{promise.id}#underskrifter",
        }
        count += enqueue(
            session,
            key=f"signature_request:{promise.id}:{promise.cycle_year}:{person.email}:{today}",
            kind="signature_request",
            channel=person.channel or DEFAULT_CHANNEL,
            recipient=person.email,
            payload=payload,
            language=person.language,
            promise_id=promise.id,
        )
    return count
