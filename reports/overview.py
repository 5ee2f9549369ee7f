"""The regional overview: every promise of a region, where it stands and what is late, as data.

``build_overview(session, region, today)`` reads the region's open promises with their
parties and their stored status (``models.status.PromiseStatus``, kept in step by every
change: their open deadlines' due dates, the activities marked not done), the coordinators
and the number of closed promises. A light pass over the stored due dates gives every
promise's place in the order and the summary; the full rows (with their words) are built
only for the page asked for (every row for the exports). No deadline table is scanned, so a
page costs what it shows, and the same data feeds the terminal table, JSON, CSV, XLSX and the
stored status snapshots.

Worst first: promises with overdue evaluation rounds lead (the failure BRÅ found most often:
follow-up not done), ordered by how many working days their latest-late round is, then by
how many rounds are late; then promises with other overdue deadlines, by lateness; then
activities not done; then the nearest next deadline.
"""

from __future__ import annotations

import gc
import json
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from lifecycle.calendar import is_working_day
from lifecycle.deadlines import KIND_ROUND, what_is_due
from lifecycle.stages import CYCLE, Stage
from lifecycle.vocabulary import Role
from models.organisation import Organisation, Person, Region
from models.promise import PartyOrganisation, Promise
from models.status import PromiseStatus

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


def _text(column: Any) -> Any:
    """A date column read as its ISO text: parsing it with ``date.fromisoformat`` (C) instead
    of the driver's type processing halves the cost of reading thousands of rows on SQLite."""
    return cast(column, String)


def _further_organisations(
    session: Session, promise_ids: list[int]
) -> dict[int, list[tuple[int, str]]]:
    """Each shown promise's further party organisations (a city district split between two
    police areas), by id and name: one query for the page, not one per promise."""
    further: dict[int, list[tuple[int, str]]] = {}
    rows = session.exec(
        select(PartyOrganisation.promise_id, Organisation.id, Organisation.name)
        .join(Organisation, col(Organisation.id) == col(PartyOrganisation.organisation_id))
        .where(col(PartyOrganisation.promise_id).in_(promise_ids))
        .order_by(col(PartyOrganisation.organisation_id))
    ).all()
    for promise_id, org_id, name in rows:
        further.setdefault(promise_id, []).append((org_id or 0, name))
    return further


def _open_promises(
    session: Session, region: str | None, year: int | None, municipality: str, stage: str
) -> list[Any]:
    """The open promises of the region with their parties and their stored status (one row
    each; ``effects/promise_status.py`` keeps it in step): no deadline is read here."""
    municipality_org = aliased(Organisation)
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
            col(municipality_org.name).label("municipality"),
            col(police.name).label("police_area"),
            col(PromiseStatus.open_dues),
            col(PromiseStatus.not_done),
        )
        .select_from(PromiseStatus)
        .join(Promise, col(Promise.id) == col(PromiseStatus.promise_id))
        .join(municipality_org, col(municipality_org.id) == col(Promise.municipality_id))
        .join(police, col(police.id) == col(Promise.police_area_id))
        .where(col(PromiseStatus.closed).is_(False))
    )
    if region is not None:
        query = query.where(col(PromiseStatus.region_id) == region)
    if year is not None:
        query = query.where(col(PromiseStatus.current_year) == year)
    if municipality:
        query = query.where(col(municipality_org.name) == municipality)
    if stage:
        query = query.where(col(PromiseStatus.stage) == stage)
    return list(session.connection().execute(query).all())


