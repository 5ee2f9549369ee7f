"""Recording a stage's artefacts: validate the input, check it against the promise, store it.

Every link of the chain dialogue → problem → cause → goal → activity is checked here, so an
activity cannot point at a goal of another promise, nor at a cause of a different problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from application.access import require, require_action
from application.next_cycle import link_findings
from application.promises import PromiseId
from config.calendar import get_calendars
from config.clock import local_day, now_utc
from effects.audit import audit
from effects.hooks import compilation_approved, round_submitted
from lifecycle.criteria import Unmet, unmet_for_signoff
from lifecycle.dates import date_problem, round_period_start
from lifecycle.errors import InputError, NotFound, Refused, describe_validation_error
from lifecycle.i18n import NONE, Phrase
from lifecycle.permissions import SYSTEM, Action, Principal
from lifecycle.renewal import renewal_date
from lifecycle.stages import Stage
from lifecycle.statements import split_statements
from lifecycle.term import cycle_year_bounds
from lifecycle.vocabulary import Party
from models import (
    Activity,
    ActivityGoal,
    ActivityStatusReport,
    Agreement,
    AnalysisUpdate,
    CauseAnalysis,
    Dialogue,
    EvaluationRound,
    Goal,
    IndicatorValue,
    Organisation,
    Problem,
    ProblemPriorityArea,
    Promise,
    PromiseText,
    SignOff,
    SituationPicture,
    YearEndCompilation,
)
from models.db import session_scope
from models.inputs import (
    ActivityInput,
    AnalysisUpdateInput,
    ApprovalInput,
    CauseAnalysisInput,
    CompilationInput,
    DialogueInput,
    EvaluationInput,
    FocusAreaInput,
    GoalInput,
    ProblemInput,
    PromiseTextInput,
    SignOffInput,
    SituationPictureInput,
)
from models.kinds import (
    ACTIVITY,
    ANALYSIS_UPDATE,
    APPROVAL,
    CAUSE_ANALYSIS,
    COMPILATION,
    DIALOGUE,
    EVALUATION,
    FOCUS_AREA,
    GOAL,
    KINDS,
    PROBLEM,
    PROMISE_TEXT,
    SIGNOFF,
    SITUATION_PICTURE,
    ArtefactKind,
    Handler,
)
from models.kinds import artefact_kinds as artefact_kinds  # re-exported for `lofte schema`
from models.kinds import json_schema as json_schema  # (cli may not import models)
from views.lookup import get_promise, party_organisations
from views.snapshot import (
    analysis_update_facts,
    build_snapshot,
    priority_scope,
    statement_facts,
)


def handles(kind: ArtefactKind) -> Callable[[Handler], Handler]:
    """Bind the decorated function as the handler of ``kind``: it checks the kind's input
    against the promise and builds its row (``add_artefact`` adds and audits it)."""

    def bind(handler: Handler) -> Handler:
        kind.bind(handler)
        return handler

    return bind


def parse_input(kind: str, raw: dict[str, Any]) -> BaseModel:
    """Validate raw input for ``kind`` into its input model, or raise a readable InputError."""
    model = KINDS[kind].input if kind in KINDS else None
    if model is None:
        raise InputError.said(
            "okänd sorts artefakt {kind}; de som finns: {kinds}",
            kind=repr(kind),
            kinds=", ".join(KINDS),
        )
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise describe_validation_error(exc, kind, model) from exc


def check_window(promise: Promise, kind: str) -> None:
    """Refuse recording (or changing) ``kind`` outside the stages it belongs to."""
    first, last = KINDS[kind].first_stage, KINDS[kind].last_stage
    if promise.stage is Stage.CLOSED:
        raise Refused(
            [Unmet("promise.closed", Phrase("Löftet är avslutat."))],
            "kan inte lägga till {kind}",
            kind=Phrase(KINDS[kind].noun),
        )
    if not first.position <= promise.stage.position <= last.position:
        raise Refused(
            [
                Unmet(
                    "artefact.wrong_stage",
                    Phrase(
                        "{kind} kan registreras i stegen {first}–{last}; löftet är i {stage}.",
                        {"kind": kind, "first": first, "last": last, "stage": promise.stage},
                    ),
                )
            ],
            "kan inte lägga till {kind} nu",
            kind=Phrase(KINDS[kind].noun),
        )


def _check_revision_open(session: Session, promise: Promise, today: date) -> None:
    """The next year's revised plan may be written from the renewal day, during the follow-up."""
    if promise.cycle_year >= promise.term_years:
        raise InputError.said(
            "löfte {id} är i sista året av sin period; nästa cykel är ett nytt löfte "
            "(förnyelsekörningen öppnar det, eller: lofte next-cycle {id})",
            id=promise.id,
        )
    if promise.stage not in (Stage.CONTINUOUS_EVALUATION, Stage.YEAR_END_COMPILATION):
        raise InputError.said(
            "Nästa års revidering skrivs under årets uppföljning, men löftet är i steget {stage}. Registrera årets plan i stället (kryssa inte i att den gäller nästa år).",
            stage=promise.stage,
        )
    month_day = get_calendars().rules(promise.region_id).renewal
    opens = renewal_date(promise.term_start, promise.cycle_year, month_day)
    if today < opens:
        raise InputError.said(
            "revideringen för år {year} öppnar {opens} (förnyelsedagen); i dag är det {today}",
            year=promise.cycle_year + 1,
            opens=opens,
            today=today,
        )


