"""Benchmark of the reminder scan at 100, 1,000 and 10,000 promises (with all their deadlines).

    python bench/reminders.py [--sizes 100,1000,10000] [--repeat 15] [--url sqlite:///...]

Builds a database per size (the embedded default, SQLite, unless --url names PostgreSQL),
with promises whose terms start on the first of every month of 2026 and run 1 to 4 years,
so on any day a realistic slice of them has a deadline with a reminder step due. It then
times, on one working day:

- ``scan``: the indexed query for due deadlines plus their current ladder steps;
- ``plan``: the scan plus recipients and what was sent before (``lofte reminders run
  --dry-run``), i.e. everything a run does before it writes;
- ``run``: one real run (queueing the digests), once per size (it changes the data).

Prints median and p95 of ``scan`` and ``plan`` and how they grow; ``--json`` for the figures.
A second table holds the number of due deadlines fixed while the stored promises grow, to
show that the cost follows what is due, not what is stored.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from config.calendar import get_calendars
from lifecycle.deadlines import plan_deadlines
from lifecycle.reminders import current_step, first_trigger, next_trigger
from lifecycle.stages import Stage
from lifecycle.term import term_end
from lifecycle.vocabulary import OrganisationKind, Role
from models.base import utcnow
from models.db import make_engine
from models.operations import Deadline
from models.organisation import Organisation, Person
from models.promise import Promise
from models.reminders import PromiseCalendar

DAY = date(2026, 3, 11)  # a Wednesday
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def build(engine: Engine, promises: int, *, due_only: int | None = None) -> int:
    """Fill ``engine`` with ``promises`` promises and all their deadlines; returns deadline rows.

    ``due_only``: make only that many promises have anything due on DAY (the others' terms
    start far in the future), to hold the due set fixed while the stored set grows.
    """
    from config.catalogue import get_catalogue
    from models.catalogue_loader import load_catalogue_into
    from models.migrate import upgrade

    upgrade(engine)
    rules = get_calendars().rules("stockholm")
    _, _, fingerprint = get_calendars().resolve("stockholm")
    with Session(engine) as session:
        load_catalogue_into(session, get_catalogue())
        session.commit()
        # One municipality and one police area per 10 promises, each with a coordinator.
        org_rows = []
        for n in range(max(1, promises // 10)):
            org_rows.append(
                {
                    "region_id": "stockholm",
                    "kind": OrganisationKind.MUNICIPALITY,
                    "name": f"Kommun {n}",
                }
            )
            org_rows.append(
                {
                    "region_id": "stockholm",
                    "kind": OrganisationKind.LOCAL_POLICE_AREA,
                    "name": f"LPO {n}",
                }
            )
        session.execute(insert(Organisation), org_rows)
        session.commit()
        org_ids = [
            oid
            for oid in session.exec(select(Organisation.id).order_by(col(Organisation.id)))
            if oid is not None  # stored rows always have one
        ]
        session.execute(
            insert(Person),
            [
                {
                    "email": f"samordnare{oid}@example.se",
                    "name": f"Samordnare {oid}",
                    "organisation_id": oid,
                    "role": Role.COORDINATOR,
                    "language": "sv" if oid % 3 else "en",
                    "created_at": utcnow(),
                }
                for oid in org_ids
            ],
        )
        session.commit()
        now = utcnow()
        promise_rows = []
        for n in range(promises):
            far = due_only is not None and n >= due_only
            start = date(2031 + n % 3, 1 + n % 12, 1) if far else date(2026, 1 + n % 12, 1)
            years = 1 + n % 4
            pair = (n // 10) % (len(org_ids) // 2)
            promise_rows.append(
                {
                    "region_id": "stockholm",
                    "area_name": f"Område {n}",
                    "municipality_id": org_ids[2 * pair],
                    "police_area_id": org_ids[2 * pair + 1],
                    "term_start": start,
                    "term_end": term_end(start, years),
                    "term_years": years,
                    "cycle_year": 1,
                    "stage": Stage.RESIDENT_DIALOGUE,
                    "version": 1,
                    "created_at": now,
                    "stage_entered_at": now,
                }
            )
        session.execute(insert(Promise), promise_rows)
        session.commit()
        deadline_rows = []
        calendar_rows = []
        for promise in session.exec(select(Promise)).all():
            for p in plan_deadlines(promise.term_start, promise.term_years, rules):
                # As daily runs leave them: each open deadline waits for its next step (the
                # bench starts "this morning"; earlier steps went out on their days).
                step = current_step(p.due, rules.ladder, DAY)
                pending = (
                    (
                        step.trigger
                        if step and step.trigger == DAY
                        else next_trigger(p.due, rules.ladder, DAY)
                    )
                    if step
                    else first_trigger(p.due, rules.ladder)
                )
                deadline_rows.append(
                    {
                        "promise_id": promise.id,
                        "kind": p.kind,
                        "stage": p.stage.value,
                        "cycle_year": p.cycle_year,
                        "ref": p.ref,
                        "due": p.due,
                        "nominal_due": p.nominal if p.nominal != p.due else None,
                        "done": False,
                        "created_at": now,
                        "next_remind_on": pending,
                    }
                )
            calendar_rows.append(
                {"promise_id": promise.id, "fingerprint": fingerprint, "updated_at": now}
            )
        for first in range(0, len(deadline_rows), 5000):
            session.execute(insert(Deadline), deadline_rows[first : first + 5000])
        session.execute(insert(PromiseCalendar), calendar_rows)
        session.commit()
    if engine.dialect.name == "postgresql":
        # Fresh statistics, as autovacuum would have them on a live database; without them the
        # planner guesses and may read the whole table.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return len(deadline_rows)


def _time(fn: object, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(engine: Engine, repeat: int, with_run: bool = True) -> dict[str, float | int]:
    """Time scan, plan (and one real run) on DAY."""
    from jobs.reminders import plan_reminders, run_reminders, scan_due

    with Session(engine) as session:
        scan_due(session, DAY)  # warm caches (calendar, holidays) once, as a long-lived process has
        due = len(scan_due(session, DAY))
        plan = plan_reminders(session, DAY)
        scan = _time(lambda: scan_due(session, DAY), repeat)
        planned = _time(lambda: plan_reminders(session, DAY), repeat)
    result: dict[str, float | int] = {
        "due_deadlines": due,
        "recipients": len(plan.items),
        "scan_median_ms": round(statistics.median(scan), 2),
        "scan_p95_ms": round(_p95(scan), 2),
        "plan_median_ms": round(statistics.median(planned), 2),
        "plan_p95_ms": round(_p95(planned), 2),
    }
    if with_run:
        started = time.perf_counter()
        report = run_reminders(engine, datetime(2026, 3, 11, 7, tzinfo=STOCKHOLM))
        result["run_ms"] = round((time.perf_counter() - started) * 1000, 1)
        result["digests_queued"] = report.queued
    return result


def main() -> None:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--url", default=None, help="database URL (default: a fresh SQLite file per size)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    def engine_for(tag: str) -> Engine:
        if args.url:
            engine = make_engine(args.url)
            from sqlmodel import SQLModel

            import models  # noqa: F401

            with engine.begin() as conn:  # start from an empty schema
                SQLModel.metadata.drop_all(conn)
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
                conn.exec_driver_sql("DROP TABLE IF EXISTS apscheduler_jobs")
            return engine
        return make_engine(f"sqlite:///{tempfile.mkdtemp(prefix='lofte-bench-')}/{tag}.db")

    growth = []
    for size in sizes:
        engine = engine_for(f"n{size}")
        rows = build(engine, size)
        growth.append({"promises": size, "deadlines": rows, **measure(engine, args.repeat)})
        engine.dispose()
    fixed = []
    for size in sizes:
        engine = engine_for(f"fixed{size}")
        rows = build(engine, size, due_only=min(sizes))
        fixed.append(
            {"promises": size, "deadlines": rows, **measure(engine, args.repeat, with_run=False)}
        )
        engine.dispose()

    if args.json:
        print(json.dumps({"day": DAY.isoformat(), "growth": growth, "fixed_due": fixed}, indent=2))
        return
    print(
        f"Reminder scan on {DAY} ({args.url or 'SQLite, embedded default'}), {args.repeat} repeats"
    )
    print("\nAll promises active (what is due grows with the promises):")
    print(
        f"{'promises':>9} {'deadlines':>10} {'due':>6} {'recipients':>10} {'scan med':>9} {'scan p95':>9}"
        f" {'plan med':>9} {'plan p95':>9} {'run':>8} {'digests':>8}"
    )
    for g in growth:
        print(
            f"{g['promises']:>9} {g['deadlines']:>10} {g['due_deadlines']:>6} {g['recipients']:>10}"
            f" {g['scan_median_ms']:>7.1f}ms {g['scan_p95_ms']:>7.1f}ms {g['plan_median_ms']:>7.1f}ms"
            f" {g['plan_p95_ms']:>7.1f}ms {g['run_ms']:>6.0f}ms {g['digests_queued']:>8}"
        )
    print(f"\nOnly {min(sizes)} promises with anything due (the rest start years later):")
    print(
        f"{'promises':>9} {'deadlines':>10} {'due':>6} {'scan med':>9} {'scan p95':>9} {'plan med':>9} {'plan p95':>9}"
    )
    for f in fixed:
        print(
            f"{f['promises']:>9} {f['deadlines']:>10} {f['due_deadlines']:>6}"
            f" {f['scan_median_ms']:>7.1f}ms {f['scan_p95_ms']:>7.1f}ms"
            f" {f['plan_median_ms']:>7.1f}ms {f['plan_p95_ms']:>7.1f}ms"
        )


if __name__ == "__main__":
    main()
