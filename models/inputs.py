"""Input shapes for everything a coordinator can record, with validation that explains itself.

These are what the CLI (flags or a JSON/YAML file), the HTTP API and the web pages accept;
``lofte schema KIND`` prints their JSON Schema. Checks that need the promise (a target date
before the term starts, a problem of another promise) are made by ``application.artefacts``.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from lifecycle.i18n import InvalidValue, Phrase
from lifecycle.safe_text import control_character_in, invisible_character_in
from lifecycle.term import MAX_TERM_YEARS, MIN_TERM_YEARS
from lifecycle.vocabulary import (
    ActivityOwner,
    ActivityStatus,
    Approach,
    DialogueMethod,
    GoalKind,
    OrganisationKind,
    OtherActor,
    Party,
    PictureBy,
    PreventionLevel,
    Role,
    Trend,
)

# Bounds every input has (docs/security.md): beyond them a value is refused with a sentence.
ONE_LINE_MAX = 300
MULTI_LINE_MAX = 10_000
LIST_MAX = 1_000
ID_MAX = 2**31 - 1  # ids are INTEGER columns (32 bits on PostgreSQL)
INT_MAX = 2**31 - 1
NUMBER_MAX = 1e12
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def plausible_moment(value: datetime | None) -> datetime | None:
    """``value`` if it is a day of the years 2000-2100 (or None), else ValueError saying so."""
    # Year 1 or 9999 is no day a promise is seen on, and date arithmetic near the ends of
    # the calendar overflows: refuse it with a sentence instead.
    if value is not None and not FIRST_DAY <= value.date() <= LAST_DAY:
        raise InvalidValue(
            "{day} är inte en rimlig dag; ange ett datum mellan {first} och {last}",
            day=value.date(),
            first=FIRST_DAY,
            last=LAST_DAY,
        )
    return value


# A "what if" day for reads (``as_of``): a date or a time, within the years 2000-2100.
AsOf = Annotated[datetime | None, AfterValidator(plausible_moment)]
# Free texts that may span lines; every other text is one line.
MULTI_LINE = frozenset(
    {
        "description",
        "results",
        "safety_survey",
        "summary",
        "event_chain",
        "victim",
        "offender",
        "police_promises",
        "municipality_promises",
        "joint_promises",
        "feedback_to_residents",
        "next_year_plan",
        "goals",
        "follow_up",
        "reason",
        "note",
        "deviations",
        "decisions",
        "survey_results",
        "situation_picture",
        "priorities",
    }
)


# Names of people and organisations, addresses and titles: what people tell apart by eye, so
# bidi controls, zero-width characters and the BOM are refused in them (docs/security.md).
NAME_FIELDS = frozenset(
    {
        "name",
        "email",
        "municipality",
        "police_area",
        "area_name",
        "organisation",
        "parent_name",
        "title",
        "responsible",
        "signed_by",
        "submitted_by",
        "approved_by",
        "decided_by",
    }
)


def check_name(name: str, value: str) -> str:
    """``value`` in NFC, or ValueError naming an invisible character it must not contain."""
    value = unicodedata.normalize("NFC", value)
    bad = invisible_character_in(value)
    if bad is not None:
        raise InvalidValue(
            "{name}: innehåller det osynliga tecknet U+{code:04X} (ett riktningstecken, ett "
            "tecken utan bredd eller en byte order mark); skriv namnet igen utan det",
            name=name,
            code=ord(bad),
        )
    return value


def nfc(value: Any) -> Any:
    """Every text in ``value`` (through lists and dicts) in Unicode NFC: "é" is one character
    however it was typed, so equal-looking names compare equal."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: nfc(v) for k, v in value.items()}
    return value


