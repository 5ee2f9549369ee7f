"""When the evaluation rounds of a cycle year fall due, from the local rhythm.

Default rhythm is tertial (every four months); quarterly and explicit dates are the others.
"""

from __future__ import annotations

from datetime import date

from lifecycle.term import cycle_year_bounds

RHYTHM_MONTHS = {"tertial": 4, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def _last_day_of_month_offset(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    first_next = date(year, month, 1)
    return date.fromordinal(first_next.toordinal() - 1)


def round_due_dates(term_start: date, cycle_year: int, rhythm: str = "tertial") -> list[date]:
    """Due dates of the rounds of one cycle year: the end of each period of the rhythm.

    A year starting 1 January with a tertial rhythm gives 30 April, 31 August, 31 December.
    """
    try:
        months = RHYTHM_MONTHS[rhythm]
    except KeyError:
        known = ", ".join(RHYTHM_MONTHS)
        raise ValueError(f"unknown evaluation rhythm {rhythm!r}; known: {known}") from None
    first, last = cycle_year_bounds(term_start, cycle_year)
    period_start = date(first.year, first.month, 1)
    dues = []
    for n in range(1, 12 // months + 1):
        due = min(_last_day_of_month_offset(period_start, n * months), last)
        dues.append(due)
    return dues
