"""The year-end compilation: compile a promise's year (stored for the record) and a region's roll-up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from config.clock import local_today
from lifecycle.stages import Stage
from models import Promise, YearEndCompilation
from models.db import session_scope
from reports.compilation import compile_year, region_roll_up
from views.lookup import get_promise


def compile_and_store(
    promise_id: int, language: str = "sv", now: datetime | None = None
) -> dict[str, Any]:
    """Compile the promise's current year and keep the data on its compilation row.

    The stored data is what the region's roll-up and later readers see, even after the
    promise has moved on to its next year.
    """
    today = local_today(now)
    with session_scope() as session:
        promise = get_promise(session, promise_id)
        data = compile_year(session, promise, today, language)
        row = session.exec(
            select(YearEndCompilation).where(
                YearEndCompilation.promise_id == promise_id,
                YearEndCompilation.cycle_year == promise.cycle_year,
            )
        ).first() or YearEndCompilation(promise_id=promise_id, cycle_year=promise.cycle_year)
        if row.approved_at is None:
            row.content = data
            session.add(row)
        elif row.content.get("language") == language:
            # An approved compilation is the record: show it as approved, never rewrite it.
            return dict(row.content)
    return data


def region_compilations(
    session: Session, region: str, year: int | None, language: str, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Every compilation of the region (stored, or compiled now for promises in the stage)."""
    today = local_today(now)
    promises = session.exec(select(Promise).where(Promise.region_id == region)).all()
    ids = [p.id for p in promises]
    stored = (
        session.exec(
            select(YearEndCompilation).where(col(YearEndCompilation.promise_id).in_(ids))
        ).all()
        if ids
        else []
    )
    # Approval lives on the row (the content may have been compiled before it was approved).
    found = {
        (c.promise_id, c.cycle_year): {
            **c.content,
            "approved_by": c.approved_by,
            "approved_at": c.approved_at.isoformat() if c.approved_at else None,
        }
        for c in stored
        if c.content
    }
    for p in promises:
        if p.stage is Stage.YEAR_END_COMPILATION and (p.id, p.cycle_year) not in found:
            found[(p.id, p.cycle_year)] = compile_year(session, p, today, language)  # type: ignore[index]
    result = list(found.values())
    if year is not None:
        result = [c for c in result if c["promise"]["year_end"][:4] == str(year)]
    return result


def roll_up(
    region: str, year: int | None = None, language: str = "sv", now: datetime | None = None
) -> dict[str, Any]:
    """The region's roll-up of compilations."""
    with session_scope() as session:
        return region_roll_up(
            region_compilations(session, region, year, language, now), region, language
        )