def own_artefact(
    session: Session, model: type[SQLModel], row_id: int, promise: Promise, what: str
) -> Any:
    """The row ``row_id`` of ``model`` if it belongs to ``promise`` (else NotFound)."""
    row = session.get(model, row_id)
    if row is None or getattr(row, "promise_id", None) != promise.id:
        raise NotFound.said(
            "{what} {row_id} finns inte i löfte {id}; `lofte promise show {id}` listar dem",
            what=what,
            row_id=row_id,
            id=promise.id,
        )
    return row


def check_priority_areas(session: Session, promise: Promise, *area_ids: str | None) -> None:
    """Each area must apply to this promise (its region, party and term), or it is refused."""
    wanted = [a for a in area_ids if a]
    if not wanted:
        return
    valid = priority_scope(session, promise).area_ids
    for area_id in wanted:
        if area_id not in valid:
            raise InputError.said(
                "Det prioriterade området {area!r} gäller inte löfte {id} (dess polisregion, part och period). Välj bland {valid}; katalogen för polisregion {region} visar dem med namn.",
                area=area_id,
                id=promise.id,
                valid=", ".join(valid) or NONE,
                region=promise.region_id,
            )


def check_frame_areas(session: Session, promise: Promise, area_ids: list[str]) -> None:
    """Each area a situation picture speaks to must be one of the promise's frame areas."""
    if not area_ids:
        return
    frame = priority_scope(session, promise).frame
    for area_id in area_ids:
        if area_id not in frame:
            raise InputError.said(
                "{area!r} är inte ett av stadens områden i ramverket för löfte {id}. Löftets områden är {frame}.",
                area=area_id,
                id=promise.id,
                frame=", ".join(frame) or Phrase("inga (inte en stadsdel)"),
            )


def check_agreement_focus_area(session: Session, promise: Promise, name: str | None) -> str | None:
    """The agreement's own spelling of ``name`` if it is one of the promise's agreement's focus
    areas; refused with the valid names otherwise (or when the promise has no agreement)."""
    if not name:
        return None
    agreement = session.get(Agreement, promise.agreement_id) if promise.agreement_id else None
    if agreement is None:
        raise InputError.said(
            "Överenskommelsens fokusområde {name!r} går inte att välja: löfte {id} hör inte till någon överenskommelse. Knyt fokusområdet till ett prioriterat område, eller gör det till ett lokalt problem och säg varför.",
            name=name,
            id=promise.id,
        )
    for known in agreement.focus_areas:
        if known.casefold() == name.casefold():
            return known
    raise InputError.said(
        "{name!r} är inte ett fokusområde i överenskommelse {id}. Överenskommelsens fokusområden är {known}.",
        name=name,
        id=agreement.id,
        known="; ".join(agreement.focus_areas) or NONE,
    )


