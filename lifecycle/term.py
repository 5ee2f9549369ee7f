"""Term arithmetic: a promise runs 1 to 4 years, counted in cycle years from its start date."""

from __future__ import annotations

from datetime import date

MIN_TERM_YEARS = 1
MAX_TERM_YEARS = 4


def term_end(term_start: date, years: int) -> date:
    """Last day of a term of ``years`` years starting on ``term_start``."""
    if not MIN_TERM_YEARS <= years <= MAX_TERM_YEARS:
        raise ValueError(f"a promise runs {MIN_TERM_YEARS} to {MAX_TERM_YEARS} years, not {years}")
    try:
        anniversary = term_start.replace(year=term_start.year + years)
    except ValueError:  # term starting on 29 February
        anniversary = term_start.replace(year=term_start.year + years, day=28)
    return date.fromordinal(anniversary.toordinal() - 1)


def cycle_year_bounds(term_start: date, cycle_year: int) -> tuple[date, date]:
    """First and last day of cycle year ``cycle_year`` (1-based) of a term."""
    first = (
        term_start
        if cycle_year == 1
        else date.fromordinal(term_end(term_start, cycle_year - 1).toordinal() + 1)
    )
    return first, term_end(term_start, cycle_year)
