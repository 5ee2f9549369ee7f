"""A plain, read-only picture of one promise: what the exit criteria look at.

The persistence layer builds it from the database; tests build it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lifecycle.i18n import Phrase, Sayable
from lifecycle.stages import Stage
from lifecycle.term import cycle_year_bounds
from lifecycle.vocabulary import Party

# The municipal party's name where it is a municipality (the default).
KOMMUNEN = Phrase("Kommunen")


@dataclass(frozen=True)
class DialogueFacts:
    """A recorded dialogue: with residents or staff, and whether its results are written down."""

    id: int
    with_residents: bool
    has_results: bool


@dataclass(frozen=True)
class ProblemFacts:
    """A problem from the joint analysis; ``selected`` ones are the promise's focus areas."""

    id: int
    title: str
    selected: bool
    priority_area_id: str | None
    has_cause_analysis: bool
    # Further priority areas the problem contributes to (the victim areas overlap).
    extra_area_ids: frozenset[str] = frozenset()
    # Tied instead to one of the agreement's own focus areas, or a local problem with a reason.
    agreement_focus_area: str | None = None
    local_reason: str = ""

    @property
    def has_frame(self) -> bool:
        """Whether the focus area answers to something: a priority area, one of its
        agreement's focus areas, or a local problem with its reason."""
        return bool(self.priority_area_id or self.agreement_focus_area or self.local_reason)

    @property
    def area_ids(self) -> frozenset[str]:
        """Every priority area the problem contributes to."""
        main = {self.priority_area_id} if self.priority_area_id else set()
        return frozenset(main) | self.extra_area_ids


@dataclass(frozen=True)
class GoalFacts:
    """A goal tied to a problem, with what SMART requires of it."""

    id: int
    problem_id: int
    indicator: str
    has_baseline: bool
    has_target: bool


@dataclass(frozen=True)
class ActivityFacts:
    """An activity of the action plan, tied to a goal."""

    id: int
    goal_id: int
    title: str
    # Who carries it (police, municipality, joint, other) and whether it names its cause.
    owner: str = "joint"
    has_cause: bool = True
    # Further goals it serves (one activity may serve several goals).
    also_goal_ids: frozenset[int] = frozenset()

    def serves(self, goal_id: int) -> bool:
        """Whether the activity works towards the goal (its main one or a further one)."""
        return goal_id == self.goal_id or goal_id in self.also_goal_ids


@dataclass(frozen=True)
class RoundFacts:
    """An evaluation round of the current year."""

    id: int
    number: int
    due: date
    submitted: bool


@dataclass(frozen=True)
class StatementFacts:
    """One statement of the promise text: whose text it is in, its number there, its words,
    and the activities named as backing it."""

    party: str
    number: int
    text: str
    activity_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class AnalysisUpdateFacts:
    """Which parts of a later year's analysis update are written (seed 004: the analysis and
    the priorities are updated from the results)."""

    survey_results: bool = False
    situation_picture: bool = False
    priorities: bool = False


@dataclass(frozen=True)
class PromiseSnapshot:
    """Everything the exit criteria of the current stage need to know about one promise."""

    stage: Stage
    term_start: date
    term_end: date
    cycle_year: int
    term_years: int
    today: date
    dialogues: tuple[DialogueFacts, ...] = ()
    situation_pictures_by: frozenset[Party] = frozenset()
    problems: tuple[ProblemFacts, ...] = ()
    goals: tuple[GoalFacts, ...] = ()
    activities: tuple[ActivityFacts, ...] = ()
    signed_by: frozenset[Party] = frozenset()
    # A party of two organisations (a city district split between two police areas) signs
    # once for each: the names of those still to sign, by party.
    unsigned_organisations: dict[Party, tuple[str, ...]] = field(default_factory=dict)
    has_promise_text: bool = False
    # Who promises something in this year's text: police, municipality, joint.
    promised_by: frozenset[str] = frozenset()
    # This year's text statement by statement, with the activities backing each.
    statements: tuple[StatementFacts, ...] = ()
    rounds: tuple[RoundFacts, ...] = ()
    compilation_approved: bool = False
    mandatory_area_ids: frozenset[str] = field(default_factory=frozenset)
    # How the municipal party is named in the criteria: "Kommunen", a city district's
    # council ("Stadsdelsnämnden"), Region Gotland by its name; said in the sentence's language.
    municipality_word: Sayable = KOMMUNEN
    area_names: dict[str, str] = field(default_factory=dict)
    # The areas of the city's frame the situation pictures must speak to, and those they do
    # (with a note, or "ej aktuellt här" with a reason).
    frame_area_ids: tuple[str, ...] = ()
    frame_areas_addressed: frozenset[str] = frozenset()
    # This cycle year's update of the analysis (years 2 and later of a multi-year term).
    analysis_update: AnalysisUpdateFacts | None = None

    @property
    def current_year_end(self) -> date:
        """Last day of the current cycle year of the term."""
        return cycle_year_bounds(self.term_start, self.cycle_year)[1]

    @property
    def selected_problems(self) -> tuple[ProblemFacts, ...]:
        """The problems chosen as focus areas."""
        return tuple(p for p in self.problems if p.selected)