def _open_deadlines(session: Session, ids: list[int]) -> dict[int, list[list[Any]]]:
    """The stored open deadlines of the promises shown (a page, or every row of an export)."""
    found: dict[int, list[list[Any]]] = {}
    for start in range(0, len(ids), 900):  # below SQLite's bound-parameter limit
        for pid, text in session.connection().execute(
            sa_select(col(PromiseStatus.promise_id), col(PromiseStatus.open_deadlines)).where(
                col(PromiseStatus.promise_id).in_(ids[start : start + 900])
            )
        ):
            found[pid] = json.loads(text)
    return found


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
    session: Session,
    region: str | None,
    today: date,
    language: str = "sv",
    *,
    year: int | None = None,
    municipality: str = "",
    stage: str = "",
    late: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """The overview of ``region`` (every region when None) on ``today``, worst first.

    Returns ``{"region", "region_name", "date", "language", "rows": [...], "summary": {...},
    "page": {...}, "municipalities": [...]}``; every value is JSON-ready (dates as ISO
    strings). A row holds the promise's area and parties, stage, the stage's deadline, the next
    deadline, every overdue item (with working days late and who is responsible), activities
    marked not done, and when it last moved.

    The summary counts every open promise of the region; ``year`` (the calendar year a
    promise's current cycle year starts in), ``municipality``, ``stage`` and ``late`` choose
    the rows, and ``offset``/``limit`` one page of them (all when ``limit`` is None). The order
    and the summary come from each promise's stored due dates; the full row (with its words)
    is built only for the rows returned, so a page costs what it shows.
    """
    with _no_cycle_collection():
        return _build(
            session, region, today, language, year, municipality, stage, late, offset, limit
        )


def _late_facts(
    dues: str, today_text: str, counter_of: Any
) -> tuple[int, int, int, int, str | None]:
    """From a promise's stored due dates: overdue items, overdue rounds, working days late of
    the earliest overdue round and of the earliest overdue item, and the next due date."""
    tokens = dues.split(",") if dues else []
    n = bisect_left(tokens, today_text)  # sorted ISO dates: what is late is a prefix
    rounds = [t for t in tokens[:n] if t[-1] == "r"]
    worst_round = counter_of(rounds[0][:10]) if rounds else 0
    worst = counter_of(tokens[0][:10]) if n else 0
    return n, len(rounds), worst_round, worst, tokens[n][:10] if n < len(tokens) else None


