"""Plausibility of the dates people record, against the promise's term and today (pure).

A date outside the term by more than a margin is almost always a typo (2062 for 2026) or a
record filed on the wrong promise; a measurement or a dialogue "held" in the future is not a
result yet. Each check returns the sentence that says what is wrong and how to fix it, or None.
"""

from __future__ import annotations

from datetime import date, timedelta

# Dialogues and situation pictures of a new promise are made the autumn before its term starts;
# a year and a half covers a spring dialogue before an autumn renewal.
BEFORE_TERM = timedelta(days=550)
# Activities may be prepared before the term and finished a little after it; follow-up values
# of the last round may be measured in the month after the year ends.
AFTER_TERM = timedelta(days=92)


def date_problem(
    name: str,
    value: date,
    *,
    term_start: date,
    term_end: date,
    today: date,
    not_in_future: bool = False,
    before: timedelta = BEFORE_TERM,
    after: timedelta = AFTER_TERM,
) -> str | None:
    """What is wrong with ``value`` for the field ``name``, or None when it is plausible."""
    if not_in_future and value > today:
        return (
            f"{name} {value} is in the future (today is {today}); record it once it has "
            "happened, with the day it happened"
        )
    earliest, latest = term_start - before, term_end + after
    if value < earliest:
        return (
            f"{name} {value} is long before the promise's term ({term_start} to {term_end}); "
            f"the earliest accepted is {earliest}. Check the year, or record it on the right promise"
        )
    if value > latest:
        return (
            f"{name} {value} is after the promise's term ({term_start} to {term_end}); "
            f"the latest accepted is {latest}. Check the year, or record it on the right promise"
        )
    return None


def round_period_start(year_start: date, earlier_due: list[date]) -> date:
    """First day of an evaluation round's period: the day after the previous round's due date."""
    return max(earlier_due) + timedelta(days=1) if earlier_due else year_start
