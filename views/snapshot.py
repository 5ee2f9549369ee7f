"""Builds the pure ``PromiseSnapshot`` the exit criteria read, from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from config.catalogue import get_catalogue
from lifecycle.criteria import Unmet, unmet_criteria
from lifecycle.i18n import Given, Phrase, Sayable
from lifecycle.snapshot import (
    ActivityFacts,
    AnalysisUpdateFacts,
    DialogueFacts,
    GoalFacts,
    ProblemFacts,
    PromiseSnapshot,
    RoundFacts,
    StatementFacts,
)
from lifecycle.statements import split_statements
from lifecycle.vocabulary import DialogueMethod, OrganisationKind, Party
from models import (
    Activity,
    ActivityGoal,
    AnalysisUpdate,
    CauseAnalysis,
    Dialogue,
    EvaluationRound,
    Goal,
    Organisation,
    Problem,
    ProblemPriorityArea,
    Promise,
    PromiseText,
    SituationPicture,
    YearEndCompilation,
)
from views.lookup import signatures


@dataclass(frozen=True)
class PriorityScope:
    """The catalogue as it applies to one promise: its term, its party, its flags."""

    area_ids: tuple[str, ...]
    mandatory: frozenset[str]
    names: dict[str, str]
    goal_ids: tuple[str, ...]
    # The areas the situation pictures must speak to (the city's frame for a city district).
    frame: tuple[str, ...] = ()


def priority_scope(session: Session, promise: Promise) -> PriorityScope:
    """Which priority areas and catalogue goals apply to the promise, and which are mandatory.

    A set applies by the party (every promise of the region, or only city districts) and by
    the years of the term; an area "where there are any" only to a party flagged so.
    """
    try:
        region = get_catalogue().region(promise.region_id)
    except KeyError:
        return PriorityScope((), frozenset(), {}, ())
    org = session.get(Organisation, promise.municipality_id)
    city_district = bool(org and org.kind is OrganisationKind.CITY_DISTRICT)
    first, last = promise.term_start.year, promise.term_end.year
    areas = region.areas_for(first, last, city_district=city_district)
    mandatory = region.mandatory_area_ids(
        first,
        last,
        city_district=city_district,
        has_vulnerable_areas=bool(org and org.has_vulnerable_areas),
    )
    return PriorityScope(
        area_ids=tuple(area.id for _, area in areas),
        mandatory=frozenset(mandatory),
        names={area.id: area.name_sv for _, area in region.all_areas()},
        goal_ids=tuple(goal.id for _, area in areas for goal in area.goals),
        frame=tuple(region.frame_area_ids(first, last, city_district=city_district)),
    )


def _municipality_word(session: Session, promise: Promise) -> Sayable:
    org = session.get(Organisation, promise.municipality_id)
    if org is not None and org.kind is OrganisationKind.CITY_DISTRICT:
        return Phrase("Stadsdelsnämnden")  # "The district council", as the documents say
    if org is not None and org.name.startswith("Region "):
        return Given(org.name)  # a name, the same in English
    return Phrase("Kommunen")


def analysis_update_facts(
    session: Session, promise_id: int, cycle_year: int
) -> AnalysisUpdateFacts | None:
    """Which parts of year ``cycle_year``'s analysis update are written (None: none is)."""
    row = session.exec(
        select(AnalysisUpdate).where(
            AnalysisUpdate.promise_id == promise_id, AnalysisUpdate.cycle_year == cycle_year
        )
    ).first()
    if row is None:
        return None
    return AnalysisUpdateFacts(
        survey_results=bool(row.survey_results.strip()),
        situation_picture=bool(row.situation_picture.strip()),
        priorities=bool(row.priorities.strip()),
    )


def statement_facts(text: PromiseText | None) -> tuple[StatementFacts, ...]:
    """The promise text statement by statement, each with the activities named as backing it."""
    if text is None:
        return ()
    backing: dict[tuple[str, int], set[int]] = {}
    for entry in text.backing or []:
        key = (str(entry.get("party")), int(entry.get("statement") or 0))
        backing.setdefault(key, set()).update(int(a) for a in entry.get("activities") or [])
    return tuple(
        StatementFacts(party, n, words, frozenset(backing.get((party, n), ())))
        for party, whole in (
            ("police", text.police_promises),
            ("municipality", text.municipality_promises),
            ("joint", text.joint_promises),
        )
        for n, words in enumerate(split_statements(whole), start=1)
    )


