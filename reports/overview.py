"""The regional overview: every promise of a region, where it stands and what is late, as data.

``build_overview(session, region, today)`` reads a handful of indexed queries (the region's
promises with their parties; their open deadlines that are overdue or belong to the current
stage; each promise's next open deadline; the coordinators; the activities whose latest
report says *not done*; the number of closed promises). Nothing is read per promise, so the
cost grows with the size of the region, not with a query per row, and the same data feeds
the terminal table, JSON, CSV, XLSX and the stored status snapshots.

Worst first: promises with overdue evaluation rounds lead (the failure BRÅ found most often:
follow-up not done), ordered by how many working days their latest-late round is, then by
how many rounds are late; then promises with other overdue deadlines, by lateness; then
activities not done; then the nearest next deadline.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, and_, cast, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from lifecycle.calendar import is_working_day
from lifecycle.deadlines import KIND_ROUND, what_is_due
from lifecycle.stages import CYCLE, Stage
from lifecycle.vocabulary import ActivityStatus, Role
from models.artefacts import Activity, ActivityStatusReport, EvaluationRound
from models.operations import Deadline
from models.organisation import Organisation, Person, Region
from models.promise import Promise

OVERVIEW_VERSION = 1


# --- working days, counted fast -------------------------------------------------------------


@lru_cache(maxsize=16)
def _cumulative(first: date, last: date) -> tuple[date, tuple[int, ...]]:
    """Working days in [first, d] for every d in [first, last], as a tuple indexed by offset.

    ``lifecycle.calendar.working_days_between`` walks day by day; with thousands of overdue
    items a region-wide overview would spend most of its time there. A cumulative count
    answers each item with one subtraction, with the same calendar (``is_working_day``).
    """
    counts = []
    running = 0
    day = first
    while day <= last:
        if is_working_day(day):
            running += 1
        counts.append(running)
        day += timedelta(days=1)
    return first, tuple(counts)


@dataclass(frozen=True)
class WorkingDays:
    """Counts working days between dates within a fixed span (same rule as the calendar)."""

    first: date
    counts: tuple[int, ...]

    @classmethod
    def spanning(cls, days: list[date]) -> WorkingDays:
        """A counter covering every date in ``days`` (padded to whole years, so it caches)."""
        low, high = min(days), max(days)
        first, counts = _cumulative(date(low.year - 1, 1, 1), date(high.year + 1, 12, 31))
        return cls(first, counts)

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is earlier (as the calendar)."""
        a = self.counts[(start - self.first).days]
        b = self.counts[(end - self.first).days]
        return b - a


# --- words ----------------------------------------------------------------------------------


def _round_number(kind: str, ref: str) -> int | None:
    return int(ref.split(":", 1)[1]) if kind == KIND_ROUND else None


# --- the queries ----------------------------------------------------------------------------


def _scope(query: Any, region: str | None) -> Any:
    """Only the region's promises (all when ``region`` is None) that are not closed."""
    query = query.where(col(Promise.stage) != Stage.CLOSED)
    if region is not None:
        query = query.where(col(Promise.region_id) == region)
    return query


def _text(column: Any) -> Any:
    """A date column read as its ISO text: parsing it with ``date.fromisoformat`` (C) instead
    of the driver's type processing halves the cost of reading thousands of rows on SQLite."""
    return cast(column, String)


def _promises(session: Session, region: str | None) -> list[Any]:
    municipality = aliased(Organisation)
    police = aliased(Organisation)
    query = (
        sa_select(
            col(Promise.id),
            col(Promise.region_id),
            col(Promise.area_name),
            _text(Promise.stage).label("stage"),
            col(Promise.cycle_year),
            _text(Promise.term_start).label("term_start"),
            _text(Promise.term_end).label("term_end"),
            col(Promise.term_years),
            col(Promise.stage_entered_at),
            col(Promise.municipality_id),
            col(Promise.police_area_id),
            col(municipality.name).label("municipality"),
            col(police.name).label("police_area"),
        )
        .join(municipality, col(municipality.id) == col(Promise.municipality_id))
        .join(police, col(police.id) == col(Promise.police_area_id))
    )
    return list(session.connection().execute(_scope(query, region)).all())


