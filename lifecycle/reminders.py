"""The reminder ladder of a deadline: which step is due on a day, and when escalation starts.

Steps are counted in Swedish working days: the ladder (its one home is ``reminders`` and
``escalation`` in ``config/calendar.yaml``) names the working days before a deadline to remind
on, those after it has passed, and when it is escalated to the region's coordinators. Every trigger day is a working
day, so nobody is reminded on a Sunday or midsummer eve.

The reminder scan asks for the *current* step on a day, the latest whose trigger day has
come. If the scan did not run for a few days (downtime) the latest step is sent once, not
every step that was missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from lifecycle.calendar import add_working_days

BEFORE = "before"
AFTER = "after"
ESCALATION = "escalation"


@dataclass(frozen=True)
class ReminderLadder:
    """Working days before (``before``) and after (``after``) a deadline to remind on.

    ``escalate_after``: working days late when the deadline also goes to the roles in
    ``escalate_to`` (None: never escalate).
    """

    before: tuple[int, ...]
    after: tuple[int, ...]
    escalate_after: int | None
    escalate_to: tuple[str, ...]


@dataclass(frozen=True)
class LadderStep:
    """One step of a deadline's ladder: ``code`` (e.g. ``before:7``) and its trigger day."""

    kind: str
    offset: int
    trigger: date

    @property
    def code(self) -> str:
        """Stable name of the step within the ladder, e.g. ``before:14``, ``escalation:5``."""
        return f"{self.kind}:{self.offset}"

    @property
    def escalates(self) -> bool:
        """Whether this step goes to the escalation roles as well."""
        return self.kind == ESCALATION


@lru_cache(maxsize=8192)
def ladder_steps(due: date, ladder: ReminderLadder) -> tuple[LadderStep, ...]:
    """Every step of the ladder for a deadline on ``due``, in trigger order.

    Two steps on the same day keep only the later in the ladder (escalation wins over an
    after-reminder on the same day), so one day never gives one deadline two messages.
    """
    steps = [LadderStep(BEFORE, n, add_working_days(due, -n)) for n in ladder.before if n > 0]
    steps += [LadderStep(AFTER, n, add_working_days(due, n)) for n in ladder.after if n > 0]
    if ladder.escalate_after is not None and ladder.escalate_after > 0:
        steps.append(
            LadderStep(
                ESCALATION, ladder.escalate_after, add_working_days(due, ladder.escalate_after)
            )
        )
    order = {BEFORE: 0, AFTER: 1, ESCALATION: 2}
    steps.sort(key=lambda s: (s.trigger, order[s.kind]))
    by_day: dict[date, LadderStep] = {}
    for step in steps:
        by_day[step.trigger] = step
    # Cached: the scan asks for the same (due, ladder) pairs over and over.
    return tuple(sorted(by_day.values(), key=lambda s: s.trigger))


def current_step(due: date, ladder: ReminderLadder, today: date) -> LadderStep | None:
    """The latest step whose trigger day is ``today`` or earlier (None: none has come yet)."""
    latest = None
    for step in ladder_steps(due, ladder):
        if step.trigger <= today:
            latest = step
    return latest


def next_trigger(due: date, ladder: ReminderLadder, today: date) -> date | None:
    """The first trigger day after ``today`` (None: the ladder is finished)."""
    for step in ladder_steps(due, ladder):
        if step.trigger > today:
            return step.trigger
    return None


def first_trigger(due: date, ladder: ReminderLadder) -> date | None:
    """The trigger day of the ladder's first step (None: an empty ladder)."""
    steps = ladder_steps(due, ladder)
    return steps[0].trigger if steps else None
