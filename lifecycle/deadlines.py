"""Every deadline of a promise's term, from its calendar rules (pure: no database).

A stage's deadline is a date relative to an anchor of the term (its start or end, or the
start or end of a cycle year) plus an offset. Year one runs the whole cycle; a later year of
a multi-year term starts again at the action plan, so only the stages from the action plan
on have deadlines in it (``next_years`` may give them their own rules). Every evaluation
round of every year has its own deadline. Every date is moved to the previous working day
when it falls on a weekend or a Swedish holiday.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from lifecycle.calendar import previous_working_day
from lifecycle.i18n import translate
from lifecycle.reminders import ReminderLadder
from lifecycle.rounds import EvaluationRule, due_after_cut_off, nominal_round_dates
from lifecycle.stages import CYCLE, Stage
from lifecycle.term import cycle_year_bounds, term_end

# An evaluation round by its number, for people (English in the catalogue).
ROUND = "Uppföljning {number}"

Anchor = Literal["term_start", "term_end", "year_start", "year_end"]
ANCHORS: tuple[str, ...] = ("term_start", "term_end", "year_start", "year_end")

KIND_STAGE = "stage"
KIND_ROUND = "evaluation_round"

# The stages a later year of a multi-year term goes through (it returns to the action plan).
LATER_YEAR_STAGES: tuple[Stage, ...] = (
    Stage.ACTION_PLAN,
    Stage.CONTINUOUS_EVALUATION,
    Stage.YEAR_END_COMPILATION,
)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month (31 Jan + 1 → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate_day in range(day.day, 27, -1):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


@dataclass(frozen=True)
class DueRule:
    """When a stage is due: an anchor of the term and an offset from it (negative: before)."""

    anchor: str = "term_start"
    days: int = 0
    weeks: int = 0
    months: int = 0

    def nominal(self, term_start: date, term_years: int, cycle_year: int) -> date:
        """The date before moving to a working day, for ``cycle_year`` of the term."""
        first, last = cycle_year_bounds(term_start, cycle_year)
        anchors = {
            "term_start": term_start,
            "term_end": term_end(term_start, term_years),
            "year_start": first,
            "year_end": last,
        }
        try:
            base = anchors[self.anchor]
        except KeyError:
            raise ValueError(
                f"unknown anchor {self.anchor!r}; known: {', '.join(ANCHORS)}"
            ) from None
        return add_months(base, self.months) + timedelta(days=self.days + 7 * self.weeks)


@dataclass(frozen=True, kw_only=True)
class CalendarRules:
    """A promise's effective calendar: stage rules, rhythm, reminder ladder and escalation.

    Nothing here has a default: every value comes from the calendar (``config/calendar.yaml``
    and its overrides, read by ``config/calendar.py``), the one home of each of them.
    """

    stages: Mapping[Stage, DueRule]
    next_years: Mapping[Stage, DueRule]
    evaluation: EvaluationRule
    ladder: ReminderLadder
    # (month, day) of the last cycle year on which the next cycle opens (lifecycle.renewal).
    renewal: tuple[int, int]

    def rule_for(self, stage: Stage, cycle_year: int) -> DueRule | None:
        """The rule of ``stage`` in ``cycle_year`` (None: that stage has no deadline then)."""
        if cycle_year == 1:
            return self.stages.get(stage)
        if stage not in LATER_YEAR_STAGES:
            return None
        return self.next_years.get(stage) or self.stages.get(stage)


@dataclass(frozen=True)
class PlannedDeadline:
    """One deadline as the calendar says it should be; ``key`` identifies it across syncs."""

    kind: str
    stage: Stage
    cycle_year: int
    ref: str
    nominal: date
    due: date

    @property
    def key(self) -> tuple[str, str, int, str]:
        """(kind, stage, cycle year, ref): the same deadline keeps the same key when it moves."""
        return (self.kind, self.stage.value, self.cycle_year, self.ref)

    @property
    def round_number(self) -> int | None:
        """The evaluation round's number for a round deadline (ref ``round:N``), else None."""
        if self.kind != KIND_ROUND:
            return None
        return int(self.ref.split(":", 1)[1])


def round_ref(number: int) -> str:
    """The ``ref`` of evaluation round ``number``'s deadline."""
    return f"round:{number}"


def plan_deadlines(
    term_start: date, term_years: int, rules: CalendarRules
) -> list[PlannedDeadline]:
    """Every deadline of the term, year by year in cycle order (rounds before the compilation)."""
    planned: list[PlannedDeadline] = []
    for year in range(1, term_years + 1):
        for stage in CYCLE:
            if stage is Stage.CONTINUOUS_EVALUATION:
                cut_offs = nominal_round_dates(term_start, year, rules.evaluation)
                for number, cut_off in enumerate(cut_offs, 1):
                    nominal, due = due_after_cut_off(cut_off, rules.evaluation)
                    planned.append(
                        PlannedDeadline(KIND_ROUND, stage, year, round_ref(number), nominal, due)
                    )
            rule = rules.rule_for(stage, year)
            if rule is None:
                continue
            nominal = rule.nominal(term_start, term_years, year)
            planned.append(
                PlannedDeadline(KIND_STAGE, stage, year, "", nominal, previous_working_day(nominal))
            )
    return planned


def past_stage_deadlines(
    term_start: date, term_years: int, rules: CalendarRules, today: date
) -> list[PlannedDeadline]:
    """The first year's stage deadlines that are already behind ``today`` (a late start)."""
    return [
        d
        for d in plan_deadlines(term_start, term_years, rules)
        if d.kind == KIND_STAGE and d.cycle_year == 1 and d.due < today
    ]


def position(stage: Stage, cycle_year: int) -> tuple[int, int]:
    """Where a promise (or a deadline) stands in its term, comparable across years."""
    return (cycle_year, stage.position)


def stage_passed(promise_stage: Stage, promise_year: int, stage: Stage, cycle_year: int) -> bool:
    """Whether a promise at (``promise_stage``, ``promise_year``) is past ``stage`` of that year.

    A closed promise is past everything. Going back to an earlier stage makes the stages after
    it "not passed" again, so their deadlines reopen.
    """
    if promise_stage is Stage.CLOSED:
        return True
    return position(promise_stage, promise_year) > position(stage, cycle_year)


def what_is_due(
    kind: str, stage: Stage, ref: str, cycle_year: int, term_years: int, language: str
) -> str:
    """What a deadline is about, for people: ``Uppföljning 2`` / ``Action plan (year 2)``."""
    if kind == KIND_ROUND:
        text = translate(ROUND, language, number=ref.split(":", 1)[1])
    else:
        text = stage.name_in(language)
    if term_years > 1:
        text += translate(" (år {year})", language, year=cycle_year)
    return text
