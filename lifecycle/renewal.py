"""When the next cycle of a promise opens: on a renewal date before its term ends (pure).

The next year's promise is worked out in the autumn while this year's follow-up still runs
(shared/domain.md, "Calendar"; Sollentuna renewed in December for the coming year, the police
region planned "inför 2022 och 2023"). So the successor of a promise opens on the renewal day
of its last cycle year (``renewal`` in the calendar: ``config/calendar.yaml``, per region), in
parallel with the follow-up and the compilation, never a month into its own term.
"""

from __future__ import annotations

from datetime import date

from lifecycle.stages import Stage
from lifecycle.term import cycle_year_bounds


def renewal_date(term_start: date, term_years: int, month_day: tuple[int, int]) -> date:
    """The renewal day of the term's last cycle year: that month-day on or before its end.

    A term ending 31 December 2026 renews on 1 September 2026; one ending 30 June 2027 on
    1 September 2026 (the last month-day before the end), but never before the last year starts.
    """
    first, last = cycle_year_bounds(term_start, term_years)
    month, day = month_day
    candidate = date(last.year, month, day)
    if candidate > last:
        candidate = date(last.year - 1, month, day)
    return max(candidate, first)


def renewal_is_due(
    *,
    stage: Stage,
    cycle_year: int,
    term_start: date,
    term_years: int,
    month_day: tuple[int, int],
    today: date,
) -> bool:
    """Whether a promise without a successor should have its next cycle opened today."""
    if stage is Stage.CLOSED or cycle_year != term_years:
        return False
    return today >= renewal_date(term_start, term_years, month_day)
