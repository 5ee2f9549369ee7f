"""The regional level: the overview of who is late, status reports and their history."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from application.access import require_region
from application.promises import _region
from application.usecase import FileResult, StreamedFile
from config.clock import current_time, local_day
from lifecycle.errors import InputError
from lifecycle.permissions import Action, Principal
from models.db import read_scope
from models.inputs import AsOf
from reports.office import XLSX_MEDIA_TYPE
from reports.overview import build_overview
from reports.overview_render import iter_csv, iter_xlsx, render


def _own_region(principal: Principal | None, region: str | None) -> str:
    region = region or (principal.region_id if principal else None)
    if region is None:
        raise InputError.said("ange regionen (till exempel stockholm)")
    return region


class OverviewRequest(BaseModel):
    """A region's overview, as seen on a day (``as_of``: a read-only "what if", default now)."""

    region: str | None = Field(default=None, max_length=40)
    format: Literal["table", "json", "csv", "xlsx"] = "json"
    language: Literal["sv", "en"] = "sv"
    as_of: AsOf = None
    # Which rows (the summary always counts every open promise): the calendar year of the
    # promises' current cycle, a municipality, a stage, only the late; and one page of them.
    year: int | None = Field(default=None, ge=2000, le=2200)
    municipality: str = Field(default="", max_length=200)
    stage: str = Field(default="", max_length=40)
    late: bool = False
    offset: int = Field(default=0, ge=0, le=10_000_000)
    limit: int | None = Field(default=None, ge=1, le=10_000)


MEDIA = {
    "table": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_MEDIA_TYPE,
}


def show_overview(principal: Principal | None, request: OverviewRequest) -> Any:
    """Every promise of the region, its stage and deadlines, worst first (regional coordinators)."""
    region = _own_region(principal, request.region)
    day = local_day(current_time(request.as_of))
    with read_scope() as session:
        _region(session, region)
        require_region(principal, Action.READ_REGION, region)
        data = build_overview(
            session,
            region,
            day,
            request.language,
            year=request.year,
            municipality=request.municipality,
            stage=request.stage,
            late=request.late,
            offset=request.offset,
            limit=request.limit,
        )
    if request.format == "json":
        return data
    name = f"oversikt-{region}-{day.isoformat()}.{'txt' if request.format == 'table' else request.format}"
    # The exports are made while they are sent (constant memory in the writers).
    if request.format == "xlsx":
        return StreamedFile(lambda: iter_xlsx(data, request.language), MEDIA["xlsx"], name)
    if request.format == "csv":
        return StreamedFile(
            lambda: (piece.encode("utf-8") for piece in iter_csv(data, request.language)),
            MEDIA["csv"],
            name,
        )
    text = render(data, request.format, request.language)
    return FileResult(text.encode("utf-8"), MEDIA[request.format], name)


class StatusReportRequest(BaseModel):
    """Take, store and send the status report of one region (or, for admins, every region)."""

    region: str | None = Field(default=None, max_length=40)
    deliver: bool = True


class RegionStatusSent(BaseModel):
    """What a status-report run did for one region."""

    region: str
    snapshot_id: int
    snapshot_created: bool
    channel: str | None
    queued: bool
    promises: int
    late: int
    late_evaluations: int


class DispatchSummary(BaseModel):
    """What the dispatcher run after the reports did (``deliver``)."""

    claimed: int
    attempts: int
    sent: int
    retried: int
    dead: int
    released: int
    elapsed_s: float
    skipped_reason: str | None


class StatusReportSent(BaseModel):
    """The outcome of a status-report run: each region's report, and the delivery."""

    # The moment as the job wrote it (ISO 8601 with its offset; pydantic would write UTC as
    # "Z", and the API has always answered "+00:00").
    now: str
    day: date
    regions: list[RegionStatusSent]
    unrouted: list[str]
    queued: int
    dispatch: DispatchSummary | None


def send_status_report(
    principal: Principal | None, request: StatusReportRequest
) -> StatusReportSent:
    """Each region's status report, stored once a day and queued (then delivered) once."""
    from jobs.status_report import run_status_reports

    if request.region:
        with read_scope() as session:
            _region(session, request.region)
    require_region(principal, Action.SEND_STATUS_REPORT, request.region)
    report = run_status_reports(region=request.region, deliver=request.deliver)
    return StatusReportSent.model_validate(report.as_dict())


class StatusHistoryRequest(BaseModel):
    """A region's stored status reports, newest first."""

    region: str = Field(max_length=40)
    limit: int = Field(default=26, ge=1, le=1000)


class StatusHistoryRow(BaseModel):
    """One stored snapshot of a region: its day and time, and its trend figures (None where
    an older snapshot did not count that figure yet)."""

    snapshot_id: int
    taken_on: date
    taken_at: str  # as stored, ISO 8601 with its offset (see StatusReportSent.now)
    promises: int | None
    late: int | None
    on_track: int | None
    late_evaluations: int | None
    overdue_rounds: int | None
    overdue_items: int | None
    activities_not_done: int | None
    worst_working_days_late: int | None


def status_history_of(
    principal: Principal | None, request: StatusHistoryRequest
) -> list[StatusHistoryRow]:
    """Was the region better last quarter? The stored snapshots, newest first."""
    from jobs.status_report import status_history

    with read_scope() as session:
        _region(session, request.region)
        require_region(principal, Action.READ_REGION, request.region)
        return [
            StatusHistoryRow.model_validate(row)
            for row in status_history(session, request.region, request.limit)
        ]
