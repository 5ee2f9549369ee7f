"""Checking a principal's rights against the database's facts (parties, regions).

Every use case calls one of these before it touches anything: ``require`` for a promise,
``require_region`` for a region, ``require_action`` for installation-wide actions. The rules
themselves are pure (``lifecycle.permissions``); this module only looks up the facts.
"""

from __future__ import annotations

from sqlalchemy.orm import object_session
from sqlmodel import Session

from lifecycle.errors import SIGN_IN_FIRST, Forbidden, NotAuthenticated
from lifecycle.permissions import Action, Principal, Target, decide
from lifecycle.vocabulary import Party, Role
from models import Organisation, Person, Promise
from views.lookup import party_organisation_ids


def principal_of(
    session: Session, person: Person, method: str, proof: str | None = None
) -> Principal:
    """The principal for a registered person, proven by ``method`` (``proof``: no secrets)."""
    region = None
    if person.organisation_id is not None:
        org = session.get(Organisation, person.organisation_id)
        region = org.region_id if org else None
    return Principal(
        person_id=person.id,
        email=person.email,
        name=person.name,
        role=person.role,
        organisation_id=person.organisation_id,
        region_id=region,
        method=method,
        proof=proof,
    )


def promise_target(
    promise: Promise, party: Party | None = None, signer: int | None = None
) -> Target:
    """The facts about a promise that rights depend on: its region and its parties.

    The organisations of each party are read in the session the promise was read in; a
    promise outside any session has only its lead organisations, which can only refuse more.
    """
    session = object_session(promise)
    if isinstance(session, Session):
        ids = party_organisation_ids(session, promise)
    else:
        ids = {
            Party.MUNICIPALITY: [promise.municipality_id],
            Party.POLICE: [promise.police_area_id],
        }
    return Target(
        region_id=promise.region_id,
        party_organisations={p: frozenset(orgs) for p, orgs in ids.items()},
        party=party,
        signer=signer,
    )


def _raise(principal: Principal | None, action: Action, target: Target) -> None:
    if principal is None:
        raise NotAuthenticated.said(SIGN_IN_FIRST)
    denied = decide(principal, action, target)
    if denied is not None:
        raise Forbidden.of(denied)


def require(
    principal: Principal | None,
    action: Action,
    promise: Promise,
    party: Party | None = None,
    signer: int | None = None,
) -> None:
    """Raise Forbidden unless ``principal`` may do ``action`` on ``promise`` (for a sign-off:
    for ``party``, by its organisation ``signer``)."""
    _raise(principal, action, promise_target(promise, party, signer))


def require_parties(
    principal: Principal | None,
    action: Action,
    region: str,
    municipality_id: int,
    police_area_id: int,
    *also_police_area_ids: int,
) -> None:
    """Raise Forbidden unless ``principal`` belongs to one of the parties named (the police
    party: its LPO and, for a district split between two police areas, the other)."""
    target = Target(
        region_id=region,
        party_organisations={
            Party.MUNICIPALITY: frozenset({municipality_id}),
            Party.POLICE: frozenset({police_area_id, *also_police_area_ids}),
        },
    )
    _raise(principal, action, target)


def require_region(principal: Principal | None, action: Action, region: str | None) -> None:
    """Raise Forbidden unless ``principal`` may do ``action`` for the region (None: all)."""
    _raise(principal, action, Target(region_id=region))


def require_action(principal: Principal | None, action: Action) -> None:
    """Raise Forbidden unless ``principal`` may do an installation-wide ``action``."""
    _raise(principal, action, Target())


def party_filter(principal: Principal) -> int | None:
    """The organisation whose promises are all a coordinator or steering group may see (None:
    regional coordinators and admins, whose reach the permission check decides row by row)."""
    if principal.role in (Role.COORDINATOR, Role.STEERING_GROUP):
        return principal.organisation_id if principal.organisation_id is not None else -1
    return None


def may(principal: Principal, action: Action, promise: Promise) -> bool:
    """Whether ``principal`` may do ``action`` on ``promise`` (for filtering lists)."""
    return decide(principal, action, promise_target(promise)) is None