def set_extra_areas(session: Session, problem: Problem, area_ids: list[str]) -> None:
    """Make ``area_ids`` the problem's further priority areas (besides its main one)."""
    for link in session.exec(
        select(ProblemPriorityArea).where(ProblemPriorityArea.problem_id == problem.id)
    ).all():
        session.delete(link)
    for area_id in dict.fromkeys(area_ids):
        if area_id != problem.priority_area_id:
            session.add(ProblemPriorityArea(problem_id=problem.id, priority_area_id=area_id))  # type: ignore[arg-type]


def _check_dates(promise: Promise, today: date, **dates: tuple[date | None, bool]) -> None:
    """Refuse dates far outside the promise's term, or in the future where that is impossible.

    Each keyword is a field name with (its value, whether it must not lie in the future).
    """
    for name, (value, not_in_future) in dates.items():
        if value is None:
            continue
        problem = date_problem(
            name,
            value,
            term_start=promise.term_start,
            term_end=promise.term_end,
            today=today,
            not_in_future=not_in_future,
        )
        if problem:
            raise InputError.of(problem)


@handles(DIALOGUE)
def _dialogue(session: Session, promise: Promise, data: DialogueInput, now: datetime) -> SQLModel:
    _check_dates(
        promise, local_day(now), held_from=(data.held_from, True), held_to=(data.held_to, True)
    )
    row = Dialogue(
        promise_id=promise.id,  # type: ignore[arg-type]
        cycle_year=promise.cycle_year,
        **data.model_dump(mode="python", exclude={"unsafe_places"}),
        unsafe_places=[u.model_dump() for u in data.unsafe_places],
    )
    session.add(row)
    return row


@handles(SITUATION_PICTURE)
def _situation_picture(
    session: Session, promise: Promise, data: SituationPictureInput, now: datetime
) -> SQLModel:
    check_frame_areas(session, promise, [n.area for n in data.frame_areas])
    row = SituationPicture(
        promise_id=promise.id,  # type: ignore[arg-type]
        cycle_year=promise.cycle_year,
        **data.model_dump(exclude={"frame_areas"}),
        frame_areas=[n.model_dump() for n in data.frame_areas],
    )
    session.add(row)
    return row


@handles(PROBLEM)
def _problem(session: Session, promise: Promise, data: ProblemInput, now: datetime) -> SQLModel:
    check_priority_areas(session, promise, data.priority_area, *data.also_priority_areas)
    data.agreement_focus_area = check_agreement_focus_area(
        session, promise, data.agreement_focus_area
    )
    fields = data.model_dump(exclude={"places", "priority_area", "also_priority_areas"})
    row = Problem(
        promise_id=promise.id,  # type: ignore[arg-type]
        places=[p.model_dump(exclude_none=True) for p in data.places],
        priority_area_id=data.priority_area,
        **fields,
    )
    session.add(row)
    session.flush()
    set_extra_areas(session, row, data.also_priority_areas)
    return row


@handles(FOCUS_AREA)
def _focus_area(
    session: Session, promise: Promise, data: FocusAreaInput, now: datetime
) -> SQLModel:
    problem = own_artefact(session, Problem, data.problem_id, promise, "problem")
    check_priority_areas(session, promise, data.priority_area, *data.also_priority_areas)
    problem.selected = data.selected
    if data.priority_area:
        problem.priority_area_id = data.priority_area
    if data.agreement_focus_area:
        problem.agreement_focus_area = check_agreement_focus_area(
            session, promise, data.agreement_focus_area
        )
    if data.local_reason:
        problem.local_reason = data.local_reason
    session.add(problem)
    if data.also_priority_areas:
        set_extra_areas(session, problem, data.also_priority_areas)
    return problem  # type: ignore[no-any-return]


def _selected_problem(session: Session, promise: Promise, problem_id: int) -> Problem:
    problem: Problem = own_artefact(session, Problem, problem_id, promise, "problem")
    if not problem.selected:
        raise InputError.said(
            'Problem {problem_id} ("{title}") i löfte {id} är inte valt som fokusområde. Välj det som fokusområde först.',
            problem_id=problem_id,
            title=problem.title,
            id=promise.id,
        )
    return problem


