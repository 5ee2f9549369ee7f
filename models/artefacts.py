"""Every stage's artefacts (shared/domain.md), each row tied to its promise.

The chain dialogue → problem → cause → goal → activity → indicator value is explicit in the
foreign keys, so nothing can be linked to a problem that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from lifecycle.vocabulary import (
    ActivityOwner,
    ActivityStatus,
    Approach,
    DialogueMethod,
    GoalKind,
    OtherActor,
    Party,
    PictureBy,
    PreventionLevel,
    Trend,
)
from models.base import EnumText, enum_field, json_field, utcnow


class Dialogue(SQLModel, table=True):
    """A resident or staff dialogue and its results (stage: resident_dialogue)."""

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    cycle_year: int = 1
    method: DialogueMethod = enum_field(DialogueMethod)
    held_from: date
    held_to: date | None = None
    target_group: str = ""
    participants: int = 0
    # [{"place": "Hässelby torg", "when": "kvällar"}]: where and when people feel unsafe.
    unsafe_places: list[dict[str, Any]] = json_field(list)
    themes: list[str] = json_field(list)
    results: str = ""
    safety_survey: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class SituationPicture(SQLModel, table=True):
    """One party's own situation picture (lägesbild), merged in the joint analysis."""

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    cycle_year: int = 1
    # A party's own picture, or the joint one merged from both.
    party: PictureBy = enum_field(PictureBy)
    summary: str
    sources: list[str] = json_field(list)
    # What the picture says about each area of the city's frame (seed 001: "Den lokala nivån
    # ska beröra dessa områden"): [{"area": "city-unsafe-places", "note": "..."}] or
    # [{"area": ..., "not_relevant": true, "reason": "..."}] ("ej aktuellt här").
    frame_areas: list[dict[str, Any]] = json_field(list)
    created_at: datetime = Field(default_factory=utcnow)


class Problem(SQLModel, table=True):
    """A problem of the joint situation picture; ``selected`` ones are focus areas."""

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    title: str = Field(max_length=300)
    description: str = ""
    # [{"name": "Vällingby centrum", "lat": 59.36, "lon": 17.87}]
    places: list[dict[str, Any]] = json_field(list)
    when: str = ""
    scale: str = ""
    trend: Trend = enum_field(Trend, Trend.UNKNOWN)
    selected: bool = False
    priority_area_id: str | None = Field(default=None, foreign_key="priorityarea.id")
    # A focus area may instead answer to one of its agreement's own focus areas, or be a local
    # problem with its reason ("Förutom de aktiviteter som tar avstamp i lokala problembilder",
    # seed 000).
    agreement_focus_area: str | None = Field(default=None, max_length=300)
    local_reason: str = Field(default="", max_length=300)
    origin_problem_id: int | None = Field(default=None, foreign_key="problem.id")
    # "Publiceras inte": why this must not reach residents (empty: it is public). Every public
    # output leaves it out (docs/public.md).
    not_public_reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class ProblemPriorityArea(SQLModel, table=True):
    """A further priority area a problem contributes to (the victim areas overlap).

    ``Problem.priority_area_id`` is the main one; these are the others.
    """

    problem_id: int = Field(foreign_key="problem.id", primary_key=True)
    priority_area_id: str = Field(foreign_key="priorityarea.id", primary_key=True, max_length=80)


class CauseAnalysis(SQLModel, table=True):
    """Why a problem happens at that time and place: event chain and the three sides."""

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    event_chain: str
    victim: str = ""
    offender: str = ""
    place: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class Goal(SQLModel, table=True):
    """A measurable goal for a problem: indicator, baseline, target, target date."""

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    kind: GoalKind = enum_field(GoalKind)
    description: str
    indicator: str
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    target_date: date
    catalogue_goal_id: str | None = Field(default=None, max_length=80)
    # "Publiceras inte": why this must not reach residents (empty: it is public). Every public
    # output leaves it out (docs/public.md).
    not_public_reason: str = Field(default="", max_length=300)
    # Where the indicator's figures come from, the day the baseline was measured, and how often
    # it is measured: a survey's autumn figure is not "this year's" in spring.
    indicator_source: str = Field(default="", max_length=300)
    baseline_date: date | None = None
    frequency: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=utcnow)