def build_snapshot(session: Session, promise: Promise, today: date) -> PromiseSnapshot:
    """Everything the exit criteria need, read in a handful of queries."""
    pid = promise.id
    year = promise.cycle_year
    dialogues = session.exec(select(Dialogue).where(Dialogue.promise_id == pid)).all()
    picture_rows = session.exec(
        select(SituationPicture.party, SituationPicture.frame_areas).where(
            SituationPicture.promise_id == pid
        )
    ).all()
    pictures = [party for party, _ in picture_rows]
    addressed = frozenset(
        str(note.get("area")) for _, notes in picture_rows for note in notes or []
    )
    problems = session.exec(
        select(Problem).where(Problem.promise_id == pid).order_by(col(Problem.id))
    ).all()
    analysed = set(
        session.exec(select(CauseAnalysis.problem_id).where(CauseAnalysis.promise_id == pid)).all()
    )
    goals = session.exec(select(Goal).where(Goal.promise_id == pid).order_by(col(Goal.id))).all()
    activities = session.exec(
        select(Activity).where(Activity.promise_id == pid).order_by(col(Activity.id))
    ).all()
    also_goals: dict[int, set[int]] = {}
    for activity_id, goal_id in session.exec(
        select(ActivityGoal.activity_id, ActivityGoal.goal_id).where(
            col(ActivityGoal.activity_id).in_([a.id for a in activities])
        )
    ).all():
        also_goals.setdefault(activity_id, set()).add(goal_id)
    signed, unsigned = signatures(session, promise, year)
    text = session.exec(
        select(PromiseText).where(PromiseText.promise_id == pid, PromiseText.cycle_year == year)
    ).first()
    has_text = text is not None
    promised_by = frozenset(
        party
        for party, words in (
            ("police", text.police_promises if text else ""),
            ("municipality", text.municipality_promises if text else ""),
            ("joint", text.joint_promises if text else ""),
        )
        if words.strip()
    )
    rounds = session.exec(
        select(EvaluationRound)
        .where(EvaluationRound.promise_id == pid, EvaluationRound.cycle_year == year)
        .order_by(col(EvaluationRound.number))
    ).all()
    approved = (
        session.exec(
            select(YearEndCompilation.id).where(
                YearEndCompilation.promise_id == pid,
                YearEndCompilation.cycle_year == year,
                col(YearEndCompilation.approved_at).is_not(None),
            )
        ).first()
        is not None
    )
    scope = priority_scope(session, promise)
    extra_areas: dict[int, set[str]] = {}
    for problem_id, area_id in session.exec(
        select(ProblemPriorityArea.problem_id, ProblemPriorityArea.priority_area_id).where(
            col(ProblemPriorityArea.problem_id).in_([p.id for p in problems])
        )
    ).all():
        extra_areas.setdefault(problem_id, set()).add(area_id)
    return PromiseSnapshot(
        stage=promise.stage,
        term_start=promise.term_start,
        term_end=promise.term_end,
        cycle_year=year,
        term_years=promise.term_years,
        today=today,
        dialogues=tuple(
            DialogueFacts(
                id=d.id or 0,
                with_residents=d.method is not DialogueMethod.STAFF_DIALOGUE,
                has_results=bool(d.results.strip() or d.themes or d.unsafe_places),
            )
            for d in dialogues
        ),
        # the joint picture is merged from both parties' own: it counts for neither
        situation_pictures_by=frozenset(Party(p) for p in pictures if p in set(Party)),
        problems=tuple(
            ProblemFacts(
                id=p.id or 0,
                title=p.title,
                selected=p.selected,
                priority_area_id=p.priority_area_id,
                has_cause_analysis=p.id in analysed,
                extra_area_ids=frozenset(extra_areas.get(p.id or 0, ())),
                agreement_focus_area=p.agreement_focus_area,
                local_reason=p.local_reason,
            )
            for p in problems
        ),
        goals=tuple(
            GoalFacts(
                id=g.id or 0,
                problem_id=g.problem_id,
                indicator=g.indicator,
                has_baseline=g.baseline is not None,
                has_target=g.target is not None,
            )
            for g in goals
        ),
        activities=tuple(
            ActivityFacts(
                id=a.id or 0,
                goal_id=a.goal_id,
                title=a.title,
                owner=a.owner_party.value,
                has_cause=a.cause_analysis_id is not None,
                also_goal_ids=frozenset(also_goals.get(a.id or 0, ())),
            )
            for a in activities
        ),
        signed_by=signed,
        unsigned_organisations=unsigned,
        has_promise_text=has_text,
        promised_by=promised_by,
        statements=statement_facts(text),
        rounds=tuple(
            RoundFacts(
                id=r.id or 0, number=r.number, due=r.due, submitted=r.submitted_at is not None
            )
            for r in rounds
        ),
        compilation_approved=approved,
        mandatory_area_ids=scope.mandatory,
        municipality_word=_municipality_word(session, promise),
        area_names=scope.names,
        frame_area_ids=scope.frame,
        frame_areas_addressed=addressed,
        analysis_update=(analysis_update_facts(session, pid or 0, year) if year > 1 else None),
    )


def current_unmet(session: Session, promise: Promise, today: date) -> list[Unmet]:
    """The current stage's unmet exit criteria."""
    return unmet_criteria(build_snapshot(session, promise, today))
