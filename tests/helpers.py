"""Building promises for tests through the public application functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import select

from application.artefacts import add_artefact
from application.promises import create_promise
from effects.hooks import after_create
from lifecycle.permissions import Principal, system_principal
from lifecycle.stages import Stage
from models import EvaluationRound, Promise
from models.db import session_scope
from models.inputs import PromiseCreate

ACTOR = system_principal("samordnare@sollentuna.se")
MANDATORY = [
    "fewer-vulnerable-areas",
    "fewer-young-at-risk",
    "fewer-criminals-exit",
    "vulnerable-victims-offenders",
]
# A problem of each mandatory area, as a coordinator would name it.
PROBLEM_TITLES = {
    "fewer-vulnerable-areas": "Öppen narkotikahandel vid Sollentuna station",
    "fewer-young-at-risk": "Unga som rekryteras till gängen",
    "fewer-criminals-exit": "Unga vuxna som vill lämna kriminella nätverk",
    "vulnerable-victims-offenders": "Upprepat våld i nära relation",
}


def new_promise(
    start: date = date(2026, 1, 1),
    years: int = 1,
    region: str = "stockholm",
    municipality: str = "Sollentuna",
) -> int:
    with session_scope() as s:
        p = create_promise(
            s,
            PromiseCreate(
                region=region,
                municipality=municipality,
                police_area=f"LPO {municipality}",
                start=start,
                years=years,
            ),
            ACTOR,
            now=datetime.combine(start - timedelta(days=90), time(12), tzinfo=UTC),
        )
        after_create(s, p, start - timedelta(days=90))
        return p.id  # type: ignore[return-value]


def add(pid: int, artefact: str, _on: date | None = None, **data: Any) -> Any:
    """Record an artefact as if on the day ``_on`` (default: today, or ``LOFTE_NOW``)."""
    now = datetime.combine(_on, time(12), tzinfo=UTC) if _on else None
    with session_scope() as s:
        row = add_artefact(s, pid, artefact, data, ACTOR, now=now)
        return row.id  # type: ignore[attr-defined]


def promise(pid: int) -> Promise:
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        return p


def cause_for(goal_id: int) -> int | None:
    """The cause analysis of the goal's problem: what an activity serving the goal answers to."""
    from models import CauseAnalysis, Goal

    with session_scope() as s:
        goal = s.get(Goal, goal_id)
        assert goal is not None
        return s.exec(
            select(CauseAnalysis.id).where(CauseAnalysis.problem_id == goal.problem_id)
        ).first()


def ids(pid: int, model: Any) -> list[int]:
    with session_scope() as s:
        return list(
            s.exec(select(model.id).where(model.promise_id == pid).order_by(model.id)).all()
        )


def add_activities(pid: int) -> None:
    """One joint activity per goal, tied to a cause of its problem: the part of the action
    plan that sign-off requires (a joint activity backs what either party promises)."""
    from models import CauseAnalysis, Goal

    p = promise(pid)
    with session_scope() as s:
        goals = s.exec(select(Goal.id, Goal.problem_id).where(Goal.promise_id == pid)).all()
        causes = {
            c.problem_id: c.id
            for c in s.exec(select(CauseAnalysis).where(CauseAnalysis.promise_id == pid)).all()
        }
    for goal_id, problem_id in sorted(goals):
        add(
            pid,
            "activity",
            _on=p.term_start - timedelta(days=1),
            goal_id=goal_id,
            cause_analysis_id=causes.get(problem_id),
            title="Trygghetsvandring varje månad",
            owner_party="joint",
            responsible="Kommunpolis",
            start=p.term_start,
            end=p.term_end,
            prevention_level="universal",
            approach="situational",
        )


def frame_of(pid: int) -> tuple[str, ...]:
    """The areas of the city's frame the promise's situation pictures must speak to."""
    from views.snapshot import priority_scope

    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        return priority_scope(s, p).frame