class Activity(SQLModel, table=True):
    """An activity of the action plan: what, for which goal and cause, by whom, when."""

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    cause_analysis_id: int | None = Field(default=None, foreign_key="causeanalysis.id")
    title: str = Field(max_length=300)
    description: str = ""
    owner_party: ActivityOwner = enum_field(ActivityOwner)
    # Who carries it when ``owner_party`` is ``other`` (Region Stockholm, a school, a housing
    # company ...), and of which kind.
    owner_other: str = Field(default="", max_length=200)
    owner_kind: OtherActor | None = Field(default=None, sa_type=EnumText(OtherActor), nullable=True)
    responsible: str = Field(max_length=200)
    start: date
    end: date
    prevention_level: PreventionLevel = enum_field(PreventionLevel)
    approach: Approach = enum_field(Approach)
    status: ActivityStatus = enum_field(ActivityStatus, ActivityStatus.NOT_STARTED)
    status_reason: str = ""
    # "Publiceras inte": why this must not reach residents (empty: it is public). Every public
    # output leaves it out (docs/public.md).
    not_public_reason: str = Field(default="", max_length=300)
    # Resources, for the compilation and the action plan (all optional): staff hours, cost in
    # kronor and where the money comes from.
    hours: float | None = None
    kronor: int | None = None
    funding_source: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class ActivityGoal(SQLModel, table=True):
    """A further goal an activity serves (besides ``Activity.goal_id``, its main one): one
    activity may serve several goals."""

    activity_id: int = Field(foreign_key="activity.id", primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", primary_key=True)


class PromiseText(SQLModel, table=True):
    """The public promise: what the police promise and what the municipality promises."""

    __table_args__ = (UniqueConstraint("promise_id", "cycle_year"),)

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    cycle_year: int = 1
    police_promises: str
    municipality_promises: str
    # "Polisen och kommunen lovar": what both promise together.
    joint_promises: str = ""
    # Which activities back each statement of the text (lifecycle/statements.py splits it):
    # [{"party": "police", "statement": 1, "activities": [4, 5]}]; checked at sign-off.
    backing: list[dict[str, Any]] = json_field(list)
    published_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class AnalysisUpdate(SQLModel, table=True):
    """The analysis brought up to date before the plan of a later year of a multi-year term.

    "Resultaten följs upp och erfarenheterna ligger till grund när analysen och
    prioriteringarna uppdateras" (seed 004): before year 2's action plan the parties review the
    new survey results, the situation picture and their priorities. One row per cycle year
    (from 2); each part may be written by whoever holds it, the gate wants all three.
    """

    __table_args__ = (UniqueConstraint("promise_id", "cycle_year"),)

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    cycle_year: int = 2
    # What the latest safety survey (trygghetsmätning) and other figures show, against last year.
    survey_results: str = ""
    # What has changed in the joint situation picture (lägesbild) since last year's analysis.
    situation_picture: str = ""
    # The focus areas reviewed: which are kept, dropped or added, and why.
    priorities: str = ""
    reviewed_by: str = Field(default="", max_length=200)
    reviewed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SignOff(SQLModel, table=True):
    """One party's signature on the year's action plan; revoked when the plan is reopened."""

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    cycle_year: int = 1
    party: Party = enum_field(Party)
    # Which organisation of the party signed: a party of two LPOs signs once for each.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    signed_by: str = Field(max_length=200)
    # The signatory's function ("lokalpolisområdeschef", "ordförande i nämnden"): public.
    signed_as: str = Field(default="", max_length=200)
    signed_on: date
    revoked_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class EvaluationRound(SQLModel, table=True):
    """A planned evaluation round of one cycle year, and what was reported in it."""

    __table_args__ = (UniqueConstraint("promise_id", "cycle_year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    cycle_year: int = 1
    number: int
    due: date
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    feedback_to_residents: str = ""
    feedback_channel: str = ""
    # The round's short analysis: what deviated from the plan (and why), and what was decided.
    deviations: str = ""
    decisions: str = ""


class ActivityStatusReport(SQLModel, table=True):
    """An activity's status in one evaluation round (with a reason when not done)."""

    __table_args__ = (UniqueConstraint("round_id", "activity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="evaluationround.id", index=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    status: ActivityStatus = enum_field(ActivityStatus)
    reason: str = ""


class IndicatorValue(SQLModel, table=True):
    """The latest value of a goal's indicator, reported in an evaluation round."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="evaluationround.id", index=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    value: float
    measured_on: date


class PublicVersion(SQLModel, table=True):
    """What residents see of a promise, frozen when both parties signed its plan.

    Only signed content is public: after a send-back the public page keeps showing the latest
    signed version (with "revideras sedan" from ``revised_since``) until the parties sign again,
    which freezes a new one. ``content`` holds the plan's public fields (promise text, what
    residents said, problems, goals, activities); reported values come live.
    """

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    cycle_year: int = 1
    signed_at: datetime = Field(default_factory=utcnow)
    content: dict[str, Any] = json_field(dict)
    revised_since: datetime | None = None


class YearEndCompilation(SQLModel, table=True):
    """The year's compilation; approving it lets the promise close or start its next year."""

    __table_args__ = (UniqueConstraint("promise_id", "cycle_year"),)

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promise.id", index=True)
    cycle_year: int = 1
    summary: str = ""
    next_year_plan: str = ""
    content: dict[str, Any] = json_field(dict)
    approved_by: str | None = None
    approved_at: datetime | None = None
    diarienummer: str | None = Field(default=None, max_length=80)
    # The responsible official (handläggare) named in the committee paper's header.
    official: str = Field(default="", max_length=200)
    # The decision record: the paragraph (§) of the minutes and the day of the decision.
    decision_paragraph: str | None = Field(default=None, max_length=40)
    decided_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SurveyResult(SQLModel, table=True):
    """One figure of a safety survey (trygghetsmätning): source, year, area, question, value.

    The police region runs the survey and offers it to every municipality (seed 000); its
    results are a series, compared year on year, not a sentence in a dialogue.
    """

    __table_args__ = (UniqueConstraint("region_id", "source", "year", "area", "question"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: str = Field(foreign_key="region.id", max_length=40, index=True)
    source: str = Field(max_length=200)
    year: int
    area: str = Field(max_length=200)
    question: str = Field(max_length=300)
    value: float
    unit: str = Field(default="%", max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
