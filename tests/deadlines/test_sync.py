"""sync_deadlines: rows follow the promise's stage, its rounds and its calendar."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import Session, select

from config.settings import ConfigError
from effects.deadlines import evaluation_round_dues, set_calendar_override, sync_deadlines
from lifecycle.stages import Stage
from models.artefacts import EvaluationRound
from models.db import session_scope
from models.promise import Promise

from .conftest import World

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _by_key(world: World, promise_id: int) -> dict[tuple[int, str], object]:
    return {(d.cycle_year, d.ref or d.stage): d for d in world.deadlines(promise_id)}


def test_created_promise_has_every_deadline_of_its_term(world: World) -> None:
    promise_id = world.promise(term_start=date(2026, 1, 1), years=2)
    rows = world.deadlines(promise_id)
    keys = [(d.cycle_year, d.kind, d.ref or d.stage) for d in rows]
    assert keys == [
        (1, "stage", "resident_dialogue"),
        (1, "stage", "joint_analysis"),
        (1, "stage", "root_cause_analysis"),
        (1, "stage", "goals"),
        (1, "stage", "action_plan"),
        (1, "evaluation_round", "round:1"),
        (1, "evaluation_round", "round:2"),  # Stockholm: the third tertial is in the compilation
        (1, "stage", "year_end_compilation"),
        (2, "stage", "action_plan"),
        (2, "evaluation_round", "round:1"),
        (2, "evaluation_round", "round:2"),
        (2, "stage", "year_end_compilation"),
    ]
    assert not any(d.done for d in rows)
    assert all(d.next_remind_on is not None for d in rows)


def test_sync_is_idempotent_and_follows_transitions(world: World) -> None:
    promise_id = world.promise()
    before = [(d.id, d.due, d.done, d.next_remind_on) for d in world.deadlines(promise_id)]
    with session_scope(world.engine) as session:
        promise = session.get(Promise, promise_id)
        assert promise is not None
        result = sync_deadlines(session, promise, date(2025, 9, 1))
    assert (result.inserted, result.updated, result.deleted) == (0, 0, 0)
    assert [(d.id, d.due, d.done, d.next_remind_on) for d in world.deadlines(promise_id)] == before

    world.move(promise_id, Stage.GOALS)
    done = {d.stage for d in world.deadlines(promise_id) if d.done}
    assert done == {"resident_dialogue", "joint_analysis", "root_cause_analysis"}
    # Back to the joint analysis: its deadline and the later ones reopen.
    world.move(promise_id, Stage.JOINT_ANALYSIS)
    rows = {d.stage: d for d in world.deadlines(promise_id) if d.kind == "stage"}
    assert rows["resident_dialogue"].done and rows["resident_dialogue"].done_at is not None
    assert not rows["joint_analysis"].done and rows["joint_analysis"].done_at is None
    assert rows["joint_analysis"].next_remind_on is not None
    world.move(promise_id, Stage.CLOSED)
    assert all(d.done for d in world.deadlines(promise_id))


def test_evaluation_rounds_are_planned_and_their_deadlines_close(world: World) -> None:
    promise_id = world.promise(override={"evaluation": {"rhythm": "quarterly"}})
    world.move(promise_id, Stage.CONTINUOUS_EVALUATION)
    with Session(world.engine) as session:
        rounds = session.exec(
            select(EvaluationRound)
            .where(EvaluationRound.promise_id == promise_id)
            .order_by(EvaluationRound.number)
        ).all()
        promise = session.get(Promise, promise_id)
        assert promise is not None
        dues = evaluation_round_dues(session, promise, 1)
    assert (
        [r.due for r in rounds]
        == dues
        == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 30)]
    )
    with session_scope(world.engine) as session:
        first = session.exec(
            select(EvaluationRound).where(
                EvaluationRound.promise_id == promise_id, EvaluationRound.number == 1
            )
        ).one()
        first.submitted_at = datetime(2026, 3, 30, 10, tzinfo=STOCKHOLM)
        session.add(first)
        promise = session.get(Promise, promise_id)
        assert promise is not None
        sync_deadlines(session, promise, date(2026, 3, 30))
    rows = _by_key(world, promise_id)
    assert rows[(1, "round:1")].done and not rows[(1, "round:2")].done
    # Leaving the year's evaluation closes the rounds not submitted (the compilation reports them).
    world.move(promise_id, Stage.YEAR_END_COMPILATION)
    rows = _by_key(world, promise_id)
    assert all(rows[(1, f"round:{n}")].done for n in range(1, 5))
    assert not rows[(1, "year_end_compilation")].done


def test_a_changed_calendar_moves_open_deadlines_and_keeps_history(world: World) -> None:
    promise_id = world.promise(override={"evaluation": {"rhythm": "quarterly"}})
    world.move(promise_id, Stage.ACTION_PLAN)
    dialogue_due = _by_key(world, promise_id)[(1, "resident_dialogue")].due
    with session_scope(world.engine) as session:
        promise = session.get(Promise, promise_id)
        assert promise is not None
        result = set_calendar_override(
            session,
            promise,
            {
                "evaluation": {"rhythm": "tertial"},
                "stages": {
                    "resident_dialogue": {"anchor": "term_start", "weeks": -20},
                    "action_plan": {"anchor": "term_start", "weeks": -2},
                },
            },
            date(2025, 12, 1),
        )
    assert result.deleted == 1  # round 4 of a quarterly year is gone
    rows = _by_key(world, promise_id)
    assert (1, "round:4") not in rows
    assert rows[(1, "round:3")].due == date(2026, 12, 30)
    assert rows[(1, "resident_dialogue")].due == dialogue_due  # done: history stays
    assert rows[(1, "action_plan")].due == date(2025, 12, 18)
    with session_scope(world.engine) as session:
        promise = session.get(Promise, promise_id)
        assert promise is not None
        with pytest.raises(ConfigError, match=f"promise {promise_id}: calendar override"):
            set_calendar_override(session, promise, {"evaluation": {"rhythm": "sometimes"}})


def test_resync_after_a_region_file_changes(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    import config.calendar as calendar_config
    from effects.deadlines import resync_calendars

    promise_id = world.promise()
    changed = calendar_config.CalendarSet(
        calendar_config.get_calendars().default,
        {"stockholm": {"evaluation": {"rhythm": "half_yearly"}}},
    )
    monkeypatch.setattr(calendar_config, "get_calendars", lambda: changed)
    monkeypatch.setattr("effects.deadlines.get_calendars", lambda: changed)
    with time_machine.travel(
        datetime.combine(date(2025, 9, 2), time(8), tzinfo=STOCKHOLM), tick=False
    ):
        with session_scope(world.engine) as session:
            assert resync_calendars(session) == 1
        with session_scope(world.engine) as session:
            assert resync_calendars(session) == 0
    rounds = [d.due for d in world.deadlines(promise_id) if d.kind == "evaluation_round"]
    assert rounds == [date(2026, 6, 30), date(2026, 12, 30)]


def test_rounds_planned_with_another_rhythm_are_aligned(world: World) -> None:
    """Rows made by the core with the default rhythm follow the promise's explicit dates."""
    promise_id = world.promise(
        override={"evaluation": {"rhythm": "explicit", "dates": ["06-19", "12-20"]}}
    )
    with session_scope(world.engine) as session:
        for number, due in enumerate([date(2026, 4, 30), date(2026, 8, 31), date(2026, 12, 30)], 1):
            session.add(
                EvaluationRound(promise_id=promise_id, cycle_year=1, number=number, due=due)
            )
    world.move(promise_id, Stage.CONTINUOUS_EVALUATION)
    with Session(world.engine) as session:
        rounds = session.exec(
            select(EvaluationRound)
            .where(EvaluationRound.promise_id == promise_id)
            .order_by(EvaluationRound.number)
        ).all()
    assert [(r.number, r.due) for r in rounds] == [(1, date(2026, 6, 18)), (2, date(2026, 12, 18))]