def _overdue_and_current(session: Session, region: str | None, today: date) -> list[Any]:
    """Open deadlines that are overdue, or belong to the promise's current stage and year."""
    query = (
        sa_select(
            col(Deadline.promise_id),
            col(Deadline.kind),
            col(Deadline.stage),
            col(Deadline.cycle_year),
            col(Deadline.ref),
            _text(Deadline.due).label("due"),
            _text(Deadline.nominal_due).label("nominal_due"),
        )
        .join(Promise, col(Promise.id) == col(Deadline.promise_id))
        .where(
            col(Deadline.done).is_(False),
            or_(
                col(Deadline.due) < today,
                and_(
                    col(Deadline.stage) == col(Promise.stage),
                    col(Deadline.cycle_year) == col(Promise.cycle_year),
                ),
            ),
        )
    )
    return list(session.connection().execute(_scope(query, region)).all())


def _next_deadlines(session: Session, region: str | None, today: date) -> list[Any]:
    """Each promise's first open deadline on or after today.

    A correlated ``ORDER BY due LIMIT 1`` per promise (an index seek on the promise's
    deadlines) rather than a window over every future deadline of the region: measured
    five times faster at 1,000 promises (docs/performance-regional.md).
    """
    later = aliased(Deadline)
    first_id = (
        sa_select(col(later.id))
        .where(
            col(later.promise_id) == col(Promise.id),
            col(later.done).is_(False),
            col(later.due) >= today,
        )
        .order_by(col(later.due), col(later.id))
        .limit(1)
        .correlate(Promise)
        .scalar_subquery()
    )
    # The ids first (one seek per promise), then the rows by primary key: joining on the
    # scalar subquery instead makes SQLite evaluate it for every deadline row.
    ids = _scope(sa_select(first_id).select_from(Promise), region)
    query = sa_select(
        col(Deadline.promise_id),
        col(Deadline.kind),
        col(Deadline.stage),
        col(Deadline.cycle_year),
        col(Deadline.ref),
        _text(Deadline.due).label("due"),
    ).where(col(Deadline.id).in_(ids))
    return list(session.connection().execute(query).all())


