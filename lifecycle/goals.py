"""Whether a goal was met: the last indicator value against baseline and target."""

from __future__ import annotations


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
