"""A promise's deadlines as people and programs read them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from lifecycle.deadlines import (
    KIND_ROUND,
)
from lifecycle.stages import Stage
from models.operations import Deadline


def deadlines_of(session: Session, promise_id: int) -> list[Deadline]:
    """The promise's deadlines in date order."""
    return list(
        session.exec(
            select(Deadline)
            .where(Deadline.promise_id == promise_id)
            .order_by(col(Deadline.due), col(Deadline.id))
        )
    )


def open_deadlines_of(session: Session, promise_ids: list[int]) -> list[Deadline]:
    """The open deadlines of several promises in one query, in date order.

    Sorted here, not by the query: with ``ORDER BY due`` SQLite (without statistics) walks
    the region-wide ``(done, due)`` index to spare itself a sort, reading every open
    deadline of every promise (86,000 rows at 10,000 promises) to keep a coordinator's
    ninety. Without it, the ``(promise_id, done, due)`` index gives only the rows asked for.
    """
    if not promise_ids:
        return []
    rows = session.exec(
        select(Deadline).where(
            col(Deadline.promise_id).in_(promise_ids), col(Deadline.done).is_(False)
        )
    )
    return sorted(rows, key=lambda d: (d.due, d.id or 0))


def deadline_dict(deadline: Deadline, today: date) -> dict[str, Any]:
    """A deadline as JSON-friendly data (``lofte deadlines ID --json``, the API, the feeds)."""
    from lifecycle.calendar import working_days_between

    open_days = None if deadline.done else working_days_between(today, deadline.due)
    status = "done" if deadline.done else ("overdue" if deadline.due < today else "open")
    number = int(deadline.ref.split(":", 1)[1]) if deadline.kind == KIND_ROUND else None
    return {
        "id": deadline.id,
        "promise_id": deadline.promise_id,
        "kind": deadline.kind,
        "stage": deadline.stage,
        "stage_name_sv": Stage(deadline.stage).name_in("sv"),
        "stage_name_en": Stage(deadline.stage).name_in("en"),
        "cycle_year": deadline.cycle_year,
        "ref": deadline.ref,
        "round": number,
        "due": deadline.due.isoformat(),
        "nominal_due": deadline.nominal_due.isoformat() if deadline.nominal_due else None,
        "done": deadline.done,
        "done_at": deadline.done_at.isoformat() if deadline.done_at else None,
        "status": status,
        "working_days_left": open_days,
        "next_reminder_on": deadline.next_remind_on.isoformat()
        if deadline.next_remind_on
        else None,
    }