@handles(CAUSE_ANALYSIS)
def _cause_analysis(
    session: Session, promise: Promise, data: CauseAnalysisInput, now: datetime
) -> SQLModel:
    _selected_problem(session, promise, data.problem_id)
    row = CauseAnalysis(promise_id=promise.id, **data.model_dump())  # type: ignore[arg-type]
    session.add(row)
    return row


@handles(GOAL)
def _goal(session: Session, promise: Promise, data: GoalInput, now: datetime) -> SQLModel:
    _selected_problem(session, promise, data.problem_id)
    if data.target_date < promise.term_start:
        raise InputError.said(
            "Måldatumet {day} är före periodens början ({start}). Ett mål ska gå att nå inom löftets period.",
            day=data.target_date,
            start=promise.term_start,
        )
    if data.target_date > promise.term_end:
        raise InputError.said(
            "Måldatumet {day} är efter periodens slut ({end}). Välj ett datum inom perioden, eller förläng perioden.",
            day=data.target_date,
            end=promise.term_end,
        )
    if data.catalogue_goal:
        known = priority_scope(session, promise).goal_ids
        if data.catalogue_goal not in known:
            raise InputError.said(
                "Det mätbara målet {goal!r} gäller inte löfte {id}. Välj bland {known}; katalogen för polisregion {region} visar dem.",
                goal=data.catalogue_goal,
                id=promise.id,
                known=", ".join(known) or Phrase("inga (inga katalogmål gäller dess part)"),
                region=promise.region_id,
            )
    fields = data.model_dump(exclude={"catalogue_goal"})
    row = Goal(promise_id=promise.id, catalogue_goal_id=data.catalogue_goal, **fields)  # type: ignore[arg-type]
    session.add(row)
    return row


def _check_owner(session: Session, promise: Promise, data: ActivityInput) -> None:
    """In Stockholm the social services are part of the city district's committee: an
    activity of theirs is the district's own (owner_party municipality), not another actor's."""
    from lifecycle.vocabulary import OrganisationKind, OtherActor

    if data.owner_kind is not OtherActor.SOCIAL_SERVICES:
        return
    org = session.get(Organisation, promise.municipality_id)
    if org is not None and org.kind is OrganisationKind.CITY_DISTRICT:
        raise InputError.said(
            "Socialtjänsten är en del av stadsdelsnämnden {name}, inte en annan aktör. Välj kommunen som den som genomför och skriv enheten som ansvarig.",
            name=org.name,
        )


def set_activity_goals(session: Session, activity: Activity, goal_ids: list[int]) -> None:
    """Make ``goal_ids`` the further goals the activity serves (besides its main one)."""
    for link in session.exec(
        select(ActivityGoal).where(ActivityGoal.activity_id == activity.id)
    ).all():
        session.delete(link)
    session.flush()
    for goal_id in dict.fromkeys(goal_ids):
        if goal_id != activity.goal_id:
            session.add(ActivityGoal(activity_id=activity.id, goal_id=goal_id))  # type: ignore[arg-type]


def activity_goals(session: Session, activity_id: int) -> list[int]:
    """The further goals an activity serves."""
    return sorted(
        session.exec(
            select(ActivityGoal.goal_id).where(ActivityGoal.activity_id == activity_id)
        ).all()
    )


@handles(ACTIVITY)
def _activity(session: Session, promise: Promise, data: ActivityInput, now: datetime) -> SQLModel:
    _check_owner(session, promise, data)
    goal: Goal = own_artefact(session, Goal, data.goal_id, promise, "goal")
    for also in data.also_goals:
        own_artefact(session, Goal, also, promise, "goal")
    if data.cause_analysis_id is not None:
        cause: CauseAnalysis = own_artefact(
            session, CauseAnalysis, data.cause_analysis_id, promise, "cause_analysis"
        )
        if cause.problem_id != goal.problem_id:
            raise InputError.said(
                "Orsaksanalys {cause} gäller problem {cause_problem}, men mål {goal} gäller problem {goal_problem}. Koppla aktiviteten till en orsak till samma problem som dess mål.",
                cause=cause.id,
                cause_problem=cause.problem_id,
                goal=goal.id,
                goal_problem=goal.problem_id,
            )
    if data.end > promise.term_end:
        raise InputError.said(
            "end {day} är efter periodens slut ({end}); aktiviteter ska avslutas inom "
            "löftets period",
            day=data.end,
            end=promise.term_end,
        )
    _check_dates(promise, local_day(now), start=(data.start, False))
    row = Activity(promise_id=promise.id, **data.model_dump(exclude={"also_goals"}))  # type: ignore[arg-type]
    session.add(row)
    return row