def _build(
    session: Session,
    region: str | None,
    today: date,
    language: str,
    year: int | None,
    municipality: str,
    stage: str,
    late: bool,
    offset: int,
    limit: int | None,
) -> dict[str, Any]:
    region_name = None
    if region is not None:
        row = session.get(Region, region)
        region_name = (row.name_sv if language == "sv" else row.name_en) if row else region
    promises = _open_promises(session, region, year, "", "")
    people = _coordinators(session, region)
    closed = _closed_count(session, region)

    today_text = today.isoformat()
    edges = {today_text}
    for p in promises:
        dues = p[13]
        if dues:
            edges.add(dues[:10])
            edges.add(dues[-12:-2])
    counter = WorkingDays.spanning([date.fromisoformat(t) for t in edges])
    due_of: dict[str, date] = {}

    def as_date(text: str) -> date:
        found = due_of.get(text)
        if found is None:
            found = due_of[text] = date.fromisoformat(text)
        return found

    def late_by(text: str) -> int:
        return counter.between(as_date(text), today)

    # The light pass: every open promise's place in the order and its share of the summary,
    # from the stored due dates alone (no JSON parsed but the short not-done lists).
    light = []
    for p in promises:
        n, rounds, worst_round, worst, next_due = _late_facts(p[13], today_text, late_by)
        not_done = 0 if p[14] == "[]" else len(json.loads(p[14]))
        light.append(
            {
                "promise_id": p[0],
                "stage": p[3],
                "municipality": p[11],
                "overdue": n,
                "overdue_rounds": rounds,
                "worst_round_working_days_late": worst_round,
                "worst_working_days_late": worst,
                "activities_not_done": not_done,
                "next_due": next_due,
                "record": p,
            }
        )
    light.sort(key=_light_severity)
    chosen = [
        r
        for r in light
        if (not municipality or r["municipality"] == municipality)
        and (not stage or r["stage"] == stage)
        and (not late or r["worst_working_days_late"] > 0)
    ]
    shown = chosen[offset : None if limit is None else offset + limit]
    deadlines = _open_deadlines(session, [r["promise_id"] for r in shown])
    further = _further_organisations(session, [r["promise_id"] for r in shown])
    for d_list in deadlines.values():
        for d in d_list:
            as_date(d[4])
    stages = {s.value: s for s in Stage}

    rows = []
    for r in shown:
        (
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
            _dues,
            not_done_text,
        ) = r["record"]
        also = further.get(pid, [])
        responsible = [
            person
            for org_id in (municipality_id, police_area_id, *(org_id for org_id, _ in also))
            for person in people.get(org_id, [])
        ]
        police_name = " och ".join([police_name, *(name for _, name in also)])
        overdue = []
        stage_dues = []
        next_deadline = None
        for kind, d_stage, d_year, ref, due, nominal in deadlines.get(pid, ()):
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
            elif next_deadline is None:  # stored by due date: the first not late is next
                next_deadline = {
                    "kind": kind,
                    "stage": d_stage,
                    "ref": ref,
                    "round": _round_number(kind, ref),
                    "what": what_is_due(kind, stages[d_stage], ref, d_year, term_years, language),
                    "due": due,
                    "working_days_left": counter.between(today, due_of[due]),
                }
        # Latest-late first: evaluation rounds ahead of stages at equal lateness.
        overdue.sort(
            key=lambda o: (-o["working_days_late"], o["kind"] != KIND_ROUND, o["due"], o["ref"])
        )
        rounds_late = [o["working_days_late"] for o in overdue if o["kind"] == KIND_ROUND]
        # A stage's deadline is its stage row; continuous evaluation has none, its end is the
        # year's last round still open.
        stage_due = max(stage_dues) if stage_dues else None
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
                "stage_name": stages[stage_value].name_in(language),
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
                "activities_not_done": json.loads(not_done_text),
                "responsible": responsible,
                "last_moved": moved.isoformat(),
                "days_since_moved": (today - moved.date()).days,
            }
        )
    return {
        "version": OVERVIEW_VERSION,
        "region": region,
        "region_name": region_name,
        "date": today.isoformat(),
        "language": language,
        "rows": rows,
        "summary": summarise(light, closed),
        "page": {
            "offset": offset,
            "limit": limit,
            "total": len(chosen),
            "year": year,
            "municipality": municipality,
            "stage": stage,
            "late": late,
        },
        "municipalities": sorted({r["municipality"] for r in light}),
    }


def _light_severity(row: dict[str, Any]) -> tuple[Any, ...]:
    """``severity`` of a row of the light pass (counts instead of lists): the same order."""
    return (
        -row["worst_round_working_days_late"],
        -row["overdue_rounds"],
        -row["worst_working_days_late"],
        -row["overdue"],
        -row["activities_not_done"],
        row["next_due"] or "9999-12-31",
        row["promise_id"],
    )


def _count(value: Any) -> int:
    """How many: a list's length, or the count a light row already holds."""
    return value if isinstance(value, int) else len(value)


def summarise(rows: list[dict[str, Any]], closed: int = 0) -> dict[str, Any]:
    """Counts over the rows: per stage, how many late, and the municipalities most overdue
    (full rows, or the light rows of ``_build`` that hold counts instead of lists)."""
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
        m["overdue_items"] += _count(row["overdue"])
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
        "overdue_items": sum(_count(r["overdue"]) for r in rows),
        "overdue_rounds": sum(r["overdue_rounds"] for r in rows),
        "activities_not_done": sum(_count(r["activities_not_done"]) for r in rows),
        "worst_working_days_late": max((r["worst_working_days_late"] for r in rows), default=0),
        "municipalities_most_overdue": ranked,
    }


def known_regions(session: Session) -> list[str]:
    """The region ids in the catalogue (for error messages and the all-regions report)."""
    return sorted(session.connection().execute(sa_select(col(Region.id))).scalars())
