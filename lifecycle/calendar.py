"""The Swedish working-day calendar: which days are working days, and counting in them.

Public holidays come from the maintained ``holidays`` library, never a hand-written list. Its
``Sweden`` calendar keeps midsummer eve, Christmas eve and New Year's eve in the ``de_facto``
category (they are not holidays in law, SFS 1989:253, but nobody works on them), so both
categories are asked for. Sundays are counted as weekend days here, not taken from the
library (whose ``include_sundays`` default has changed between versions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from lifecycle.i18n import translate

# Categories that make a day non-working. "de_facto" holds the three eves (midsummer,
# Christmas, New Year's); "public" the holidays of the law.
_CATEGORIES = ("public", "de_facto")


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    # One calendar per year, cached: building one costs ~0.2 ms, asking it a million times
    # (the benchmark's 10,000 promises) would otherwise dominate the reminder scan.
    calendar = holidays.country_holidays(
        "SE", years=year, categories=_CATEGORIES, include_sundays=False
    )
    return frozenset(calendar.keys())


def holiday_name(day: date) -> str | None:
    """The Swedish name of the holiday on ``day`` (None when it is none)."""
    calendar = holidays.country_holidays(
        "SE", years=day.year, categories=_CATEGORIES, include_sundays=False, language="sv"
    )
    return calendar.get(day)


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a Swedish working day: Monday to Friday and no (de facto) holiday."""
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def previous_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the nearest working day before it.

    This is the domain's rule for deadlines: one that falls on a weekend or holiday moves to
    the working day before (a reminder nobody reads on midsummer eve helps no one).
    """
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the nearest working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """The working day ``count`` working days after ``day`` (before it when negative).

    ``count == 0`` gives ``day`` itself, moved back to a working day if it is none.
    """
    if count == 0:
        return previous_working_day(day)
    step = 1 if count > 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days from ``start`` to ``end``: positive when ``end`` is later, else negative.

    Counts the working days in (start, end] (or [end, start) negated), so a deadline on the
    next working day is 1 away and the working day after a deadline is 1 late.
    """
    if start == end:
        return 0
    if min(start, end).year <= _ORIGIN_YEAR:
        return _walk_working_days(start, end)
    if end > start:
        return _weekdays_through(end) - _weekdays_through(start)
    one = timedelta(days=1)
    return _weekdays_through(end - one) - _weekdays_through(start - one)


def _walk_working_days(start: date, end: date) -> int:
    # Day by day: the definition itself, kept for days before the arithmetic's origin.
    sign = 1 if end > start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    count = 0
    day = low + timedelta(days=1) if sign > 0 else low
    last = high if sign > 0 else high - timedelta(days=1)
    while day <= last:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return sign * count


# The arithmetic counts holidays from this year on; no deadline of Löfte lies before it.
_ORIGIN_YEAR = 2000


def _weekdays_through(day: date) -> int:
    # The working days from a fixed origin up to and including ``day``, counted by arithmetic
    # (whole weeks, then the weekdays of the last part week, less the weekday holidays of the
    # years before): walking day by day cost a page listing 90 deadlines some 60 ms, as each
    # open deadline years ahead walked a thousand days.
    ordinal = day.toordinal()  # date(1, 1, 1), a Monday, is 1
    weeks, rest = divmod(ordinal, 7)
    weekdays = 5 * weeks + min(rest, 5)
    return (
        weekdays
        - _weekday_holidays_before(day.year)
        - sum(1 for h in _holidays_of(day.year) if h <= day and h.weekday() < 5)
    )


@lru_cache(maxsize=256)
def _weekday_holidays_before(year: int) -> int:
    # The weekday holidays of the years from the origin up to (not including) ``year``: only
    # differences are used, so the origin cancels out for any two days from it on.
    if year <= _ORIGIN_YEAR:
        return 0
    return _weekday_holidays_before(year - 1) + sum(
        1 for h in _holidays_of(year - 1) if h.weekday() < 5
    )


# The months' and weekdays' names in Swedish; their English is in the catalogue.
_MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
_DAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def format_day(day: date, language: str) -> str:
    """``fredag 19 juni 2026`` / ``Friday 19 June 2026`` (independent of the system locale)."""
    weekday = translate(_DAYS[day.weekday()], language)
    return f"{weekday} {long_day(day, language)}"


def long_day(day: date, language: str = "sv") -> str:
    """``19 juni 2026`` / ``19 June 2026``: a date as a sentence says it, the one home for it
    (pages, public texts, documents, mails; an ISO date belongs in a table or an input)."""
    return f"{day.day} {translate(_MONTHS[day.month - 1], language)} {day.year}"


@dataclass(frozen=True)
class LongDay:
    """A day as a value of a sentence: said as ``long_day`` in the sentence's language."""

    day: date

    def said(self, language: str) -> str:
        """``15 september 2026`` / ``15 September 2026``."""
        return long_day(self.day, language)