def _check_value(name: str, value: Any) -> None:
    if isinstance(value, str):
        if name in NAME_FIELDS:
            check_name(name, value)
        multiline = name in MULTI_LINE
        limit = MULTI_LINE_MAX if multiline else ONE_LINE_MAX
        if len(value) > limit:
            raise InvalidValue(
                "{name}: högst {limit:,} tecken (fick {count:,}); korta texten",
                name=name,
                limit=limit,
                count=len(value),
            )
        bad = control_character_in(value, multiline=multiline)
        if bad is not None:
            raise InvalidValue(
                "{name}: innehåller styrtecknet U+{code:04X}{where}; ta bort det",
                name=name,
                code=ord(bad),
                where="" if multiline else Phrase(" (det är en rad)"),
            )
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        is_id = name == "id" or name.endswith("_id")
        low, high = (1, ID_MAX) if is_id else (-INT_MAX, INT_MAX)
        if not low <= value <= high:
            raise InvalidValue(
                "{name}: måste vara mellan {low} och {high:,} (fick {value})",
                name=name,
                low=low,
                high=high,
                value=value,
            )
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > NUMBER_MAX:
            raise InvalidValue(
                "{name}: måste vara ett ändligt tal inom ±{most:.0e}", name=name, most=NUMBER_MAX
            )
    elif isinstance(value, date):
        if not FIRST_DAY <= value <= LAST_DAY:
            raise InvalidValue(
                "{name}: {value} är inte ett rimligt datum (åren 2000-2100)", name=name, value=value
            )
    elif isinstance(value, list):
        if len(value) > LIST_MAX:
            raise InvalidValue(
                "{name}: högst {most:,} poster (fick {count:,})",
                name=name,
                most=LIST_MAX,
                count=len(value),
            )
        for item in value:
            _check_value(name, item)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _normalised(cls, data: Any) -> Any:
        """Every text in NFC before anything else looks at it."""
        return nfc(data)

    @model_validator(mode="after")
    def _within_bounds(self) -> Any:
        """Every text, number, date and list of every input within its documented bounds."""
        for name in type(self).model_fields:
            _check_value(name, getattr(self, name))
        return self


class PromiseCreate(_Input):
    """A new promise between a municipality (or city district) and a local police area."""

    region: str = Field(description="Region id, e.g. stockholm")
    municipality: str = Field(min_length=2, description="Municipality or city district name")
    police_area: str = Field(min_length=2, description="Local police area (lokalpolisområde)")
    area_name: str | None = Field(
        default=None, description="Area the promise covers (default: the municipality)"
    )
    start: date = Field(description="First day of the term")
    years: int = Field(
        ge=MIN_TERM_YEARS, le=MAX_TERM_YEARS, description="Length of the term in years (1-4)"
    )
    municipality_is_city_district: bool = False
    also_police_areas: list[str] = Field(
        default_factory=list,
        max_length=3,
        description="Further local police areas the area lies in (a city district split between "
        "two police areas): each takes part and signs as the police party",
    )
    agreement_id: int | None = Field(
        default=None, description="The collaboration agreement the promise belongs to"
    )
    late_start_reason: str | None = Field(
        default=None,
        description="Why the promise starts with stage deadlines already past (required then)",
    )


class AgreementDecisionInput(_Input):
    """One party's decision on an agreement: which body, when, its paragraph and file number."""

    party: str = Field(
        min_length=2, description="The deciding party: a municipality, city district or LPO"
    )
    body: str = Field(min_length=2, description="The deciding body (e.g. kommunstyrelsen)")
    decided_on: date
    paragraph: str = Field(default="", max_length=40, description="Paragraph, e.g. § 212")
    diarienummer: str = Field(default="", max_length=80)


class AgreementCreate(_Input):
    """A collaboration agreement (samverkansöverenskommelse) between the same two parties."""

    region: str
    municipality: str = Field(min_length=2)
    police_area: str = Field(min_length=2)
    start: date
    years: int = Field(ge=2, le=4, description="Length of the agreement in years (2-4)")
    title: str = ""
    municipality_is_city_district: bool = False
    other_municipalities: list[str] = Field(
        default_factory=list,
        description="Further municipalities or city districts signing with the same local "
        "police area (LPO Järva with Rinkeby-Kista and Spånga-Tensta); same kind as the first",
    )
    focus_areas: list[str] = Field(
        default_factory=list, description="Inriktning: the focus areas the parties agreed on"
    )
    goals: str = Field(default="", description="Mål: what the parties want to achieve")
    follow_up: str = Field(default="", description="Uppföljning: how and when it is followed up")
    decided_by: str = Field(default="", description="Who decided it (e.g. stadsdelsnämnden)")
    decided_on: date | None = None
    diarienummer: str = Field(default="", max_length=80, description="The decision's file number")
    steering_group: str = Field(default="", description="Styrgrupp: who sits in it")
    preparation_group: str = Field(default="", description="Beredningsgrupp")
    meeting_rhythm: str = Field(default="", description="How often the groups meet")
    decisions: list[AgreementDecisionInput] = Field(
        default_factory=list, description="Each party's decision (body, date, paragraph, dnr)"
    )


