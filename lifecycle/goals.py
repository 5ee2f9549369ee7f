"""Whether a goal was met: the last indicator value against baseline and target."""

from __future__ import annotations

from datetime import date


def goal_met(baseline: float | None, target: float | None, last: float | None) -> bool | None:
    """True/False when it can be told, None when a value, the target or the direction is unknown.

    The direction comes from baseline and target: a target below the baseline means "lower is
    better" (fewer robberies), above it "higher is better" (more people leaving crime).
    """
    if target is None or last is None:
        return None
    if baseline is None or baseline == target:
        return last == target if baseline is None else None
    return last <= target if target < baseline else last >= target


# How a goal stands on a given day, judged by its target date (issue 22): a two-year goal is
# not "not reached" after its first year.
REACHED, ON_THE_WAY, NOT_REACHED, UNKNOWN = "reached", "on_the_way", "not_reached", "unknown"


def distance_covered(baseline: float | None, target: float | None, last: float | None) -> float:
    """The share (0–1) of the way from baseline to target that the last value has covered.

    A value that moved the wrong way has covered nothing (0); one beyond the target all (1).
    """
    if baseline is None or target is None or last is None or baseline == target:
        return 0.0
    share = (last - baseline) / (target - baseline)
    return round(min(1.0, max(0.0, share)), 2)


def judge_goal(
    baseline: float | None,
    target: float | None,
    last: float | None,
    target_date: date,
    today: date,
) -> tuple[str, float | None]:
    """(status, share of the distance covered) of a goal on ``today``.

    ``reached`` when the last value meets the target; ``not_reached`` only once the target
    date has passed without it; before that ``on_the_way`` with the share covered so far;
    ``unknown`` while there is no value (or no direction) to judge by.
    """
    met = goal_met(baseline, target, last)
    if met is True:
        return REACHED, 1.0
    if met is None:
        return UNKNOWN, None  # no value measured (or no direction): nothing to judge by
    if today > target_date:
        return NOT_REACHED, distance_covered(baseline, target, last)
    return ON_THE_WAY, distance_covered(baseline, target, last)
