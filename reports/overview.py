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
import heapq
import json
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, case, cast, func
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


def _light_promises(session: Session, region: str | None, year: int | None) -> list[Any]:
    """Every open promise of the region as the light pass reads it: id, stage, municipality,
    stored due dates and the activities not done (None when there are none). Five short
    columns: the dates, words and parties of a full row are read only for the rows shown."""
    municipality_org = aliased(Organisation)
    query = (
        sa_select(
            col(PromiseStatus.promise_id),
            _text(Promise.stage).label("stage"),
            col(municipality_org.name).label("municipality"),
            col(PromiseStatus.open_dues),
            # Most promises have none; their "[]" is not parsed (nor sent) at all.
            case((col(PromiseStatus.not_done) == "[]", None), else_=col(PromiseStatus.not_done)),
        )
        .select_from(PromiseStatus)
        .join(Promise, col(Promise.id) == col(PromiseStatus.promise_id))
        .join(municipality_org, col(municipality_org.id) == col(Promise.municipality_id))
        .where(col(PromiseStatus.closed).is_(False))
    )
    if region is not None:
        query = query.where(col(PromiseStatus.region_id) == region)
    if year is not None:
        query = query.where(col(PromiseStatus.current_year) == year)
    return list(session.connection().execute(query).all())


def _records(
    session: Session, region: str | None, year: int | None, ids: list[int]
) -> dict[int, Any]:
    """The full records of the promises shown (a page, or every row of an export): parties,
    term, when it last moved, and the stored open deadlines and activities not done."""
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
            col(PromiseStatus.open_deadlines),
            col(PromiseStatus.not_done),
        )
        .select_from(PromiseStatus)
        .join(Promise, col(Promise.id) == col(PromiseStatus.promise_id))
        .join(municipality_org, col(municipality_org.id) == col(Promise.municipality_id))
        .join(police, col(police.id) == col(Promise.police_area_id))
        .where(col(PromiseStatus.closed).is_(False))
    )
    if len(ids) <= _BATCH:
        found = session.connection().execute(query.where(col(Promise.id).in_(ids)))
        return {r[0]: r for r in found}
    # An export of more rows than one query may name: the region's (and year's) open
    # promises in one query, keeping the ones asked for.
    if region is not None:
        query = query.where(col(PromiseStatus.region_id) == region)
    if year is not None:
        query = query.where(col(PromiseStatus.current_year) == year)
    wanted = set(ids)
    return {r[0]: r for r in session.connection().execute(query) if r[0] in wanted}


# Ids named in one query: below SQLite's bound-parameter limit.
_BATCH = 900


