"""The year-end compilation: compile a promise's year (stored for the record) and a region's roll-up."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from application.access import require, require_region
from application.artefacts import add_artefact
from application.promises import PromiseId, _region
from application.usecase import FileResult, signed_in
from config.clock import local_today
from lifecycle.permissions import Action, Principal
from lifecycle.stages import Stage
from models import Promise, YearEndCompilation
from models.db import read_scope, session_scope
from reports.compilation import compile_year, region_roll_up, render
from reports.compilation_docx import DOCX_MEDIA_TYPE, render_docx
from reports.pdf import PDF_MEDIA_TYPE, html_to_pdf
from views.lookup import get_promise


def _stored(session: Session, promise: Promise) -> YearEndCompilation | None:
    return session.exec(
        select(YearEndCompilation).where(
            YearEndCompilation.promise_id == promise.id,
            YearEndCompilation.cycle_year == promise.cycle_year,
        )
    ).first()


def current_compilation(
    session: Session, promise: Promise, language: str = "sv", now: datetime | None = None
) -> dict[str, Any]:
    """The promise's current year compiled now, or, once approved, the approved record.

    Reading never writes: the data is stored only when the compilation is approved.
    """
    row = _stored(session, promise)
    if row is not None and row.approved_at is not None and row.content.get("language") == language:
        return dict(row.content)  # the approved record is shown as approved, never recompiled
    return compile_year(session, promise, local_today(now), language)


def record_approval(
    actor: Principal,
    promise_id: int,
    approved_by: str,
    now: datetime | None = None,
    *,
    diarienummer: str | None = None,
    paragraph: str | None = None,
    decided_on: date | None = None,
) -> None:
    """Approve the year's compilation (steering group): the compiled data is stored with it.

    The stored data is what the region's roll-up and later readers see, even after the
    promise has moved on to its next year. One transaction; nothing is written if refused.
    """
    with session_scope() as session:
        promise = get_promise(session, promise_id)
        require(actor, Action.APPROVE_COMPILATION, promise)
        row = _stored(session, promise) or YearEndCompilation(
            promise_id=promise_id, cycle_year=promise.cycle_year
        )
        session.add(row)
        session.flush()
        approval = {
            "approved_by": approved_by,
            "diarienummer": diarienummer,
            "paragraph": paragraph,
            "decided_on": decided_on,
        }
        add_artefact(session, promise_id, "approval", approval, actor)
        # What is approved is the year as compiled now, with its decision; it is the record.
        row.content = compile_year(session, promise, local_today(now))
        session.add(row)


class ApprovalRequest(BaseModel):
    """Approve a promise's compilation, on behalf of (e.g.) ``Styrgruppen i Nacka``."""

    promise_id: PromiseId
    approved_by: str = Field(min_length=2, max_length=200)
    diarienummer: str | None = Field(
        default=None, max_length=80, description="The decision's file number (diarienummer)"
    )
    paragraph: str | None = Field(
        default=None, max_length=40, description="The paragraph of the minutes (§ 12)"
    )
    decided_on: date | None = Field(default=None, description="The day of the decision")


def approve(
    principal: Principal | None, request: ApprovalRequest, *, now: datetime | None = None
) -> None:
    """The first half of the use case ``compilation.approve`` (the flow
    ``approve-compilation`` then advances the promise): the steering group's decision
    recorded with the year as compiled now."""
    record_approval(
        signed_in(principal),
        request.promise_id,
        request.approved_by,
        now,
        diarienummer=request.diarienummer,
        paragraph=request.paragraph,
        decided_on=request.decided_on,
    )


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


class CompilationRequest(BaseModel):
    """A promise's year-end compilation, in a format and a language."""

    promise_id: PromiseId
    format: Literal["md", "html", "json", "docx", "pdf"] = "md"
    language: Literal["sv", "en"] = "sv"


def _document(data: dict[str, Any], fmt: str, name: str, template: str) -> Any:
    if fmt == "json":
        return data
    if fmt == "docx":
        # Committees decide on Word files: the same content, as a .docx.
        return FileResult(render_docx(data), DOCX_MEDIA_TYPE, f"{name}.docx")
    if fmt == "pdf":
        # The committee paper for the e-archive: the HTML rendering as PDF/A-2b.
        pdf = html_to_pdf(render(data, "html", template=template, paged=True))
        return FileResult(pdf, PDF_MEDIA_TYPE, f"{name}.pdf")
    media = "text/html; charset=utf-8" if fmt == "html" else "text/markdown; charset=utf-8"
    return FileResult(render(data, fmt, template=template).encode("utf-8"), media, f"{name}.{fmt}")


def show_compilation(principal: Principal | None, request: CompilationRequest) -> Any:
    """The promise's year-end compilation (read only: nothing is stored by looking)."""
    with read_scope() as session:
        promise = get_promise(session, request.promise_id)
        require(principal, Action.EXPORT_PROMISE, promise)
        data = current_compilation(session, promise, request.language)
    name = f"arssammanstallning-{request.promise_id}"
    return _document(data, request.format, name, "compilation")


class RollUpRequest(BaseModel):
    """A region's roll-up of compilations, optionally of the years ending in one year."""

    region: str = Field(max_length=40)
    year: int | None = Field(default=None, ge=2000, le=2100)
    format: Literal["md", "html", "json"] = "md"
    language: Literal["sv", "en"] = "sv"


def region_roll_up_as(principal: Principal | None, request: RollUpRequest) -> Any:
    """The region's roll-up of every promise's compilation (regional coordinators)."""
    with read_scope() as session:
        _region(session, request.region)
        require_region(principal, Action.READ_REGION, request.region)
        compilations = region_compilations(session, request.region, request.year, request.language)
        data = region_roll_up(compilations, request.region, request.language)
    return _document(data, request.format, f"sammanstallning-{request.region}", "rollup")