def _coordinators(session: Session, region: str | None) -> dict[int, list[dict[str, str]]]:
    """Coordinators by organisation id: who answers for a promise's deadlines (as reminders)."""
    query = (
        sa_select(
            col(Person.organisation_id), col(Person.name), col(Person.email), col(Organisation.name)
        )
        .join(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .where(col(Person.role) == Role.COORDINATOR)
        .order_by(col(Person.email))
    )
    if region is not None:
        query = query.where(col(Organisation.region_id) == region)
    found: dict[int, list[dict[str, str]]] = defaultdict(list)
    for org_id, name, email, org_name in session.connection().execute(query):
        if org_id is None:  # the join excludes it; the column type does not know
            continue
        found[org_id].append({"name": name, "email": email, "organisation": org_name})
    return found


def _not_done_activities(session: Session, region: str | None) -> dict[int, list[dict[str, Any]]]:
    """Activities of the current year whose latest submitted report says not done."""
    ranked = _scope(
        sa_select(
            col(Activity.promise_id),
            col(Activity.id).label("activity_id"),
            col(Activity.title),
            col(Activity.responsible),
            col(EvaluationRound.number).label("round"),
            col(ActivityStatusReport.status),
            col(ActivityStatusReport.reason),
            func.row_number()
            .over(
                partition_by=col(ActivityStatusReport.activity_id),
                order_by=col(EvaluationRound.number).desc(),
            )
            .label("rn"),
        )
        .select_from(ActivityStatusReport)
        .join(EvaluationRound, col(EvaluationRound.id) == col(ActivityStatusReport.round_id))
        .join(Promise, col(Promise.id) == col(EvaluationRound.promise_id))
        .join(Activity, col(Activity.id) == col(ActivityStatusReport.activity_id))
        .where(
            col(EvaluationRound.cycle_year) == col(Promise.cycle_year),
            col(EvaluationRound.submitted_at).is_not(None),
        ),
        region,
    ).subquery()
    query = (
        sa_select(
            ranked.c.promise_id,
            ranked.c.activity_id,
            ranked.c.title,
            ranked.c.responsible,
            ranked.c["round"],
            ranked.c.reason,
        )
        .where(ranked.c.rn == 1, ranked.c.status == ActivityStatus.NOT_DONE.value)
        .order_by(ranked.c.activity_id)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for promise_id, activity_id, title, responsible, number, reason in session.connection().execute(
        query
    ):
        found[promise_id].append(
            {
                "activity_id": activity_id,
                "title": title,
                "responsible": responsible,
                "round": number,
                "reason": reason,
            }
        )
    return found


def _closed_count(session: Session, region: str | None) -> int:
    query = sa_select(func.count()).select_from(Promise).where(col(Promise.stage) == Stage.CLOSED)
    if region is not None:
        query = query.where(col(Promise.region_id) == region)
    return int(session.connection().execute(query).scalar_one())


# --- assembling -----------------------------------------------------------------------------


def severity(row: dict[str, Any]) -> tuple[Any, ...]:
    """The sort key of a row: smaller is worse (see the module's docstring)."""
    next_due = row["next_deadline"]["due"] if row["next_deadline"] else "9999-12-31"
    return (
        -row["worst_round_working_days_late"],
        -row["overdue_rounds"],
        -row["worst_working_days_late"],
        -len(row["overdue"]),
        -len(row["activities_not_done"]),
        next_due,
        row["promise_id"],
    )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Hold off Python's cycle collector while the overview allocates its rows.

    The overview makes thousands of small, acyclic dicts and lists (freed by reference
    counting, never by the collector), and each burst of allocations triggers collections that
    walk the whole heap: measured, they added about a third to the median and doubled the p95
    at 1,000 promises (docs/performance-regional.md). Only switched back on if it was on, so
    concurrent callers never leave it off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_overview(
    session: Session, region: str | None, today: date, language: str = "sv"
) -> dict[str, Any]:
    """The overview of ``region`` (every region when None) on ``today``, worst first.

    Returns ``{"region", "region_name", "date", "language", "rows": [...], "summary": {...}}``;
    every value is JSON-ready (dates as ISO strings). A row holds the promise's area and
    parties, stage, the stage's deadline, the next deadline, every overdue item (with working
    days late and who is responsible), activities marked not done, and when it last moved.
    """
    with _no_cycle_collection():
        return _build(session, region, today, language)


def _build(session: Session, region: str | None, today: date, language: str) -> dict[str, Any]:
    region_name = None
    if region is not None:
        row = session.get(Region, region)
        region_name = (row.name_sv if language == "sv" else row.name_en) if row else region
    promises = _promises(session, region)
    deadlines = _overdue_and_current(session, region, today)
    nexts = {r.promise_id: r for r in _next_deadlines(session, region, today)}
    people = _coordinators(session, region)
    not_done = _not_done_activities(session, region)
    closed = _closed_count(session, region)

    # Rows are unpacked into plain tuples once: attribute access on a driver row costs more
    # than everything else the loop below does, at thousands of rows.
    today_text = today.isoformat()
    by_promise: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for d in deadlines:
        by_promise[d[0]].append(tuple(d))
    next_of = {n[0]: tuple(n) for n in nexts.values()}
    due_of = {
        text: date.fromisoformat(text)
        for text in {d[5] for d in deadlines} | {n[5] for n in next_of.values()}
    }
    counter = WorkingDays.spanning([today, *due_of.values()])
    stages = {s.value: s for s in Stage}

    rows = []
    for (
        pid,
        region_id,
        area,
        stage_value,
        cycle_year,
        term_start,
        term_end,
        term_years,
        moved,
        municipality_id,
        police_area_id,
        municipality_name,
        police_name,
    ) in promises:
        responsible = people.get(municipality_id, []) + people.get(police_area_id, [])
        overdue = []
        stage_dues = []
        stage_now = stages[stage_value]
        for _, kind, d_stage, d_year, ref, due, nominal in by_promise.get(pid, ()):
            if d_stage == stage_value and d_year == cycle_year:
                stage_dues.append(due)
            if due < today_text:  # ISO dates compare as text
                overdue.append(
                    {
                        "kind": kind,
                        "stage": d_stage,
                        "cycle_year": d_year,
                        "ref": ref,
                        "round": _round_number(kind, ref),
                        "what": what_is_due(
                            kind, stages[d_stage], ref, d_year, term_years, language
                        ),
                        "due": due,
                        "nominal_due": nominal,
                        "working_days_late": counter.between(due_of[due], today),
                        "responsible": responsible,
                    }
                )
        # Latest-late first: evaluation rounds ahead of stages at equal lateness.
        overdue.sort(
            key=lambda o: (-o["working_days_late"], o["kind"] != KIND_ROUND, o["due"], o["ref"])
        )
        rounds_late = [o["working_days_late"] for o in overdue if o["kind"] == KIND_ROUND]
        # A stage's deadline is its stage row; continuous evaluation has none, its end is the
        # year's last round still open.
        stage_due = max(stage_dues) if stage_dues else None
        nxt = next_of.get(pid)
        next_deadline = None
        if nxt is not None:
            _, n_kind, n_stage, n_year, n_ref, n_due = nxt
            next_deadline = {
                "kind": n_kind,
                "stage": n_stage,
                "ref": n_ref,
                "round": _round_number(n_kind, n_ref),
                "what": what_is_due(n_kind, stages[n_stage], n_ref, n_year, term_years, language),
                "due": n_due,
                "working_days_left": counter.between(today, due_of[n_due]),
            }
        rows.append(
            {
                "promise_id": pid,
                "region": region_id,
                "area": area,
                "municipality": municipality_name,
                "police_area": police_name,
                "term_start": term_start,
                "term_end": term_end,
                "cycle_year": cycle_year,
                "stage": stage_value,
                "stage_name": stage_now.name_in(language),
                "stage_due": stage_due,
                "stage_working_days_left": counter.between(today, due_of[stage_due])
                if stage_due
                else None,
                "next_deadline": next_deadline,
                "overdue": overdue,
                "overdue_rounds": len(rounds_late),
                "worst_round_working_days_late": max(rounds_late, default=0),
                "worst_working_days_late": max(
                    (o["working_days_late"] for o in overdue), default=0
                ),
                "activities_not_done": not_done.get(pid, []),
                "responsible": responsible,
                "last_moved": moved.isoformat(),
                "days_since_moved": (today - moved.date()).days,
            }
        )
    rows.sort(key=severity)
    return {
        "version": OVERVIEW_VERSION,
        "region": region,
        "region_name": region_name,
        "date": today.isoformat(),
        "language": language,
        "rows": rows,
        "summary": summarise(rows, closed),
    }


def summarise(rows: list[dict[str, Any]], closed: int = 0) -> dict[str, Any]:
    """Counts over the rows: per stage, how many late, and the municipalities most overdue."""
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


def known_regions(session: Session) -> list[str]:
    """The region ids in the catalogue (for error messages and the all-regions report)."""
    return sorted(session.connection().execute(sa_select(col(Region.id))).scalars())
