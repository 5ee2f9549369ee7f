"""Benchmark of the regional overview at 1,000 and 10,000 promises in one region.

    python bench/overview.py [--sizes 1000,10000] [--repeat 25] [--url sqlite:///...] [--json]
    python bench/overview.py --exports [--repeat 10]   # XLSX, CSV, JSON: time and peak memory

Builds a database per size (SQLite by default, or the PostgreSQL named by --url, whose schema
is dropped and recreated), all promises in region Stockholm, with what a real region has on a
day in late September 2026:

- terms of 1–4 years starting on the first of a month of 2025–2027, so the promises spread
  over every stage (stages already passed are done, the current one and later are open);
- all their deadlines (stage exits and tertial evaluation rounds), as ``sync_deadlines``
  leaves them;
- in continuous evaluation, 0–3 rounds submitted with an activity report each, one activity
  in five marked *not done*;
- one municipality and one police area per ten promises, each with a coordinator.

Then times ``build_overview`` (all five queries and the assembly, what ``lofte overview
--format json`` does before printing) and, once, each renderer. Prints median and p95.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from config.calendar import get_calendars
from lifecycle.deadlines import KIND_ROUND, plan_deadlines, stage_passed
from lifecycle.stages import CYCLE, Stage
from lifecycle.term import term_end
from lifecycle.vocabulary import ActivityStatus, OrganisationKind, Role
from models.artefacts import Activity, ActivityStatusReport, EvaluationRound, Goal, Problem
from models.base import utcnow
from models.db import make_engine
from models.operations import Deadline
from models.organisation import Organisation, Person
from models.promise import Promise

DAY = date(2026, 9, 23)  # a Wednesday


def _stage_on(n: int, start: date) -> Stage:
    """Where promise ``n`` plausibly stands on DAY, given its term start."""
    if start > DAY:
        return CYCLE[min(4, n % 5)]  # preparing a term that has not started yet
    return (
        Stage.CONTINUOUS_EVALUATION,
        Stage.CONTINUOUS_EVALUATION,
        Stage.YEAR_END_COMPILATION,
        Stage.ACTION_PLAN,
    )[n % 4]


def build(engine: Engine, promises: int, shape: str = "stress") -> dict[str, int]:
    """Fill ``engine`` with ``promises`` promises, their deadlines, rounds and reports.

    ``shape="stress"``: every promise open (the module's docstring). ``shape="history"``: the
    realistic national shape, one in twenty open (as in the stress shape) and the rest closed
    over the ten years before, each municipality holding open and closed ones alike.
    """
    active = promises if shape == "stress" else max(10, promises // 20)
    from config.catalogue import get_catalogue
    from models.catalogue_loader import load_catalogue_into
    from models.migrate import upgrade

    upgrade(engine)
    rules = get_calendars().rules("stockholm")
    now = utcnow()
    with Session(engine) as session:
        load_catalogue_into(session, get_catalogue())
        session.commit()
        orgs = []
        for n in range(max(1, promises // 10)):
            orgs.append(
                {
                    "region_id": "stockholm",
                    "kind": OrganisationKind.MUNICIPALITY,
                    "name": f"Kommun {n}",
                }
            )
            orgs.append(
                {
                    "region_id": "stockholm",
                    "kind": OrganisationKind.LOCAL_POLICE_AREA,
                    "name": f"LPO {n}",
                }
            )
        session.execute(insert(Organisation), orgs)
        session.commit()
        org_ids = list(session.exec(select(Organisation.id).order_by(col(Organisation.id))))
        session.execute(
            insert(Person),
            [
                {
                    "email": f"samordnare{oid}@example.se",
                    "name": f"Samordnare {oid}",
                    "organisation_id": oid,
                    "role": Role.COORDINATOR,
                    "language": "sv",
                    "created_at": now,
                }
                for oid in org_ids
            ],
        )
        rows = []
        for n in range(promises):
            if n < active:
                start = date(2025 + n % 3, 1 + (n * 7) % 12, 1)
                years = 1 + n % 4
                stage = _stage_on(n, start)
            else:  # history: a closed one-year promise of 2016-2025
                start = date(2016 + n % 10, 1 + (n * 7) % 12, 1)
                years = 1
                stage = Stage.CLOSED
            pair = n // 10 if shape == "stress" else n % max(1, active // 10)
            rows.append(
                {
                    "region_id": "stockholm",
                    "area_name": f"Område {n}",
                    "municipality_id": org_ids[2 * pair],
                    "police_area_id": org_ids[2 * pair + 1],
                    "term_start": start,
                    "term_end": term_end(start, years),
                    "term_years": years,
                    "cycle_year": 1,
                    "stage": stage,
                    "version": 1,
                    "created_at": now,
                    "stage_entered_at": datetime(2026, 1 + n % 9, 1 + n % 28, 9, tzinfo=UTC),
                }
            )
        session.execute(insert(Promise), rows)
        session.commit()
        promise_rows = session.exec(select(Promise).order_by(col(Promise.id))).all()
        deadlines, rounds = [], []
        for p in promise_rows:
            submitted = (p.id or 0) % 4 if p.stage is Stage.CONTINUOUS_EVALUATION else 3
            for d in plan_deadlines(p.term_start, p.term_years, rules):
                number = int(d.ref.split(":")[1]) if d.kind == KIND_ROUND else 0
                in_year = d.kind == KIND_ROUND and d.cycle_year == p.cycle_year
                done = (
                    p.stage is Stage.CLOSED
                    or stage_passed(p.stage, p.cycle_year, d.stage, d.cycle_year)
                    or (in_year and number <= submitted)
                )
                deadlines.append(
                    {
                        "promise_id": p.id,
                        "kind": d.kind,
                        "stage": d.stage.value,
                        "cycle_year": d.cycle_year,
                        "ref": d.ref,
                        "due": d.due,
                        "nominal_due": d.nominal if d.nominal != d.due else None,
                        "done": done,
                        "created_at": now,
                        "next_remind_on": None,
                    }
                )
                if in_year and p.stage.position >= Stage.CONTINUOUS_EVALUATION.position:
                    rounds.append(
                        {
                            "promise_id": p.id,
                            "cycle_year": 1,
                            "number": number,
                            "due": d.due,
                            "submitted_at": datetime(d.due.year, d.due.month, 1, tzinfo=UTC)
                            if number <= submitted
                            else None,
                            "feedback_to_residents": "",
                            "feedback_channel": "",
                        }
                    )
        for i in range(0, len(deadlines), 5000):
            session.execute(insert(Deadline), deadlines[i : i + 5000])
        session.execute(insert(EvaluationRound), rounds)
        session.commit()
        # One problem, goal and activity per promise in evaluation, reported in every submitted round.
        evaluating = [
            p for p in promise_rows if p.stage.position >= Stage.CONTINUOUS_EVALUATION.position
        ]
        session.execute(
            insert(Problem),
            [
                {
                    "promise_id": p.id,
                    "title": "Otrygghet",
                    "description": "",
                    "places": [],
                    "selected": True,
                    "created_at": now,
                }
                for p in evaluating
            ],
        )
        session.commit()
        problem_of = dict(session.execute(select(Problem.promise_id, Problem.id)).all())  # type: ignore[arg-type]
        session.execute(
            insert(Goal),
            [
                {
                    "promise_id": p.id,
                    "problem_id": problem_of[p.id],
                    "kind": "outcome",
                    "description": "Färre brott",
                    "indicator": "Anmälda brott",
                    "target_date": p.term_end,
                    "created_at": now,
                }
                for p in evaluating
            ],
        )
        session.commit()
        goal_of = dict(session.execute(select(Goal.promise_id, Goal.id)).all())  # type: ignore[arg-type]
        session.execute(
            insert(Activity),
            [
                {
                    "promise_id": p.id,
                    "goal_id": goal_of[p.id],
                    "title": "Närvaro",
                    "owner_party": "police",
                    "responsible": "Kommunpolis",
                    "prevention_level": "universal",
                    "approach": "situational",
                    "start": p.term_start,
                    "end": p.term_end,
                    "status": "ongoing",
                    "status_reason": "",
                    "description": "",
                    "created_at": now,
                }
                for p in evaluating
            ],
        )
        session.commit()
        activity_of = dict(session.execute(select(Activity.promise_id, Activity.id)).all())  # type: ignore[arg-type]
        submitted_rounds = session.exec(
            select(EvaluationRound).where(col(EvaluationRound.submitted_at).is_not(None))
        ).all()
        session.execute(
            insert(ActivityStatusReport),
            [
                {
                    "round_id": r.id,
                    "activity_id": activity_of[r.promise_id],
                    "status": ActivityStatus.NOT_DONE
                    if r.promise_id % 5 == 0
                    else ActivityStatus.ONGOING,
                    "reason": "Vakanser" if r.promise_id % 5 == 0 else "",
                }
                for r in submitted_rounds
            ],
        )
        session.commit()
        # The rows went in as bulk inserts, around the use cases: their stored status is
        # written once here, as `lofte init` does after the migration that made the table.
        from effects.promise_status import refresh_missing

        refresh_missing(session)
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return {"deadlines": len(deadlines), "rounds": len(rounds)}


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _peak_mib(make: Any) -> float:
    """The peak memory (MiB, tracemalloc) of consuming ``make()``: what the export allocates
    beyond the data it is given."""
    import tracemalloc

    tracemalloc.start()
    try:
        for _ in make():
            pass
        return round(tracemalloc.get_traced_memory()[1] / (1 << 20), 2)
    finally:
        tracemalloc.stop()


def _xlsx(data: dict[str, object], rows: int, repeat: int = 1) -> dict[str, float]:
    """The XLSX export of the first ``rows`` rows, sent as it is written (``iter_xlsx``, what
    the API and the page do), ``repeat`` runs after a warm-up: median, p95 and CPU median
    (this thread's, what a busy machine's other work does not add) in milliseconds, peak
    memory in MiB, size in bytes."""
    from reports.overview_render import iter_xlsx

    part = {**data, "rows": data["rows"][:rows]}  # type: ignore[index]
    size = sum(len(chunk) for chunk in iter_xlsx(part))  # warm-up: imports, caches
    samples, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.thread_time()
        for _ in iter_xlsx(part):
            pass
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return {
        "ms": round(statistics.median(samples), 1),
        "p95_ms": round(_p95(samples), 1),
        "cpu_ms": round(statistics.median(cpu), 1),
        "peak_mib": _peak_mib(lambda: iter_xlsx(part)),
        "bytes": size,
    }


def measure_exports(data: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    """``--exports``: each export (XLSX, CSV, JSON) of 1,000 and 10,000 rows (as many as
    there are), timed ``repeat`` times, with its peak memory."""
    from reports.overview_render import iter_csv
    from web.json_stream import json_chunks

    results = []
    for rows in (1000, 10000):
        if rows > len(data["rows"]):
            continue
        part = {**data, "rows": data["rows"][:rows]}
        xlsx = _xlsx(data, rows, repeat)
        figures: dict[str, Any] = {"rows": rows, **{f"xlsx_{k}": v for k, v in xlsx.items()}}
        for name, make in (
            ("csv", lambda part=part: iter_csv(part)),
            ("json", lambda part=part: json_chunks(part)),
        ):
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                for _ in make():
                    pass
                samples.append((time.perf_counter() - started) * 1000)
            figures[f"{name}_ms"] = round(statistics.median(samples), 1)
            figures[f"{name}_peak_mib"] = _peak_mib(make)
        results.append(figures)
    return results


def measure(engine: Engine, repeat: int) -> dict[str, float | int]:
    """Time build_overview on DAY (after one warm-up): one page of 100 rows (the overview
    page) and every row (the exports); each renderer once; the XLSX's memory."""
    from reports.overview import build_overview
    from reports.overview_render import to_csv, to_json, to_table

    with Session(engine) as session:
        data = build_overview(session, "stockholm", DAY)  # warm: holidays, caches, statements
        samples, cpu, paged = [], [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.thread_time()
            build_overview(session, "stockholm", DAY)
            samples.append((time.perf_counter() - started) * 1000)
            # This thread's CPU time: the work itself, without waiting for a busy machine's
            # other processes (on PostgreSQL the server's share is not in it).
            cpu.append((time.thread_time() - started_cpu) * 1000)
            started = time.perf_counter()
            build_overview(session, "stockholm", DAY, limit=100)
            paged.append((time.perf_counter() - started) * 1000)
    render_ms = {}
    for name, fn in (("table", to_table), ("json", to_json), ("csv", to_csv)):
        started = time.perf_counter()
        fn(data)  # type: ignore[operator]
        render_ms[name] = round((time.perf_counter() - started) * 1000, 1)
    xlsx = {}
    for rows in (1000, 10000):
        if rows <= len(data["rows"]):
            one = _xlsx(data, rows)
            xlsx.update(
                {
                    f"xlsx_{rows}_ms": one["ms"],
                    f"xlsx_{rows}_peak_mib": one["peak_mib"],
                    f"xlsx_{rows}_bytes": one["bytes"],
                }
            )
    every = _xlsx(data, len(data["rows"]))
    render_ms["xlsx"] = every["ms"]
    xlsx["xlsx_all_peak_mib"] = every["peak_mib"]
    s = data["summary"]
    return {
        "rows": len(data["rows"]),
        "late": s["late"],
        "late_evaluations": s["late_evaluations"],
        "overdue_items": s["overdue_items"],
        "not_done": s["activities_not_done"],
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_p95(samples), 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "page_median_ms": round(statistics.median(paged), 2),
        "page_p95_ms": round(_p95(paged), 2),
        **{f"render_{k}_ms": v for k, v in render_ms.items()},
        **xlsx,
    }


def _load() -> str:
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "?"


def _exports_only(size: int, args: argparse.Namespace) -> None:
    """``--exports``: one SQLite region of ``size`` promises, its overview computed once,
    then each export of 1,000 and 10,000 of its rows (measure_exports)."""
    from reports.overview import build_overview

    engine = make_engine(f"sqlite:///{tempfile.mkdtemp(prefix='lofte-bench-')}/n{size}.db")
    build(engine, size, args.shape)
    with Session(engine) as session:
        data = build_overview(session, "stockholm", DAY)
    engine.dispose()
    before = _load()
    results = measure_exports(data, args.repeat)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"exports of the {args.shape} overview ({size:,} promises), {args.repeat} runs after a "
        f"warm-up, load average {before} before and {_load()} after"
    )
    print(
        "| rows | xlsx median | xlsx p95 | xlsx CPU | xlsx peak | xlsx size | csv median | csv peak | json median | json peak |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['rows']:,} | {r['xlsx_ms']} ms | {r['xlsx_p95_ms']} ms | {r['xlsx_cpu_ms']} ms | {r['xlsx_peak_mib']} MiB | "
            f"{r['xlsx_bytes'] / 1024:,.0f} KiB | {r['csv_ms']} ms | {r['csv_peak_mib']} MiB | "
            f"{r['json_ms']} ms | {r['json_peak_mib']} MiB |"
        )


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument(
        "--url", default=None, help="database URL (default: a fresh SQLite file per size)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--shape",
        choices=("stress", "history"),
        default="stress",
        help="stress: every promise open; history: one in twenty open, the rest closed over ten years",
    )
    parser.add_argument(
        "--exports",
        action="store_true",
        help="only the exports: XLSX, CSV and JSON of 1,000 and 10,000 rows, time and peak memory",
    )
    args = parser.parse_args()
    if args.exports:
        _exports_only(max(int(s) for s in args.sizes.split(",")), args)
        return
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        if args.url:
            from sqlmodel import SQLModel

            import models  # noqa: F401

            engine = make_engine(args.url)
            with engine.begin() as conn:
                SQLModel.metadata.drop_all(conn)
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
                conn.exec_driver_sql("DROP TABLE IF EXISTS apscheduler_jobs")
        else:
            engine = make_engine(f"sqlite:///{tempfile.mkdtemp(prefix='lofte-bench-')}/n{size}.db")
        built = build(engine, size, args.shape)
        results.append({"promises": size, **built, **measure(engine, args.repeat)})
        engine.dispose()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    load = (
        " ".join(Path("/proc/loadavg").read_text().split()[:3])
        if Path("/proc/loadavg").exists()
        else "?"
    )
    print(
        f"{engine.dialect.name}, {args.shape} shape, day {DAY}, {args.repeat} repeats after one warm-up, load average {load}"
    )
    print(
        "| promises | open | late | overdue items | all rows median | p95 | CPU median | page of 100 median | p95 | csv | xlsx (all) | xlsx peak |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['promises']:,} | {r['rows']:,} | {r['late']:,} | {r['overdue_items']:,} | "
            f"{r['median_ms']} ms | {r['p95_ms']} ms | {r['cpu_median_ms']} ms | {r['page_median_ms']} ms | {r['page_p95_ms']} ms | "
            f"{r['render_csv_ms']} ms | {r['render_xlsx_ms']} ms | {r['xlsx_all_peak_mib']} MiB |"
        )
    for r in results:
        for rows in (1000, 10000):
            if f"xlsx_{rows}_ms" in r:
                print(
                    f"XLSX of {rows:,} rows ({r['promises']:,} promises): {r[f'xlsx_{rows}_ms']} ms, "
                    f"peak {r[f'xlsx_{rows}_peak_mib']} MiB, {r[f'xlsx_{rows}_bytes']:,} bytes"
                )


if __name__ == "__main__":
    main()
