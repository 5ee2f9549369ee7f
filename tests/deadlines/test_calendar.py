"""The Swedish working-day calendar, the calendar config and its errors (pure: no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.calendar import load_calendars
from config.settings import ConfigError
from lifecycle.calendar import (
    add_working_days,
    is_working_day,
    previous_working_day,
    working_days_between,
)
from lifecycle.deadlines import DueRule, add_months
from lifecycle.rounds import EvaluationRule, round_due_dates

pytestmark = pytest.mark.fast  # pure: no database, Prefect or browser (make test-fast)

CONFIG = Path(__file__).parents[2] / "config" / "calendar.yaml"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 6, 19), False),  # midsummer eve (de facto holiday)
        (date(2026, 6, 20), False),  # midsummer day
        (date(2026, 12, 24), False),  # Christmas eve
        (date(2026, 12, 31), False),  # New Year's eve
        (date(2026, 1, 6), False),  # Epiphany
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 14), False),  # Ascension Day
        (date(2026, 6, 21), False),  # a Sunday
        (date(2026, 6, 18), True),
        (date(2026, 4, 30), True),  # Walpurgis eve is a working day
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_moving_and_counting() -> None:
    assert previous_working_day(date(2026, 6, 19)) == date(2026, 6, 18)
    assert previous_working_day(date(2026, 6, 21)) == date(2026, 6, 18)  # Sunday after midsummer
    assert previous_working_day(date(2026, 12, 27)) == date(2026, 12, 23)  # Christmas weekend
    assert add_working_days(date(2026, 6, 18), 1) == date(2026, 6, 22)
    assert add_working_days(date(2026, 6, 22), -1) == date(2026, 6, 18)
    assert working_days_between(date(2026, 6, 18), date(2026, 6, 22)) == 1
    assert working_days_between(date(2026, 6, 22), date(2026, 6, 18)) == -1
    assert working_days_between(date(2026, 6, 20), date(2026, 6, 20)) == 0


def test_working_days_between_counts_as_walking_does() -> None:
    """The arithmetic count agrees with walking day by day (the definition), across year
    ends, holidays, the origin year and both directions, over spans of up to three years."""
    from datetime import timedelta

    from lifecycle.calendar import _walk_working_days

    starts = [date(2000, 12, 20), date(2001, 1, 1), date(2016, 6, 17), date(2026, 12, 23)]
    starts += [date(2019, 1, 1) + timedelta(days=37 * k) for k in range(60)]
    for start in starts:
        for span in (*range(-20, 21), -1100, -400, 95, 366, 1100):
            end = start + timedelta(days=span)
            assert working_days_between(start, end) == _walk_working_days(start, end), (start, end)


def test_round_due_dates() -> None:
    assert round_due_dates(date(2026, 1, 1), 1, "tertial") == [
        date(2026, 4, 30),
        date(2026, 8, 31),
        date(2026, 12, 30),
    ]
    assert round_due_dates(date(2026, 1, 1), 1, "quarterly") == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 30),
    ]
    # A term starting 1 July: explicit month-days fall in the right calendar year.
    explicit = EvaluationRule("explicit", ("12-15", "03-31", "06-19"))
    assert round_due_dates(date(2026, 7, 1), 1, explicit) == [
        date(2026, 12, 15),
        date(2027, 3, 31),
        date(2027, 6, 18),
    ]
    with pytest.raises(ValueError, match="unknown evaluation rhythm"):
        round_due_dates(date(2026, 1, 1), 1, "monthly")


def test_due_rules() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert DueRule("year_end", months=1).nominal(date(2026, 1, 1), 2, 2) == date(2028, 1, 31)
    assert DueRule("term_start", weeks=-10).nominal(date(2026, 1, 1), 1, 1) == date(2025, 10, 23)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_region_override_merges_over_the_default(tmp_path: Path) -> None:
    regions = tmp_path / "calendars"
    regions.mkdir()
    _write(
        regions, "stockholm.yaml", "evaluation: {rhythm: quarterly}\nreminders: {before: [10, 2]}\n"
    )
    calendars = load_calendars(CONFIG, regions, known_regions={"stockholm", "syd"})
    stockholm = calendars.rules("stockholm")
    assert stockholm.evaluation.rhythm == "quarterly"
    assert stockholm.ladder.before == (10, 2) and stockholm.ladder.after == (1,)
    assert calendars.rules("syd").evaluation.rhythm == "tertial"
    # A promise's override goes on top of its region's.
    own = calendars.rules("stockholm", {"escalation": {"after_working_days": 3}})
    assert own.ladder.escalate_after == 3 and own.evaluation.rhythm == "quarterly"
    assert calendars.resolve("stockholm")[2] != calendars.resolve("syd")[2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("evaluation: {rhythm: monthly}", "evaluation.rhythm"),
        ("reminders: {before: [14, -1]}", "reminders.before"),
        ("stages: {goals: {anchor: tomorrow}}", "stages.goals.anchor"),
        ("stages: {closed: {anchor: term_start}}", "stages"),
        ("escalation: {to: [mayor]}", "escalation.to"),
        ("evaluation: {rhythm: explicit}", "needs dates"),
        ("evaluation: {rhythm: explicit, dates: ['02-30']}", "02-30"),
        ("next_years: {goals: {anchor: year_start}}", "next_years"),
        ("reminder: {before: [1]}", "reminder"),
        ("evaluation: [tertial", "not valid YAML"),
    ],
)
def test_broken_region_file_names_file_key_and_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    regions = tmp_path / "calendars"
    regions.mkdir()
    path = _write(regions, "syd.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_calendars(CONFIG, regions, known_regions={"syd"})
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_region_file_for_an_unknown_region(tmp_path: Path) -> None:
    regions = tmp_path / "calendars"
    regions.mkdir()
    _write(regions, "stokholm.yaml", "evaluation: {rhythm: quarterly}\n")
    with pytest.raises(ConfigError, match=r"stokholm\.yaml: .*'stokholm' is not a known region"):
        load_calendars(CONFIG, regions, known_regions={"stockholm"})


def test_broken_promise_override_names_the_promise() -> None:
    calendars = load_calendars(CONFIG, Path("/nonexistent"), known_regions={"stockholm"})
    with pytest.raises(ConfigError, match=r"promise 7: calendar override: evaluation\.rhythm"):
        calendars.resolve(
            "stockholm", {"evaluation": {"rhythm": "weekly"}}, source="promise 7: calendar override"
        )


def test_shipped_calendar_loads() -> None:
    from config.calendar import get_calendars

    rules = get_calendars().rules("stockholm")
    assert rules.ladder.before == (14, 7, 1) and rules.ladder.escalate_after == 5