def complete_stage(pid: int, stage: Stage) -> None:
    """Record what the stage's exit criteria need (covering every mandatory area)."""
    from models import Activity, Goal, Problem

    p = promise(pid)
    # Work before the term is recorded the day before it starts, as a coordinator would.
    on = p.term_start - timedelta(days=1)
    if stage is Stage.RESIDENT_DIALOGUE:
        add(
            pid,
            "dialogue",
            _on=on,
            method="safety_walk",
            held_from=p.term_start - timedelta(days=80),
            participants=30,
            themes=["belysning", "ungdomsgrupper"],
            unsafe_places=[{"place": "Sollentuna station", "when": "kvällar"}],
            results="Otryggt vid stationen kvällstid.",
        )
    elif stage is Stage.JOINT_ANALYSIS:
        add(
            pid,
            "situation_picture",
            party="police",
            _on=on,
            summary="Rån och narkotika vid stationen.",
        )
        add(
            pid,
            "situation_picture",
            party="municipality",
            _on=on,
            summary="Ungdomar samlas i centrum.",
            # a city district's picture speaks to each area of the city's frame
            frame_areas=[{"area": a, "note": "Se lägesbilden."} for a in frame_of(pid)],
        )
        for area in MANDATORY:
            add(
                pid,
                "problem",
                _on=on,
                title=PROBLEM_TITLES[area],
                selected=True,
                priority_area=area,
                places=[{"name": "Sollentuna centrum", "lat": 59.428, "lon": 17.951}],
            )
    elif stage is Stage.ROOT_CAUSE_ANALYSIS:
        for problem_id in ids(pid, Problem):
            add(
                pid,
                "cause_analysis",
                _on=on,
                problem_id=problem_id,
                event_chain="Grupper samlas, konflikter uppstår.",
                victim="Unga",
                offender="Unga vuxna",
                place="Dålig belysning",
            )
    elif stage is Stage.GOALS:
        for problem_id in ids(pid, Problem):
            add(
                pid,
                "goal",
                _on=on,
                problem_id=problem_id,
                kind="outcome",
                description="Färre rån",
                indicator="Anmälda rån per kvartal",
                baseline=12,
                target=8,
                target_date=p.term_end,
            )
    elif stage is Stage.ACTION_PLAN:
        if p.cycle_year > 1:  # a later year's plan starts from the updated analysis (seed 004)
            add(
                pid,
                "analysis_update",
                _on=on,
                survey_results="Trygghetsmätningen visar färre otrygga vid stationen.",
                situation_picture="Rånen har minskat, mopedåkandet ökat.",
                priorities="Fokusområdena behålls.",
            )
        add_activities(pid)
        joint = ids(pid, Activity)[-1]  # a joint activity backs what either party promises
        add(
            pid,
            "promise_text",
            _on=on,
            police_promises="Polisen lovar att vara på plats vid stationen.",
            municipality_promises="Kommunen lovar bättre belysning i centrum.",
            backing=[
                {"party": "police", "statement": 1, "activities": [joint]},
                {"party": "municipality", "statement": 1, "activities": [joint]},
            ],
        )
        add(
            pid,
            "signoff",
            _on=on,
            party="police",
            signed_by="LPO-chef",
            signed_on=p.term_start - timedelta(days=10),
        )
        add(
            pid,
            "signoff",
            _on=on,
            party="municipality",
            signed_by="KS ordförande",
            signed_on=p.term_start - timedelta(days=10),
        )
    elif stage is Stage.CONTINUOUS_EVALUATION:
        with session_scope() as s:
            rounds = s.exec(
                select(EvaluationRound.number, EvaluationRound.due).where(
                    EvaluationRound.promise_id == pid,
                    EvaluationRound.cycle_year == p.cycle_year,
                    EvaluationRound.submitted_at.is_(None),
                )
            ).all()  # type: ignore[union-attr]
        activities = ids(pid, Activity)
        goals = ids(pid, Goal)
        for n, due in rounds:
            add(
                pid,
                "evaluation",
                _on=due,
                round=n,
                submitted_by="Samordnare",
                activities=[{"activity_id": a, "status": "ongoing"} for a in activities],
                indicators=[
                    {
                        "goal_id": g,
                        "value": 10 - n,
                        "measured_on": p.term_start + timedelta(days=100 * n),
                    }
                    for g in goals
                ],
                feedback_to_residents="Vi har haft vandringar varje månad och berättat om det på webben.",
            )
    elif stage is Stage.YEAR_END_COMPILATION:
        after_year = p.term_start + timedelta(days=366 * p.cycle_year + 10)
        add(
            pid,
            "compilation",
            _on=after_year,
            summary="Året gav färre rån vid stationen.",
            next_year_plan="Fortsätt.",
        )
        add(pid, "approval", _on=after_year, approved_by="Styrgruppen")


def register(
    email: str,
    role: str = "coordinator",
    organisation: str | None = "Sollentuna",
    kind: str = "municipality",
    region: str = "stockholm",
) -> Principal:
    """A registered person (and their organisation, created if needed), as an operator principal."""
    from application.access import principal_of
    from application.promises import add_person, find_or_create_organisation
    from lifecycle.vocabulary import OrganisationKind
    from models.inputs import PersonInput

    with session_scope() as s:
        if organisation is not None:
            find_or_create_organisation(s, region, OrganisationKind(kind), organisation)
        person = add_person(
            s,
            PersonInput(
                email=email,
                name=email.split("@")[0].title(),
                role=role,  # type: ignore[arg-type]
                organisation=organisation,
                region=region if organisation else None,
            ),
        )
        return principal_of(s, person, "operator")