@handles(PROMISE_TEXT)
def _promise_text(
    session: Session, promise: Promise, data: PromiseTextInput, now: datetime
) -> SQLModel:
    year = promise.cycle_year + (1 if data.for_next_year else 0)
    row = session.exec(
        select(PromiseText).where(
            PromiseText.promise_id == promise.id, PromiseText.cycle_year == year
        )
    ).first() or PromiseText(
        promise_id=promise.id,  # type: ignore[arg-type]
        cycle_year=year,
        police_promises="",
        municipality_promises="",
    )
    row.police_promises, row.municipality_promises, row.joint_promises = (
        data.police_promises,
        data.municipality_promises,
        data.joint_promises,
    )
    row.backing = _checked_backing(session, promise, data)
    session.add(row)
    return row


def _checked_backing(
    session: Session, promise: Promise, data: PromiseTextInput
) -> list[dict[str, Any]]:
    """The backing as stored: each statement named exists in its party's text and each
    activity is the promise's own (whose activity it is is checked at sign-off, with every
    unbacked statement listed)."""
    texts = {
        "police": data.police_promises,
        "municipality": data.municipality_promises,
        "joint": data.joint_promises,
    }
    merged: dict[tuple[str, int], list[int]] = {}
    for entry in data.backing:
        statements = split_statements(texts[entry.party])
        if entry.statement > len(statements):
            listed = "; ".join(f'{n}: "{s[:60]}"' for n, s in enumerate(statements, start=1))
            raise InputError.said(
                "backing: {party} mening {n} finns inte; texten för {party} har {count} "
                "mening(ar) (en per rad eller mening){listed}",
                party=entry.party,
                n=entry.statement,
                count=len(statements),
                listed=": " + listed if listed else "",
            )
        for activity_id in entry.activities:
            own_artefact(session, Activity, activity_id, promise, "activity")
        key = (entry.party, entry.statement)
        merged[key] = sorted({*merged.get(key, []), *entry.activities})
    return [
        {"party": party, "statement": n, "activities": ids}
        for (party, n), ids in sorted(merged.items())
    ]


@handles(ANALYSIS_UPDATE)
def _analysis_update(
    session: Session, promise: Promise, data: AnalysisUpdateInput, now: datetime
) -> SQLModel:
    """Write (or fill in) the analysis update of a later year: in that year's action plan, or
    ahead for the next year during this year's follow-up."""
    year = promise.cycle_year + (1 if data.for_next_year else 0)
    if year < 2:
        raise InputError.said(
            "analysuppdateringen hör till ett senare år av en flerårig period; år 1 är "
            "analysen steget gemensam lägesbild (lägesbilder, problem, fokusområden)"
        )
    _check_dates(promise, local_day(now), reviewed_on=(data.reviewed_on, True))
    row = session.exec(
        select(AnalysisUpdate).where(
            AnalysisUpdate.promise_id == promise.id, AnalysisUpdate.cycle_year == year
        )
    ).first() or AnalysisUpdate(promise_id=promise.id, cycle_year=year)  # type: ignore[arg-type]
    # each part given replaces that part; the parts not given stay as they were written
    for part in ("survey_results", "situation_picture", "priorities", "reviewed_by"):
        value = getattr(data, part)
        if value:
            setattr(row, part, value)
    if data.reviewed_on is not None:
        row.reviewed_on = data.reviewed_on
    session.add(row)
    return row


