"""What the promise and agreement use cases answer: a promise in a list, a promise with all
it holds, its audit trail, an agreement in brief, in full, created and changed.

The read models in ``views/`` build these as plain data (the public pages and the reports
read them so too); the use cases validate that data into these models, so the API describes
its answers (OpenAPI) and a caller reads ``view.stage``, not ``view["stage"]``. The JSON is
the same as the plain data's: the same names, ISO dates, and the times kept as the view
wrote them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class PromiseRow(BaseModel):
    """A promise in a list: where it is, between whom, its stage and term."""

    id: int
    region: str
    area: str
    municipality: str
    police_area: str
    stage: str
    version: int
    cycle_year: int
    term_start: date
    term_end: date


class UnmetCriterion(BaseModel):
    """An exit criterion of the current stage not met yet (``message`` in the language
    asked for, both languages beside it)."""

    code: str
    message: str | None
    message_sv: str | None
    message_en: str | None
    ref: str | None


class TransitionEntry(BaseModel):
    """One change of stage in a promise's history."""

    from_stage: str | None
    to_stage: str | None
    actor: str
    # As the view writes it (``isoformat``: "+00:00"); pydantic would write UTC as "Z".
    at: str
    reason: str | None
    flow_run_id: str | None


class GoalStanding(BaseModel):
    """A goal's last indicator value and how it stands today, judged by its target date."""

    last_value: float | None
    result: str
    share: float | None


class FrameNote(BaseModel):
    """What a situation picture says about one area of the city's frame (or that it is not
    relevant there, and why)."""

    area: str | None
    name: str | None
    note: str
    not_relevant: bool
    reason: str


class FrameArea(BaseModel):
    """An area of the city's frame that a city district's situation pictures speak to."""

    id: str
    name: str


class SituationPictureView(BaseModel):
    """A party's situation picture, or the joint one, with its frame notes."""

    id: int
    by: str
    cycle_year: int
    summary: str
    sources: list[str]
    frame: list[FrameNote]


class CompilationView(BaseModel):
    """A year's written year-end compilation and, once approved, the decision."""

    cycle_year: int
    summary: str
    next_year_plan: str
    official: str
    approved_by: str | None
    # As the view writes it (``isoformat``), as the transitions' times are.
    approved_at: str | None
    diarienummer: str | None
    paragraph: str | None
    decided_on: date | None


class PromiseTextView(BaseModel):
    """The year's promise text as written, with which activities back each statement."""

    cycle_year: int
    police_promises: str
    municipality_promises: str
    joint_promises: str
    # As stored: [{"party": "police", "statement": 1, "activities": [4, 5]}].
    backing: list[dict[str, Any]]


class AgreementSummary(BaseModel):
    """An agreement in brief: term, parties, status, decisions and organisation."""

    id: int
    title: str
    region: str
    term_start: date
    term_end: date
    status: Literal["upcoming", "active", "expiring", "expired"]
    municipalities: list[str]
    police_area: str | None
    focus_areas: list[str]
    goals: str
    follow_up: str
    decided_by: str
    decided_on: date | None
    diarienummer: str
    # Each party's decision as stored (party, body, decided_on, paragraph, diarienummer):
    # stored JSON, kept as it was written.
    decisions: list[dict[str, Any]]
    undecided: list[str]
    steering_group: str
    preparation_group: str
    meeting_rhythm: str
    previous_agreement_id: int | None
    next_agreement_id: int | None


class PromiseAgreement(AgreementSummary):
    """The agreement a promise belongs to, with what its page warns about."""

    model_config = ConfigDict(extra="forbid")

    warnings: list[str]


class MissingAgreement(BaseModel):
    """A promise with no agreement whose parties' last one ended before it: a warning alone."""

    # Forbidding other fields keeps a whole agreement from being read as this one.
    model_config = ConfigDict(extra="forbid")

    id: None = None
    warnings: list[str]


class Signatory(BaseModel):
    """One organisation of a party: who signs for it, and this year's signature if made."""

    party: str
    organisation: str
    organisation_id: int
    # the steering group members in Löfte (those with the right to sign)
    people: list[str]
    signed_by: str | None
    signed_as: str | None
    signed_on: date | None


class PromiseView(BaseModel):
    """A promise with its unmet exit criteria, its transitions, its artefacts and counts,
    how its goals stand, its situation pictures and its agreement."""

    id: int
    region: str
    area: str
    municipality: str
    police_area: str
    # Both parties by their full names, as a sentence reads them.
    parties: str
    stage: str
    stage_name: str
    version: int
    cycle_year: int
    term_start: date
    term_end: date
    term_years: int
    previous_promise_id: int | None
    previous_compilation_id: int | None
    # Said by whoever created it with deadlines already past: shown as late from the start.
    late_start_reason: str | None
    next_promise_id: int | None
    unmet: list[UnmetCriterion]
    history: list[TransitionEntry]
    counts: dict[str, int]
    # Each kind's rows have fields of their own (models/kinds.py), each with its id and a
    # label: an open mapping, by kind.
    artefacts: dict[str, list[dict[str, Any]]]
    # Each kind's artefacts' numbers within the promise, by id ("Dialog 1", not id 57).
    ordinals: dict[str, dict[int, int]]
    # The written year-end compilations, one per cycle year, oldest first.
    compilations: list[CompilationView]
    # The current year's promise text, once written.
    promise_text: PromiseTextView | None
    goal_standing: dict[int, GoalStanding]
    situation_pictures: list[SituationPictureView]
    # The city's frame (a Stockholm district; empty elsewhere): the areas each situation
    # picture speaks to, or records as not relevant here with a reason.
    frame_areas: list[FrameArea]
    agreement: PromiseAgreement | MissingAgreement | None
    # Who signs for each organisation of each party (a district in two police areas: both
    # LPOs), and whether this year's plan is signed.
    signatories: list[Signatory]


class AuditEntry(BaseModel):
    """One recorded change of a promise: who (and how proven), when, what."""

    id: int
    promise_id: int | None
    at: datetime
    actor: str
    action: str
    from_stage: str | None
    to_stage: str | None
    reason: str | None
    flow_run_id: str | None
    actor_person_id: int | None
    # The person's name when the actor is a registered person (the history shows a name,
    # not an address); None for the system and for people since removed.
    actor_name: str | None = None
    auth_method: str | None
    auth_proof: str | None
    details: dict[str, Any]  # what each action records differs: the action's own details


class AgreementRecord(BaseModel):
    """An agreement as created: its stored content and every party by name."""

    id: int
    region_id: str
    municipality_id: int
    police_area_id: int
    term_start: date
    term_end: date
    title: str
    focus_areas: list[str]
    goals: str
    follow_up: str
    decided_by: str
    decided_on: date | None
    diarienummer: str
    decisions: list[dict[str, Any]]  # as stored (see AgreementSummary.decisions)
    steering_group: str
    preparation_group: str
    meeting_rhythm: str
    previous_agreement_id: int | None
    municipalities: list[str]
    police_area: str


class AgreementPromise(BaseModel):
    """A promise an agreement covers."""

    id: int
    area: str
    term_start: date
    term_end: date
    stage: str


class AgreementDetail(AgreementSummary):
    """An agreement with every promise it covers and what needs doing about it."""

    promises: list[AgreementPromise]
    warnings: list[str]


class AgreementChanged(AgreementDetail):
    """An agreement after a change, with the names of the fields that changed."""

    changed: list[str]
