"""The public part of a promise's plan, and its signed versions (docs/public.md).

Only signed content is public. When both parties have signed and the promise moves on to its
follow-up, ``freeze`` keeps what residents may read of the plan (promise text, what residents
said, the focus problems with their goals and activities) as a ``PublicVersion``. The public
pages show the latest version; a send-back marks it ``revised_since`` and edits made during
the revision stay internal until the parties sign again. Items marked "publiceras inte" never
enter a version, and ``still_public`` drops those marked after the signing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from lifecycle.names import organisation_title
from lifecycle.vocabulary import label
from models import (
    Activity,
    Dialogue,
    Goal,
    PriorityArea,
    Problem,
    PromiseText,
    PublicVersion,
    SignOff,
)
from models.promise import Promise
from views.lookup import party_organisations


def area_names(session: Session) -> dict[str, str]:
    """Priority area names by id (read once by a caller that shows many promises)."""
    return {a.id: a.name_sv for a in session.exec(select(PriorityArea)).all()}


def public_plan(
    session: Session, promise: Promise, areas: dict[str, str] | None = None
) -> dict[str, Any]:
    """The plan's public fields as they are now (nothing marked "publiceras inte")."""
    pid = promise.id
    text = session.exec(
        select(PromiseText)
        .where(PromiseText.promise_id == pid, col(PromiseText.published_at).is_not(None))
        .order_by(col(PromiseText.cycle_year).desc())
    ).first()
    if areas is None:
        areas = area_names(session)
    problems = session.exec(
        select(Problem)
        .where(Problem.promise_id == pid, col(Problem.selected), Problem.not_public_reason == "")
        .order_by(col(Problem.id))
    ).all()
    shown = {p.id for p in problems}
    goals = [
        g
        for g in session.exec(
            select(Goal)
            .where(Goal.promise_id == pid, Goal.not_public_reason == "")
            .order_by(col(Goal.id))
        ).all()
        if g.problem_id in shown
    ]
    goal_problem = {g.id: g.problem_id for g in goals}
    activities = [
        a
        for a in session.exec(
            select(Activity)
            .where(Activity.promise_id == pid, Activity.not_public_reason == "")
            .order_by(col(Activity.id))
        ).all()
        if a.goal_id in goal_problem
    ]
    dialogues = session.exec(
        select(Dialogue).where(Dialogue.promise_id == pid).order_by(col(Dialogue.held_from))
    ).all()
    goals_of: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for g in goals:
        goals_of[g.problem_id].append(
            {
                "id": g.id,
                "description": g.description,
                "indicator": g.indicator,
                "unit": g.unit,
                "baseline": g.baseline,
                "target": g.target,
                "target_date": g.target_date.isoformat(),
            }
        )
    activities_of: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for a in activities:
        activities_of[goal_problem.get(a.goal_id)].append(
            {
                "id": a.id,
                "goal_id": a.goal_id,
                "title": a.title,
                "by": a.owner_other if a.owner_party.value == "other" else label(a.owner_party),
                "status": label(a.status),
            }
        )
    signoffs = session.exec(
        select(SignOff)
        .where(
            SignOff.promise_id == pid,
            SignOff.cycle_year == promise.cycle_year,
            col(SignOff.revoked_at).is_(None),
        )
        .order_by(col(SignOff.id))
    ).all()
    organisations = party_organisations(session, promise)

    def signed_for(signoff: SignOff) -> str:
        """The organisation a signature is for, by its full name ("lokalpolisområde Globen")."""
        members = organisations[signoff.party]
        org = next((o for o in members if o.id == signoff.organisation_id), members[0])
        return organisation_title(org.name, org.kind, "sv", in_sentence=True)

    return {
        # Who signed, as what, for which party and when: public acts (docs/public.md).
        "signatories": [
            {
                "party": s.party.value,
                "name": s.signed_by,
                "function": s.signed_as,
                "organisation": signed_for(s),
                "signed_on": s.signed_on.isoformat(),
            }
            for s in signoffs
        ],
        "promise_text": {
            "joint": text.joint_promises if text else "",
            "police": text.police_promises if text else "",
            "municipality": text.municipality_promises if text else "",
        },
        "what_you_said": [
            {
                "method": label(d.method),
                "held_from": d.held_from.isoformat(),
                "participants": d.participants,
                "themes": d.themes,
                "places": [u.get("place") for u in d.unsafe_places if u.get("place")],
                "results": d.results,
            }
            for d in dialogues
            if d.method.value != "staff_dialogue"
        ],
        "what_we_do": [
            {
                "problem_id": p.id,
                "problem": p.title,
                "priority_area": areas.get(p.priority_area_id or ""),
                "places": [pl.get("name") for pl in p.places if pl.get("name")],
                "goals": goals_of[p.id],
                "activities": activities_of[p.id],
            }
            for p in problems
        ],
    }


def latest_versions(session: Session, promise_ids: list[int]) -> dict[int, PublicVersion]:
    """Each promise's latest signed version (promises never frozen are missing)."""
    found: dict[int, PublicVersion] = {}
    for v in session.exec(
        select(PublicVersion)
        .where(col(PublicVersion.promise_id).in_(promise_ids))
        .order_by(col(PublicVersion.id))
    ).all():
        found[v.promise_id] = v
    return found


def freeze(session: Session, promise: Promise, at: datetime) -> PublicVersion:
    """Keep the plan as signed: what the public pages show until the next signing."""
    version = PublicVersion(
        promise_id=promise.id,  # type: ignore[arg-type]
        cycle_year=promise.cycle_year,
        signed_at=at,
        content=public_plan(session, promise),
    )
    session.add(version)
    return version


def mark_revising(session: Session, promise: Promise, since: datetime) -> None:
    """The signatures were cancelled: the public keeps the signed version, said to be under
    revision since ``since``. A promise published before versions were kept is frozen first,
    from its content as it still is (nothing has been edited yet)."""
    version = latest_versions(session, [promise.id or 0]).get(promise.id or 0)
    if version is None:
        version = freeze(session, promise, since)
    if version.revised_since is None:
        version.revised_since = since
        session.add(version)


def still_public(session: Session, plan: dict[str, Any]) -> dict[str, Any]:
    """A frozen plan without the items marked "publiceras inte" since it was signed."""
    problem_ids = [w.get("problem_id") for w in plan["what_we_do"]]
    goal_ids = [g["id"] for w in plan["what_we_do"] for g in w["goals"]]
    activity_ids = [a.get("id") for w in plan["what_we_do"] for a in w["activities"]]
    hidden = {
        ("problem", i)
        for i in session.exec(
            select(Problem.id).where(
                col(Problem.id).in_(problem_ids), Problem.not_public_reason != ""
            )
        ).all()
    }
    hidden |= {
        ("goal", i)
        for i in session.exec(
            select(Goal.id).where(col(Goal.id).in_(goal_ids), Goal.not_public_reason != "")
        ).all()
    }
    hidden |= {
        ("activity", i)
        for i in session.exec(
            select(Activity.id).where(
                col(Activity.id).in_(activity_ids), Activity.not_public_reason != ""
            )
        ).all()
    }
    return {
        **plan,
        "what_we_do": [
            {
                **w,
                "goals": [g for g in w["goals"] if ("goal", g["id"]) not in hidden],
                "activities": [
                    a
                    for a in w["activities"]
                    if ("activity", a.get("id")) not in hidden
                    and ("goal", a.get("goal_id")) not in hidden
                ],
            }
            for w in plan["what_we_do"]
            if ("problem", w.get("problem_id")) not in hidden
        ],
    }