def signing_organisation(
    session: Session, promise: Promise, data: SignOffInput, actor: Principal
) -> Organisation:
    """The organisation of the party that signs: the one named, else the signer's own, else
    the party's only one. A party of two (a city district split between two police areas)
    signs once for each organisation, so one of them must be named or be the signer's."""
    orgs = party_organisations(session, promise)[data.party]
    if data.organisation:
        wanted = data.organisation.strip().casefold()
        for org in orgs:
            if org.name.casefold() == wanted:
                return org
        raise InputError.said(
            "{name} är inte part i löftet för {party}; välj en av: {names}",
            name=data.organisation,
            party=data.party.value,
            names=", ".join(o.name for o in orgs),
        )
    for org in orgs:
        if org.id == actor.organisation_id:
            return org
    if len(orgs) == 1:
        return orgs[0]
    raise InputError.said(
        "ange vilken organisation som skriver under (organisation): {names}",
        names=", ".join(o.name for o in orgs),
    )


@handles(SIGNOFF)
def _signoff(session: Session, promise: Promise, data: SignOffInput, now: datetime) -> SQLModel:
    year = promise.cycle_year + (1 if data.for_next_year else 0)
    signer = signing_organisation(session, promise, data, SYSTEM)
    lead = promise.police_area_id if data.party is Party.POLICE else promise.municipality_id
    existing = session.exec(
        select(SignOff).where(
            SignOff.promise_id == promise.id,
            SignOff.cycle_year == year,
            SignOff.party == data.party,
            # sign-offs from before a party could have two organisations name none: the lead's
            func.coalesce(SignOff.organisation_id, lead) == signer.id,
            col(SignOff.revoked_at).is_(None),
        )
    ).first()
    if existing:
        raise InputError.said(
            "{who} har redan skrivit under medborgarlöftet för år {year} ({by}, {day})",
            who=signer.name,
            year=year,
            by=existing.signed_by,
            day=existing.signed_on.isoformat(),
        )
    _check_dates(promise, local_day(now), signed_on=(data.signed_on, True))
    snapshot = build_snapshot(session, promise, local_day(now))
    if data.for_next_year:
        # The next year's plan: its own text statement by statement, and the next year's
        # updated analysis it starts from (the chain of activities is the same promise's).
        assert promise.id is not None
        next_text = session.exec(
            select(PromiseText).where(
                PromiseText.promise_id == promise.id, PromiseText.cycle_year == year
            )
        ).first()
        snapshot = replace(
            snapshot,
            cycle_year=year,
            statements=statement_facts(next_text),
            analysis_update=analysis_update_facts(session, promise.id, year),
        )
    broken = unmet_for_signoff(snapshot)
    if broken:
        raise Refused(broken, "åtgärdsplanen kan inte skrivas under medan dess kedja är bruten")
    row = SignOff(
        promise_id=promise.id,  # type: ignore[arg-type]
        cycle_year=year,
        organisation_id=signer.id,
        **data.model_dump(exclude={"for_next_year", "organisation"}),
    )
    session.add(row)
    return row


