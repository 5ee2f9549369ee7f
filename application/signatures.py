"""Asking the people who sign a promise to sign it (issue 25: signing was a dead end).

A coordinator sees on the promise page who signs for each organisation of each party (its
steering group members in Löfte) and can ask them: each gets a notice with a link to the
page, at most one a day. Only the people of the promise's parties may ask, and only while
the organisation has not signed the year's plan.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from application.access import require
from application.promises import PromiseId
from config.clock import local_today
from effects.audit import audit
from effects.hooks import ask_to_sign
from lifecycle.errors import InputError
from lifecycle.permissions import Action, Principal
from lifecycle.stages import Stage
from lifecycle.vocabulary import Role
from models import Person
from models.db import session_scope
from views.lookup import get_promise, signatories

# The stages in which a year's plan is signed (or signed again after a revision).
SIGNING_STAGES = frozenset({Stage.ACTION_PLAN, Stage.CONTINUOUS_EVALUATION})


class SignatureRequest(BaseModel):
    """Ask the steering group of one organisation of the promise's parties to sign."""

    promise_id: PromiseId
    organisation_id: int = Field(ge=1, description="The organisation whose signature is asked")


class AskedToSign(BaseModel):
    """Who was asked, and how many notices were queued (0: all were asked today already)."""

    organisation: str
    asked: list[str]
    queued: int


def request_signature(principal: Principal | None, request: SignatureRequest) -> AskedToSign:
    """Ask the people who may sign for an organisation of the promise to sign it."""
    with session_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.RECORD_ARTEFACT, promise)
        assert principal is not None
        if promise.stage not in SIGNING_STAGES:
            raise InputError.said(
                "löftet skrivs under i steget Åtgärdsplan; det är nu i ett annat steg"
            )
        row = next(
            (
                s
                for s in signatories(session, promise, promise.cycle_year)
                if s["organisation_id"] == request.organisation_id
            ),
            None,
        )
        if row is None:
            raise InputError.said("organisationen är inte part i löftet")
        name = str(row["organisation"])
        if row["signed_by"]:
            raise InputError.said(
                "{org} har redan skrivit under ({who})", org=name, who=row["signed_by"]
            )
        signers = list(
            session.exec(
                select(Person)
                .where(
                    Person.organisation_id == request.organisation_id,
                    Person.role == Role.STEERING_GROUP,
                )
                .order_by(col(Person.name))
            ).all()
        )
        if not signers:
            raise InputError.said(
                "ingen i styrgruppen för {org} finns i Löfte; be en administratör lägga till "
                "den som skriver under",
                org=name,
            )
        queued = ask_to_sign(session, promise, name, signers, principal, local_today())
        audit(
            session,
            promise_id=promise.id,
            actor=principal,
            action="signature_requested",
            details={"organisation": name, "asked": [p.email for p in signers], "queued": queued},
        )
        return AskedToSign(
            organisation=name, asked=[p.name or p.email for p in signers], queued=queued
        )
