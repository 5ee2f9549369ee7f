"""What residents are told about where a promise stands (pure: no database).

The method's core failure is residents never told (BRÅ 2018, 2023): a follow-up that did not
come must read as exactly that, not as "Pågår". Every report a promise owes residents (each
evaluation round, each year-end result) has a due date and, once made, the day it was
reported; from these and today this module says what is overdue, what was reported late and
what comes next. The words are built elsewhere (``application/public.py``, the templates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

ROUND = "round"
YEAR_END = "year_end"


@dataclass(frozen=True)
class Report:
    """One report the promise owes: a round (``number``) or a year-end result of ``year``."""

    kind: str
    year: int
    number: int | None
    due: date
    reported_on: date | None

    def as_dict(self, today: date) -> dict[str, Any]:
        """The report as open data: due date, the day it was reported, and whether it is late."""
        return {
            "kind": self.kind,
            "year": self.year,
            "round": self.number,
            "due": self.due.isoformat(),
            "reported_on": self.reported_on.isoformat() if self.reported_on else None,
            "late": is_late(self, today),
        }


def is_late(report: Report, today: date) -> bool:
    """Reported after its due date, or not reported and its due date has passed."""
    if report.reported_on is not None:
        return report.reported_on > report.due
    return report.due < today


@dataclass(frozen=True)
class PublicState:
    """Where a promise stands for residents on ``today``."""

    starts_on: date | None  # set while the term has not begun
    overdue: tuple[Report, ...]  # due, not reported
    reported_late: tuple[Report, ...]  # reported after the due date
    next_due: Report | None  # the next report not yet due
    closed: bool
    rounds_done: int
    rounds_planned: int

    @property
    def late(self) -> bool:
        """Something residents were promised has not come on time (and still has not)."""
        return bool(self.overdue)


def public_state(
    term_start: date,
    closed: bool,
    current_year: int,
    reports: list[Report],
    today: date,
) -> PublicState:
    """The state residents see, from the promise's reports (any order) and today."""
    ordered = sorted(reports, key=lambda r: (r.due, r.kind, r.number or 0))
    overdue = tuple(r for r in ordered if r.reported_on is None and r.due < today)
    late = tuple(r for r in ordered if r.reported_on is not None and r.reported_on > r.due)
    upcoming = [r for r in ordered if r.reported_on is None and r.due >= today]
    this_year = [r for r in ordered if r.kind == ROUND and r.year == current_year]
    return PublicState(
        starts_on=term_start if today < term_start else None,
        overdue=overdue,
        reported_late=late,
        next_due=None if closed or not upcoming else upcoming[0],
        closed=closed,
        rounds_done=sum(1 for r in this_year if r.reported_on is not None),
        rounds_planned=len(this_year),
    )


# Units that are not counts of people or events: a share, a rate, an index, money.
_NOT_COUNTS = ("%", "procent", "andel", "index", "kr", "promille", "poäng", "per 1", "/")


def is_count(unit: str) -> bool:
    """Whether an indicator's unit counts people or events ("antal", "personer", "adresser"),
    the figures that small-count suppression protects; shares and rates are not counts."""
    text = unit.casefold()
    return not any(word in text for word in _NOT_COUNTS)


def shown_count(value: float | None, unit: str, threshold: int) -> dict[str, Any]:
    """A figure as residents may see it: ``{"value": 12}``, or for a count under the
    threshold ``{"value": None, "below": 5}`` (read "färre än 5")."""
    if value is not None and threshold and is_count(unit) and value < threshold:
        return {"value": None, "below": threshold}
    return {"value": value}