class AgreementChange(_Input):
    """New values for some fields of an agreement (the others keep theirs)."""

    agreement_id: int
    title: str | None = None
    focus_areas: list[str] | None = None
    goals: str | None = None
    follow_up: str | None = None
    decided_by: str | None = None
    decided_on: date | None = None
    diarienummer: str | None = Field(default=None, max_length=80)
    steering_group: str | None = Field(default=None, description="Styrgrupp: who sits in it")
    preparation_group: str | None = Field(
        default=None, description="Beredningsgrupp: who prepares the steering group's work"
    )
    meeting_rhythm: str | None = Field(default=None, description="How often the groups meet")
    decisions: list[AgreementDecisionInput] | None = Field(
        default=None, description="Each party's decision (replaces the recorded ones)"
    )


class PlaceInput(_Input):
    """A named place, optionally with coordinates (WGS84)."""

    name: str = Field(min_length=1)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class UnsafePlaceInput(_Input):
    """Where and when residents feel unsafe."""

    place: str = Field(min_length=1)
    when: str = ""


class DialogueInput(_Input):
    """A resident (or staff) dialogue and what came out of it."""

    method: DialogueMethod
    held_from: date
    held_to: date | None = None
    target_group: str = ""
    participants: int = Field(default=0, ge=0)
    unsafe_places: list[UnsafePlaceInput] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    results: str = ""
    safety_survey: str = Field(
        default="", description="Results of the regional safety survey (trygghetsmätning)"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> DialogueInput:
        if self.held_to and self.held_to < self.held_from:
            raise InvalidValue(
                "Sista dagen ({to}) är före första dagen ({start}). Ange dialogens sista dag, eller lämna den tom för en dialog på en dag.",
                to=self.held_to,
                start=self.held_from,
            )
        return self


class FrameAreaNoteInput(_Input):
    """What a situation picture says about one area of the city's frame, or why it is not
    relevant here ("ej aktuellt här")."""

    area: str = Field(min_length=1, max_length=80, description="Priority area id (the frame)")
    note: str = Field(default="", description="What the picture says about the area")
    not_relevant: bool = Field(default=False, description='"Ej aktuellt här"')
    reason: str = Field(default="", description="Why the area is not relevant here")

    @model_validator(mode="after")
    def _said_or_reasoned(self) -> FrameAreaNoteInput:
        if self.not_relevant and not self.reason:
            raise InvalidValue(
                "{area}: markerat ej aktuellt här utan skäl; säg varför (reason: ...)",
                area=self.area,
            )
        if not self.not_relevant and not self.note:
            raise InvalidValue(
                "{area}: säg vad lägesbilden visar om området, eller markera det som ej aktuellt här och säg varför.",
                area=self.area,
            )
        return self


class SituationPictureInput(_Input):
    """One party's own situation picture (lägesbild), or the joint one (party: joint)."""

    party: PictureBy
    summary: str = Field(min_length=1)
    sources: list[str] = Field(default_factory=list)
    frame_areas: list[FrameAreaNoteInput] = Field(
        default_factory=list,
        description="For a city district: what the picture says about each of the city's "
        "priority areas, or that one is not relevant here with a reason",
    )


class ProblemInput(_Input):
    """A problem of the joint situation picture; ``selected`` makes it a focus area."""

    title: str = Field(min_length=3, max_length=300)
    description: str = ""
    places: list[PlaceInput] = Field(default_factory=list)
    when: str = ""
    scale: str = ""
    trend: Trend = Trend.UNKNOWN
    selected: bool = False
    priority_area: str | None = Field(
        default=None, description="Priority area id from the region's catalogue"
    )
    also_priority_areas: list[str] = Field(
        default_factory=list,
        description="Further priority areas the problem contributes to (lofte catalogue)",
    )
    not_public_reason: str = Field(
        default="",
        max_length=300,
        description="Publiceras inte: why residents must not see it (empty: it is public)",
    )
    agreement_focus_area: str | None = Field(
        default=None,
        description="Instead of a priority area: one of the agreement's own focus areas "
        "(lofte agreement show)",
    )
    local_reason: str = Field(
        default="",
        description="Instead of a priority area: a local problem, and why it is one "
        "(the local problem picture)",
    )


class FocusAreaInput(_Input):
    """Choose (or un-choose) an existing problem as a focus area, tied to a priority area."""

    problem_id: int
    selected: bool = True
    priority_area: str | None = None
    also_priority_areas: list[str] = Field(default_factory=list)
    agreement_focus_area: str | None = Field(
        default=None,
        description="Instead of a priority area: one of the agreement's own focus areas "
        "(lofte agreement show)",
    )
    local_reason: str = Field(
        default="",
        description="Instead of a priority area: a local problem, and why it is one "
        "(the local problem picture)",
    )


class CauseAnalysisInput(_Input):
    """Why a problem happens at that time and place (event chain; victim, offender, place)."""

    problem_id: int
    event_chain: str = Field(min_length=3)
    victim: str = ""
    offender: str = ""
    place: str = ""


class GoalInput(_Input):
    """A measurable (SMART) goal for a problem."""

    problem_id: int
    kind: GoalKind
    description: str = Field(min_length=3)
    indicator: str = Field(min_length=2)
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    target_date: date
    catalogue_goal: str | None = Field(
        default=None, description="Id of a goal in the region's catalogue"
    )
    not_public_reason: str = Field(
        default="",
        max_length=300,
        description="Publiceras inte: why residents must not see it (empty: it is public)",
    )
    indicator_source: str = Field(
        default="", description="Where the figures come from (trygghetsmätningen, RAR ...)"
    )
    baseline_date: date | None = Field(default=None, description="When the baseline was measured")
    frequency: str = Field(
        default="", max_length=80, description="How often it is measured (tertialvis, årligen)"
    )


class ActivityInput(_Input):
    """An activity of the action plan."""

    goal_id: int
    also_goals: list[int] = Field(
        default_factory=list, description="Further goals of the promise the activity serves"
    )
    cause_analysis_id: int | None = None
    title: str = Field(min_length=3, max_length=300)
    description: str = ""
    owner_party: ActivityOwner = Field(
        description="Who carries it: police, municipality, joint (both), or other (name it)"
    )
    owner_other: str = Field(
        default="", description="The other actor carrying it (Region Stockholm, a school ...)"
    )
    owner_kind: OtherActor | None = Field(default=None, description="What kind of actor that is")
    responsible: str = Field(min_length=2)
    start: date
    end: date
    prevention_level: PreventionLevel
    approach: Approach
    not_public_reason: str = Field(
        default="",
        max_length=300,
        description="Publiceras inte: why residents must not see it (empty: it is public)",
    )
    hours: float | None = Field(default=None, ge=0, description="Staff hours planned or spent")
    kronor: int | None = Field(default=None, ge=0, description="Cost in kronor")
    funding_source: str = Field(
        default="", max_length=200, description="Where the money comes from (budget, grant ...)"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> ActivityInput:
        if self.end < self.start:
            raise InvalidValue(
                "end ({end}) är före start ({start})", end=self.end, start=self.start
            )
        return self

    @model_validator(mode="after")
    def _other_owner_named(self) -> ActivityInput:
        if self.owner_party is ActivityOwner.OTHER and not self.owner_other:
            raise InvalidValue(
                "En annan aktör genomför aktiviteten: skriv vilken, till exempel Region Stockholm eller Rinkebyskolan."
            )
        if self.owner_party is not ActivityOwner.OTHER and (self.owner_other or self.owner_kind):
            raise InvalidValue(
                "Annan aktör och typ av aktör gäller bara när en annan aktör genomför aktiviteten, inte {owner!r}. Lämna dem tomma, eller välj annan aktör.",
                owner=self.owner_party.value,
            )
        return self


class StatementBackingInput(_Input):
    """The activities that back one statement of the promise text (numbered from 1 within the
    party's text: one statement per line, or per sentence)."""

    party: Literal["police", "municipality", "joint"] = Field(
        description="Whose text the statement is in: police_promises, municipality_promises "
        "or joint_promises"
    )
    statement: int = Field(ge=1, le=200, description="The statement's number in that text")
    activities: list[int] = Field(
        min_length=1, description="The activities (ids) that carry out what it promises"
    )


class PromiseTextInput(_Input):
    """The public promise text: what each party promises, and what they promise together."""

    police_promises: str = ""
    municipality_promises: str = ""
    joint_promises: str = Field(
        default="", description='"Polisen och kommunen lovar": what both promise together'
    )
    backing: list[StatementBackingInput] = Field(
        default_factory=list,
        description="For each statement of the text, the activities of the party that makes it "
        "(or joint ones) that back it; checked at sign-off",
    )
    for_next_year: bool = Field(
        default=False,
        description="The revised promise for the next year of a multi-year term, written "
        "during this year's follow-up (from the renewal day)",
    )

    @model_validator(mode="after")
    def _something_promised(self) -> PromiseTextInput:
        texts = (self.police_promises, self.municipality_promises, self.joint_promises)
        if not any(len(t) >= 10 for t in texts):
            raise InvalidValue(
                "Skriv vad som lovas, minst 10 tecken: vad polisen lovar, vad kommunen lovar eller vad ni lovar tillsammans."
            )
        return self


class AnalysisUpdateInput(_Input):
    """The analysis updated before the plan of a later year (seed 004: "Resultaten följs upp och
    erfarenheterna ligger till grund när analysen och prioriteringarna uppdateras").

    Each part may be written on its own (the police its figures, the district its picture);
    recording again fills in or replaces the parts given and keeps the others.
    """

    survey_results: str = Field(
        default="",
        description="What the new safety survey (trygghetsmätning) and other figures show, "
        "against last year",
    )
    situation_picture: str = Field(
        default="", description="What has changed in the joint situation picture (lägesbild)"
    )
    priorities: str = Field(
        default="",
        description="The focus areas reviewed: which are kept, dropped or added, and why",
    )
    reviewed_by: str = Field(default="", description="Who reviewed it (e.g. the steering group)")
    reviewed_on: date | None = None
    for_next_year: bool = Field(
        default=False,
        description="The update for the next year of a multi-year term, written during this "
        "year's follow-up (from the renewal day)",
    )

    @model_validator(mode="after")
    def _something_reviewed(self) -> AnalysisUpdateInput:
        if not (self.survey_results or self.situation_picture or self.priorities):
            raise InvalidValue(
                "Skriv minst en del av uppdateringen: de nya resultaten från trygghetsmätningen, vad som har ändrats i lägesbilden eller fokusområdena."
            )
        return self


class SignOffInput(_Input):
    """One party's sign-off of the action plan (by its steering group member)."""

    party: Party
    signed_by: str = Field(min_length=2, description="The signatory's name")
    signed_as: str = Field(
        default="",
        max_length=200,
        description="The signatory's function (lokalpolisområdeschef, nämndens ordförande)",
    )
    signed_on: date
    organisation: str | None = Field(
        default=None,
        max_length=200,
        description="Which organisation of the party signs, when the party has two (a city "
        "district split between two police areas: each LPO signs); default: the signer's own",
    )
    for_next_year: bool = Field(
        default=False,
        description="Sign the revised plan for the next year of a multi-year term ahead",
    )


class ActivityStatusInput(_Input):
    """An activity's status in an evaluation round; a reason is required when not done."""

    activity_id: int
    status: ActivityStatus
    reason: str = ""

    @model_validator(mode="after")
    def _reason_when_not_done(self) -> ActivityStatusInput:
        if self.status is ActivityStatus.NOT_DONE and not self.reason:
            raise InvalidValue(
                "Aktivitet {id} är markerad som inte genomförd. Skriv varför den inte blev gjord.",
                id=self.activity_id,
            )
        return self


class IndicatorValueInput(_Input):
    """The latest value of a goal's indicator."""

    goal_id: int
    value: float
    measured_on: date


class EvaluationInput(_Input):
    """A submitted evaluation round: every activity's status, indicator values and feedback."""

    round: int = Field(ge=1, description="Round number within the current year")
    submitted_by: str = Field(min_length=2)
    activities: list[ActivityStatusInput]
    indicators: list[IndicatorValueInput] = Field(default_factory=list)
    feedback_to_residents: str = Field(
        min_length=10, description="What residents were told: what was done, what was not, and why"
    )
    feedback_channel: str = ""
    deviations: str = Field(
        default="", description="The round's analysis: what deviated from the plan, and why"
    )
    decisions: str = Field(default="", description="What the steering group decided because of it")


class CompilationInput(_Input):
    """The year-end compilation's written parts (figures are compiled from the records)."""

    summary: str = Field(min_length=10)
    next_year_plan: str = Field(
        default="", description="The plan for the coming year (required before approval)"
    )
    official: str = Field(
        default="", max_length=200, description="The responsible official (handläggare)"
    )


class ApprovalInput(_Input):
    """Approval of the year-end compilation: who decided, and the decision's file number."""

    approved_by: str = Field(min_length=2)
    diarienummer: str | None = Field(
        default=None, max_length=80, description="The decision's file number (diarienummer)"
    )
    paragraph: str | None = Field(
        default=None, max_length=40, description="The paragraph of the minutes (§ 12)"
    )
    decided_on: date | None = Field(default=None, description="The day of the decision")


class PersonInput(_Input):
    """A person taking part, with their organisation, role, language and channel."""

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="E-mail address")
    name: str = Field(min_length=2)
    organisation: str | None = None
    organisation_kind: OrganisationKind | None = Field(
        default=None,
        description="Which kind of organisation is meant when names are shared "
        "(LPO Sollentuna and Sollentuna kommun may both be called Sollentuna)",
    )
    region: str | None = None
    role: Role
    language: str = Field(default="sv", pattern="^(sv|en)$")
    channel: str | None = None
    service_account: bool = Field(
        default=False,
        description="An account for a program, not a person: only these get tokens from an admin",
    )
