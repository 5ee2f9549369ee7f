"""A whole term of one promise, day by day with time travel: every reminder of the ladder on
its working day, moved deadlines, escalation of what is late, nothing sent twice."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlmodel import Session, select

from config.calendar import current_time
from effects.deadlines import mark_round_submitted
from jobs.reminders import run_reminders
from lifecycle.stages import Stage
from models.artefacts import EvaluationRound
from models.base import utcnow
from models.db import session_scope
from models.operations import OutboxMessage

from .conftest import MUNICIPAL, POLICE, REGIONAL, World

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Explicit evaluation dates for this promise: 19 June 2026 is midsummer eve, 31 October 2026
# a Saturday (and All Saints' Day), 20 December 2026 a Sunday.
OVERRIDE = {"evaluation": {"rhythm": "explicit", "dates": ["03-31", "06-19", "10-31", "12-20"]}}

# What the promise does, and when (at noon, after the 07:00 run).
EVENTS: dict[date, list[tuple[str, object]]] = {
    date(2025, 10, 20): [("move", Stage.JOINT_ANALYSIS)],  # dialogue done early
    date(2025, 11, 25): [("move", Stage.ROOT_CAUSE_ANALYSIS)],  # analysis 8 working days late
    date(2025, 11, 26): [("move", Stage.GOALS)],
    date(2025, 12, 10): [("move", Stage.ACTION_PLAN)],
    date(2025, 12, 29): [("move", Stage.CONTINUOUS_EVALUATION)],
    date(2026, 3, 30): [("submit", 1)],
    date(2026, 7, 1): [("submit", 2)],  # round 2 late, escalated
    date(2026, 10, 28): [("submit", 3)],
    date(2026, 12, 17): [("submit", 4), ("move", Stage.YEAR_END_COMPILATION)],
    date(2027, 1, 20): [("move", Stage.CLOSED)],
}

# Worked out by hand from a Swedish calendar (see the comments), not by the code under test.
EXPECTED_COORDINATOR = {
    # Dialogue due Thu 23 Oct 2025; done on the 20th, so no "1 day before".
    ("resident_dialogue", "before:14", date(2025, 10, 3)),
    ("resident_dialogue", "before:7", date(2025, 10, 14)),
    # Joint analysis due Thu 13 Nov 2025, done 25 Nov: the whole ladder, escalated on day 5.
    ("joint_analysis", "before:14", date(2025, 10, 24)),
    ("joint_analysis", "before:7", date(2025, 11, 4)),
    ("joint_analysis", "before:1", date(2025, 11, 12)),
    ("joint_analysis", "after:1", date(2025, 11, 14)),
    ("joint_analysis", "escalation:5", date(2025, 11, 20)),
    # Root-cause analysis due Thu 27 Nov.
    ("root_cause_analysis", "before:14", date(2025, 11, 7)),
    ("root_cause_analysis", "before:7", date(2025, 11, 18)),
    ("root_cause_analysis", "before:1", date(2025, 11, 26)),
    # Goals due Thu 11 Dec.
    ("goals", "before:14", date(2025, 11, 21)),
    ("goals", "before:7", date(2025, 12, 2)),
    ("goals", "before:1", date(2025, 12, 10)),
    # Action plan "the day before the term" is New Year's eve: due Tue 30 Dec. Christmas eve,
    # Christmas Day and Boxing Day are not counted.
    ("action_plan", "before:14", date(2025, 12, 5)),
    ("action_plan", "before:7", date(2025, 12, 16)),
    ("action_plan", "before:1", date(2025, 12, 29)),
    # Round 1 due Tue 31 Mar 2026.
    ("round:1", "before:14", date(2026, 3, 11)),
    ("round:1", "before:7", date(2026, 3, 20)),
    ("round:1", "before:1", date(2026, 3, 30)),
    # Round 2 on midsummer eve moves to Thu 18 Jun; National Day falls on a Saturday in 2026.
    # Late: after:1 on Mon 22 Jun (eve and weekend skipped), escalated Fri 26 Jun.
    ("round:2", "before:14", date(2026, 5, 29)),
    ("round:2", "before:7", date(2026, 6, 9)),
    ("round:2", "before:1", date(2026, 6, 17)),
    ("round:2", "after:1", date(2026, 6, 22)),
    ("round:2", "escalation:5", date(2026, 6, 26)),
    # Round 3 on Saturday 31 Oct moves to Fri 30 Oct; submitted on the 28th.
    ("round:3", "before:14", date(2026, 10, 12)),
    ("round:3", "before:7", date(2026, 10, 21)),
    # Round 4 on Sunday 20 Dec moves to Fri 18 Dec.
    ("round:4", "before:14", date(2026, 11, 30)),
    ("round:4", "before:7", date(2026, 12, 9)),
    ("round:4", "before:1", date(2026, 12, 17)),
    # Compilation a month after the year: Sunday 31 Jan 2027 moves to Fri 29 Jan; approved
    # on the 20th.
    ("year_end_compilation", "before:14", date(2027, 1, 11)),
    ("year_end_compilation", "before:7", date(2027, 1, 20)),
}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def _apply(world: World, promise_id: int, events: list[tuple[str, object]]) -> None:
    for action, arg in events:
        if action == "move":
            assert isinstance(arg, Stage)
            world.move(promise_id, arg)
        else:
            with session_scope(world.engine) as session:
                row = session.exec(
                    select(EvaluationRound).where(
                        EvaluationRound.promise_id == promise_id, EvaluationRound.number == arg
                    )
                ).one()
                row.submitted_at = utcnow()
                session.add(row)
                mark_round_submitted(session, row)


def test_a_whole_term_day_by_day(world: World) -> None:
    with time_machine.travel(_at(date(2025, 9, 1), 10), tick=False):
        promise_id = world.promise(term_start=date(2026, 1, 1), override=OVERRIDE)

    # Moved deadlines are stored on the working day before, with the calendar's date kept.
    rows = {(d.ref or d.stage): d for d in world.deadlines(promise_id)}
    assert (rows["round:2"].due, rows["round:2"].nominal_due) == (
        date(2026, 6, 18),
        date(2026, 6, 19),
    )
    assert (rows["round:3"].due, rows["round:3"].nominal_due) == (
        date(2026, 10, 30),
        date(2026, 10, 31),
    )
    assert (rows["round:4"].due, rows["round:4"].nominal_due) == (
        date(2026, 12, 18),
        date(2026, 12, 20),
    )
    assert (rows["action_plan"].due, rows["action_plan"].nominal_due) == (
        date(2025, 12, 30),
        date(2025, 12, 31),
    )
    assert rows["year_end_compilation"].due == date(2027, 1, 29)
    assert rows["resident_dialogue"].nominal_due is None  # Thursday 23 October: not moved

    seen_ids: set[int] = set()
    received: dict[str, set[tuple[str, str, date]]] = defaultdict(set)
    message_days: dict[str, list[date]] = defaultdict(list)
    day = date(2025, 9, 1)
    while day <= date(2027, 2, 28):
        with time_machine.travel(_at(day, 7), tick=False):
            first = run_reminders(world.engine, current_time())
            second = run_reminders(world.engine, current_time())
        # The same day again: nothing new, and everything counted as queued before.
        assert second.queued == 0 and second.items_queued == 0
        assert second.skipped == first.queued + first.skipped
        for message in world.messages():
            if message.id in seen_ids:
                continue
            assert message.id is not None
            seen_ids.add(message.id)
            assert message.payload["day"] == day.isoformat()
            message_days[message.recipient].append(day)
            for item in message.payload["items"]:
                label = item["ref"] or item["stage"]
                received[message.recipient].add((label, item["step"], day))
        if day in EVENTS:
            with time_machine.travel(_at(day, 12), tick=False):
                _apply(world, promise_id, EVENTS[day])
        day += timedelta(days=1)

    assert received[MUNICIPAL] == EXPECTED_COORDINATOR
    assert received[POLICE] == EXPECTED_COORDINATOR
    # The region hears only about what is 5 working days late, on that day.
    assert received[REGIONAL] == {
        ("joint_analysis", "escalation:5", date(2025, 11, 20)),
        ("round:2", "escalation:5", date(2026, 6, 26)),
    }
    # One digest per recipient per day, never on a weekend or holiday.
    for days in message_days.values():
        assert len(days) == len(set(days))
        assert all(d.weekday() < 5 for d in days)
        assert date(2026, 6, 19) not in days
    assert len(received) == 3  # the steering group member is never reminded

    # Everything is done at the end, and the closed promise is never reminded again.
    assert all(d.done for d in world.deadlines(promise_id))


def test_digest_language_and_escalation_kind(world: World) -> None:
    with time_machine.travel(_at(date(2025, 9, 1), 10), tick=False):
        promise_id = world.promise(term_start=date(2026, 1, 1))
    # 20 Nov 2025: the joint analysis (due 13 Nov) is 5 working days late.
    world.move(promise_id, Stage.JOINT_ANALYSIS)
    with time_machine.travel(_at(date(2025, 11, 20), 7), tick=False):
        report = run_reminders(world.engine, current_time())
    assert report.escalations == 3  # both coordinators and the region
    with Session(world.engine) as session:
        by_recipient = {m.recipient: m for m in session.exec(select(OutboxMessage))}
    sv, en, region = by_recipient[MUNICIPAL], by_recipient[POLICE], by_recipient[REGIONAL]
    assert {sv.kind, en.kind, region.kind} == {"escalation"}
    assert sv.language == "sv" and "Försenat:" in sv.payload["text"]
    assert "Gemensam lägesbild" in sv.payload["text"]
    assert "torsdag 13 november 2025, för 5 arbetsdagar sedan" in sv.payload["text"]
    assert "/loften/" in sv.payload["text"] and "lofte deadlines" not in sv.payload["text"]
    assert "http" in sv.payload["text"].split("Se alla tidsfrister:")[1]
    assert en.language == "en" and "Overdue:" in en.payload["text"]
    assert (
        "Joint analysis was due Thursday 13 November 2025, 5 working days ago" in en.payload["text"]
    )
    assert en.channel == "teams" and sv.channel == "default"
    # The first run since the promise was created also catches up on the root-cause
    # analysis (its 7-day step came on the 18th): one digest, two items.
    items = {i["stage"]: i for i in sv.payload["items"]}
    assert set(items) == {"joint_analysis", "root_cause_analysis"}
    late = items["joint_analysis"]
    assert late["promise_id"] == promise_id and late["area_name"] == "Hässelby-Vällingby"
    assert late["working_days_late"] == 5 and late["escalation"] is True
    assert items["root_cause_analysis"]["working_days_left"] == 5
    assert "Orsaksanalys senast torsdag 27 november 2025 (om 5 arbetsdagar)" in sv.payload["text"]
    assert sv.subject == "Löfte: 2 tidsfrister att bevaka, 1 försenad"
    assert en.subject == "Löfte: 2 deadlines to watch, 1 overdue"
    # The region hears only about what is escalated.
    assert [i["stage"] for i in region.payload["items"]] == ["joint_analysis"]