def _coordinators(
    session: Session, region: str | None, org_ids: set[int]
) -> dict[int, list[dict[str, str]]]:
    """Coordinators by organisation id: who answers for a promise's deadlines (as reminders),
    of the organisations of the rows shown (the region's, for an export of many rows)."""
    query = (
        sa_select(
            col(Person.organisation_id), col(Person.name), col(Person.email), col(Organisation.name)
        )
        .join(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .where(col(Person.role) == Role.COORDINATOR)
        .order_by(col(Person.email))
    )
    if len(org_ids) <= _BATCH:
        query = query.where(col(Person.organisation_id).in_(sorted(org_ids)))
    elif region is not None:
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


def _late_facts(dues: str, today_text: str, late_by: Any) -> tuple[int, int, int, int, str | None]:
    """From a promise's stored due dates: overdue items, overdue rounds, working days late of
    the earliest overdue round and of the earliest overdue item, and the next due date."""
    if not dues:
        return 0, 0, 0, 0, None
    if dues[:10] >= today_text:  # nothing late (most promises): no list made at all
        return 0, 0, 0, 0, dues[:10]
    tokens = dues.split(",")
    n = bisect_left(tokens, today_text)  # sorted ISO dates: what is late is a prefix
    rounds = 0
    first_round = ""
    for token in tokens[:n]:
        if token[-1] == "r":
            rounds += 1
            first_round = first_round or token
    worst_round = late_by(first_round[:10]) if rounds else 0
    return (
        n,
        rounds,
        worst_round,
        late_by(tokens[0][:10]),
        tokens[n][:10] if n < len(tokens) else None,
    )


# A light row: (sort key, promise id, stage, municipality, overdue items, overdue rounds,
# working days late of the earliest item, activities not done). Tuples, not dicts: the light
# pass makes one per open promise of the region.
_KEY, _ID, _STAGE, _MUNICIPALITY, _OVERDUE, _ROUNDS, _WORST, _NOT_DONE = range(8)


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
    promises = _light_promises(session, region, year)
    closed = _closed_count(session, region)

    today_text = today.isoformat()
    first, last = today_text, today_text
    for p in promises:
        dues = p[3]
        if dues:
            first = min(first, dues[:10])
            last = max(last, dues[-12:-2])
    counter = WorkingDays.spanning([date.fromisoformat(first), date.fromisoformat(last)])
    due_of: dict[str, date] = {}

    def as_date(text: str) -> date:
        found = due_of.get(text)
        if found is None:
            found = due_of[text] = date.fromisoformat(text)
        return found

    late_days: dict[str, int] = {}

    def late_by(text: str) -> int:
        found = late_days.get(text)
        if found is None:
            found = late_days[text] = counter.between(as_date(text), today)
        return found

    # The light pass: every open promise's place in the order and its share of the summary,
    # from the stored due dates alone (no JSON parsed but the short not-done lists).
    light: list[tuple[Any, ...]] = []
    for pid, stage_value, municipality_name, dues, not_done_text in promises:
        n, rounds, worst_round, worst, next_due = _late_facts(dues, today_text, late_by)
        not_done = len(json.loads(not_done_text)) if not_done_text else 0
        key = (-worst_round, -rounds, -worst, -n, -not_done, next_due or "9999-12-31", pid)
        light.append((key, pid, stage_value, municipality_name, n, rounds, worst, not_done))
    chosen = [
        r
        for r in light
        if (not municipality or r[_MUNICIPALITY] == municipality)
        and (not stage or r[_STAGE] == stage)
        and (not late or r[_WORST] > 0)
    ]
    # Worst first, by the key, which ends in the (unique) promise id: severity's order. A page
    # needs only its first offset + limit rows in order, not all ten thousand.
    ordered = sorted(chosen) if limit is None else heapq.nsmallest(offset + limit, chosen)
    shown_ids = [r[_ID] for r in ordered[offset : None if limit is None else offset + limit]]
    records = _records(session, region, year, shown_ids)
    further = _further_organisations(session, shown_ids)
    people = _coordinators(
        session,
        region,
        {
            org_id
            for pid in shown_ids
            for org_id in (
                records[pid][9],
                records[pid][10],
                *(org_id for org_id, _ in further.get(pid, [])),
            )
        },
    )
    deadlines = {pid: json.loads(records[pid][13]) for pid in shown_ids}
    for d_list in deadlines.values():
        for d in d_list:
            as_date(d[4])
    stages = {s.value: s for s in Stage}

    rows = []
    for pid in shown_ids:
        (
            _pid,
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
            _open,
            not_done_text,
        ) = records[pid]
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
        "summary": _summarise_light(light, closed),
        "page": {
            "offset": offset,
            "limit": limit,
            "total": len(chosen),
            "year": year,
            "municipality": municipality,
            "stage": stage,
            "late": late,
        },
        "municipalities": sorted({r[_MUNICIPALITY] for r in light}),
    }


def _summarise_light(light: list[tuple[Any, ...]], closed: int) -> dict[str, Any]:
    """Counts over every open promise, from the light rows (tuples holding counts), in one
    pass: per stage, how many late, and the municipalities most overdue (their definition
    over full rows is the test's: tests/regional/test_overview_demo.py)."""
    by_stage = {stage.value: 0 for stage in CYCLE}
    municipalities: dict[str, dict[str, Any]] = {}
    late = late_evaluations = overdue_items = overdue_rounds = not_done = worst_of_all = 0
    for _key, _pid, stage_value, name, n, rounds, worst, row_not_done in light:
        by_stage[stage_value] = by_stage.get(stage_value, 0) + 1
        m = municipalities.get(name)
        if m is None:
            m = municipalities[name] = {
                "municipality": name,
                "promises": 0,
                "late": 0,
                "overdue_items": 0,
                "overdue_rounds": 0,
                "worst_working_days_late": 0,
            }
        m["promises"] += 1
        if n:
            late += 1
            m["late"] += 1
            m["overdue_items"] += n
            overdue_items += n
        if rounds:
            late_evaluations += 1
            m["overdue_rounds"] += rounds
            overdue_rounds += rounds
        if worst > m["worst_working_days_late"]:
            m["worst_working_days_late"] = worst
        worst_of_all = max(worst_of_all, worst)
        not_done += row_not_done
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
        "promises": len(light),
        "closed": closed,
        "by_stage": by_stage,
        "late": late,
        "on_track": len(light) - late,
        "late_evaluations": late_evaluations,
        "overdue_items": overdue_items,
        "overdue_rounds": overdue_rounds,
        "activities_not_done": not_done,
        "worst_working_days_late": worst_of_all,
        "municipalities_most_overdue": ranked,
    }


def known_regions(session: Session) -> list[str]:
    """The region ids in the catalogue (for error messages and the all-regions report)."""
    return sorted(session.connection().execute(sa_select(col(Region.id))).scalars())
