"""Plausibility of the dates people record, against the promise's term and today (pure).

A date outside the term by more than a margin is almost always a typo (2062 for 2026) or a
record filed on the wrong promise; a measurement or a dialogue "held" in the future is not a
result yet. Each check returns the sentence that says what is wrong and how to fix it, or None.
"""

from __future__ import annotations

from datetime import date, timedelta

from lifecycle.i18n import Phrase

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
) -> Phrase | None:
    """What is wrong with ``value`` for the field ``name`` (a sentence to say in either
    language), or None when it is plausible."""
    term = {"name": name, "value": value, "start": term_start, "end": term_end}
    if not_in_future and value > today:
        return Phrase(
            "{name} {value} ligger i framtiden (i dag är det {today}); registrera det när det "
            "har hänt, med den dag det hände",
            {**term, "today": today},
        )
    earliest, latest = term_start - before, term_end + after
    if value < earliest:
        return Phrase(
            "{name} {value} ligger långt före löftets period ({start} till {end}); det "
            "tidigaste som godtas är {limit}. Kontrollera året, eller registrera det på rätt löfte",
            {**term, "limit": earliest},
        )
    if value > latest:
        return Phrase(
            "{name} {value} ligger efter löftets period ({start} till {end}); det senaste som "
            "godtas är {limit}. Kontrollera året, eller registrera det på rätt löfte",
            {**term, "limit": latest},
        )
    return None


def round_period_start(year_start: date, earlier_due: list[date]) -> date:
    """First day of an evaluation round's period: the day after the previous round's due date."""
    return max(earlier_due) + timedelta(days=1) if earlier_due else year_start