@handles(EVALUATION)
def _evaluation(
    session: Session, promise: Promise, data: EvaluationInput, now: datetime
) -> SQLModel:
    rnd = session.exec(
        select(EvaluationRound).where(
            EvaluationRound.promise_id == promise.id,
            EvaluationRound.cycle_year == promise.cycle_year,
            EvaluationRound.number == data.round,
        )
    ).first()
    if rnd is None:
        planned = session.exec(
            select(EvaluationRound.number).where(
                EvaluationRound.promise_id == promise.id,
                EvaluationRound.cycle_year == promise.cycle_year,
            )
        ).all()
        raise InputError.said(
            "uppföljning {n} är inte planerad för år {year}; planerade uppföljningar: {planned}",
            n=data.round,
            year=promise.cycle_year,
            planned=", ".join(map(str, planned)) or NONE,
        )
    if rnd.submitted_at is not None:
        raise InputError.said(
            "uppföljning {n} är redan inlämnad ({day})",
            n=data.round,
            day=f"{rnd.submitted_at:%Y-%m-%d}",
        )
    _check_round_has_begun(session, promise, rnd, local_day(now))
    for value in data.indicators:
        _check_dates(promise, local_day(now), measured_on=(value.measured_on, True))
    activities = {
        a.id: a
        for a in session.exec(select(Activity).where(Activity.promise_id == promise.id)).all()
    }
    reported = [s.activity_id for s in data.activities]
    unknown = sorted(set(reported) - set(activities))
    if unknown:
        raise InputError.said(
            "aktiviteterna {ids} är inte aktiviteter i löfte {id}", ids=unknown, id=promise.id
        )
    missing = sorted(i for i in set(activities) - set(reported) if i is not None)
    if missing:
        titles = "; ".join(f"{i}: {activities[i].title}" for i in missing)
        raise InputError.said(
            "varje aktivitet behöver en status i uppföljningen; status saknas för: {titles}",
            titles=titles,
        )
    goal_ids = set(session.exec(select(Goal.id).where(Goal.promise_id == promise.id)).all())
    bad_goals = sorted({v.goal_id for v in data.indicators} - goal_ids)
    if bad_goals:
        raise InputError.said("målen {ids} är inte mål i löfte {id}", ids=bad_goals, id=promise.id)
    for status in data.activities:
        session.add(ActivityStatusReport(round_id=rnd.id, **status.model_dump()))  # type: ignore[arg-type]
        activity = activities[status.activity_id]
        activity.status, activity.status_reason = status.status, status.reason
        session.add(activity)
    for value in data.indicators:
        session.add(IndicatorValue(round_id=rnd.id, **value.model_dump()))  # type: ignore[arg-type]
    rnd.submitted_at, rnd.submitted_by = now, data.submitted_by
    rnd.feedback_to_residents, rnd.feedback_channel = (
        data.feedback_to_residents,
        data.feedback_channel,
    )
    rnd.deviations, rnd.decisions = data.deviations, data.decisions
    session.add(rnd)
    return rnd


def _check_round_has_begun(
    session: Session, promise: Promise, rnd: EvaluationRound, today: date
) -> None:
    earlier = session.exec(
        select(EvaluationRound).where(
            EvaluationRound.promise_id == promise.id,
            EvaluationRound.cycle_year == rnd.cycle_year,
            EvaluationRound.number < rnd.number,
        )
    ).all()
    year_start = cycle_year_bounds(promise.term_start, rnd.cycle_year)[0]
    begins = round_period_start(year_start, [r.due for r in earlier])
    if today < begins:
        raise InputError.said(
            "uppföljning {n} gäller perioden {begins} till {due}; den har inte börjat än (i "
            "dag är det {today}). Lämna in den när det finns något att följa upp",
            n=rnd.number,
            begins=begins,
            due=rnd.due,
            today=today,
        )


def _compilation_row(session: Session, promise: Promise) -> YearEndCompilation | None:
    return session.exec(
        select(YearEndCompilation).where(
            YearEndCompilation.promise_id == promise.id,
            YearEndCompilation.cycle_year == promise.cycle_year,
        )
    ).first()


@handles(COMPILATION)
def _compilation(
    session: Session, promise: Promise, data: CompilationInput, now: datetime
) -> SQLModel:
    row = _compilation_row(session, promise) or YearEndCompilation(
        promise_id=promise.id,  # type: ignore[arg-type]
        cycle_year=promise.cycle_year,
    )
    if row.approved_at is not None:
        raise InputError.said("årets sammanställning är redan godkänd och kan inte längre ändras")
    row.summary, row.next_year_plan = data.summary, data.next_year_plan
    row.official = data.official
    session.add(row)
    return row


