"""The regional overview on the demo region (Stockholm) at three moments of 2026.

The demo is loaded as it looks on each day (``load_demo(day)``), then ``lofte overview
--now day`` is asked. What is expected was worked out by hand from config/demo.yaml and the
Stockholm region's calendar (config/calendars/stockholm.yaml: tertial rounds due ten working
days after the cut-offs 30 April and 31 August, on 18 May and 14 September 2026; the last
tertial is reported in the year-end compilation), and the working days late are counted here with a hand-written holiday list,
independently of lifecycle.calendar and of the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lifecycle.stages import CYCLE
from tests.demo_copy import demo_region

pytestmark = pytest.mark.timeout(180)

# Swedish public holidays and the three de-facto eves on weekdays, 2025–2026 (by hand).
HOLIDAYS = {
    date(2025, 1, 1),
    date(2025, 1, 6),
    date(2025, 4, 18),
    date(2025, 4, 21),
    date(2025, 5, 1),
    date(2025, 5, 29),
    date(2025, 6, 6),
    date(2025, 6, 20),
    date(2025, 12, 24),
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 1, 6),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 1),
    date(2026, 5, 14),
    date(2026, 6, 19),
    date(2026, 12, 24),
    date(2026, 12, 25),
    date(2026, 12, 31),
}

R1, R2 = date(2026, 5, 18), date(2026, 9, 14)


def working_days_late(due: date, today: date) -> int:
    """Working days after ``due`` up to and including ``today`` (the day after is 1 late)."""
    count, day = 0, due + timedelta(days=1)
    while day <= today:
        if day.weekday() < 5 and day not in HOLIDAYS:
            count += 1
        day += timedelta(days=1)
    return count


# Promises with overdue evaluation rounds, worst first: (area, [(round, due), ...]).
# Spånga-Tensta has submitted no round this year; Rinkeby-Kista and Botkyrka only the first.
# Rinkeby-Kista and Botkyrka tie on everything the order looks at and keep promise order.
# Everyone else submits each round three days before it is due.
EXPECTED: dict[date, list[tuple[str, list[tuple[int, date]]]]] = {
    date(2026, 5, 20): [
        ("Spånga-Tensta", [(1, R1)]),
    ],
    date(2026, 9, 20): [
        ("Spånga-Tensta", [(1, R1), (2, R2)]),
        ("Rinkeby-Kista", [(2, R2)]),
        ("Botkyrka", [(2, R2)]),
    ],
    date(2026, 11, 22): [
        ("Spånga-Tensta", [(1, R1), (2, R2)]),
        ("Rinkeby-Kista", [(2, R2)]),
        ("Botkyrka", [(2, R2)]),
    ],
}
# How many open promises the overview counts on each day: the 16 areas' first promises (one of
# them closed), the two 2026 promises renewed on 1 September 2025, and from 1 September 2026
# the twelve one-year 2026 promises' renewals (Hässelby-Vällingby's two-year term renews in
# 2027).
PROMISES = {date(2026, 5, 20): 17, date(2026, 9, 20): 29, date(2026, 11, 22): 29}
# The same figures counted on paper, month by month (see docs/regional.md).
BY_HAND = {
    (date(2026, 5, 20), R1): 2,  # May 19–20
    (date(2026, 9, 20), R1): 88,  # May 19–29: 9 + June 21 + July 23 + August 21 + Sept 1–18: 14
    (date(2026, 9, 20), R2): 4,  # September 15–18
    (date(2026, 11, 22), R1): 133,  # 74 to the end of August + 59
    (date(2026, 11, 22), R2): 49,  # September 15–30: 12 + October 22 + November 1–20: 15
}


def _json(cli: Any, day: date, *extra: str) -> dict[str, Any]:
    result = cli(
        "overview", "--region", "stockholm", "--now", day.isoformat(), "--format", "json", *extra
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("day", sorted(EXPECTED), ids=lambda d: d.isoformat())
def test_overview_lists_exactly_the_promises_with_overdue_rounds_worst_first(
    db, cli, day, tmp_path
) -> None:
    demo_region(day)
    data = _json(cli, day)

    late_rounds = [
        (
            row["area"],
            [
                (o["round"], date.fromisoformat(o["due"]), o["working_days_late"])
                for o in sorted(row["overdue"], key=lambda o: o["due"])
                if o["kind"] == "evaluation_round"
            ],
        )
        for row in data["rows"]
        if any(o["kind"] == "evaluation_round" for o in row["overdue"])
    ]
    expected = [
        (area, [(n, due, working_days_late(due, day)) for n, due in rounds])
        for area, rounds in EXPECTED[day]
    ]
    assert late_rounds == expected
    for (when, due), late in BY_HAND.items():
        if when == day:
            assert working_days_late(due, day) == late  # the independent counter agrees with paper
    # Promises with overdue rounds come first, before any promise without.
    flags = [any(o["kind"] == "evaluation_round" for o in r["overdue"]) for r in data["rows"]]
    assert flags == sorted(flags, reverse=True)

    # Every overdue item names who answers for it: both parties' coordinators.
    spanga = next(r for r in data["rows"] if r["area"] == "Spånga-Tensta")
    emails = {p["email"] for p in spanga["overdue"][0]["responsible"]}
    assert {
        "trygghetssamordnare@spanga.tensta.example.se",
        "kommunpolis.spanga.tensta@polisen.example.se",
    } <= emails
    # after the second tertial the next deadline is the year-end compilation (29 January 2027,
    # 31 January is a Sunday), which reports the last tertial
    next_round = next(d for d in (R1, R2, date(2027, 1, 29)) if d >= day)
    assert (
        spanga["stage"] == "continuous_evaluation"
        and spanga["next_deadline"]["due"] == next_round.isoformat()
    )

    summary = data["summary"]
    assert summary["late_evaluations"] == len(EXPECTED[day])
    assert summary["overdue_rounds"] == sum(len(r) for _, r in EXPECTED[day])
    assert summary["promises"] == PROMISES[day] and summary["closed"] == 1
    assert sum(summary["by_stage"].values()) == PROMISES[day]
    _light_pass_agrees_with_full_rows(day, data)
    if day == date(2026, 11, 22):
        _same_rows_in_every_format(cli, day, data, tmp_path)


def summarise(rows: list[dict[str, Any]], closed: int = 0) -> dict[str, Any]:
    """The overview's summary by its definition, over the full rows: per stage, how many late,
    and the municipalities most overdue (the overview makes it from its light rows)."""
    by_stage = {stage.value: 0 for stage in CYCLE}
    municipalities: dict[str, dict[str, Any]] = {}
    for row in rows:
        by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + 1
        m = municipalities.setdefault(
            row["municipality"],
            {
                "municipality": row["municipality"],
                "promises": 0,
                "late": 0,
                "overdue_items": 0,
                "overdue_rounds": 0,
                "worst_working_days_late": 0,
            },
        )
        m["promises"] += 1
        m["late"] += 1 if row["overdue"] else 0
        m["overdue_items"] += len(row["overdue"])
        m["overdue_rounds"] += row["overdue_rounds"]
        m["worst_working_days_late"] = max(
            m["worst_working_days_late"], row["worst_working_days_late"]
        )
    late = sum(1 for r in rows if r["overdue"])
    ranked = sorted(
        (m for m in municipalities.values() if m["overdue_items"]),
        key=lambda m: (
            -m["overdue_items"],
            -m["overdue_rounds"],
            -m["worst_working_days_late"],
            m["municipality"],
        ),
    )
    return {
        "promises": len(rows),
        "closed": closed,
        "by_stage": by_stage,
        "late": late,
        "on_track": len(rows) - late,
        "late_evaluations": sum(1 for r in rows if r["overdue_rounds"]),
        "overdue_items": sum(len(r["overdue"]) for r in rows),
        "overdue_rounds": sum(r["overdue_rounds"] for r in rows),
        "activities_not_done": sum(len(r["activities_not_done"]) for r in rows),
        "worst_working_days_late": max((r["worst_working_days_late"] for r in rows), default=0),
        "municipalities_most_overdue": ranked,
    }


def _light_pass_agrees_with_full_rows(day: date, data: dict[str, Any]) -> None:
    """The summary and order made from the stored due dates alone (the light pass) are those
    of the full rows: ``summarise`` and ``severity`` over every row, and pages of any size
    (some a few rows, made by a partial sort) put together give the same rows in order."""
    from models.db import read_scope
    from reports.overview import build_overview, severity

    assert data["summary"] == summarise(data["rows"], data["summary"]["closed"])
    assert data["rows"] == sorted(data["rows"], key=severity)
    with read_scope() as session:
        for size in (1, 4, 7):
            pages = [
                build_overview(session, "stockholm", day, offset=start, limit=size)
                for start in range(0, len(data["rows"]), size)
            ]
            assert [r for p in pages for r in p["rows"]] == data["rows"]
            assert all(p["summary"] == data["summary"] for p in pages)
        late = build_overview(session, "stockholm", day, late=True, limit=3)
        assert late["rows"] == [r for r in data["rows"] if r["worst_working_days_late"] > 0][:3]


def _norm(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):  # openpyxl reads date cells as datetimes
        return value.date().isoformat()
    return str(value)


def _same_rows_in_every_format(cli: Any, day: date, data: dict[str, Any], out_dir: Path) -> None:
    """JSON, CSV and XLSX (read back with openpyxl) carry the same rows in the same order."""
    from reports.overview_render import COLUMNS, flat_rows

    result = cli("overview", "--region", "stockholm", "--now", day.isoformat(), "--format", "csv")
    assert result.exit_code == 0, result.output
    csv_rows = list(csv.reader(io.StringIO(result.stdout)))
    keys = [key for key, _ in COLUMNS]
    assert csv_rows[0][0] == "Löfte" and len(csv_rows[0]) == len(keys)
    from_csv = [dict(zip(keys, row, strict=True)) for row in csv_rows[1:]]

    target = out_dir / "stockholm.xlsx"
    result = cli(
        "overview",
        "--region",
        "stockholm",
        "--now",
        day.isoformat(),
        "--format",
        "xlsx",
        "-o",
        str(target),
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    sheet = book["Översikt"]
    values = list(sheet.iter_rows(values_only=True))
    from_xlsx = [dict(zip(keys, [_norm(v) for v in row], strict=True)) for row in values[1:]]

    expected = [{k: _norm(v) for k, v in row.items()} for row in flat_rows(data)]
    assert [r["promise_id"] for r in expected] == [str(r["promise_id"]) for r in data["rows"]]
    assert from_csv == expected
    assert from_xlsx == expected
    # The overdue sheet has one line per overdue item of the JSON rows.
    overdue_lines = list(book["Försenat"].iter_rows(min_row=2, values_only=True))
    assert (
        len(overdue_lines)
        == sum(len(r["overdue"]) for r in data["rows"])
        == data["summary"]["overdue_items"]
    )
    assert (overdue_lines[0][0], overdue_lines[0][6]) == (
        data["rows"][0]["promise_id"],
        data["rows"][0]["overdue"][0]["working_days_late"],
    )

    # The terminal table shows the same promises in the same order, and in English on request.
    table = cli("overview", "--region", "stockholm", "--now", day.isoformat()).stdout
    lines = [line for line in table.splitlines() if line[:6].strip().isdigit()]
    assert [int(line[:6]) for line in lines] == [r["promise_id"] for r in data["rows"]]
    assert "Försenade uppföljningar:" in table and "133 arbetsdagar sent" in table
    english = cli(
        "overview", "--region", "stockholm", "--now", day.isoformat(), "--language", "en"
    ).stdout
    assert "Overdue evaluation rounds:" in english and "Evaluation round 1" in english
