"""When the evaluation rounds of a cycle year fall due, from the local rhythm.

A rhythm is tertial (every four months), quarterly, half-yearly, yearly or explicit dates; a
promise's comes from its calendar (the default's one home is ``config/calendar.yaml``). Every
due date is a Swedish working day: one that falls on a weekend or a holiday moves to the
working day before, as every other deadline does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lifecycle.calendar import add_working_days, previous_working_day
from lifecycle.i18n import InvalidValue
from lifecycle.term import cycle_year_bounds

RHYTHM_MONTHS = {"tertial": 4, "quarterly": 3, "half_yearly": 6, "yearly": 12}
EXPLICIT = "explicit"
RHYTHMS = (*RHYTHM_MONTHS, EXPLICIT)

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class EvaluationRule:
    """The evaluation rhythm of a promise: a named rhythm, or explicit month-days.

    ``dates`` holds ``"MM-DD"`` strings (e.g. ``"04-30"``) used with ``rhythm="explicit"``;
    each names the day of the cycle year a round is due, whatever calendar year that is.
    """

    rhythm: str
    dates: tuple[str, ...] = ()
    # Rounds are due this many working days after each period's cut-off (0: on the cut-off):
    # a report on the period ending 30 April cannot be written on 30 April.
    due_after_working_days: int = 0


def parse_month_day(text: str) -> tuple[int, int]:
    """``"MM-DD"`` as (month, day); ValueError naming the problem. 29 February is refused."""
    match = _MONTH_DAY.match(text)
    if not match:
        raise InvalidValue("{text!r} är inte en månad-dag som 04-30", text=text)
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2001, month, day)  # a common year: 02-29 does not exist every year
    except ValueError:
        raise InvalidValue("{text!r} är inte en dag som finns varje år", text=text) from None
    return month, day


def _last_day_of_month_offset(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    first_next = date(year, month, 1)
    return date.fromordinal(first_next.toordinal() - 1)


def _explicit_dates(first: date, last: date, dates: tuple[str, ...]) -> list[date]:
    dues = []
    for text in dates:
        month, day = parse_month_day(text)
        candidate = date(first.year, month, day)
        if candidate < first:  # a cycle year starting mid-year wraps into the next year
            candidate = date(first.year + 1, month, day)
        if candidate <= last:
            dues.append(candidate)
    return sorted(set(dues))


def nominal_round_dates(
    term_start: date, cycle_year: int, rule: EvaluationRule | str
) -> list[date]:
    """The rounds' dates before moving to working days: the end of each rhythm period.

    A year starting 1 January with a tertial rhythm gives 30 April, 31 August, 31 December.
    """
    if isinstance(rule, str):
        rule = EvaluationRule(rhythm=rule)
    first, last = cycle_year_bounds(term_start, cycle_year)
    if rule.rhythm == EXPLICIT:
        if not rule.dates:
            raise ValueError("evaluation rhythm 'explicit' needs at least one date (MM-DD)")
        return _explicit_dates(first, last, rule.dates)
    try:
        months = RHYTHM_MONTHS[rule.rhythm]
    except KeyError:
        known = ", ".join(RHYTHMS)
        raise ValueError(f"unknown evaluation rhythm {rule.rhythm!r}; known: {known}") from None
    period_start = date(first.year, first.month, 1)
    return [
        min(_last_day_of_month_offset(period_start, n * months), last)
        for n in range(1, 12 // months + 1)
    ]


def due_after_cut_off(cut_off: date, rule: EvaluationRule) -> tuple[date, date]:
    """(nominal, due) of the round whose period ends on ``cut_off``: the cut-off itself moved
    to the previous working day, or, with ``due_after_working_days``, that many working days
    after it (a working day already, so nominal and due are the same)."""
    if rule.due_after_working_days:
        due = add_working_days(cut_off, rule.due_after_working_days)
        return due, due
    return cut_off, previous_working_day(cut_off)


def round_due_dates(term_start: date, cycle_year: int, rule: EvaluationRule | str) -> list[date]:
    """Due dates of the rounds of one cycle year, in order; round ``n`` is item ``n - 1``.

    ``rule`` is an EvaluationRule (from the promise's calendar, see
    ``effects.deadlines.evaluation_rule_for``) or a rhythm name. Each date is the end of a period
    of the rhythm (or an explicit date), moved to the previous working day when it falls on a
    weekend or holiday: a tertial year starting 1 January gives 30 April, 31 August and
    30 December (31 December is New Year's eve). With ``due_after_working_days`` each round is
    due that many working days after its period's cut-off instead (Stockholm: ten working days
    after 30 April and 31 August, the last period folded into the year-end compilation by
    leaving its cut-off out of the explicit dates).
    """
    if isinstance(rule, str):
        rule = EvaluationRule(rhythm=rule)
    cut_offs = nominal_round_dates(term_start, cycle_year, rule)
    return [due_after_cut_off(d, rule)[1] for d in cut_offs]
