"""The demo's words that follow from its figures: the safety survey series, what residents are
told after a round, the year-end summary read off the goals' own indicator values.

Derived, not written by hand, so that no text can contradict the table beside it (issue 25: a
summary said "Narkotikabrotten minskade" where the indicator had not moved)."""

from __future__ import annotations

from dataclasses import dataclass

from lifecycle.goals import goal_met
from lifecycle.words import number

SURVEY_QUESTIONS = ("Otrygg ute sent på kvällen i området", "Avstår från aktiviteter av otrygghet")
SURVEY_SOURCE = "Polisregion Stockholms trygghetsmätning"
FIRST_SURVEY_YEAR = 2024


def survey_value(index: int, year: int, question: int) -> int:
    """The share (%) of the area's residents answering ``question`` in ``year``'s survey:
    each area its own level between 17 and 45 % (``index``: its place in the demo; 11 and 29
    are coprime, so no two of 29 areas share one), falling a point a year."""
    base = 17 + (index * 11) % 29 - 6 * question
    return base - (year - FIRST_SURVEY_YEAR)


def survey_sentence(index: int, year: int) -> str:
    """The survey's two figures for the area in ``year``, as the dialogue quotes them."""
    unsafe, avoid = (survey_value(index, year, q) for q in range(len(SURVEY_QUESTIONS)))
    return (
        f"Trygghetsmätningen {year}: {unsafe} % känner sig otrygga ute sent på kvällen i "
        f"området och {avoid} % avstår från aktiviteter av otrygghet."
    )


def listed(items: list[str]) -> str:
    """Swedish enumeration: "a, b och c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


SEASONS = {1: "under våren", 2: "under sommaren", 3: "under hösten"}


def round_feedback(round_number: int, done: list[str], not_done: list[str]) -> str:
    """What residents are told after a round (tertial): what was done, what was not and why.
    It never repeats the round's heading; the page already shows which round it is."""
    season = SEASONS.get(round_number, f"under tertial {round_number}")
    text = f"Det här har hänt {season}: {'; '.join(done)}." if done else ""
    if not_done:
        text += " Det här blev inte gjort: " + " ".join(not_done)
    return text.strip() or f"Arbetet har fortsatt {season} enligt planen."


@dataclass(frozen=True)
class GoalOutcome:
    """A goal's indicator at the start and as last reported in the year."""

    indicator: str
    unit: str
    baseline: float
    target: float
    last: float | None

    @property
    def reached(self) -> bool:
        """Whether the last value reached the target (in the target's direction)."""
        return bool(goal_met(self.baseline, self.target, self.last))


def behind(goals: list[GoalOutcome]) -> list[str]:
    """The indicators (lower case, as in a sentence) of the goals not reached."""
    return [g.indicator[:1].lower() + g.indicator[1:] for g in goals if not g.reached]


def direction_word(baseline: float, last: float) -> str:
    """The verb the summary uses for an indicator going from ``baseline`` to ``last``."""
    if last < baseline:
        return "minskade"
    if last > baseline:
        return "ökade"
    return "låg kvar"


def _figure(value: float, unit: str) -> str:
    return f"{number(value)} %" if unit == "procent" else number(value)


def _outcome_sentence(goal: GoalOutcome) -> str:
    if goal.last is None:
        return f"{goal.indicator}: inga mätvärden rapporterades under året."
    verb = direction_word(goal.baseline, goal.last)
    start, end = _figure(goal.baseline, goal.unit), _figure(goal.last, goal.unit)
    moved = f"på {start}" if verb == "låg kvar" else f"från {start} till {end}"
    aim = _figure(goal.target, goal.unit)
    verdict = f"målet {aim} nåddes" if goal.reached else f"målet var {aim}"
    return f"{goal.indicator} {verb} {moved} ({verdict})."


def year_summary(area: str, places: list[str], goals: list[GoalOutcome]) -> str:
    """The year-end summary: where the work was done, then each goal as its values say."""
    where = f"Arbetet i {area} samlades kring {listed(places)}." if places else ""
    return " ".join([where, *(_outcome_sentence(g) for g in goals)]).strip()


def next_year_plan(goals: list[GoalOutcome], activities: list[str]) -> str:
    """What the coming year keeps and changes: the goals not reached get the work again."""
    keep = f"Behåll {listed([a[:1].lower() + a[1:] for a in activities])}."
    if not (missed := behind(goals)):
        return keep + " Alla mål nåddes; styrgruppen prövar nya mål i nästa analys."
    return keep + f" Förstärk arbetet där målen inte nåddes: {listed(missed)}."
