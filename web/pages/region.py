"""The police region's overview: who is late, worst first, for its coordinators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from application.regional import show_overview, status_history_of
from lifecycle.errors import LofteError, NotFound
from lifecycle.permissions import Principal
from lifecycle.stages import CYCLE
from web.pages.common import guarded, run
from web.pages.i18n import language_of, translator
from web.pages.render import page

router = APIRouter()


def _filtered(rows: list[dict[str, Any]], municipality: str, stage: str, late: bool) -> list[Any]:
    """The overview's rows the filters keep (same rows, same worst-first order)."""
    return [
        r
        for r in rows
        if (not municipality or r["municipality"] == municipality)
        and (not stage or r["stage"] == stage)
        and (not late or (r["worst_working_days_late"] or 0) > 0)
    ]


def _trend_chart(history: list[dict[str, Any]], title: str) -> str:
    """The late promises of the stored snapshots as a line, oldest first (SVG; the table
    below it is the same figures for those who cannot see it)."""
    from datetime import date

    from reports.charts import indicator_chart

    points = [(date.fromisoformat(h["taken_on"][:10]), float(h["late"])) for h in history]
    return indicator_chart(sorted(points), None, None, title)


@router.get("/oversikt/{region}")
async def overview(
    request: Request, region: str, kommun: str = "", steg: str = "", sena: str = ""
) -> Response:
    """The police region's overview: worst first, filters, downloads, the stored trend."""

    async def body(principal: Principal) -> Response:
        lang = language_of(request)
        data = await run(show_overview, principal, region=region, language=lang)
        try:
            history = await run(status_history_of, principal, region=region)
        except LofteError:
            history = []
        trend = _trend_chart(history, translator(lang)("Försenade löften per lägesrapport"))
        rows = _filtered(data["rows"], kommun[:200], steg[:40], bool(sena))
        municipalities = sorted({r["municipality"] for r in data["rows"]})
        stages = [{"value": s.value, "name": s.name_in("sv")} for s in CYCLE]
        return page(
            request,
            "overview.html",
            principal=principal,
            d=data,
            rows=rows,
            history=history[:12],
            trend=Markup(trend),  # built from numbers and an escaped title
            municipalities=municipalities,
            stages=stages,
            chosen={"kommun": kommun, "steg": steg, "sena": bool(sena)},
        )

    return await guarded(request, body)


@router.get("/oversikt/{region}/oversikt.{fmt}")
async def overview_download(request: Request, region: str, fmt: str) -> Response:
    """The same overview as CSV or XLSX, for Excel."""

    async def body(principal: Principal) -> Response:
        if fmt not in ("csv", "xlsx"):
            raise NotFound(f"no download as {fmt}")
        params = {"region": region, "format": fmt, "language": language_of(request)}
        result = await run(show_overview, principal, **params)
        return Response(
            result.content,
            media_type=result.media_type,
            headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
        )

    return await guarded(request, body)