@handles(APPROVAL)
def _approval(session: Session, promise: Promise, data: ApprovalInput, now: datetime) -> SQLModel:
    row = _compilation_row(session, promise)
    if row is None:
        raise InputError.said(
            "det finns ingen sammanställning för år {year} att godkänna; lägg till en först: "
            "lofte add {id} compilation --file compilation.yaml",
            year=promise.cycle_year,
            id=promise.id,
        )
    if row.approved_at is not None:
        raise InputError.said("sammanställningen är redan godkänd av {who}", who=row.approved_by)
    if not row.next_year_plan.strip():
        raise InputError.said(
            "Sammanställningen saknar en plan för nästa år, och beslutet behöver den. "
            "Skriv planen i årssammanställningen först."
        )
    row.approved_by, row.approved_at = data.approved_by, now
    row.diarienummer = data.diarienummer
    row.decision_paragraph, row.decided_on = data.paragraph, data.decided_on
    session.add(row)
    session.flush()
    link_findings(session, promise)
    return row


# Every kind has exactly one handler (the kinds themselves are defined in models/kinds.py).
if unbound := [k.name for k in KINDS.values() if not k.bound]:
    raise RuntimeError(f"artefact kinds without a handler: {', '.join(unbound)}")


def add_artefact(
    session: Session,
    promise_id: int,
    kind: str,
    raw: dict[str, Any],
    actor: Principal,
    *,
    now: datetime | None = None,
) -> SQLModel:
    """Validate and store one artefact of ``kind`` for the promise, with an audit record.

    Raises Forbidden (not a party, or not the party's steering group for a sign-off or an
    approval), InputError / NotFound (bad input) or Refused (wrong stage); nothing is
    written then.
    """
    promise = get_promise(session, promise_id)
    require(actor, Action.RECORD_ARTEFACT, promise)
    data = parse_input(kind, raw)
    spec = KINDS[kind]
    if isinstance(data, SignOffInput):
        # A sign-off is its party's steering group's, each organisation of the party its own.
        signer = signing_organisation(session, promise, data, actor)
        require(actor, Action.SIGN_OFF, promise, party=data.party, signer=signer.id)
        data = data.model_copy(update={"organisation": signer.name})
    elif spec.right is not None:
        # An approval or a round needs its own right.
        require(actor, spec.right, promise)
    if getattr(data, "for_next_year", False):
        _check_revision_open(session, promise, local_day(now_utc(now)))
    else:
        check_window(promise, kind)
    moment = now_utc(now)
    row = spec.handler(session, promise, data, moment)
    if hasattr(row, "created_at") and now is not None:
        row.created_at = moment  # recorded after the fact (the demo): dated when it happened
    session.flush()
    if kind == "activity":
        set_activity_goals(session, row, data.also_goals)  # type: ignore[arg-type, attr-defined]
    audit(
        session,
        at=moment,
        promise_id=promise.id,
        actor=actor,
        action=spec.audited_as,
        details={"kind": kind, "id": getattr(row, "id", None), "cycle_year": promise.cycle_year},
    )
    if kind == "evaluation":
        round_submitted(session, promise, row)  # type: ignore[arg-type]
    elif kind == "approval":
        compilation_approved(session, promise, row)  # type: ignore[arg-type]
    return row


class ArtefactRequest(BaseModel):
    """One artefact for a promise: its kind and its fields (checked by the kind's model)."""

    promise_id: PromiseId
    kind: str = Field(max_length=40)
    fields: dict[str, Any] = Field(default_factory=dict)


class Recorded(BaseModel, extra="allow"):
    """A recorded artefact: its kind and id, and (as extra fields) the row as stored, whose
    columns differ by kind."""

    ok: bool = True
    kind: str
    id: int | None = None


def record_artefact(
    principal: Principal | None, request: ArtefactRequest, *, now: datetime | None = None
) -> Recorded:
    """Record an artefact (dialogue, problem, goal, activity, sign-off, evaluation ...);
    ``now`` (callers in code only, as for ``advance``) dates work recorded after the fact."""
    if principal is None:
        require_action(principal, Action.RECORD_ARTEFACT)
    assert principal is not None
    if not request.fields:
        raise InputError.said(
            "inget att lägga till: ange fälten för {kind} (se: lofte schema {kind})",
            kind=request.kind,
        )
    with session_scope() as session:
        row = add_artefact(
            session, request.promise_id, request.kind, request.fields, principal, now=now
        )
        # The row's own columns win (a kind whose row has a column ``kind`` shows it).
        return Recorded.model_validate({"kind": request.kind, **row.model_dump(mode="json")})
