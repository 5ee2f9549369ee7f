"""The stored status of each promise (``models.status.PromiseStatus``), kept in step.

Every transaction that changes a promise, its deadlines, evaluation rounds, activity reports,
year-end compilations or promise texts also rewrites the status row of that promise before it
commits: a session event collects the promises touched by each flush, and ``before_commit``
recomputes their rows from the tables themselves. Changes the ORM does not see (a bulk
``UPDATE``/``DELETE`` statement) name their promise with ``mark``. So the region-wide pages
read one row per promise instead of every deadline and round, and the stored row is never
older than the data it summarises (``tests/test_promise_status.py`` checks that after every
use case).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from itertools import chain
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from config.clock import local_day
from lifecycle.deadlines import KIND_ROUND, KIND_STAGE
from lifecycle.public_status import ROUND, YEAR_END
from lifecycle.stages import Stage
from lifecycle.vocabulary import ActivityStatus
from models.artefacts import (
    Activity,
    ActivityStatusReport,
    EvaluationRound,
    PromiseText,
    YearEndCompilation,
)
from models.base import as_utc, utcnow
from models.operations import Deadline
from models.promise import Promise
from models.status import PromiseStatus

_TOUCHED = "lofte.status.promises"
_ROUNDS = "lofte.status.rounds"
# Rows whose change can alter a promise's status, found through their ``promise_id``.
_WATCHED = (Deadline, EvaluationRound, YearEndCompilation, PromiseText, Activity)
# Fields the status is computed from; ``updated_at`` is when, not what.
FIELDS = (
    "region_id",
    "stage",
    "cycle_year",
    "current_year",
    "closed",
    "published",
    "first_open_due",
    "open_deadlines",
    "open_dues",
    "not_done",
    "public_reports",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _iso(value: date | str | None) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def compute(session: Session, promise_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The status of each promise as the tables say now (the fields of ``FIELDS``).

    Plain column reads (not the ORM's identity map), so a row changed by a bulk statement in
    the same transaction is read as it is in the database.
    """
    ids = sorted({i for i in promise_ids if i is not None})
    if not ids:
        return {}
    conn = session.connection()

    def rows(query: Any) -> list[Any]:
        return list(conn.execute(query))  # plain rows: their types are the columns'

    found: dict[int, dict[str, Any]] = {}
    for pid, region_id, stage, cycle_year, term_start in rows(
        sa_select(
            col(Promise.id),
            col(Promise.region_id),
            col(Promise.stage),
            col(Promise.cycle_year),
            col(Promise.term_start),
        ).where(col(Promise.id).in_(ids))
    ):
        stage_value = Stage(stage).value
        found[pid] = {
            "region_id": region_id,
            "stage": stage_value,
            "cycle_year": cycle_year,
            "current_year": term_start.year + cycle_year - 1,
            "closed": stage_value == Stage.CLOSED.value,
            "published": False,
            "first_open_due": None,
            "open_deadlines": [],
            "open_dues": "",
            "not_done": [],
            "public_reports": [],
        }
    present = list(found)
    if not present:
        return {}

    year_end_dues: list[tuple[int, int, date]] = []
    for pid, kind, stage, year, ref, due, nominal, done in rows(
        sa_select(
            col(Deadline.promise_id),
            col(Deadline.kind),
            col(Deadline.stage),
            col(Deadline.cycle_year),
            col(Deadline.ref),
            col(Deadline.due),
            col(Deadline.nominal_due),
            col(Deadline.done),
        )
        .where(col(Deadline.promise_id).in_(present))
        .order_by(col(Deadline.promise_id), col(Deadline.due), col(Deadline.id))
    ):
        if kind == KIND_STAGE and stage == Stage.YEAR_END_COMPILATION.value:
            year_end_dues.append((pid, year, due))
        if not done:
            found[pid]["open_deadlines"].append([kind, stage, year, ref, _iso(due), _iso(nominal)])
    for status in found.values():
        opened = status["open_deadlines"]
        status["first_open_due"] = date.fromisoformat(opened[0][4]) if opened else None
        status["open_dues"] = ",".join(
            sorted(f"{d[4]}|{'r' if d[0] == KIND_ROUND else 's'}" for d in opened)
        )

    for (pid,) in rows(
        sa_select(col(PromiseText.promise_id))
        .where(col(PromiseText.promise_id).in_(present), col(PromiseText.published_at).is_not(None))
        .distinct()
    ):
        found[pid]["published"] = True

    reports: dict[int, list[list[Any]]] = {pid: [] for pid in present}
    for pid, year, number, due, submitted in rows(
        sa_select(
            col(EvaluationRound.promise_id),
            col(EvaluationRound.cycle_year),
            col(EvaluationRound.number),
            col(EvaluationRound.due),
            col(EvaluationRound.submitted_at),
        ).where(col(EvaluationRound.promise_id).in_(present))
    ):
        reported = local_day(as_utc(submitted)) if submitted else None
        reports[pid].append([ROUND, year, number, _iso(due), _iso(reported)])
    approved = {
        (pid, year): local_day(as_utc(at))
        for pid, year, at in rows(
            sa_select(
                col(YearEndCompilation.promise_id),
                col(YearEndCompilation.cycle_year),
                col(YearEndCompilation.approved_at),
            ).where(
                col(YearEndCompilation.promise_id).in_(present),
                col(YearEndCompilation.approved_at).is_not(None),
            )
        )
    }
    for pid, year, due in year_end_dues:
        reports[pid].append([YEAR_END, year, None, _iso(due), _iso(approved.get((pid, year)))])
    for pid, owed in reports.items():
        owed.sort(key=lambda r: (r[3], r[0], r[2] or 0, r[1]))
        found[pid]["public_reports"] = owed

    # Activities of the current cycle year whose latest submitted report says not done.
    latest: dict[int, tuple[int, int, str, str | None, str, str | None]] = {}
    for pid, activity_id, title, responsible, number, year, status, reason in rows(
        sa_select(
            col(EvaluationRound.promise_id),
            col(Activity.id),
            col(Activity.title),
            col(Activity.responsible),
            col(EvaluationRound.number),
            col(EvaluationRound.cycle_year),
            col(ActivityStatusReport.status),
            col(ActivityStatusReport.reason),
        )
        .select_from(ActivityStatusReport)
        .join(EvaluationRound, col(EvaluationRound.id) == col(ActivityStatusReport.round_id))
        .join(Activity, col(Activity.id) == col(ActivityStatusReport.activity_id))
        .where(
            col(EvaluationRound.promise_id).in_(present),
            col(EvaluationRound.submitted_at).is_not(None),
        )
    ):
        if year != found[pid]["cycle_year"]:
            continue
        seen = latest.get(activity_id)
        if seen is None or number > seen[1]:
            latest[activity_id] = (pid, number, title, responsible, str(status), reason)
    for activity_id in sorted(latest):
        owner, number, title, responsible, said, why = latest[activity_id]
        if said == ActivityStatus.NOT_DONE.value:
            found[owner]["not_done"].append(
                {
                    "activity_id": activity_id,
                    "title": title,
                    "responsible": responsible,
                    "round": number,
                    "reason": why,
                }
            )
    return found


