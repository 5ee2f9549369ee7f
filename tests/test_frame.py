"""Issue 22: true to Stockholm's frame (docs/method.md), on SQLite and PostgreSQL. Each test
names the seed passage (../shared/seeds/) behind the rule it holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from application.transitions import advance_promise
from lifecycle.goals import judge_goal
from lifecycle.stages import CYCLE, Stage
from models import EvaluationRound, Goal, Promise
from models.db import session_scope
from reports.compilation import compile_year, render
from tests.helpers import ACTOR, add, complete_stage, ids, new_promise, promise


def at(day: date) -> datetime:
    return datetime.combine(day, time(7), tzinfo=UTC)


def walk_to(pid: int, stage: Stage) -> None:
    """Do each stage's work and advance (the term's stage work, after the year for the last)."""
    for current in CYCLE:
        if current is stage:
            return
        complete_stage(pid, current)
        p = promise(pid)
        when = p.term_end + timedelta(days=40) if current.position >= 6 else p.term_start
        assert advance_promise(pid, ACTOR, now=at(when)).ok


def submit_rounds(pid: int, value: float) -> None:
    """Every round of the current year, each activity ongoing, every goal at ``value``."""
    from models import Activity

    p = promise(pid)
    with session_scope() as s:
        rounds = s.exec(
            select(EvaluationRound.number, EvaluationRound.due).where(
                EvaluationRound.promise_id == pid, EvaluationRound.cycle_year == p.cycle_year
            )
        ).all()
    for n, due in rounds:
        add(
            pid,
            "evaluation",
            _on=due,
            round=n,
            submitted_by="Samordnare",
            activities=[{"activity_id": a, "status": "ongoing"} for a in ids(pid, Activity)],
            indicators=[
                {"goal_id": g, "value": value, "measured_on": due - timedelta(days=3)}
                for g in ids(pid, Goal)
            ],
            feedback_to_residents="Vi har varit på plats vid stationen varje fredag.",
        )


# --- 1. goals are judged by their target date ------------------------------------------------
# "I december 2018 förnyades samverkansöverenskommelsen inför åren 2019-2020" (003) and
# "aktivitetsplaner inför 2022 och 2023" (000): goals may run over more than one year, so a
# two-year goal is on its way after year one, not missed.


def test_a_goal_is_reached_on_its_way_or_not_reached_only_after_its_date() -> None:
    due = date(2027, 12, 31)
    assert judge_goal(12, 8, 8, due, date(2026, 12, 31)) == ("reached", 1.0)
    assert judge_goal(12, 8, 10, due, date(2026, 12, 31)) == ("on_the_way", 0.5)
    assert judge_goal(12, 8, 14, due, date(2026, 12, 31)) == ("on_the_way", 0.0)  # wrong way
    assert judge_goal(12, 8, 10, due, date(2028, 1, 1)) == ("not_reached", 0.5)
    assert judge_goal(1, 5, 4, due, date(2027, 6, 1)) == ("on_the_way", 0.75)  # higher is better
    assert judge_goal(12, 8, None, due, date(2028, 1, 1)) == ("unknown", None)


def test_a_two_year_goal_is_on_its_way_in_the_first_years_compilation(db) -> None:
    pid = new_promise(start=date(2026, 1, 1), years=2)
    walk_to(pid, Stage.CONTINUOUS_EVALUATION)
    submit_rounds(pid, 10)  # baseline 12, target 8 by the end of 2027: half the way
    with session_scope() as s:
        p = s.get(Promise, pid)
        assert p is not None
        first_year = compile_year(s, p, date(2027, 1, 10))
        after_term = compile_year(s, p, date(2028, 1, 10))
    summary = first_year["goals_summary"]
    assert summary["not_met"] == 0 and summary["on_the_way"] == summary["total"] == 4
    assert {(g["result"], g["share"]) for link in first_year["chain"] for g in link["goals"]} == {
        ("on_the_way", 0.5)
    }
    md = render(first_year, "md")
    assert "Mål uppnådda: 0 / 4; på väg: 4" in md and "På väg (50 % av vägen)" in md
    assert "Ej uppnått" not in md
    assert after_term["goals_summary"]["not_met"] == 4
    assert "Ej uppnått" in render(after_term, "html")