def stored(session: Session, promise_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The stored status rows of the promises, decoded as ``compute`` returns them."""
    ids = sorted(set(promise_ids))
    found: dict[int, dict[str, Any]] = {}
    for row in session.connection().execute(
        sa_select(*(getattr(PromiseStatus, f) for f in ("promise_id", *FIELDS))).where(
            col(PromiseStatus.promise_id).in_(ids)
        )
    ):
        values = dict(zip(("promise_id", *FIELDS), row, strict=True))
        pid = values.pop("promise_id")
        for key in ("open_deadlines", "not_done", "public_reports"):
            values[key] = json.loads(values[key])
        values["closed"], values["published"] = bool(values["closed"]), bool(values["published"])
        found[pid] = values
    return found


def refresh(session: Session, promise_ids: Iterable[int]) -> int:
    """Rewrite the status rows of the promises from the tables (the caller's transaction);
    how many were written. A promise that no longer exists loses its row."""
    ids = {i for i in promise_ids if i is not None}
    if not ids:
        return 0
    now = utcnow()
    computed = compute(session, ids)
    for pid in ids:
        row = session.get(PromiseStatus, pid)
        status = computed.get(pid)
        if status is None:
            if row is not None:
                session.delete(row)
            continue
        values = dict(status)
        for key in ("open_deadlines", "not_done", "public_reports"):
            values[key] = _dumps(values[key])
        if row is None:
            row = PromiseStatus(promise_id=pid, **values, updated_at=now)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
        session.add(row)
    return len(computed)


def refresh_missing(session: Session, batch: int = 500) -> int:
    """Write the status of every promise that has none (after the migration that made the
    table, or data loaded around the use cases); how many were written."""
    missing: list[Any] = list(
        session.connection()
        .execute(
            sa_select(col(Promise.id))
            .where(col(Promise.id).not_in(sa_select(col(PromiseStatus.promise_id))))
            .order_by(col(Promise.id))
        )
        .scalars()
    )
    for start in range(0, len(missing), batch):
        refresh(session, missing[start : start + batch])
        session.flush()
    return len(missing)


def recompute_all(session: Session, batch: int = 500) -> tuple[int, list[int]]:
    """Recompute the stored status of every promise from the tables (after a release whose
    rules changed) and rewrite the rows that differ, in the caller's transaction; how many
    promises were checked, and the ids of those whose stored row was wrong or missing."""
    ids: list[Any] = list(
        session.connection().execute(sa_select(col(Promise.id)).order_by(col(Promise.id))).scalars()
    )
    differed: list[int] = []
    for start in range(0, len(ids), batch):
        part = ids[start : start + batch]
        fresh, kept = compute(session, part), stored(session, part)
        wrong = [pid for pid in part if fresh.get(pid) != kept.get(pid)]
        refresh(session, wrong)
        session.flush()
        differed += wrong
    return len(ids), differed


def mark(session: Session, promise_id: int | None) -> None:
    """Name a promise changed by a statement the ORM does not track (a bulk UPDATE or
    DELETE); its status is rewritten before the transaction commits."""
    if promise_id is not None:
        session.info.setdefault(_TOUCHED, set()).add(promise_id)


@event.listens_for(OrmSession, "after_flush")
def _collect(session: OrmSession, _context: Any) -> None:
    """Remember which promises this flush touched (their status is rewritten at commit)."""
    touched: set[int] = session.info.setdefault(_TOUCHED, set())
    rounds: set[int] = session.info.setdefault(_ROUNDS, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Promise):
            if obj.id is not None:
                touched.add(obj.id)
        elif isinstance(obj, _WATCHED):
            touched.add(obj.promise_id)
        elif isinstance(obj, ActivityStatusReport):
            rounds.add(obj.round_id)


@event.listens_for(OrmSession, "before_commit")
def _rewrite(session: OrmSession) -> None:
    """Before the transaction commits: the status of every promise it touched, rewritten."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    touched: set[int] = session.info.pop(_TOUCHED, set())
    rounds: set[int] = session.info.pop(_ROUNDS, set())
    if rounds:
        touched |= set(
            session.connection()
            .execute(
                sa_select(col(EvaluationRound.promise_id)).where(
                    col(EvaluationRound.id).in_(rounds)
                )
            )
            .scalars()
        )
    if touched:
        refresh(cast(Session, session), touched)
        session.flush()
        # Writing the status rows is itself a flush: what it collected is already done.
        session.info.pop(_TOUCHED, None)
        session.info.pop(_ROUNDS, None)


@event.listens_for(OrmSession, "after_rollback")
def _forget(session: OrmSession) -> None:
    """A rolled-back transaction changed nothing: forget what it touched."""
    session.info.pop(_TOUCHED, None)
    session.info.pop(_ROUNDS, None)
